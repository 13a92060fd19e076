"""Run a reading or importing function off the GUI thread, with progress and cancel.

The function takes the ``progress(fraction, Message) -> bool`` callback of ``geodata.io``;
the callback forwards to the ``progressed`` signal and returns False once :meth:`cancel`
was called, which makes the reader raise ``ImportCancelled`` before anything is written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from geodata.io.messages import Message


class ImportJob(QThread):
    """A QThread running ``fn(progress)``; the result or the exception comes back by signal.

    Signals are emitted from the worker thread and, the receivers living in the GUI thread,
    are delivered there (queued).
    """

    progressed = Signal(float, object)  # fraction 0..1, Message
    succeeded = Signal(object)
    failed = Signal(object)  # the exception (ImportCancelled when cancelled)

    def __init__(self, fn: Callable[[Callable[[float, Message], bool]], Any],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, fraction: float, message: Message) -> bool:
        self.progressed.emit(float(fraction), message)
        return not self._cancel.is_set()

    def run(self) -> None:  # noqa: D102 - QThread entry point
        try:
            if self._cancel.is_set():
                from geodata.io.messages import ImportCancelled

                raise ImportCancelled()
            result = self._fn(self._progress)
        except BaseException as exc:  # reported to the dialog, never lost in the thread
            self.failed.emit(exc)
            return
        self.succeeded.emit(result)
