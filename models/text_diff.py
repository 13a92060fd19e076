"""Differences between two versions of a requirement text (准入要求), marked for reading.

The four access dimensions are numbered clauses ("1. … 2. …").  The texts are compared
clause by clause first (difflib on the list of clauses), then character by character inside
a clause that was rewritten, so a changed figure shows as one struck and one inserted number
rather than a whole replaced paragraph.  Chinese has no spaces between words, hence
characters, not words, as the unit.
"""

from __future__ import annotations

import difflib
import re
from html import escape
from typing import Any

#: (op, text): op is "=" unchanged, "-" deleted, "+" inserted.
Segment = tuple[str, str]

_CLAUSE = re.compile(r"(?<=[。；;])\s*|\s+(?=\d{1,2}[.、．]\s*)")


def normalise(text: Any) -> str:
    """The text with runs of whitespace as one space; None/NaN as empty."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return re.sub(r"\s+", " ", str(text)).strip()


def clauses(text: str) -> list[str]:
    """Split at the end of sentences and before clause numbers; keeps every character."""
    parts = [p for p in _CLAUSE.split(text) if p]
    return parts


def _chars(a: str, b: str) -> list[Segment]:
    out: list[Segment] = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.append(("=", a[i1:i2]))
            continue
        if i2 > i1:
            out.append(("-", a[i1:i2]))
        if j2 > j1:
            out.append(("+", b[j1:j2]))
    return out


def diff(before: Any, after: Any) -> list[Segment]:
    """Segments that turn ``before`` into ``after`` (empty list when they are the same)."""
    a, b = normalise(before), normalise(after)
    if a == b:
        return []
    ca, cb = clauses(a), clauses(b)
    out: list[Segment] = []
    sm = difflib.SequenceMatcher(None, ca, cb, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        old, new = " ".join(ca[i1:i2]), " ".join(cb[j1:j2])
        if out and (old or new):
            out.append(("=", " "))
        if op == "equal":
            out.append(("=", old))
        elif op == "replace" and difflib.SequenceMatcher(None, old, new).ratio() >= 0.4:
            out.extend(_chars(old, new))  # a rewritten clause: mark the characters
        else:
            if old:
                out.append(("-", old))
            if new:
                out.append(("+", new))
    return _merge(out)


def _merge(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for op, text in segments:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def changed(before: Any, after: Any) -> bool:
    if isinstance(before, str) and before == after:  # the usual case, without the regex
        return False
    return normalise(before) != normalise(after)


def as_text(segments: list[Segment]) -> str:
    """Plain-text marking: ``[-deleted-]`` and ``{+inserted+}`` (as ``git diff --word-diff``)."""
    return "".join(t if op == "=" else (f"[-{t}-]" if op == "-" else f"{{+{t}+}}")
                   for op, t in segments)


def as_html(segments: list[Segment]) -> str:
    """HTML marking: deletions struck through on red, insertions underlined on green.

    Uses ``<font>``/``<s>``/``<u>`` besides CSS so that Qt's rich text (the PDF) shows the
    same marks as a browser."""
    out = []
    for op, t in segments:
        e = escape(t)
        if op == "-":
            out.append(f'<s><font color="#b71c1c" style="background:#fde0dc">{e}</font></s>')
        elif op == "+":
            out.append(f'<u><font color="#1b5e20" style="background:#dcf5dc">{e}</font></u>')
        else:
            out.append(e)
    return "".join(out)


def counts(segments: list[Segment]) -> tuple[int, int]:
    """Characters deleted and inserted."""
    return (sum(len(t) for op, t in segments if op == "-"),
            sum(len(t) for op, t in segments if op == "+"))
