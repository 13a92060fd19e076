"""Giving freed memory back to the system after large temporary work.

glibc keeps what a thread freed in that thread's malloc arena (up to 8 arenas a core), and
Arrow keeps freed buffers in its pool: after a million-row read, check or table build the
process would otherwise hold the temporaries' memory, and the next job in another thread
adds its own (issue 17: the 1M window's peak).  Elsewhere than glibc these do what they can
(Arrow's release) and nothing more.
"""

from __future__ import annotations

import queue
import sys
import time
from typing import Any

import numpy as np

from geodata import gil_slices
from geodata.daemon_queue import DaemonQueue
from models.peak_memory import peak_rss_mb  # noqa: F401 - where callers look for it

#: glibc's mallopt parameters used here
_M_MXFAST, _M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = 1, -1, -3, -8


def _mallopt(*settings: tuple[int, int]) -> None:
    """Set glibc malloc parameters, (parameter, value) each; elsewhere (not Linux's glibc)
    nothing."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    for param, value in settings:
        try:
            libc.mallopt(param, value)
        except AttributeError:  # a libc without mallopt
            return


def share_arenas() -> None:
    """Let the reading and checking threads share two malloc arenas (glibc gives each new
    thread its own, up to 8 per core): freed memory is then reused rather than held per
    thread and faulted in afresh.  At 1M outfalls: ~100 MB less peak and a quarter fewer
    page faults (~0.3 s of system time).  Call before the threads start; only glibc has
    the setting, elsewhere this does nothing."""
    _mallopt((_M_ARENA_MAX, 2))


#: how long Arrow's allocator keeps freed memory before it gives it back (ms)
ARROW_KEEP_MS = 60_000


def keep_arrow_pages() -> bool:
    """Have Arrow's allocator (mimalloc, pyarrow's default pool) keep the memory freed in
    it for :data:`ARROW_KEEP_MS` rather than give it back after 10 ms; False when it is
    too late (pyarrow already loaded: mimalloc reads its options as it starts) or the
    caller chose otherwise (``MIMALLOC_PURGE_DELAY`` set).

    The check's JSON is made in batches of Arrow strings, each freed after it is written:
    given back at once, every batch faulted its ~60 MB in afresh and the kernel zeroed
    them (perf: ``clear_page_erms`` under Arrow's copies, ~10 % of the 1M check's CPU).
    Kept, the next batch reuses them: at 1M outfalls the command's system time fell by
    ~0.6 s and its time by ~0.5 s, its peak the same within ~50 MB.  :func:`release_memory`
    still gives the memory back when asked (mimalloc's forced collect purges what it
    keeps).  For processes without a window (the window's own Arrow work is small)."""
    import os

    if "pyarrow" in sys.modules or "MIMALLOC_PURGE_DELAY" in os.environ:
        return False
    os.environ["MIMALLOC_PURGE_DELAY"] = str(ARROW_KEEP_MS)
    return True


def no_fastbins() -> None:
    """Have glibc's malloc merge each freed small block with its free neighbours as it is
    freed (``M_MXFAST`` 0), rather than keep it in a "fastbin" until some later call merges
    them all at once.

    A million shapely points free two million small GEOS blocks into fastbins; the next
    free of a block of 64 KB or more in that arena (an array's buffer) then ran
    ``malloc_consolidate`` over all of them, 40-55 ms in one ``free`` -- holding the GIL,
    since the free was a Python object's: the one long stop of the window during a
    re-import and its undo at 1M outfalls, though the layer was dropped in pieces on its
    own thread (bench/bench_gaps.py; perf: ``malloc_consolidate``, ``unlink_chunk``).
    Without fastbins the same drop ran without a stop over 10 ms and ~20 % faster; the
    1M ``outfalls check`` took the same time and memory.  Per-thread caches (tcache) still
    serve the smallest blocks.  Call at start-up; only glibc has fastbins, elsewhere
    this does nothing."""
    _mallopt((_M_MXFAST, 0))


def huge_pages(on: bool) -> None:
    """Whether numpy asks Linux for transparent huge pages for its large arrays.

    numpy advises the kernel to back every array of 4 MB or more with 2 MB pages
    (``madvise``, its default); where THP is in that mode (most distributions') a fault
    then zeroes 2 MB at once -- or, with memory fragmented, first compacts it.  The window
    starts without them: at 1M outfalls the first map came ~0.3 s sooner (the open's
    reads and the density layer: 50-240 ms of a render thread with them, a steady ~90
    without), and :class:`ui.main.MainWindow` turns them back on once the map is painted:
    without them a worker's call that fills a fresh array while holding the GIL faults
    4 KB at a time (in one sitting the start-up's table and flags stopped the event loop
    20-25 ms without them against 10-17 with them; the next sitting could not tell the
    two apart, bench/README.md, session 9), and the steady state stays numpy's default.
    Elsewhere (Windows, macOS, a numpy without the switch) this does nothing."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # a numpy without the switch
        return
    _set_madvise_hugepage(on)


#: whether :func:`release_memory` also trims glibc's malloc arenas (:func:`trim_arenas`)
_trim = True
#: blocks this large or larger are mapped apart once the arenas are no longer trimmed
MMAP_FROM = 256 * 1024


def trim_arenas(on: bool) -> None:
    """Whether :func:`release_memory` also gives back what glibc's malloc arenas hold
    free (``malloc_trim``); it always releases Arrow's pool.

    The window turns it off (:class:`ui.main.MainWindow`): ``malloc_trim`` walks every
    arena, each under that arena's lock, the main arena included, and a worker's trim
    after the 1M table's build took 15-105 ms.  A GUI thread whose next allocation came
    from the main arena waited for the walk, and while it held the GIL everyone else
    did: a 45 ms gap in an undo of a re-import at 1M, in which the only thread that used
    the CPU was the trimming worker (``bench/bench_gaps.py``: ``gil_holders``, ``trims``;
    session 20).  Processes without a GUI thread (the command line, the check, import and
    paint children) keep trimming: their peak is what it saves.

    Turned off, an arena that must grow for a block of ``MMAP_FROM`` bytes or more maps
    the block apart instead (``M_MMAP_THRESHOLD`` fixed), and the free top of a heap
    beyond ``2 * MMAP_FROM`` goes back as it is freed (``M_TRIM_THRESHOLD``): an array's
    buffer then returns to the system when freed rather than stay in a worker's arena for
    a trim to find.  glibc's own thresholds rise with the largest such block freed (up to
    32 MB mapped apart, 64 MB kept at a heap's top), after which the table build's
    temporaries stayed in the arenas: untrimmed and without this, the 1M window's peak
    over an import and a re-import was ~470 MB higher; with it, the same as trimmed, and
    the 1M window's start-up peak lower (975-1 031 MB against 1 106-1 168 in four
    alternated runs, the first map as soon)."""
    global _trim
    _trim = on
    if not on:  # (a fixed mmap threshold also ends glibc's own rise of it)
        _mallopt((_M_MMAP_THRESHOLD, MMAP_FROM), (_M_TRIM_THRESHOLD, 2 * MMAP_FROM))


def keep_freed_memory() -> None:
    """Have glibc keep what this process frees for its next allocations instead of giving
    it back to the system at once: blocks up to 32 MB (glibc's most) from the arenas rather
    than mapped apart, and no automatic trim of a heap's free top.  Only
    :func:`release_memory` gives it back then.

    For a child that does the same large work again and again (the compliance check after
    each edit): each re-check otherwise faulted its few hundred MB of temporaries in afresh,
    and on the two-core virtual machines of the benchmarks a burst of fresh page faults in
    any process stopped both cores for 20-40 ms now and then -- the window's event loop
    with them (bench/README.md, issue 17, session 28).  The price is the memory held
    meanwhile and some fragmentation: at 1M outfalls the check child's peak over five
    checks was ~1 030 MB against ~890 MB given back after each, and a re-check took ~10 %
    less time (no pages zeroed afresh).  Only glibc has the settings; elsewhere this does
    nothing."""
    # glibc's largest mmap threshold; a free heap top of up to 1 GB stays
    _mallopt((_M_MMAP_THRESHOLD, 32 * 1024 * 1024), (_M_TRIM_THRESHOLD, 1 << 30))


def release_memory() -> None:
    """Give the memory freed so far back to the system.  The reading threads' malloc
    arenas and Arrow's pool keep what was freed in them (~300 MB of 1M outfalls' text
    columns and temporaries at 1M): without this the command's peak at 1M was ~1.3 GB
    rather than ~0.95 GB.  Only glibc has malloc_trim; elsewhere (and in the window,
    :func:`trim_arenas`) this does nothing more than Arrow's release."""
    import ctypes

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    if not _trim:
        return
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not Linux's glibc
        pass


#: object arrays longer than this are emptied by :func:`drop_later`'s thread a piece at a
#: time (``gil_slices.let_go``, 4k items a piece, the GIL handed over after each): 50k
#: shapely Points freed at once were ~5 ms, and with no hand-over between pieces a 1M
#: layer's drop kept the GUI thread waiting for the GIL through an edit's undo turn
#: (bench/bench_gaps.py)
_DROP_PIECE = 8_192
#: how long the dropping thread waits before it lets go: the caller returns (and drops its
#: own local references) first, so the objects are freed there and not on the caller's side
_DROP_AFTER_S = 0.05

#: what someone else still held when it came to be dropped is kept by the dropping thread
#: too, and looked at again this often: once the other holder (the old map layer, a table
#: made from the old frame) lets go, this thread is the last and takes it apart in pieces.
#: Let go of at once, the other holder's drop -- or this thread's own, if the other let
#: go in between -- freed it whole: 18-30 ms of the GIL after a re-import at 1M outfalls
#: (bench/bench_gaps.py, ``gil_holders``: ``_drop_loop``)
_RECHECK_S = 0.1
#: how long it is kept for that; then let go of (freed by whoever holds it last, as before)
_KEEP_S = 60.0

def drop_later(*objects: Any) -> None:
    """Let a daemon thread drop these references, so what they alone keep alive is freed
    there and not on the calling thread: the old frame, keys and index of a replaced layer
    of a million outfalls (a million key strings and shapely points took the GUI thread
    ~12 ms or more to free in the turn that swapped the layer in).  The caller gives up its
    own references (and returns); what something else still holds is freed when that lets
    go, as before.  An object array only this holds is emptied a piece at a time, so the
    thread does not hold the GIL for the whole of it."""
    _drops.put(objects)


def _drop_loop(drops: queue.SimpleQueue[tuple[Any, ...]]) -> None:
    kept: list[list[Any]] = []  # [when to give up, item] still held elsewhere
    while True:
        try:
            objects = list(drops.get(timeout=_RECHECK_S) if kept else drops.get())
        except queue.Empty:
            objects = []
        if objects:
            time.sleep(_DROP_AFTER_S)
        mine, overdue = _let_go_of_by_others(kept)
        objects += mine
        del mine  # (a second reference to each: never alone, never taken apart)
        while objects:
            _drop_one(objects, kept)
        while overdue:  # held elsewhere: let go; alone by now after all: taken apart
            _drop_one(overdue)


_drops = DaemonQueue("ecozone-drop", _drop_loop)


def _let_go_of_by_others(kept: list[list[Any]]) -> tuple[list[Any], list[Any]]:
    """The kept items no one else holds now (to be taken apart), and those kept too long
    (to be let go of: whoever holds them frees them).  Both are handed back rather than
    dropped here: an overdue item whose other holder let go meanwhile was freed whole as
    this function's last entry went out of scope (45-54 ms of the GIL in a re-import at
    1M outfalls, bench/bench_gaps.py ``gil_holders``: ``_drop_loop``)."""
    now = time.monotonic()
    mine: list[Any] = []
    overdue: list[Any] = []
    still: list[list[Any]] = []
    for entry in kept:  # (not ``kept.remove``: it compares entries, a frame's == by value)
        # references: the entry's slot and getrefcount's argument
        if sys.getrefcount(entry[1]) <= 2:
            mine.append(entry[1])
        elif now <= entry[0]:
            still.append(entry)
        else:
            overdue.append(entry[1])
    kept[:] = still
    return mine, overdue


def _drop_one(objects: list[Any], kept: list[list[Any]] | None = None) -> None:
    """Drop the last of ``objects``: a frame, series or geometry array held nowhere else is
    taken apart into its arrays first, and an object array held nowhere else is emptied in
    pieces (a geometry array of 100k points freed whole held the GIL ~13 ms, of 1M ~130 ms:
    the drop of a replaced layer's frame was the longest stop of the window during an
    import).  Such an item held elsewhere too goes to ``kept`` (:data:`_RECHECK_S`)."""
    item = objects.pop()
    # references: ``item`` and getrefcount's argument; more means someone else holds it
    if sys.getrefcount(item) > 2:
        # kept once: two holders that both drop a layer's frame (the workspace and the
        # map) made two entries, each a reference the other saw — neither was ever alone,
        # and three old layers at 1M outfalls (~4.3M points) stayed for the whole minute
        if kept is not None and _worth_keeping(item) \
                and not any(entry[1] is item for entry in kept):
            kept.append([time.monotonic() + _KEEP_S, item])
        return
    if isinstance(item, np.ndarray):
        if item.dtype == object and item.ndim == 1 and len(item) > _DROP_PIECE \
                and _alone(item):
            _empty_in_pieces(item)
    elif isinstance(item, (tuple, list)):
        objects.extend(item)  # its members, each dropped in turn (the container first)
    elif isinstance(item, dict):
        objects.extend(item.values())
    else:
        objects.extend(_arrays_of(item))


def _worth_keeping(item: Any) -> bool:
    """Whether ``item`` would be taken apart or emptied in pieces were it held here alone:
    a large object array, a frame, a series or a geometry array."""
    if isinstance(item, np.ndarray):
        return item.dtype == object and item.ndim == 1 and len(item) > _DROP_PIECE
    return bool(_arrays_of(item))


def _arrays_of(item: Any) -> list[Any]:
    """The arrays a pandas frame or series, or a geometry array, keeps (none for anything
    else): dropped one at a time after the container is gone."""
    mgr = getattr(item, "_mgr", None)
    if mgr is not None and hasattr(mgr, "blocks"):  # DataFrame, GeoDataFrame, Series
        return [block.values for block in mgr.blocks]
    data = getattr(item, "_data", None)
    if isinstance(data, np.ndarray) and type(item).__name__ == "GeometryArray":
        return [data]  # its shapely objects: each frees a GEOS geometry
    return []


def _alone(item: np.ndarray) -> bool:
    """True when nothing but ``item`` sees its elements: its memory is its own, or belongs
    to a chain of bases each held only by the array made from it (shapely's ``from_wkb``
    hands geopandas a view of this kind)."""
    base = item.base
    while base is not None:
        # references: the view's ``base`` pointer, ``base`` here and getrefcount's argument
        if not isinstance(base, np.ndarray) or sys.getrefcount(base) > 3 \
                or base.size != item.size:
            return False
        base = base.base
    return True


def _empty_in_pieces(item: np.ndarray) -> None:
    try:
        item.setflags(write=True)
    except ValueError:
        return
    gil_slices.let_go(item)  # this thread is a worker: emptied a slice at a time
