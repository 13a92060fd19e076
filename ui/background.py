"""The one way the window runs work in the background: a runnable with cancel and a
generation token, so that the newest request wins and a stale result is dropped.

Used by map rendering, the outfall compliance check, imports and sync
(docs/ARCHITECTURE.md, "Background work").  A job is ``fn(token)``,
run by the runner's worker threads; its result (or exception) comes back to the GUI thread
by a queued signal and is handed to
``on_done`` (or ``on_error``) there — unless the job was cancelled or, for a job submitted
on a *channel*, a newer job was submitted on the same channel meanwhile: then the result is
dropped silently.  ``token.progress(fraction, message)`` reports progress (``on_progress``,
GUI thread) and returns False once the job is cancelled or superseded, which is the
``progress`` callback contract of :mod:`geodata.io` (readers then stop early).

Why one mechanism: three kinds (a QThreadPool, a QThread subclass and a plain
``threading.Thread``) each had their own idea of staleness, and one of them restarted a
check forever when its result did not fit the table (issue 12, defect 2).

Why Python threads and not Qt's pool threads: a Qt pool thread has no lasting Python thread
state, so ``threading.local`` data dies after each job — and pyproj keeps its PROJ context
and per-thread transformers there.  The second job that projected coordinates in the same
pool thread crashed the process (a segmentation fault inside ``Transformer.transform``).
Python threads keep their state for their whole life.
"""

from __future__ import annotations

import _thread
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)



@dataclass
class Token:
    """Handed to the job: ask whether to go on, report progress."""

    job_id: int
    channel: str | None
    generation: int
    _runner: Runner = field(repr=False)
    _cancelled: threading.Event = field(default_factory=threading.Event, repr=False)

    def cancel(self) -> None:
        self._cancelled.set()

    def cancelled(self) -> bool:
        """True once cancelled, or superseded by a newer job on the same channel."""
        return self._cancelled.is_set() or self._runner._superseded(self)

    def progress(self, fraction: float, message: Any = None) -> bool:
        """Report progress (delivered on the GUI thread); False means stop now."""
        if self.cancelled():
            return False
        try:
            self._runner._relay.progressed.emit(self.job_id, float(fraction), message)
        except RuntimeError:  # the runner was deleted while the job ran
            return False
        return True


class _Relay(QObject):
    """Lives in the GUI thread; signals emitted by workers arrive there (queued)."""

    finished = Signal(int, object, object)  # job id, result, exception or None
    progressed = Signal(int, float, object)  # job id, fraction, message


class _Job:
    def __init__(self, token: Token, fn: Callable[[Token], Any], relay: _Relay) -> None:
        self.token, self.fn, self.relay = token, fn, relay

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            if not self.token.cancelled():
                result = self.fn(self.token)
        except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread, never lost
            error = exc
        try:
            self.relay.finished.emit(self.token.job_id, result, error)
        except RuntimeError:  # the runner went away while we worked
            pass


class _Pool:
    """A few daemon Python threads taking jobs from a queue, started on first use and
    ended with their runner (:meth:`close`)."""

    def __init__(self, threads: int) -> None:
        self.size = max(1, threads)
        self.jobs: queue.Queue[_Job | None] = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.active = 0
        self.idle = threading.Condition()

    def start(self, job: _Job) -> None:
        with self.idle:
            self.active += 1
            more = len(self.threads) < self.size
            if more:
                t = threading.Thread(target=self._work, args=(self.jobs,),
                                     name="ecozone-worker", daemon=True)
                self.threads.append(t)
            jobs = self.jobs
        jobs.put(job)
        if more:
            # started by a helper: Thread.start waits until the new thread runs, which on
            # a busy machine kept the GUI thread from its event loop for tens of ms in the
            # turn of a first job (the window's first render starts two pools' threads)
            _thread.start_new_thread(t.start, ())

    def _work(self, jobs: queue.Queue[_Job | None]) -> None:
        while True:
            job = jobs.get()
            if job is None:
                return
            try:
                job.run()
            finally:
                # let go of the job (its function, and what that holds -- a render's
                # layer images) now, not when the next job comes
                job = None
                with self.idle:
                    self.active -= 1
                    self.idle.notify_all()

    def close(self, *_args: Any) -> None:
        """Each thread ends once the jobs queued before have run.  A window's runners
        die with it, and their threads blocked in ``get`` for good: a test process that
        opened a window a hundred times held hundreds of them.  A job started after this
        runs in new threads, on a new queue (an old thread must not take its marker)."""
        with self.idle:
            threads, self.threads = self.threads, []
            jobs, self.jobs = self.jobs, queue.Queue()
        for _ in threads:
            jobs.put(None)

    def wait(self, msecs: int) -> bool:
        """True when every job started so far has finished (within ``msecs``)."""
        with self.idle:
            return self.idle.wait_for(lambda: self.active == 0, timeout=msecs / 1000)


def strong_slot(method: Callable[..., Any]) -> Callable[..., Any]:
    """A slot that holds its object strongly.  PySide connects a bound method by a weak
    reference to its object, with a callback that edits the connection when the object
    dies -- and the object dies in whichever thread lets go of it last.  A pool's last
    reference was its ending worker thread's target: the callback then ran in that
    thread, on a runner Qt had just destroyed, and the test process died ("Segmentation
    fault" or "Bus error" at ``threading.py``'s ``del self._target``, sessions 13-19).
    A plain function is held by the connection itself, dropped with it on the sender's
    thread, and no weak reference is made.  The signal's arguments are not passed on."""
    func, obj = method.__func__, method.__self__  # type: ignore[attr-defined]

    def slot(*_args: Any) -> None:
        func(obj)

    return slot


@dataclass
class _Pending:
    token: Token
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[float, Any], None] | None
    on_cancelled: Callable[[], None] | None = None


class Runner(QObject):
    """Worker threads and the bookkeeping of who is newest.

    ``threads``: how many jobs run at once.  PySide6 holds the GIL inside Qt calls, so
    painting jobs are best kept to one thread (see :mod:`ui.render_worker`).
    """

    #: a job's result was handed to its callback (or dropped): job id, delivered?
    settled = Signal(int, bool)

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.pool = _Pool(threads)
        # (the pool's, not one of self: the slot must outlive this object)
        self.destroyed.connect(strong_slot(self.pool.close))
        self._relay = _Relay()
        self._relay.finished.connect(self._on_finished)
        self._relay.progressed.connect(self._on_progress)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._generation: dict[str, int] = {}
        self._pending: dict[int, _Pending] = {}

    def submit(self, fn: Callable[[Token], Any], on_done: Callable[[Any], None] | None = None,
               *, channel: str | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[float, Any], None] | None = None,
               on_cancelled: Callable[[], None] | None = None) -> Token:
        """Run ``fn(token)`` in the pool; ``on_done(result)`` on the GUI thread.

        With a ``channel``, this job supersedes every earlier job of that channel: their
        tokens read as cancelled and their results are dropped.  Without one, the job is
        independent (the caller keeps its own notion of staleness, as the map renderer
        does with its view).
        """
        with self._lock:
            gen = 0
            if channel is not None:
                gen = self._generation.get(channel, 0) + 1
                self._generation[channel] = gen
        token = Token(next(self._ids), channel, gen, self)
        self._pending[token.job_id] = _Pending(token, on_done, on_error, on_progress,
                                               on_cancelled)
        self.pool.start(_Job(token, fn, self._relay))
        return token

    def cancel(self, channel: str) -> None:
        """Cancel the jobs of ``channel``: a running one stops at its next check."""
        with self._lock:
            self._generation[channel] = self._generation.get(channel, 0) + 1

    def busy(self, channel: str | None = None) -> bool:
        """Jobs not yet settled (of ``channel``, or any)."""
        return any(channel is None or p.token.channel == channel
                   for p in self._pending.values())

    def wait(self, msecs: int = 3000) -> bool:
        """Block until the running jobs are done (their results still arrive by the event
        loop); False if they were not done within ``msecs``."""
        return self.pool.wait(msecs)

    # -- internals --------------------------------------------------------------------
    def _superseded(self, token: Token) -> bool:
        if token.channel is None:
            return False
        with self._lock:
            return self._generation.get(token.channel, 0) != token.generation

    def _on_progress(self, job_id: int, fraction: float, message: Any) -> None:
        p = self._pending.get(job_id)
        if p is not None and p.on_progress is not None and not p.token.cancelled():
            p.on_progress(fraction, message)

    def _on_finished(self, job_id: int, result: Any, error: BaseException | None) -> None:
        p = self._pending.pop(job_id, None)
        if p is None:
            return
        if p.token.cancelled():
            if p.on_cancelled is not None:
                p.on_cancelled()
            self.settled.emit(job_id, False)  # stale or cancelled: the result is dropped
            return
        if error is not None:
            if p.on_error is not None:
                p.on_error(error)
            else:
                log.error("background job failed", exc_info=error)
        elif p.on_done is not None:
            p.on_done(result)
        self.settled.emit(job_id, True)
