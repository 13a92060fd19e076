"""Layer runs painted in child processes, their images in shared memory (issue 17).

PySide6 keeps the GIL inside every ``QPainter`` call, so a second render *thread* paints
nothing in parallel (two threads filling paths into their own images took as long as one
after the other; bench/README.md, session 16).  Painting in child processes does: each has
its own interpreter and GIL.  The window keeps what needs its data -- the level-of-detail
geometry (``MapLayer.prepare``), labels, the big point layers with their index and
density cells, the composite -- and sends a child only what one run of layers draws in
one view: the styles and the prepared coordinates (:class:`layers.render_data.RenderData`,
numpy arrays, a few hundred kB to a few MB).  The child paints them with the very same
code (:func:`ui.painter.paint_layer`) into a premultiplied ARGB image that lives in
shared memory, and the window copies the pixels into an image of its own (numpy; no GIL
held for the copy).  The pixels are the ones the window's own thread would paint
(tests/ui/test_paint_process.py compares them byte for byte).

A child is stateless between requests but for its symbol atlases (one per point style)
and its views of the shared memory, so one pool serves every renderer of the process (the
window, ``app.py render``, the print layouts' previews).  The renderer's one thread sends
a request's runs first (:meth:`PaintProcesses.send`, which returns at once), places the
labels and paints the outfalls while the children paint, then takes their pixels
(:meth:`PaintProcesses.collect`): the window keeps a single worker thread in Python, as
before (a thread per child, each waiting and copying, made the GUI thread queue behind
three for the GIL).  Children are started once the map has been idle a while
(``ui.render_worker.PAINTERS_IDLE_MS``: their start is ~1 s of CPU each, and at the first
map it took the cores from the user's first pan), run below the window's priority, and
announce when their imports are done; until then, and whenever a child dies, the run is
painted in the window as before (``send`` returns None, ``collect`` False).  A dead child
is replaced when the map is idle again.

``ECOZONE_PAINT_PROCESSES`` sets how many children (default :data:`DEFAULT_PROCESSES`;
``0`` paints everything in the window, as before issue 17's render process).
"""

from __future__ import annotations

import atexit
import itertools
import logging
import multiprocessing
import os
import sys
import threading
import time
from dataclasses import replace
from multiprocessing import shared_memory
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: Children painting at once.  Two: the control units in one, the base layers in the
#: other, while the window's render thread does the labels and the outfalls.
DEFAULT_PROCESSES = 2
#: How long a paint waits for its child's answer before it gives up on that child (s):
#: a run of the largest workspace paints in well under a second.
ANSWER_TIMEOUT_S = 30.0
#: How often a waiting paint looks whether its child is still alive (s).
POLL_S = 0.2
#: Buffers a child keeps open (the window's requests under way, at most a few).
MAX_OPENED = 8


def configured_processes() -> int:
    """``ECOZONE_PAINT_PROCESSES`` (0-8), else :data:`DEFAULT_PROCESSES`."""
    raw = os.environ.get("ECOZONE_PAINT_PROCESSES", "").strip()
    if not raw:
        return DEFAULT_PROCESSES
    try:
        return max(0, min(8, int(raw)))
    except ValueError:
        log.warning("ECOZONE_PAINT_PROCESSES=%r is not a number; using %d", raw,
                    DEFAULT_PROCESSES)
        return DEFAULT_PROCESSES


# -- the child ---------------------------------------------------------------------------
def serve(conn: Any) -> None:
    """The child's loop: ``(id, shm name, width, height, view, origin, items)`` in, where
    ``items`` is ``[(style, data, blank)]`` bottom first; ``(id, ok, error, peak MB)`` out
    once the pixels are in the shared memory.  None or a closed pipe (the window gone)
    ends it."""
    import signal
    import traceback

    try:  # Ctrl+C in the console is the window's to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        # never shows a window: no display needed (Windows keeps its own platform, the
        # only one the frozen build carries)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage

    from models.peak_memory import peak_rss_mb
    from models.priority import lower_this_process
    from ui.painter import SymbolAtlas, paint_layer

    # below the window: three busy processes on a two-core laptop took the cores from its
    # GUI thread (a scripted pan's frames: p95 3.9 -> 11.8 ms, 0 -> 6 gaps over 16 ms);
    # lowered, a child paints on what the window leaves (it holds none of its GIL, so no
    # inversion: the thread waiting for the child's answer holds nothing)
    lower_this_process()

    _app = QGuiApplication.instance() or QGuiApplication(["ecozone-paint"])
    atlases: dict[Any, SymbolAtlas] = {}
    #: the window's buffers this child has opened, newest last (a few: the window keeps
    #: one per request under way)
    opened: dict[str, shared_memory.SharedMemory] = {}
    try:
        conn.send(("ready", os.getpid(), peak_rss_mb()))
    except (EOFError, OSError):
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        if request is None:
            break
        rid, name, w, h, view, origin, items = request
        img = None
        try:
            shm = opened.pop(name, None) or shared_memory.SharedMemory(name=name)
            opened[name] = shm
            while len(opened) > MAX_OPENED:
                opened.pop(next(iter(opened))).close()
            img = QImage(shm.buf, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(Qt.GlobalColor.transparent)
            for style, data, blank in items:
                atlas = None
                if data.kind == "point":
                    atlas = atlases.get(style)
                    if atlas is None:
                        atlas = atlases[style] = SymbolAtlas(style)
                paint_layer(img, data, style, view, atlas, origin, blank)
            answer = (rid, True, None, peak_rss_mb())
        except Exception:  # noqa: BLE001 - the window logs it and paints the run itself
            answer = (rid, False, traceback.format_exc(), peak_rss_mb())
        finally:
            img = None  # no view of the buffer left: it may be closed
        try:
            conn.send(answer)
        except (EOFError, OSError):
            break
    for shm in opened.values():
        shm.close()
    del _app


# -- the window's side -------------------------------------------------------------------
class _Child:
    """One child process, its pipe and the shared memory its images go through."""

    def __init__(self, ctx: Any) -> None:
        mine, theirs = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(theirs,), daemon=True,
                                name="ecozone-paint")
        self.proc.start()
        theirs.close()  # only the child holds its end: its death is EOF here
        self.conn = mine
        self.ready = False
        self.dead = False
        #: shared memory for the images: (buffer, in use by a request under way)
        self.buffers: list[list[Any]] = []
        #: requests sent and not yet collected, and answers read before their turn
        self.outstanding: set[int] = set()
        self.answers: dict[int, tuple[Any, ...]] = {}
        #: the child's own peak resident memory (MB), as it last said
        self.peak_mb = 0.0
        #: the pipe and what goes with it (buffers, requests under way) are one thread's
        #: at a time; held while a request's answer is awaited
        self.lock = threading.Lock()

    def poll_ready(self) -> bool:
        """Whether the child said it is ready (reads that message if it came); never
        waits (the GUI thread asks at each render request)."""
        if self.ready or self.dead:
            return self.ready and not self.dead
        if not self.lock.acquire(blocking=False):
            return False
        try:
            if self.conn.poll():
                msg = self.conn.recv()
                self.ready = isinstance(msg, tuple) and msg[0] == "ready"
                if self.ready:
                    self.peak_mb = float(msg[2])
        except (EOFError, OSError):
            self.dead = True
        finally:
            self.lock.release()
        if not self.ready and not self.proc.is_alive():
            self.dead = True
        return self.ready and not self.dead

    def buffer(self, nbytes: int) -> list[Any]:
        """A free buffer of at least ``nbytes``, marked in use (one too small is let go:
        the child closes its view of it when it has opened a few newer ones)."""
        for entry in self.buffers:
            if not entry[1] and entry[0].size >= nbytes:
                entry[1] = True
                return entry
        for entry in [e for e in self.buffers if not e[1]]:
            self.buffers.remove(entry)
            _release(entry[0])
        entry = [shared_memory.SharedMemory(create=True, size=nbytes), True]
        self.buffers.append(entry)
        return entry

    def end(self) -> None:
        self.dead = True
        try:
            self.conn.send(None)
        except (EOFError, OSError, ValueError):
            pass
        self.proc.join(0.5)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        # a thread still copying out of a buffer must be done with it first (the child is
        # gone, so a wait for its answer ends at once)
        if not self.lock.acquire(timeout=2.0):
            return  # the buffers go with the process
        try:
            self.conn.close()
            for shm, _used in self.buffers:
                _release(shm)
            self.buffers = []
        finally:
            self.lock.release()


def _release(shm: shared_memory.SharedMemory) -> None:
    try:
        shm.close()
    except BufferError:  # a view of it is still alive somewhere: the OS frees it later
        pass
    try:
        shm.unlink()
    except (FileNotFoundError, OSError):
        pass


class Ticket:
    """A request sent to a child: collected once (:meth:`PaintProcesses.collect`)."""

    def __init__(self, child: _Child, rid: int, entry: list[Any], nbytes: int) -> None:
        self.child, self.rid, self.entry, self.nbytes = child, rid, entry, nbytes
        self.done = False


class PaintProcesses:
    """A few paint children.  :meth:`send` hands a child a run and returns at once;
    :meth:`collect` waits for its pixels.  The renderer's one thread sends the runs first,
    paints the labels and outfalls meanwhile, then collects: the window keeps a single
    worker thread busy with Python (a thread per child, each waiting and copying, made
    the GUI thread queue behind three for the GIL: a drag's gaps over 16 ms doubled).
    Any thread may call; a child's pipe is one thread's at a time (``_Child.lock``), and
    nothing the GUI thread calls (:meth:`ready`, :meth:`missing`) waits for a child."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._ctx = multiprocessing.get_context("spawn")  # as on Windows, no fork of Qt
        self._children: list[_Child] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self.closed = False
        #: children started so far (tests: a killed child is replaced)
        self.starts = 0

    def start(self) -> None:
        """Start the missing children (none running yet, or one died); returns at once."""
        with self._lock:
            if self.closed:
                return
            dead = [c for c in self._children if c.dead]
            self._children = [c for c in self._children if not c.dead]
            for _ in range(self.n - len(self._children)):
                try:
                    child = _Child(self._ctx)
                except OSError as exc:  # no more processes: the window paints itself
                    log.warning("paint process not started: %s", exc)
                    break
                self._children.append(child)
                self.starts += 1
        for c in dead:
            c.end()

    def missing(self) -> int:
        """How many children are not running (not started yet, or dead)."""
        with self._lock:
            if self.closed:
                return 0
            return self.n - sum(1 for c in self._children if not c.dead)

    def ready(self) -> int:
        """How many children are ready to paint."""
        return sum(1 for c in list(self._children) if c.poll_ready())

    def wait_ready(self, timeout_s: float = 60.0) -> bool:
        """Block until every child is ready (tools and benchmarks; the window never
        waits)."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout_s:
            if self.ready() >= self.n:
                return True
            time.sleep(0.02)
        return False

    def peak_mb(self) -> float:
        """The children's peak resident memory together (MB; 0 where unknown)."""
        with self._lock:
            return round(sum(c.peak_mb for c in self._children if not c.dead), 1)

    def pids(self) -> list[int]:
        with self._lock:
            return [c.proc.pid for c in self._children if not c.dead and c.proc.pid]

    def send(self, w: int, h: int, view: Any, origin: tuple[int, int],
             items: list[tuple[Any, Any, bool]]) -> Ticket | None:
        """Have the ready child with the fewest requests under way paint ``items``
        (``(style, RenderData, blank)``, bottom first) for ``view`` (``w`` x ``h`` pixels,
        hatch patterns from ``origin``); None when no child is ready (the caller paints)."""
        nbytes = w * h * 4
        # the labels stay in the window (they are placed there), and need not travel
        sent = [(style, replace(data, labels=None), blank) for style, data, blank in items]
        ready = [c for c in list(self._children) if c.poll_ready()]
        if self.closed or not ready:
            return None
        child = min(ready, key=lambda c: len(c.outstanding))
        with child.lock:
            if child.dead:
                return None
            entry = child.buffer(nbytes)
            rid = next(self._ids)
            try:
                child.conn.send((rid, entry[0].name, w, h, view, origin, sent))
            except (EOFError, OSError):
                entry[1] = False
                self._died(child)
                return None
            child.outstanding.add(rid)
            return Ticket(child, rid, entry, nbytes)

    def collect(self, ticket: Ticket, into: Any) -> bool:
        """Wait for ``ticket``'s pixels and copy them into the QImage ``into`` (its size,
        premultiplied ARGB).  False when the child died or failed: the caller paints."""
        child = ticket.child
        with child.lock:
            if ticket.done:
                raise ValueError("a paint request is collected once")
            ticket.done = True
            try:
                got = self._answer(child, ticket.rid)
                if got is None or not got[1]:
                    if got is not None:
                        log.warning("paint process failed; painting in the window:\n%s",
                                    got[2])
                    return False
                child.peak_mb = max(child.peak_mb, float(got[3]))
                dst = np.frombuffer(into.bits(), dtype=np.uint8, count=ticket.nbytes)
                np.copyto(dst, np.frombuffer(ticket.entry[0].buf, dtype=np.uint8,
                                             count=ticket.nbytes))
                return True
            finally:
                child.outstanding.discard(ticket.rid)
                ticket.entry[1] = False

    def _answer(self, child: _Child, rid: int) -> tuple[Any, ...] | None:
        """The child's answer to ``rid`` (reading the ones before it); None if it died."""
        if child.dead:
            return None
        t0 = time.perf_counter()
        while rid not in child.answers:
            try:
                if not child.conn.poll(POLL_S):
                    if not child.proc.is_alive() or \
                            time.perf_counter() - t0 > ANSWER_TIMEOUT_S:
                        raise EOFError
                    continue
                got = child.conn.recv()
            except (EOFError, OSError, TypeError):
                self._died(child)
                return None
            child.answers[got[0]] = got
        return child.answers.pop(rid)

    def _died(self, child: _Child) -> None:
        log.warning("paint process %s ended; painting in the window", child.proc.pid)
        child.dead = True

    def close(self) -> None:
        """End every child (the program is ending)."""
        with self._lock:
            self.closed = True
            children, self._children = self._children, []
        for c in children:
            c.end()


_POOL: PaintProcesses | None = None
_POOL_LOCK = threading.Lock()


def paint_processes() -> PaintProcesses | None:
    """The process's one pool (made, not started, on first call); None when
    ``ECOZONE_PAINT_PROCESSES`` is 0."""
    global _POOL
    n = configured_processes()
    if n <= 0:
        return None
    with _POOL_LOCK:
        if _POOL is None or _POOL.closed:
            _POOL = PaintProcesses(n)
            atexit.register(_POOL.close)
        return _POOL
