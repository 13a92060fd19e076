"""Run the import dialog's slow steps in a worker, with a progress dialog and cancel.

Reading, the dry run, the import and its undo run in a worker thread (:class:`ImportJob`);
anything still running after a second shows a progress dialog whose Cancel stops the
reader between batches (nothing is written: the import is one transaction at the end).
The pages start jobs through the :class:`JobRunner` they are given; the runner reports
back to the page (:class:`JobPage`) and keeps the wizard's Back and Cancel off meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWizard

from geodata.io.messages import ImportCancelled, ImportRefused, Message
from ui.background import Runner
from ui.importing.common import Translated
from ui.importing.state import WizardState
from ui.importing.worker import ImportJob

#: a job running longer than this shows the progress dialog
SHOW_PROGRESS_MS = 1000


class JobPage(Protocol):
    """What the runner needs of the page that started a job."""

    completeChanged: Any  # noqa: N815 - Qt's signal name

    def say(self, text: str, error: bool = False) -> None: ...


class JobRunner(Translated, QObject):
    """One job at a time for one wizard."""

    def __init__(self, wizard: QWizard, state: WizardState) -> None:
        super().__init__(wizard)
        self.wizard = wizard
        self.state = state
        self.job: ImportJob | None = None
        self.progress: QProgressDialog | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._show_progress)
        # one worker thread for the wizard's jobs, started as the wizard opens (an empty
        # job): a thread started when the user presses 导入 or 撤销 stopped the window
        # until it ran (ui/importing/worker.py)
        self.runner = Runner(self)
        self.runner.submit(lambda _token: None)
        # the progress dialog, made once with the wizard and reused: made when 导入 or 撤销
        # was pressed it was ~15-25 ms of the GUI thread in that turn (bench_gaps)
        self._dialog = QProgressDialog(self.wizard)
        self._dialog.setRange(0, 1000)
        self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self._dialog.setAutoClose(False)
        self._dialog.setAutoReset(False)
        self._dialog.setMinimumDuration(10 ** 9)  # shown by our timer, not by Qt's guess
        self._dialog.setValue(0)  # (restarts Qt's own show timer with that duration)
        self._dialog.hide()
        self._dialog.canceled.connect(self.cancel_job)

    def busy(self) -> bool:
        return self.job is not None

    def run_job(self, fn: Callable[[Any], Any], page: JobPage,
                on_success: Callable[[Any], None], label: str,
                cancel_mode: str = "drop") -> None:
        """Run ``fn(progress)`` in a worker thread; ``on_success(result)`` back in the GUI.
        ``cancel_mode`` (:data:`ui.importing.worker.CANCEL_MODES`): "none" for a write
        that cannot stop, whose progress dialog then has no working Cancel."""
        job = ImportJob(fn, self, self.runner, cancel_mode)
        self.job = job
        self.progress = self._dialog
        self.progress.reset()  # a cancel of the last job forgotten, its timer restarted below
        self.progress.setCancelButtonText(self.tr("取消"))
        button = self.progress.findChild(QPushButton)
        if button is not None:  # (Esc asks too: cancel_job, which the job then ignores)
            button.setEnabled(cancel_mode != "none")
        if cancel_mode == "none":
            label += "\n" + self.tr("写入工作区的过程不能中途取消")
        self.progress.setLabelText(label)
        self.progress.setWindowTitle(self.tr("导入数据"))
        self.progress.setValue(0)
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(lambda result: self._finish(job, page, on_success, result, None))
        job.failed.connect(lambda exc: self._finish(job, page, on_success, None, exc))
        # the buttons that go on disabled directly, not by the page's completeChanged:
        # QWizard updates its buttons with its updates switched off and on again and its
        # page area hidden and shown, and the whole wizard was repainted (a dry run's
        # tables, tabs and counts: the import's first turn, 12-34 ms; bench/bench_gaps.py,
        # issue 17, session 32).  The page's isComplete says the same while the job runs.
        self._set_buttons(False, going_on=True)
        self._progress_timer.start(SHOW_PROGRESS_MS)
        job.start()

    def cancel_job(self) -> None:
        if self.job is not None and self.job.cancel_mode != "none":
            self.job.cancel()
            if self.progress is not None:
                self.progress.setLabelText(self.tr("正在取消…"))

    def _show_progress(self) -> None:
        if self.job is not None and self.progress is not None:
            self.progress.show()

    def _on_progress(self, fraction: float, message: Message) -> None:
        if self.progress is not None and self.job is not None and not self.job.cancelled():
            self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
            self.progress.setLabelText(message.text(self.state.lang))

    def _finish(self, job: ImportJob, page: JobPage, on_success: Callable[[Any], None],
                result: Any, exc: BaseException | None) -> None:
        job.wait()
        self._progress_timer.stop()
        if self.progress is not None:
            self.progress.hide()  # (close() would say canceled)
            self.progress = None
        self.job = None
        job.deleteLater()
        self._set_buttons(True)
        page.completeChanged.emit()
        if exc is None:
            on_success(result)
        elif isinstance(exc, ImportCancelled):
            page.say(self.tr("已取消，工作区未作任何改动"), error=True)
        elif isinstance(exc, ImportRefused):
            page.say(exc.text(self.state.lang), error=True)
        else:
            page.say(self.tr("出错：%1").replace("%1", f"{type(exc).__name__}: {exc}"), error=True)

    def _set_buttons(self, on: bool, going_on: bool = False) -> None:
        """Back and Cancel enabled or not; ``going_on``: Next, 导入 (commit) and Finish
        too (QWizard enables them again from the page's isComplete at its completeChanged)."""
        which = [QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton]
        if going_on:
            which += [QWizard.WizardButton.NextButton, QWizard.WizardButton.CommitButton,
                      QWizard.WizardButton.FinishButton]
        for b in which:
            button = self.wizard.button(b)
            if button is not None:
                button.setEnabled(on)

    def wait_idle(self, ms: int = 30_000) -> None:
        """Cancel and wait for a running job (closing the dialog)."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait(ms)
