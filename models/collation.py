"""Chinese sort order: Han characters by pinyin, as Excel, WPS and Windows sort them.

Sorting by code point puts 丰泽区 (U+4E30) after 鲤城区 (U+9CA4) and before 安溪县 is
anywhere near where a Chinese user looks for it; the expected order is by pinyin
(安溪 an, 德化 de, 丰泽 feng, 晋江 jin, 鲤城 li …).

:func:`sort_keys` turns strings into keys that sort in that order with a plain string
comparison, so numpy can sort 100k of them: each Han character becomes
``\\x7f`` + toneless pinyin + tone digit + the character itself (homophones then fall back
to code point), digits and Latin letters stay as they are (case-folded), so they come
before Chinese.  The reading is the character's first reading in pypinyin's character
table (MIT; ~42k characters; no phrase dictionary, so 长乐 sorts under zhang, as in
Excel's character-by-character pinyin sort).  The table is built once, on first use
(~0.1 s, from pypinyin's JSON file: see :func:`_pinyin_readings`; the window makes it in
a worker with :func:`warm`), and applied with ``str.translate`` (C speed).  Qt-free.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

HAN_MARK = "\x7f"  # after every ASCII character, so digits and letters sort first


@lru_cache(maxsize=4096)
def _toneless(reading: str) -> tuple[str, int]:
    """'zhōng' -> ('zhong', 1); 'ma' (neutral tone) -> ('ma', 5)."""
    tone = 5
    out = []
    for ch in unicodedata.normalize("NFD", reading):
        mark = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}.get(ch)
        if mark is not None:
            tone = mark
        elif ch == "\u0308":  # ü: keep it apart from u, after it ("v" as in pinyin input)
            out[-1] = "v"
        else:
            out.append(ch)
    return "".join(out), tone


def _pinyin_readings() -> dict[int, str]:
    """pypinyin's character table, {code point: "reading,reading"}, read from its JSON
    file without importing the package: ``import pypinyin`` also loads its phrase
    dictionary (2.5 MB of JSON decoded in one call, ~110 ms with the GIL held: the window
    stopped that long the first time a Chinese column was sorted).  The file has one
    entry a line; it is decoded a few thousand lines per call, the GIL handed over between
    calls in a worker.  Anything unexpected falls back to pypinyin's own module."""
    import importlib.util
    import json
    import os

    from geodata import gil_slices

    try:
        spec = importlib.util.find_spec("pypinyin")
        folders = list(spec.submodule_search_locations or []) if spec else []
        path = next(p for p in (os.path.join(f, "pinyin_dict.json") for f in folders)
                    if os.path.isfile(p))
        with open(path, encoding="utf-8") as fp:
            lines = fp.read().strip().splitlines()
        if lines[0].strip() != "{" or lines[-1].strip() != "}":
            raise ValueError(f"{path}: not one entry a line")
        body = lines[1:-1]
        out: dict[int, str] = {}
        for part in gil_slices.slices(len(body), 4_096):
            chunk = json.loads("{" + "".join(body[part]).rstrip().rstrip(",") + "}")
            out.update((int(k), v) for k, v in chunk.items())
        if len(out) < 20_000:  # the table has ~42k characters
            raise ValueError(f"{path}: {len(out)} characters only")
        return out
    except (StopIteration, OSError, ValueError, ImportError, AttributeError):
        from pypinyin.pinyin_dict import pinyin_dict

        return dict(pinyin_dict)


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    # ~42k characters but ~1 500 readings: each reading is worked out once (with every
    # character's reading decomposed the table took 0.25-0.6 s, on the GUI thread the
    # first time a small inventory was sorted by a Chinese column).  A plain dict, made
    # whole: ``str.translate`` looks a subclass's keys up ~30 % slower (1M names)
    table: dict[int, str] = {}
    for cp, readings in _pinyin_readings().items():
        comma = readings.find(",")
        syllable, tone = _toneless(readings if comma < 0 else readings[:comma])
        table[cp] = f"{HAN_MARK}{syllable}{tone}{chr(cp)}"
    # Latin capitals sort with their small letters (a user expects "a" and "A" together)
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)
    return table


def warm() -> None:
    """Make the character table now (~0.1-0.15 s; its file read in slices that hand the
    GIL over): for a worker, so that the first sort by a Chinese column does not make it
    on the GUI thread."""
    _table()


def sort_key(text: str) -> str:
    return text.translate(_table())


def sort_keys(values: Iterable[str]) -> np.ndarray:
    """Sort keys (a numpy unicode array) for ``values``, in the same order."""
    table = _table()
    return np.asarray([str(v).translate(table) for v in values], dtype=str)


def sort_key_list(values: Iterable[str]) -> list[str]:
    """Sort keys for ``values`` (str), as a list: for callers that keep them elsewhere
    than in a numpy array (the inventory table's Arrow keys)."""
    table = _table()
    return [v.translate(table) for v in values]


def needs_collation(values: np.ndarray) -> bool:
    """True if any value has a character outside ASCII (else code-point order is right
    apart from letter case, which codes and English labels do not mix)."""
    try:
        return not all(str(v).isascii() for v in values)
    except TypeError:
        return True
