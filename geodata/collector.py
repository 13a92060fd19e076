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
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_paused_here = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; the objects made meanwhile frozen at the end (only
    when the collector was on at the start: the window's start-up turns it on itself)."""
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
            if _depth == 0 and _paused_here:
                gc.freeze()
                gc.enable()
                _paused_here = False
