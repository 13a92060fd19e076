"""The outfall inventory table's text columns, without a Python ``str`` per row.

At 1M outfalls the table held its codes and names as object arrays of Python strings
(~75 MB and ~100 MB), every other column as an object array of shared strings (8 MB each)
and a dictionary code -> row (~70 MB): ~0.35 GB for what the frame already holds as Arrow
strings and categoricals (issue 17).  Here a column is one of two kinds, and a ``str`` is
made only for the cells Qt asks for, the rows exported and the values of a filter menu:

- :class:`CodedText` — few distinct values (vocabulary, counties, receiving waters, flags):
  a small integer code per row into the display strings, ``""`` for a missing value;
- :class:`ArrowText` — mostly distinct text (codes, names): an Arrow string array, shared
  with the frame's own column (the table keeps no copy), nulls shown as ``""``.

Both answer the same questions (a cell, ``isin``, a lower-cased substring search, the rank
in Chinese order, the distinct values, new values for some rows); :class:`CodeIndex` finds
a code's row by binary search over the Arrow sort order instead of a dictionary.  Qt-free.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from models import collation, key_lookup

#: rows per call of a long conversion: each call holds the GIL, so the window's worker
#: makes 1M strings in slices of a few ms and the GUI thread gets its turns in between
SLICE = 65_536


def in_slices(fn: Callable[[Any], Iterable[Any]], values: Any) -> list[Any]:
    """``fn`` over consecutive slices of ``values``, its results joined in one list."""
    out: list[Any] = []
    for i in range(0, len(values), SLICE):
        out.extend(fn(values[i:i + SLICE]))
    return out


def _small_codes(codes: np.ndarray, n_values: int) -> np.ndarray:
    dtype = np.int8 if n_values < 127 else np.int16 if n_values < 32_767 else np.int32
    return np.asarray(codes, dtype=dtype)


def dense_rank_of_values(values: np.ndarray) -> np.ndarray:
    """Dense rank in Chinese order (pinyin; ASCII case-insensitive) of a few strings: equal
    strings get equal ranks (:mod:`models.collation`)."""
    n = len(values)
    if n == 0:
        return np.zeros(0, np.int32)
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    uniques = np.asarray(uniques, dtype=object)
    keys = collation.sort_keys(uniques) if collation.needs_collation(uniques) \
        else np.concatenate(in_slices(lambda part: [np.char.lower(np.asarray(part, dtype=str))],
                                      uniques))
    order = np.argsort(keys, kind="stable")
    s = keys[order]
    step = np.empty(len(s), np.int32)
    step[0] = 0
    step[1:] = s[1:] != s[:-1]  # distinct values with equal keys (none today) tie
    urank = np.empty(len(s), np.int32)
    urank[order] = np.cumsum(step, dtype=np.int32)
    return urank[codes]


def _arrow_factorize(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``pd.factorize`` of an Arrow string column (same codes, -1 for missing, same order
    of first appearance), by Arrow's ``dictionary_encode``, which runs without the GIL.
    pandas turned the column into a million Python str objects and hashed them holding
    it: 30-70 ms a column at 1M outfalls, in the table's build on a worker, and the
    window's GUI thread waited that long for the GIL (bench/bench_gaps.py: factorize)."""
    arr = pa.array(series.array)  # the frame's own buffers
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    encoded = pc.dictionary_encode(arr)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return codes, encoded.dictionary.to_pylist()


class CodedText:
    """A column of few distinct values: ``values[codes[row]]`` is the cell."""

    __slots__ = ("codes", "values", "_index")

    def __init__(self, codes: np.ndarray, values: Sequence[str] | np.ndarray) -> None:
        self.values = np.asarray(list(values), dtype=object)
        self.codes = _small_codes(codes, len(self.values))
        self._index: dict[str, int] | None = None

    @classmethod
    def of(cls, series: pd.Series, names: Mapping[str, str] | None = None) -> CodedText:
        """Display strings of ``series`` (``names``: display name of a value, e.g. a
        county's code or a vocabulary word in English); missing values show ``""``."""
        if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object \
                and not isinstance(series.dtype, pd.CategoricalDtype):
            codes, shown = _arrow_factorize(series)
            if names:
                shown = [names.get(v, v) for v in shown]
            codes = np.where(codes < 0, len(shown), codes)
            return cls(codes, [*shown, ""])
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        if isinstance(series.dtype, pd.CategoricalDtype) or not (
                pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
            shown = [v if isinstance(v, str) else str(v) for v in np.asarray(uniques)]
        else:  # mixed objects
            shown = [v if isinstance(v, str) else str(v)
                     for v in np.asarray(uniques, dtype=object).tolist()]
        if names:
            shown = [names.get(v, v) for v in shown]
        codes = np.where(codes < 0, len(shown), codes)
        return cls(codes, [*shown, ""])

    @classmethod
    def constant(cls, n: int, value: str = "") -> CodedText:
        return cls(np.zeros(n, np.int8), [value])

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, row: int) -> str:
        return str(self.values[self.codes[row]])

    def tolist(self) -> list[str]:
        return self.values[self.codes].tolist()  # type: ignore[no-any-return]

    def strings(self, rows: np.ndarray) -> np.ndarray:
        return self.values[self.codes[rows]]  # type: ignore[no-any-return]

    def isin(self, wanted: Iterable[str]) -> np.ndarray:
        want = set(wanted)
        return np.asarray([v in want for v in self.values.tolist()], dtype=bool)[self.codes]

    def contains(self, word: str) -> np.ndarray:
        """Rows whose lower-cased value contains ``word`` (lower case already)."""
        hit = [word in v.lower() for v in self.values.tolist()]
        return np.asarray(hit, dtype=bool)[self.codes]

    def rank(self) -> np.ndarray:
        return dense_rank_of_values(self.values)[self.codes]  # type: ignore[no-any-return]

    def distinct(self) -> list[str]:
        """The values some row has, in the order of :attr:`values`.  Counted, not
        ``np.unique``d: numpy's unique hashes the codes holding the GIL (~12 ms a column
        at 1M rows, made on a worker while the window waited for the GIL: 29-33 ms late
        in a 1M re-import; bench/bench_gaps.py, issue 17, session 32); a count is ~2 ms."""
        n = len(self.values)
        used = np.bincount(self.codes, minlength=n)[:n] > 0
        return [str(v) for v in self.values[used].tolist()]

    def set(self, rows: np.ndarray, values: Sequence[str]) -> None:
        self._grow(values)
        index = self._index
        assert index is not None
        self.codes[np.asarray(rows, np.int64)] = [index[v] for v in values]

    def set_coded(self, rows: np.ndarray, codes: np.ndarray, values: Sequence[str]) -> None:
        """Rows ``rows`` take ``values[codes[k]]``: the few distinct values looked up once,
        the rows written by numpy (:meth:`set` looks up a value per row)."""
        self._grow(values)
        index = self._index
        assert index is not None
        mine = np.asarray([index[v] for v in values], dtype=np.int64)
        self.codes[np.asarray(rows, np.int64)] = mine[np.asarray(codes, np.int64)]

    def _grow(self, values: Sequence[str]) -> None:
        """Add the values not among :attr:`values` yet."""
        if self._index is None:
            self._index = {str(v): i for i, v in enumerate(self.values.tolist())}
        new = [v for v in dict.fromkeys(values) if v not in self._index]
        if new:
            for v in new:
                self._index[v] = len(self.values) + new.index(v)
            self.values = np.concatenate([self.values, np.asarray(new, dtype=object)])
            self.codes = _small_codes(self.codes, len(self.values))


class ArrowText:
    """A column of mostly distinct text: one Arrow string array (no nulls: ``""``)."""

    __slots__ = ("arr",)

    def __init__(self, arr: pa.Array) -> None:
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            arr = arr.cast(pa.string())
        self.arr = arr.fill_null("") if arr.null_count else arr

    @classmethod
    def of(cls, series: pd.Series) -> ArrowText:
        """The column's Arrow strings, shared when it has them (pandas' ``str`` dtype);
        other columns (object, numbers, categoricals) are converted."""
        if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
            return cls(pa.array(series.array))  # zero-copy: the frame's own buffers
        if isinstance(series.dtype, pd.CategoricalDtype) or series.dtype != object:
            series = series.astype(object)
        vals = [v if isinstance(v, str) else "" if _missing(v) else str(v)
                for v in series.tolist()]
        return cls(pa.array(vals, type=pa.string()))

    def __len__(self) -> int:
        return len(self.arr)

    def __getitem__(self, row: int) -> str:
        return self.arr[int(row)].as_py()  # type: ignore[no-any-return]

    def tolist(self) -> list[str]:
        return self.arr.to_pylist()  # type: ignore[no-any-return]

    def strings(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty(len(rows), dtype=object)
        out[:] = self.arr.take(pa.array(np.asarray(rows, np.int64))).to_pylist()
        return out

    def isin(self, wanted: Iterable[str]) -> np.ndarray:
        # through key_lookup: an edit's listeners look the same codes up in these buffers
        return key_lookup.isin(self.arr, list(wanted))

    def lowered(self) -> pa.Array:
        return pc.utf8_lower(self.arr)

    def contains(self, word: str) -> np.ndarray:
        """Rows whose lower-cased value contains ``word`` (lower case already)."""
        return np.asarray(pc.match_substring(self.lowered(), word)
                          .to_numpy(zero_copy_only=False), dtype=bool)

    def rank(self) -> np.ndarray:
        """Dense rank in Chinese order, as :func:`dense_rank_of_values` gives it: sort keys
        made in slices as Arrow strings (a list of a million keys as ``str`` was ~0.3 GB
        at 1M names), sorted by Arrow (byte order of UTF-8 is code-point order)."""
        n = len(self.arr)
        if n == 0:
            return np.zeros(0, np.int32)
        if pc.all(pc.string_is_ascii(self.arr)).as_py():
            keys: Any = pc.utf8_lower(self.arr)
        else:
            keys = pa.chunked_array([  # per slice: translate, then to Arrow
                pa.array(collation.sort_key_list(self.arr.slice(i, SLICE).to_pylist()),
                         type=pa.large_string())
                for i in range(0, n, SLICE)])
        order = pc.sort_indices(keys)
        s = keys.take(order)
        step = np.empty(n, np.int32)
        step[0] = 0
        if n > 1:
            step[1:] = np.asarray(pc.not_equal(s.slice(1), s.slice(0, n - 1))
                                  .to_numpy(zero_copy_only=False), dtype=np.int32)
        rank = np.empty(n, np.int32)
        rank[np.asarray(order)] = np.cumsum(step, dtype=np.int32)
        return rank

    def distinct(self) -> list[str]:
        return pc.unique(self.arr).to_pylist()  # type: ignore[no-any-return]

    def set_coded(self, rows: np.ndarray, codes: np.ndarray, values: Sequence[str]) -> None:
        """:meth:`set` of ``values[codes[k]]`` for each row (as :meth:`CodedText.set_coded`)."""
        self.set(rows, np.asarray(list(values), dtype=object)[np.asarray(codes, np.int64)]
                 .tolist())

    def set(self, rows: np.ndarray, values: Sequence[str]) -> None:
        latest = dict(zip(np.asarray(rows, np.int64).tolist(), values, strict=True))
        now = dict(zip(latest, self.strings(np.fromiter(latest, np.int64, len(latest))).tolist(),
                       strict=True))
        # a new array per change (~50 ms at 1M rows): only for the rows whose text changed
        # (an edit refreshes every edited column of its rows)
        order = sorted(r for r, v in latest.items() if now[r] != v)
        if not order:
            return
        mask = np.zeros(len(self.arr), bool)
        mask[order] = True
        self.arr = pc.replace_with_mask(self.arr, pa.array(mask),
                                        pa.array([latest[r] for r in order],
                                                 type=self.arr.type))


def _missing(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def shared_text(values: Any) -> pa.Array | None:
    """A text column's own Arrow strings, without a copy (pandas' Arrow-backed ``str``
    dtype in one chunk, or an Arrow array), else None (object columns are not converted:
    a million Python strings)."""
    if isinstance(values, pd.Series):
        if values.dtype == object or not pd.api.types.is_string_dtype(values.dtype):
            return None
        try:
            values = pa.array(values.array)  # zero-copy: the column's own buffers
        except (pa.ArrowException, TypeError, ValueError):
            return None
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks != 1:
            return None
        values = values.chunk(0)
    return values if isinstance(values, pa.Array) else None


#: every live CodeIndex by the buffers of its keys (:meth:`CodeIndex.over`)
_INDEXES: weakref.WeakValueDictionary[tuple[Any, ...], CodeIndex] = \
    weakref.WeakValueDictionary()


class CodeIndex:
    """The rows of a key, by binary search over the keys' Arrow sort order (8 bytes a row
    and the keys as Arrow strings; a dictionary or a pandas hash of a million Python
    strings was 70–150 MB).  A key given to several rows (the synthetic benchmark
    inventories repeat codes) finds its last row (``last``, as the dictionary code -> row
    the inventory table had) or its first (as ``pd.Index.get_loc`` of the map's first rows);
    the sort is stable, so equal keys are in row order.

    An index is found again by the keys it was made over (:meth:`over`): the inventory
    table makes one over the frame's own code column, off the GUI thread, and an edit's
    lookup of its codes in that column uses it (:meth:`find`) instead of a pass over a
    million codes."""

    #: fewer keys than this are looked up one by one; more by one pass over all the keys
    BULK = 64

    def __init__(self, keys: ArrowText | KeyArray | pa.Array | np.ndarray,
                 last: bool = True) -> None:
        if isinstance(keys, (ArrowText, KeyArray)):
            arr = keys.arr
        elif isinstance(keys, (pa.Array, pa.ChunkedArray)):
            arr = ArrowText(keys).arr
        else:  # str keys (the map's object array): one C conversion
            arr = ArrowText(pa.array(np.asarray(keys, dtype=object), type=pa.string())).arr
        self.arr = arr
        self.last = last
        self.order = np.asarray(pc.sort_indices(arr), dtype=np.int64)
        # (the entry holds no reference: it goes with the index, and the index holds its
        # keys, so their buffers cannot be freed and reused by another column meanwhile)
        _INDEXES[key_lookup.identity(arr)] = self

    def sharing(self, last: bool) -> CodeIndex:
        """This index's sort order, finding a repeated key's last row or its first
        (``last``): the map layer over the same keys as the table uses the table's."""
        if last == self.last:
            return self
        other = object.__new__(CodeIndex)
        other.arr, other.order, other.last = self.arr, self.order, last
        return other

    @classmethod
    def over(cls, values: Any) -> CodeIndex | None:
        """A live index made over exactly ``values`` (a text column or Arrow array: the
        same buffers), or None: none was made, or the column was written since."""
        arr = shared_text(values)
        return None if arr is None else _INDEXES.get(key_lookup.identity(arr))

    def pays_for(self, n_keys: int) -> bool:
        """Whether a binary search of ``n_keys`` keys (:meth:`find`) beats one pass over
        every key (``key_lookup.isin``, whose answer the other listeners of a change
        reuse): ~20 rounds over the keys against a pass over the rows — 1 000 codes in a
        million, ~2-6 ms against ~25-50 ms; in 100 000 about even."""
        return len(self.order) >= 256 * max(n_keys, self.BULK)

    def _bounds(self, want: pa.Array, right: bool) -> np.ndarray:
        """``bisect_left`` (``bisect_right``) of every key of ``want`` in the sort order,
        vectorised: a round takes and compares the middle key of every search at once."""
        n = len(self.order)
        beyond = pc.less_equal if right else pc.less  # the key is after the middle one
        lo = np.zeros(len(want), np.int64)
        hi = np.full(len(want), n, np.int64)
        while True:
            going = lo < hi
            if not going.any():
                return lo
            mid = (lo + hi) // 2
            at_mid = self.arr.take(pa.array(self.order[np.minimum(mid, n - 1)]))
            after = np.asarray(beyond(at_mid, want).to_numpy(zero_copy_only=False), bool)
            lo = np.where(going & after, mid + 1, lo)
            hi = np.where(going & ~after, mid, hi)

    def find(self, keys: Sequence[str], last: bool = True) -> np.ndarray:
        """The row of each of ``keys`` (-1: none; a repeated key's last row, or its first
        when not ``last``): few one by one, many by one vectorised binary search."""
        wanted = [str(k) for k in keys]
        n = len(self.order)
        if len(wanted) < self.BULK or n == 0:
            side = bisect.bisect_right if last else bisect.bisect_left
            out = np.full(len(wanted), -1, np.int64)
            span = range(n)
            for i, key in enumerate(wanted):
                at = side(span, key, key=self._key) - (1 if last else 0)
                if 0 <= at < n and self._key(at) == key:
                    out[i] = self.order[at]
            return out
        return self._found(pa.array(wanted, type=self.arr.type), last)[1]

    def _found(self, want: pa.Array, last: bool) -> tuple[np.ndarray, np.ndarray]:
        """(each key's position in the sort order, its row or -1) by binary search."""
        n = len(self.order)
        at = self._bounds(want, right=last) - (1 if last else 0)
        inside = (at >= 0) & (at < n)
        rows = self.order[np.clip(at, 0, n - 1)]
        same = np.asarray(pc.equal(self.arr.take(pa.array(rows)), want)
                          .to_numpy(zero_copy_only=False), bool)
        return at, np.where(inside & same, rows, -1)

    def find_alone(self, keys: Sequence[str]) -> np.ndarray | None:
        """The rows :meth:`find` gives (each key's last row, -1 for none) when every key
        found is in one row alone — the listeners of an edit of those keys may then be
        told them (``key_lookup.remember``); None when a key found is in several rows.
        One binary search, and a look at each found key's neighbour in the sort order."""
        wanted = [str(k) for k in keys]
        if len(wanted) < self.BULK or len(self.order) == 0:
            rows = self.find(wanted, last=True)
            firsts = self.find(wanted, last=False)
            return rows if bool(np.all(rows == firsts)) else None
        want = pa.array(wanted, type=self.arr.type)
        at, rows = self._found(want, last=True)
        found = rows >= 0
        before = at[found] - 1  # the key before each found key's last row, in sort order
        if not len(before):
            return rows
        inside = before >= 0
        prev = self.arr.take(pa.array(self.order[np.maximum(before, 0)]))
        same = np.asarray(pc.equal(prev, want.filter(pa.array(found)))
                          .to_numpy(zero_copy_only=False), bool)
        return None if bool((same & inside).any()) else rows

    def _key(self, i: int) -> str:
        return self.arr[int(self.order[i])].as_py()  # type: ignore[no-any-return]

    def _span(self, key: str) -> tuple[int, int]:
        """Positions in the sort order of the rows with ``key``."""
        n = range(len(self.order))
        lo = bisect.bisect_left(n, key, key=self._key)
        if lo == len(self.order) or self._key(lo) != key:
            return lo, lo
        return lo, bisect.bisect_right(n, key, lo=lo, key=self._key)

    def row_of(self, key: str) -> int | None:
        """~20 steps of ~1 us (one bisection; a hash lookup was ~1 us in all)."""
        n = range(len(self.order))
        if self.last:
            at = bisect.bisect_right(n, key, key=self._key) - 1
            found = at >= 0 and self._key(at) == key
        else:
            at = bisect.bisect_left(n, key, key=self._key)
            found = at < len(self.order) and self._key(at) == key
        return int(self.order[at]) if found else None

    def rows_of(self, keys: Sequence[str]) -> np.ndarray:
        """Every row of each of ``keys``, in the order given (a key's rows ascending),
        as ``pd.Index.get_indexer_non_unique`` gives them, the missing left out."""
        wanted = [str(k) for k in keys]
        if len(wanted) < self.BULK or len(set(wanted)) != len(wanted):
            parts = [self.order[lo:hi] for lo, hi in map(self._span, wanted)]
            return np.sort(parts[0]) if len(parts) == 1 else \
                np.concatenate([np.sort(p) for p in parts]) if parts \
                else np.zeros(0, np.int64)
        if self.pays_for(len(wanted)):  # two binary searches: each key's span of rows
            want = pa.array(wanted, type=self.arr.type)
            lo = self._bounds(want, right=False)
            count = self._bounds(want, right=True) - lo
            # each key's rows are order[lo:lo + count], ascending (the sort is stable)
            start = np.repeat(lo - (np.cumsum(count) - count), count)
            return self.order[start + np.arange(int(count.sum()))]  # type: ignore[no-any-return]
        pos = pc.index_in(self.arr, value_set=pa.array(wanted, type=self.arr.type))
        valid = np.asarray(pos.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        rows = np.flatnonzero(valid)
        at = np.asarray(pos.drop_null().to_numpy(zero_copy_only=False), dtype=np.int64)
        return rows[np.argsort(at, kind="stable")]  # type: ignore[no-any-return]


def row_of_code(frame: pd.DataFrame, code: str) -> int | None:
    """The row position of ``code`` in a frame's ``code`` column (its first row if
    repeated), or None.  By the :class:`CodeIndex` the inventory table made over this very
    column, off the GUI thread (:meth:`CodeIndex.over`: a bisection, ~20 us at 1M);
    without one, one pass over the column.  The record card looks its outfall up at every
    click and at every edit of it: comparing a million codes was ~8 ms each time (issue
    17, the 1M window's clicks and single-outfall edits)."""
    column = frame["code"]
    index = CodeIndex.over(column)
    if index is not None:
        return index.sharing(last=False).row_of(str(code))
    hit = np.flatnonzero(key_lookup.isin(column, [str(code)]))
    return int(hit[0]) if len(hit) else None


class Haystack:
    """The rows of an Arrow string array that contain a word, by numpy's ``strings.find``
    over a fixed-width unicode copy (4 bytes a character; made in slices, so no Python
    ``str`` per row is held): 2-4x faster than Arrow's per-string ``match_substring`` for
    a word that is in few rows."""

    def __init__(self, arr: pa.Array) -> None:
        self.text = np.concatenate(
            [np.asarray(arr.slice(i, SLICE).to_numpy(zero_copy_only=False), dtype=str)
             for i in range(0, len(arr), SLICE)]) if len(arr) else np.zeros(0, dtype=str)

    def __len__(self) -> int:
        return len(self.text)

    def contains(self, word: str) -> np.ndarray:
        return np.asarray(np.strings.find(self.text, word) >= 0, dtype=bool)


class KeyArray:
    """The keys of a map layer's rows as one Arrow string array (~18 MB for a million
    outfall codes; an object array of Python strings was ~75 MB): ``keys[row]`` is a
    ``str``, ``keys[rows]`` (positions or a mask) a :class:`KeyArray` of those rows;
    iterating gives ``str``."""

    __slots__ = ("arr",)

    def __init__(self, keys: KeyArray | ArrowText | pa.Array | np.ndarray | Sequence[str]) -> None:
        if isinstance(keys, (KeyArray, ArrowText)):
            self.arr: pa.Array = keys.arr
        elif isinstance(keys, (pa.Array, pa.ChunkedArray)):
            self.arr = ArrowText(keys).arr
        else:
            self.arr = ArrowText(pa.array(np.asarray(keys, dtype=object), type=pa.string())).arr

    def __len__(self) -> int:
        return len(self.arr)

    def __iter__(self) -> Any:
        return iter(self.arr.to_pylist())

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, (int, np.integer)):
            return self.arr[int(at)].as_py()
        at = np.asarray(at)
        if at.dtype == bool:
            return KeyArray(self.arr.filter(pa.array(at)))
        return KeyArray(self.arr.take(pa.array(at.astype(np.int64, copy=False))))

    def tolist(self) -> list[str]:
        return self.arr.to_pylist()  # type: ignore[no-any-return]
