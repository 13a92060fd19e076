"""The import dialog: file → encoding and CRS → field mapping → dry run → import (→ undo).

Wiring (File menu)::

    from ui.importing import open_import_dialog
    dlg = open_import_dialog(self, workspace_path)
    dlg.imported.connect(lambda batch, layer: self.reload_layer(layer))
    dlg.undone.connect(lambda batch, layer: self.reload_layer(layer))

Reading, the dry run, the import and its undo run in a worker thread (:class:`ImportJob`);
anything still running after a second shows a progress dialog whose Cancel stops the
reader between batches (nothing is written: the import is one transaction at the end).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget, QWizard

from geodata.io.messages import ImportCancelled, ImportRefused, Message
from ui.importing.common import Translated
from ui.importing.mapping_page import MappingPage
from ui.importing.pages import EncodingCrsPage, FilePage, StepPage
from ui.importing.session import ImportSession
from ui.importing.summary_page import ResultPage, SummaryPage
from ui.importing.worker import ImportJob

#: a job running longer than this shows the progress dialog
SHOW_PROGRESS_MS = 1000


class ImportDialog(Translated, QWizard):
    """Import a bureau file into the workspace.  ``imported(batch_id, layer)`` on success."""

    imported = Signal(int, str)
    undone = Signal(int, str)

    def __init__(self, workspace_path: str | Path, lang: str = "zh",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.lang = lang
        self.session = ImportSession(Path(workspace_path))
        self.dry_report: Any = None
        self.final_report: Any = None
        self.job: ImportJob | None = None
        self.progress: QProgressDialog | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._show_progress)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.encoding_page = EncodingCrsPage(self)
        self.mapping_page = MappingPage(self)
        self.summary_page = SummaryPage(self)
        self.result_page = ResultPage(self)
        for page in self.pages():
            self.addPage(page)
        self.resize(980, 700)
        self.retranslate()

    def pages(self) -> list[StepPage]:
        return [self.file_page, self.encoding_page, self.mapping_page, self.summary_page,
                self.result_page]

    # -- language ---------------------------------------------------------------------------
    def retranslate(self, lang: str | None = None) -> None:
        if lang is not None:
            self.lang = lang
        self.setWindowTitle(self.tr("导入数据"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        for page in self.pages():
            page.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            parent_lang = getattr(self.parent(), "lang", None)
            self.retranslate(parent_lang if parent_lang in ("zh", "en") else None)
        super().changeEvent(event)

    # -- background jobs --------------------------------------------------------------------
    def busy(self) -> bool:
        return self.job is not None

    def run_job(self, fn: Callable[[Any], Any], page: StepPage,
                on_success: Callable[[Any], None], label: str) -> None:
        """Run ``fn(progress)`` in a worker thread; ``on_success(result)`` back in the GUI."""
        job = ImportJob(fn, self)
        self.job = job
        self.progress = QProgressDialog(label, self.tr("取消"), 0, 1000, self)
        self.progress.setWindowTitle(self.tr("导入数据"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(10 ** 9)  # shown by our timer, not by Qt's guess
        self.progress.setValue(0)
        self.progress.hide()
        self.progress.canceled.connect(self.cancel_job)
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(lambda result: self._finish(job, page, on_success, result, None))
        job.failed.connect(lambda exc: self._finish(job, page, on_success, None, exc))
        page.completeChanged.emit()
        self._set_buttons(False)
        self._progress_timer.start(SHOW_PROGRESS_MS)
        job.start()

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()
            if self.progress is not None:
                self.progress.setLabelText(self.tr("正在取消…"))

    def _show_progress(self) -> None:
        if self.job is not None and self.progress is not None:
            self.progress.show()

    def _on_progress(self, fraction: float, message: Message) -> None:
        if self.progress is not None and self.job is not None and not self.job.cancelled():
            self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
            self.progress.setLabelText(message.text(self.lang))

    def _finish(self, job: ImportJob, page: StepPage, on_success: Callable[[Any], None],
                result: Any, exc: BaseException | None) -> None:
        job.wait()
        self._progress_timer.stop()
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel_job)
            self.progress.close()
            self.progress.deleteLater()
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
            page.say(exc.text(self.lang), error=True)
        else:
            page.say(self.tr("出错：%1").replace("%1", f"{type(exc).__name__}: {exc}"), error=True)

    def _set_buttons(self, on: bool) -> None:
        for b in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            button = self.button(b)
            if button is not None:
                button.setEnabled(on)

    def wait_idle(self, ms: int = 30_000) -> None:
        """Cancel and wait for a running job (closing the dialog)."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait(ms)

    def reject(self) -> None:
        self.wait_idle()
        super().reject()

    def done(self, result: int) -> None:
        self.wait_idle()
        super().done(result)


def open_import_dialog(parent: QWidget | None, workspace_path: str | Path) -> ImportDialog:
    """Show the import dialog (non-modal, deleted on close) and return it.

    The language follows ``parent.lang`` ('zh' or 'en') when the parent has one.
    """
    lang = getattr(parent, "lang", "zh")
    dialog = ImportDialog(workspace_path, lang if lang in ("zh", "en") else "zh", parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    dialog.raise_()
    return dialog
