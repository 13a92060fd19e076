"""Python's cyclic garbage collector paused while a worker makes a layer's objects.

Every shapely geometry is an object the collector tracks.  A worker that reads a million
outfalls makes a million of them, and the collections their allocation triggers scan every
tracked object that is not frozen, the new ones included: full collections of 10-700 ms
each, in the worker, with the GIL held, so the GUI thread stops for as long (issue 17,
``bench/bench_gaps.py``: a read of the 1M outfall layer in a worker stopped a 1 ms timer
for up to ~100 ms; with the collector paused, 14 ms).  The window froze the objects it
started with for the same reason (``ui/main.py``, ``cli/window.py``).

:func:`collector_paused` pauses the collector for the duration and, when it paused it,
freezes what exists at the end (``gc.freeze``: the new layer's objects leave the
collector's reach, as the start-up's do) before turning it back on.  Freezing does not keep
anything alive: a frozen object that is no longer referenced is freed as usual; only
reference cycles among frozen objects are never collected — the same trade the start-up
makes for its ~1 000 such objects.  Qt-free; safe from several threads at once.

:func:`drive_from_one_thread` turns automatic collection off for good: a collection then
runs only when one thread calls :func:`collect_due` -- the window's GUI thread, on a timer
(``ui/gui_collector.py``).  Why: an automatic collection runs in whichever thread allocates
when a threshold is crossed, and frees every unreachable cycle there.  A cycle holding a
PySide object that Python owns (a ``Runner``, a widget's closure) then deletes its C++
object on a worker thread, while the GUI thread may be delivering its events -- Qt's
objects are not thread-safe (a probe: a runner in a cycle, collected by a worker's
collection, had its C++ child deleted in that worker; the test suite's UI files saw ~20 000
objects collected on worker threads in one run; a crash of the same kind, Qt's weak
reference callback run in a worker, is in ``ui.background.strong_slot``).  pyqtgraph's
``GarbageCollector`` does the same for the same reason.  While driven, a pause still
freezes what it made (the full collections on the GUI thread then never scan a new
layer's million objects).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_paused_here = False
#: collections are made only by :func:`collect_due` (:func:`drive_from_one_thread`)
_driven = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; the objects made meanwhile frozen at the end (only
    when the collector was on at the start, or is driven: the window's start-up, which
    pauses it before the window exists, freezes the workspace itself)."""
    global _depth, _paused_here
    with _lock:
        if _depth == 0:
            _paused_here = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and (_paused_here or _driven):
                gc.freeze()
            if _depth == 0 and _paused_here:
                gc.enable()
                _paused_here = False


def drive_from_one_thread(on: bool = True) -> bool:
    """Collections only by :func:`collect_due` (``on``), or automatic again (``off``: the
    collector turned on).  Returns whether it was driven before (for tests to restore)."""
    global _driven, _paused_here
    with _lock:
        was = _driven
        _driven = on
        if on:
            gc.disable()
            _paused_here = False  # a pause in progress must not turn it back on
        elif _depth == 0:
            gc.enable()
    return was


def driven() -> bool:
    """True when collections are made only by :func:`collect_due`."""
    return _driven


#: CPython's rule for a full collection, kept here: only once the objects that reached the
#: oldest generation since the last full one are a quarter of what that one left (a full
#: collection scans every object not frozen: ~16 ms in the 1M window)
_long_lived_total = 0
_long_lived_pending = 0


def collect_due() -> int | None:
    """The collection the interpreter would have run by now, run here: of the oldest
    generation whose count passed its threshold (``gc.get_threshold``; the oldest only
    under CPython's quarter rule, above), or none.  Nothing while a pause is in effect: a
    worker is making a layer's objects, and a collection would scan them all.  Returns
    the generation collected, or None.  Call it from one thread."""
    global _long_lived_total, _long_lived_pending
    if _depth:
        return None
    t0, t1, t2 = gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    if c2 > t2 and _long_lived_pending >= _long_lived_total // 4:
        generation = 2
    elif c1 > t1:
        generation = 1
    elif c0 > t0:
        generation = 0
    else:
        return None
    if generation == 1:  # its survivors move to the oldest generation
        before = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
        _long_lived_pending += max(0, before - gc.collect(1))
    elif generation == 2:
        gc.collect(2)
        _long_lived_total = len(gc.get_objects(generation=2))  # (frozen ones not counted)
        _long_lived_pending = 0
    else:
        gc.collect(0)
    return generation
