"""Layer runs painted in child processes, their images in shared memory (issue 17).

PySide6 keeps the GIL inside every ``QPainter`` call, so a second render *thread* paints
nothing in parallel (two threads filling paths into their own images took as long as one
after the other; bench/README.md, session 16).  Painting in child processes does: each has
its own interpreter and GIL.  The window keeps what needs its data -- the level-of-detail
geometry (``MapLayer.prepare``), labels, the big point layers with their index and
density cells, the composite -- and sends a child only what one run of layers draws in
one view: the styles and the prepared coordinates (:class:`layers.map_layer.RenderData`,
numpy arrays, a few hundred kB to a few MB).  The child paints them with the very same
code (:func:`ui.painter.paint_layer`) into a premultiplied ARGB image that lives in
shared memory, and the window copies the pixels into an image of its own (numpy; no GIL
held for the copy).  The pixels are the ones the window's own thread would paint
(tests/ui/test_paint_process.py compares them byte for byte).

A child is stateless between requests but for its symbol atlases (one per point style)
and its view of the shared memory, so one pool serves every renderer of the process (the
window, ``app.py render``, the print layouts' previews).  Children are started when the
first render is done (:meth:`PaintProcesses.start`: a cold start of the window is
CPU-bound, and the first map must not wait for two more interpreters), announce when
their imports are done, and until then, and whenever a child dies, the run is painted in
the window as before (:meth:`PaintProcesses.paint` returns None).  A dead child is
replaced by the next :meth:`start`.

``ECOZONE_PAINT_PROCESSES`` sets how many children (default :data:`DEFAULT_PROCESSES`;
``0`` paints everything in the window, as before issue 17's render process).
"""

from __future__ import annotations

import atexit
import itertools
import logging
import multiprocessing
import os
import queue
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
    from ui.painter import SymbolAtlas, paint_layer

    _app = QGuiApplication.instance() or QGuiApplication(["ecozone-paint"])
    atlases: dict[Any, SymbolAtlas] = {}
    shm: shared_memory.SharedMemory | None = None
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
            if shm is None or shm.name != name:
                if shm is not None:
                    shm.close()
                    shm = None
                shm = shared_memory.SharedMemory(name=name)
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
            img = None  # no view of the buffer left: it may be closed or replaced
        try:
            conn.send(answer)
        except (EOFError, OSError):
            break
    if shm is not None:
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
        self.shm: shared_memory.SharedMemory | None = None
        #: the child's own peak resident memory (MB), as it last said
        self.peak_mb = 0.0

    def poll_ready(self) -> bool:
        """Whether the child said it is ready (reads that message; the caller holds the
        child, so no paint reads the pipe meanwhile)."""
        if self.ready or self.dead:
            return self.ready
        try:
            if self.conn.poll():
                msg = self.conn.recv()
                self.ready = isinstance(msg, tuple) and msg[0] == "ready"
                if self.ready:
                    self.peak_mb = float(msg[2])
        except (EOFError, OSError):
            self.dead = True
        if not self.ready and not self.proc.is_alive():
            self.dead = True
        return self.ready

    def buffer(self, nbytes: int) -> shared_memory.SharedMemory:
        """Shared memory of at least ``nbytes`` (a bigger view gets a new one; the old one
        goes once the child has moved to the new one, at its next request)."""
        if self.shm is None or self.shm.size < nbytes:
            old = self.shm
            self.shm = shared_memory.SharedMemory(create=True, size=nbytes)
            if old is not None:
                _release(old)
        return self.shm

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
        self.conn.close()
        if self.shm is not None:
            _release(self.shm)
            self.shm = None


def _release(shm: shared_memory.SharedMemory) -> None:
    try:
        shm.close()
    except BufferError:  # a view of it is still alive somewhere: the OS frees it later
        pass
    try:
        shm.unlink()
    except (FileNotFoundError, OSError):
        pass


class PaintProcesses:
    """A few paint children; :meth:`paint` may be called from several threads at once
    (each takes a free child, or paints nothing when none is ready)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._ctx = multiprocessing.get_context("spawn")  # as on Windows, no fork of Qt
        self._children: list[_Child] = []
        self._free: queue.Queue[_Child] = queue.Queue()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.closed = False
        #: children started so far (tests: a killed child is replaced)
        self.starts = 0

    def start(self) -> None:
        """Start the missing children (none running yet, or one died); returns at once."""
        with self._lock:
            if self.closed:
                return
            self._children = [c for c in self._children if not c.dead]
            for _ in range(self.n - len(self._children)):
                try:
                    child = _Child(self._ctx)
                except OSError as exc:  # no more processes: the window paints itself
                    log.warning("paint process not started: %s", exc)
                    return
                self._children.append(child)
                self._free.put(child)
                self.starts += 1

    def missing(self) -> int:
        """How many children are not running (not started yet, or dead)."""
        with self._lock:
            if self.closed:
                return 0
            return self.n - sum(1 for c in self._children if not c.dead)

    def ready(self) -> int:
        """How many children are ready to paint (the free ones are asked; one busy
        painting was ready)."""
        held: list[_Child] = []
        while True:
            try:
                held.append(self._free.get_nowait())
            except queue.Empty:
                break
        for c in held:
            c.poll_ready()
            if not c.dead:
                self._free.put(c)
        with self._lock:
            return sum(1 for c in self._children if c.ready and not c.dead)

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

    def _take(self) -> _Child | None:
        """A ready child, waiting while all ready ones are busy; None when none is."""
        while True:
            with self._lock:
                if self.closed or not any(c.ready and not c.dead for c in self._children):
                    return None
            try:
                child = self._free.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if child.dead:
                continue
            if child.poll_ready():
                return child
            self._free.put(child)  # still starting: another may be ready
            time.sleep(0.001)

    def paint(self, w: int, h: int, view: Any, origin: tuple[int, int],
              items: list[tuple[Any, Any, bool]], into: Any) -> bool:
        """Paint ``items`` (``(style, RenderData, blank)``, bottom first) for ``view``
        (``w`` x ``h`` pixels, hatch patterns from ``origin``) in a child and copy the
        pixels into the QImage ``into`` (same size, premultiplied ARGB).  False when no
        child could do it (none ready, or it died or failed): the caller paints itself."""
        child = self._take()
        if child is None:
            return False
        ok = False
        try:
            ok = self._ask(child, w, h, view, origin, items, into)
        finally:
            if child.dead:
                threading.Thread(target=child.end, daemon=True).start()
            else:
                self._free.put(child)
        return ok

    def _ask(self, child: _Child, w: int, h: int, view: Any, origin: tuple[int, int],
             items: list[tuple[Any, Any, bool]], into: Any) -> bool:
        nbytes = w * h * 4
        shm = child.buffer(nbytes)
        rid = next(self._ids)
        # the labels stay in the window (they are placed there), and need not travel
        sent = [(style, replace(data, labels=None), blank) for style, data, blank in items]
        try:
            child.conn.send((rid, shm.name, w, h, view, origin, sent))
            t0 = time.perf_counter()
            while not child.conn.poll(POLL_S):
                if not child.proc.is_alive() or time.perf_counter() - t0 > ANSWER_TIMEOUT_S:
                    raise EOFError
            got = child.conn.recv()
        except (EOFError, OSError, TypeError):
            log.warning("paint process %s ended; painting in the window", child.proc.pid)
            child.dead = True
            return False
        if got[0] != rid:  # never: one request at a time per child
            child.dead = True
            return False
        child.peak_mb = max(child.peak_mb, float(got[3]))
        if not got[1]:
            log.warning("paint process failed; painting in the window:\n%s", got[2])
            return False
        dst = np.frombuffer(into.bits(), dtype=np.uint8, count=nbytes)
        np.copyto(dst, np.frombuffer(shm.buf, dtype=np.uint8, count=nbytes))
        return True

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
