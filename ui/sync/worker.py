"""Sync and checkout in a worker, with progress and cancel, through the window's one
background mechanism (:mod:`ui.background`).

The job runs :func:`models.sync.engine.sync` (or a checkout) without touching the open
Workspace; when it finishes, the GUI thread tells the Workspace what the pull changed
(:func:`models.sync.engine.tell_workspace`), so views update through the change flow in the
thread that owns them.  Cancel is honoured between the steps of a sync, where the
workspace is always valid.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.background import Runner


class JobSignals(QObject):
    progress = Signal(float, object)  # fraction, Message
    finished = Signal(object)  # the result
    failed = Signal(object)  # the exception


class Job:
    """Run ``fn(progress, cancelled)`` in a worker; results come back as signals (GUI
    thread).  ``done`` is set in the worker when ``fn`` has returned or raised."""

    def __init__(self, fn: Callable[[Any, Callable[[], bool]], Any]) -> None:
        self.fn = fn
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self.done = threading.Event()
        self._runner: Runner | None = None

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _work(self, token: Any) -> Any:
        try:
            # the sync decides itself where it may stop; its result (or the error it
            # stopped with) must reach the window even after a cancel
            return self.fn(lambda f, m: token.progress(f, m) or True, self._cancel.is_set)
        finally:
            self.done.set()

    def start(self, runner: Runner) -> Job:
        self._runner = runner
        runner.submit(self._work, self.signals.finished.emit, on_error=self.signals.failed.emit,
                      on_progress=lambda f, m: self.signals.progress.emit(float(f), m))
        return self


_RUNNER: Runner | None = None
_WARM = False


def _shared() -> Runner:
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = Runner(None)
    return _RUNNER


def start(job: Job, runner: Runner | None = None) -> Job:
    """Start ``job`` on ``runner`` (by default one worker shared by the sync menu)."""
    return job.start(runner if runner is not None else _shared())


def warm_up() -> None:
    """Have the shared worker's thread running before the first 同步 (an empty job):
    starting a thread waits until it runs, which on a busy machine stopped the window's
    event loop for up to ~140 ms in the turn of the user's 同步 (bench/bench_gaps.py)."""
    global _WARM
    if not _WARM:
        _shared().submit(lambda _token: None)
        _WARM = True
