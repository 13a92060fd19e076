"""Run a reading or importing function off the GUI thread, with progress and cancel.

The function takes the ``progress(fraction, Message) -> bool`` callback of ``geodata.io``;
the callback forwards to the ``progressed`` signal and returns False once :meth:`cancel`
was called, which makes the reader raise ``ImportCancelled`` before anything is written.
It runs through the window's one background mechanism (:mod:`ui.background`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from geodata.io.messages import ImportCancelled, Message
from ui.background import Runner, Token

#: how a job takes Cancel: its result dropped (reading, the dry run: nothing is written);
#: the job asked through its progress callback and its own outcome delivered (a write that
#: can stop truthfully: an import in a child process); or not at all (a write in a thread
#: cannot stop half way, and dropping its result would hide what it wrote)
CANCEL_MODES = ("drop", "ask", "none")


class ImportJob(QObject):
    """``fn(progress)`` in a worker; the result or the exception comes back by signal, on
    the GUI thread.  A cancelled "drop" job ends with ``failed(ImportCancelled())``; an
    "ask" job with whatever ``fn`` made of the cancel (its progress callback returned
    False); a "none" job ignores it."""

    progressed = Signal(float, object)  # fraction 0..1, Message
    succeeded = Signal(object)
    failed = Signal(object)  # the exception (ImportCancelled when cancelled)

    def __init__(self, fn: Callable[[Callable[[float, Message], bool]], Any],
                 parent: Any = None, runner: Runner | None = None,
                 cancel_mode: str = "drop") -> None:
        super().__init__(parent)
        if cancel_mode not in CANCEL_MODES:
            raise ValueError(f"cancel_mode {cancel_mode!r}")
        self._fn = fn
        self.cancel_mode = cancel_mode
        # the wizard's runner, whose worker thread is already there: starting a thread
        # waits until it runs, 10-80 ms of the GUI thread on a busy machine (bench_gaps)
        self._runner = runner if runner is not None else Runner(self)
        self._token: Token | None = None
        self._cancel_asked = False

    def start(self) -> None:
        def progress_of(token: Token) -> Callable[[float, Message], bool]:
            if self.cancel_mode == "drop":
                return token.progress
            # the runner's token is never cancelled here, so the job's outcome arrives
            return lambda f, m: not self._cancel_asked and token.progress(f, m)

        self._token = self._runner.submit(
            lambda token: self._fn(progress_of(token)), self.succeeded.emit,
            on_error=self.failed.emit,
            on_progress=lambda f, m: self.progressed.emit(float(f), m),
            on_cancelled=lambda: self.failed.emit(ImportCancelled()))
        if self._cancel_asked and self.cancel_mode == "drop":
            self._token.cancel()

    def cancel(self) -> None:
        if self.cancel_mode == "none":
            return
        self._cancel_asked = True
        if self._token is not None and self.cancel_mode == "drop":
            self._token.cancel()

    def cancelled(self) -> bool:
        return self._cancel_asked

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the worker is done (its result still arrives by the event loop)."""
        return self._runner.wait(msecs)
