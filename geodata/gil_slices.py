"""Long C calls cut into slices in a worker thread, so the GUI thread gets the GIL between them.

A numpy or shapely call that holds the GIL (object arrays, ``shapely.get_coordinates``, a
pandas hash table on objects) stops the GUI thread for as long as it runs, even though the
work is on a worker: at a million rows such calls take 10-100 ms each (issue 17,
``bench/bench_gaps.py``).  Done a slice at a time with :func:`hand_over` in between, each
call is a few ms and the GUI thread's turn comes between them.  On the GUI thread itself
slicing would only add overhead, so there the call is made whole.  Qt-free.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

import numpy as np

#: rows per slice: ~1-5 ms for the calls sliced here at a million rows
SLICE = 65_536
#: how long a worker steps aside between two slices (s)
HAND_OVER_S = 0.0003
#: how long one slice should hold the GIL (s).  The sizes here are counts, set where a
#: slice took ~1-5 ms on the benchmark machine in a quick sitting; in a sitting two to
#: three times slower the same counts held the GIL 10-25 ms (bench/bench_gaps.py, session
#: 15), and a county office's laptop may be slower still.  A slice that takes longer than
#: this makes the next one smaller in proportion (:class:`_Cut`); quick ones let it grow
#: back, never past the count asked.
SLICE_S = 0.005
#: the fewest items a slice is cut to (or the count asked, when smaller): each slice costs
#: a hand-over (:data:`HAND_OVER_S`) and a call
MIN_SLICE = 256


def hand_over() -> None:
    """Let a thread waiting for the GIL (the GUI thread) take it, in a worker.

    ``time.sleep(0)`` releases the GIL and takes it back at once: the waiting thread has
    been woken but is not running yet.  CPython asks a holder to let go only when a waiter's
    switch interval passes with no one taking the GIL in between, and a worker whose calls
    release and re-take it often (sqlite's step per row in ``executemany``, Arrow's
    compute) renews it each time: perf showed the GUI thread waking every 1.1 ms in
    ``take_gil`` for 17-21 ms at a time while such a worker ran (issue 17, a 100k import
    into 1M outfalls).  A sleep of a few hundred microseconds leaves the GIL free long
    enough for the woken thread to take it; when no one waits it costs only that."""
    time.sleep(HAND_OVER_S)


class _Cut:
    """How much of the size asked a worker's next slice gets (1.0 at first), by how long
    the last one took (:data:`SLICE_S`): in proportion after a slow one, doubled (up to
    the whole size) after a quick one."""

    __slots__ = ("floor", "share", "_t")

    def __init__(self, size: float, floor: float = MIN_SLICE) -> None:
        self.share = 1.0
        self.floor = min(1.0, floor / size) if size > 0 else 1.0
        self._t = 0.0

    def start(self) -> float:
        """A slice begins: its share of the size asked."""
        self._t = time.perf_counter()
        return self.share

    def step(self, size: int) -> int:
        """A slice of ``size`` items at most begins: its number of items."""
        return max(1, int(size * self.start()))

    def done(self) -> None:
        """The slice begun last is done: the next one's share from the time it took."""
        took = time.perf_counter() - self._t
        if took > SLICE_S:
            self.share = max(self.floor, self.share * SLICE_S / took)
        elif took < SLICE_S / 2 and self.share < 1.0:
            self.share = min(1.0, self.share * 2)


def in_worker() -> bool:
    """Whether this is a worker thread (not the GUI thread, where nothing is sliced)."""
    return threading.current_thread() is not threading.main_thread()


def in_worker_slices(fn: Callable[[Any], Any], values: Any, size: int = SLICE) -> list[Any]:
    """``[fn(values)]`` on the GUI thread or for at most ``size`` values; in a worker,
    ``fn`` of consecutive slices of ``values`` with the GIL handed over between them: of
    ``size`` values, fewer where a call takes longer than :data:`SLICE_S`."""
    n = len(values)
    if n <= size or not in_worker():
        return [fn(values)]
    out = []
    cut, start = _Cut(size), 0
    while start < n:
        stop = min(n, start + cut.step(size))
        out.append(fn(values[start:stop]))
        cut.done()
        start = stop
        hand_over()  # the GUI thread's turn
    return out


def take(values: np.ndarray, rows: np.ndarray, size: int = SLICE) -> np.ndarray:
    """``values[rows]`` (an object array's fancy index increfs every item with the GIL
    held: ~10 ms a million), in slices in a worker."""
    parts = in_worker_slices(lambda part: values[part], rows, size)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def slices(n: int, size: int = SLICE) -> Iterator[slice]:
    """``slice(0, n)`` on the GUI thread or for at most ``size`` items; in a worker,
    consecutive slices of ``size`` (fewer where the consumer's work on one takes longer
    than :data:`SLICE_S`) with the GIL handed over before each next one (for work done a
    slice at a time by its consumer, as a generator feeding ``executemany``)."""
    if n <= size or not in_worker():
        yield slice(0, n)
        return
    cut, start = _Cut(size), 0
    while start < n:
        if start:
            hand_over()  # the GUI thread's turn
        stop = min(n, start + cut.step(size))
        yield slice(start, stop)  # (the consumer's work on it is timed)
        cut.done()
        start = stop


def weighted_slices(weights: np.ndarray, budget: float) -> Iterator[slice]:
    """:func:`slices` cut by weight instead of count: consecutive slices whose ``weights``
    (e.g. each polygon's number of coordinates) add up to about ``budget`` each (one item
    at least; less where the consumer's work on one takes longer than :data:`SLICE_S`),
    with the GIL handed over before each next one; ``slice(0, n)`` on the GUI thread or
    when the whole is within the budget."""
    n = len(weights)
    total = np.cumsum(np.asarray(weights, dtype=np.float64))
    if n == 0 or total[-1] <= budget or not in_worker():
        yield slice(0, n)
        return
    # a slice that takes longer than SLICE_S makes the next one's budget smaller (down to
    # a sixteenth), as slices()
    cut, start = _Cut(budget, floor=budget / 16), 0
    while start < n:
        base = total[start - 1] if start else 0.0
        share = cut.start()
        stop = max(start + 1,
                   int(np.searchsorted(total, base + budget * share, side="right")))
        if start:
            hand_over()  # the GUI thread's turn
            cut.start()  # (the hand-over is not the slice's)
        yield slice(start, min(stop, n))
        cut.done()
        start = stop


#: items per slice of the Python-object builders below: a 16k-item slice of ``tolist``,
#: ``dict.fromkeys`` or ``json.dumps`` of code strings is 1-4 ms (64k was up to ~14 ms)
SMALL_SLICE = SLICE // 4


def to_list(values: Any, size: int = SMALL_SLICE) -> list[Any]:
    """``values.tolist()`` (a numpy, pandas or Arrow array, a Series by position), in slices in a
    worker: 100k code strings made in one call held the GIL ~10 ms."""
    array = getattr(values, "array", values)  # a Series sliced by position, not by label
    out: list[Any] = []
    for part in in_worker_slices(lambda piece: piece.tolist(), array, size):
        out += part
    return out


def unique_in_order(items: list[Any], size: int = SMALL_SLICE) -> list[Any]:
    """``list(dict.fromkeys(items))``, in slices in a worker (hashing 100k new strings in
    one call held the GIL ~20 ms).  Each slice is hashed and merged before the hand-over:
    merged after all the slices were made, the merges ran back to back (12-15 ms of the
    GIL at a 100k import into 1M outfalls, bench_gaps ``gil_late``, session 15)."""
    seen: dict[Any, None] = {}
    for part in slices(len(items), size):
        seen.update(dict.fromkeys(items[part]))
    return list(seen)


def json_list(items: list[Any], size: int = SMALL_SLICE) -> str:
    """``json.dumps(items, ensure_ascii=False)``, in slices in a worker (100k code strings
    in one call held the GIL ~20 ms)."""
    import json

    return "[" + ", ".join(in_worker_slices(
        lambda piece: json.dumps(piece, ensure_ascii=False)[1:-1], items, size)) + "]"


#: entries of a dictionary of records per ``json.dumps`` call in :func:`json_object`
JSON_RECORDS = 256


def json_object(d: dict[Any, Any], size: int = JSON_RECORDS) -> str:
    """``json.dumps(d, ensure_ascii=False)``, the same text, with the entries of ``d``
    and of any dictionary or list among its values ``size`` at a time in a worker: a
    sync's push result (the rows of 1 000 outfalls, their conflicts) dumped in one call
    held the GIL ~20 ms (bench/bench_gaps.py)."""
    import json

    def whole(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)

    def value(v: Any) -> str:
        if isinstance(v, dict) and len(v) > size:
            parts = in_worker_slices(
                lambda keys: whole({k: v[k] for k in keys})[1:-1], list(v), size)
            return "{" + ", ".join(p for p in parts if p) + "}"
        if isinstance(v, list) and len(v) > size:
            return "[" + ", ".join(p for p in in_worker_slices(
                lambda piece: whole(piece)[1:-1], v, size) if p) + "]"
        return whole(v)

    # each key as json.dumps writes it ('{"k": 0}' less its brace and ': 0}')
    return "{" + ", ".join(f"{whole({k: 0})[1:-4]}: {value(v)}" for k, v in d.items()) + "}"


def dict_of(keys: list[Any], values: list[Any], size: int = SMALL_SLICE) -> dict[Any, Any]:
    """``dict(zip(keys, values, strict=True))``, in slices in a worker (100k items in one
    call held the GIL ~11 ms)."""
    if len(keys) != len(values):
        raise ValueError(f"{len(keys)} keys for {len(values)} values")
    out: dict[Any, Any] = {}
    for part in slices(len(keys), size):
        out.update(zip(keys[part], values[part], strict=True))
    return out


#: items freed per call by :func:`let_go`: freeing 100k record dicts or shapely geometries
#: in one call held the GIL 20-45 ms (a re-import of 100k outfalls into 1M)
FREE_SLICE = 4_096


def let_go(*items: Any) -> None:
    """Empty these containers (dicts, lists, 1-d object arrays the caller alone holds and
    is done with), in a worker a slice at a time with the GIL handed over between slices,
    so that what they alone keep alive is freed in pieces rather than in the one call that
    drops the container.  On the GUI thread this does nothing: the caller's own drop frees
    them whole, as before."""
    if not in_worker():
        return
    for item in items:
        if isinstance(item, dict):
            keys = list(item)
            for part in slices(len(keys), FREE_SLICE):
                for key in keys[part]:
                    del item[key]
        elif isinstance(item, list):
            cut = _Cut(FREE_SLICE)
            while item:
                del item[-cut.step(FREE_SLICE):]
                cut.done()
                hand_over()  # the GUI thread's turn
        elif isinstance(item, np.ndarray) and item.dtype == object and item.ndim == 1 \
                and item.flags.writeable:
            for part in slices(len(item), FREE_SLICE):
                item[part] = None


#: rows per database slice: sqlite3 steps a row with the GIL let go and takes it back at
#: once, so a worker reading or writing row after row renews the GIL ~10^5-10^6 times a
#: second and the GUI thread, woken each time, never gets it (:func:`hand_over`).  A slice
#: of 2 048 rows is ~0.5-2 ms; the hand-over after it gives the GUI thread its turn.
DB_SLICE = 2_048


def fetched(cursor: Any, size: int = DB_SLICE) -> Iterator[Any]:
    """The rows of an executed cursor (sqlite3 or psycopg): in a worker ``fetchmany``'d a
    slice at a time with the GIL handed over between slices; on the GUI thread as they
    come.  At 1M outfalls a sync reads a million (code, version) rows from the workspace
    and as many from the server: one dict comprehension over either cursor stopped the
    window's event loop for 25-40 ms at a time (issue 17, a sync at 1M)."""
    if not in_worker():
        yield from cursor
        return
    for rows in fetched_slices(cursor, size):
        yield from rows


def fetched_slices(cursor: Any, size: int = DB_SLICE) -> Iterator[list[Any]]:
    """:func:`fetched` as lists of up to ``size`` rows (all of them in one list on the GUI
    thread), the GIL handed over after each in a worker (fewer rows where fetching and
    using them takes longer than :data:`SLICE_S`)."""
    if not in_worker():
        rows = cursor.fetchall()
        if rows:
            yield rows
        return
    cut = _Cut(size)  # the fetch and the consumer's work on its rows timed together
    while True:
        rows = cursor.fetchmany(cut.step(size))
        if not rows:
            return
        yield rows
        cut.done()
        hand_over()  # the GUI thread's turn


#: the longest a worker runs :func:`paced` items between two hand-overs (s), whatever the
#: count: rows that cost more than expected (an update of a row of a 1M-row table with its
#: index, on a slow machine: ~20 us each) still give the GUI thread its turn in time
PACE_S = 0.004
#: items between two looks at the clock in :func:`paced`
_PACE_LOOK = 64


def paced(items: Iterable[Any], size: int = DB_SLICE) -> Iterator[Any]:
    """``items`` as they come, with the GIL handed over after every ``size`` of them in a
    worker, or sooner when :data:`PACE_S` has passed: for a loop that runs one statement
    per item (``UPDATE … WHERE code=?`` for each pulled outfall, an ``executemany`` fed
    by this), each of which lets go of the GIL and takes it back."""
    if not in_worker():
        yield from items
        return
    last = time.perf_counter()
    for i, item in enumerate(items):
        if i and (not i % size or (not i % _PACE_LOOK
                                   and time.perf_counter() - last >= PACE_S)):
            hand_over()  # the GUI thread's turn
            last = time.perf_counter()
        yield item


def executemany(con: Any, sql: str, rows: Iterable[Any], size: int = DB_SLICE) -> None:
    """``con.executemany(sql, rows)`` on a sqlite3 connection, in a worker ``size`` rows
    at a time with the GIL handed over between them (one ``executemany`` of 10^4-10^6 rows
    renews the GIL at every row: see :data:`DB_SLICE`)."""
    if not in_worker():
        con.executemany(sql, rows)
        return
    it = iter(rows)
    cut = _Cut(size)
    while True:
        chunk = list(islice(it, cut.step(size)))
        if not chunk:
            return
        con.executemany(sql, chunk)
        cut.done()
        hand_over()  # the GUI thread's turn
