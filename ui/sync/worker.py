"""Sync and checkout in a worker thread (QThreadPool), with progress and cancel.

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

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class JobSignals(QObject):
    progress = Signal(float, object)  # fraction, Message
    finished = Signal(object)  # the result
    failed = Signal(object)  # the exception


class Job(QRunnable):
    """Run ``fn(progress, cancelled)`` in the pool; results come back as signals."""

    def __init__(self, fn: Callable[[Any, Callable[[], bool]], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self.done = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.fn(lambda f, m: self.signals.progress.emit(float(f), m),
                             self._cancel.is_set)
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread to show
            self.done.set()
            self.signals.failed.emit(exc)
            return
        self.done.set()
        self.signals.finished.emit(result)


def start(job: Job, pool: QThreadPool | None = None) -> Job:
    (pool or QThreadPool.globalInstance()).start(job)
    return job
