"""Which rows hold some of a set of keys: one vectorised pass, no dictionary of every key.

Edits, their undo and a sync pull name the features they changed by key (code); the
listeners find those rows on the GUI thread (docs/ARCHITECTURE.md, *One change flow*).
pandas 3's ``isin`` on text first turns each wanted value into an Arrow scalar or infers
its type — ~40 ms for 10 000 codes over a 10 000-row column, 115 ms over a million —
where ``pyarrow.compute.is_in`` takes ~1 ms and ~25-50 ms (bench/bench_gaps.py: a pull of
10 000 edits spent most of its GUI-thread time there).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _arrow_text(values: Any) -> Any:
    """``values`` (a Series, a pandas array or an object ndarray) as Arrow text, or None
    when it is not text (numbers, mixed objects: pandas decides)."""
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.api.extensions.ExtensionArray):
        if not isinstance(values.dtype, pd.StringDtype):
            return None
        to_arrow = getattr(values, "__arrow_array__", None)
        data = to_arrow() if to_arrow is not None else None
    elif isinstance(values, np.ndarray) and values.dtype == object:
        try:
            data = pa.array(values, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    else:
        return None
    if data is None or not (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):
        return None
    return data


def isin(values: Any, wanted: Sequence[str]) -> np.ndarray:
    """A bool array: which of ``values`` are one of ``wanted`` (text keys; a missing value
    is never wanted).  ``values`` may also be a pyarrow string array."""
    data = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else _arrow_text(values)
    want = [str(w) for w in wanted]
    if data is None or not (pa.types.is_string(data.type)
                            or pa.types.is_large_string(data.type)):
        series = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
        return np.asarray(series.isin(want).to_numpy(dtype=bool), dtype=bool)
    shared = not isinstance(values, np.ndarray)  # an object array's Arrow copy is new
    ident = identity(data) if shared else None
    if ident is not None:
        known = _known(ident, want)
        if known is not None:
            return known.copy()
    hit = pc.is_in(data, value_set=pa.array(want, type=data.type))
    out = np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)
    if ident is not None:
        _keep(data, ident, want, out.copy())
    return out


# The last lookup over Arrow keys, kept for the next listener of the same change: a pull of
# 10 000 edits at 1M outfalls looks the same codes up in the same key column three times on
# the GUI thread (the workspace's write, the map layer's patch, the inventory table), ~50 ms
# each.  The column is known by its buffers' addresses; the entry holds the array itself,
# so those buffers (Arrow's are never written in place) cannot be freed and reused by
# another column while the entry lives.  The keys are kept as the list they came in: the
# listeners of one change ask with the same strings in the same order, which a list
# comparison (in C, each string first compared by identity) confirms; a set of them is
# made only when the order differs (a set of 10 000 keys made per listener was ~1-2 ms
# of a pull's announce at 1M, three times).
_last: list[_Entry] = []
_last_lock = threading.Lock()


class _Entry:
    __slots__ = ("data", "ident", "keys", "_as_set", "mask")

    def __init__(self, data: Any, ident: tuple[Any, ...], keys: list[str],
                 mask: np.ndarray) -> None:
        self.data, self.ident, self.keys, self.mask = data, ident, keys, mask
        self._as_set: frozenset[str] | None = None

    def holds(self, ident: tuple[Any, ...], wanted: Sequence[str]) -> bool:
        """Whether this entry is the lookup of ``wanted`` (as a set) in that column."""
        if ident != self.ident:
            return False
        if len(wanted) == len(self.keys) and list(wanted) == self.keys:
            return True
        if self._as_set is None:
            self._as_set = frozenset(self.keys)
        return frozenset(str(w) for w in wanted) == self._as_set


def _known(ident: tuple[Any, ...], wanted: Sequence[str]) -> np.ndarray | None:
    """The mask of the last lookup when it was of ``wanted`` in the column ``ident``."""
    with _last_lock:
        last = _last[0] if _last else None
    return last.mask if last is not None and last.holds(ident, wanted) else None


def _keep(data: Any, ident: tuple[Any, ...], keys: Sequence[str], mask: np.ndarray) -> None:
    entry = _Entry(data, ident, [str(k) for k in keys], mask)
    with _last_lock:
        _last[:] = [entry]


def identity(data: Any) -> tuple[Any, ...]:
    """What an Arrow array (or chunked array) is made of: type, lengths, offsets and its
    buffers' addresses — equal for two arrays over the same memory.  Arrow never writes a
    buffer in place, so while one of them lives, equal identities mean equal contents."""
    chunks = data.chunks if isinstance(data, pa.ChunkedArray) else [data]
    return (str(data.type), len(data), *(
        (c.offset, len(c), *((b.address, b.size) if b is not None else None
                             for b in c.buffers())) for c in chunks))


def remember(values: Any, wanted: Sequence[str], rows: Any) -> bool:
    """Tell the listeners of the next change where ``wanted`` are: ``rows``, their row
    positions in ``values`` (one per key, each key held by that row alone), found
    elsewhere — a sync pull finds its keys' rows in its worker, on the key column as it was
    when the sync began.  The next :func:`isin` / :func:`rows_known` of those keys in that
    key column then makes no pass over it (a pull's piece of 1 000 keys: ~2 ms of the GUI
    thread per piece at 100k outfalls, twice — the map's patch and the table).

    ``values`` must be the column the rows were found in: the entry is known by its Arrow
    buffers, so a key column written or replaced since (a renamed code, an import) no
    longer matches it and the listeners look the keys up themselves.  False (nothing
    remembered) for a column that is not Arrow text or rows that do not fit it."""
    data = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else _arrow_text(values)
    at = np.asarray(rows, dtype=np.int64)
    if data is None or isinstance(values, np.ndarray) or len(at) != len(wanted) \
            or (len(at) and (at.min() < 0 or at.max() >= len(data))):
        return False
    mask = np.zeros(len(data), dtype=bool)
    mask[at] = True
    _keep(data, identity(data), wanted, mask)
    return True


def rows_known(values: Any, wanted: Sequence[str]) -> np.ndarray | None:
    """:func:`rows_holding` when the last lookup was that one (the same key column, the
    same keys: another listener of the same change made it), else None — without a pass."""
    data = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else _arrow_text(values)
    if data is None or isinstance(values, np.ndarray):
        return None
    known = _known(identity(data), wanted)
    return None if known is None else np.flatnonzero(known)


def rows_holding(values: Any, wanted: Sequence[str]) -> np.ndarray:
    """Positions (ascending) of the rows of ``values`` that hold one of ``wanted``."""
    return np.flatnonzero(isin(values, wanted))


def positions_of(values: Any, wanted: Sequence[str]) -> list[int] | None:
    """The row position of each of ``wanted`` in ``values`` (-1: not there), by one
    :func:`rows_holding` pass; None when a wanted key is held by more than one row (the
    caller then decides which).  Reads only ``values``: safe in a worker on a column taken
    from a frame on the GUI thread (pandas copies on write, so later edits leave it be)."""
    at = rows_holding(values, wanted)
    taken = values.take(at) if isinstance(values, pd.Series) else np.asarray(values)[at]
    held = pd.Series(taken, copy=False).astype(str).tolist()
    found = dict(zip(held, at.tolist(), strict=True))
    if len(found) != len(at):
        return None
    return [found.get(str(k), -1) for k in wanted]
