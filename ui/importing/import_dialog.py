"""The import dialog: file → encoding and CRS → field mapping → dry run → import (→ undo).

Wiring (File menu)::

    from ui.importing import open_import_dialog
    dlg = open_import_dialog(self, ws.path, workspace=ws)
    dlg.imported.connect(lambda batch, layer: ws.reload_layer(layer, dlg.take_layer_read(layer)))
    dlg.undone.connect(lambda batch, layer: ws.reload_layer(layer, dlg.take_layer_read(layer)))

The dialog builds the shared :class:`~ui.importing.state.WizardState` and the
:class:`~ui.importing.jobs.JobRunner` and gives both to its pages; slow steps run in a
worker thread with a progress dialog and cancel (:mod:`ui.importing.jobs`).  Given the open
workspace, the import and undo jobs also read the changed layer again in the worker
(:meth:`take_layer_read`), so the window's GUI thread only swaps the new frame in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget, QWizard

from geodata.io.import_session import ImportSession
from models import import_process
from ui.importing.common import Translated
from ui.importing.jobs import JobRunner
from ui.importing.mapping_page import MappingPage
from ui.importing.pages import EncodingCrsPage, FilePage, StepPage
from ui.importing.state import WizardState
from ui.importing.summary_page import ResultPage, SummaryPage
from ui.language import current_language


class ImportDialog(Translated, QWizard):
    """Import a bureau file into the workspace.  ``imported(batch_id, layer)`` on success."""

    imported = Signal(int, str)
    undone = Signal(int, str)

    def __init__(self, workspace_path: str | Path, lang: str = "zh",
                 parent: QWidget | None = None, workspace: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.state = WizardState(ImportSession(Path(workspace_path)), lang,
                                 workspace=workspace)
        self.jobs = JobRunner(self, self.state)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(self.state, self.jobs)
        self.encoding_page = EncodingCrsPage(self.state, self.jobs)
        self.mapping_page = MappingPage(self.state, self.jobs)
        self.summary_page = SummaryPage(self.state, self.jobs)
        self.result_page = ResultPage(self.state, self.jobs)
        for page in self.pages():
            self.addPage(page)
        self.summary_page.imported.connect(self.imported)
        self.result_page.undone.connect(self.undone)
        self.resize(980, 700)
        self.retranslate()

    # -- what the pages share, seen from outside ---------------------------------------------
    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def session(self) -> ImportSession:
        return self.state.session

    @property
    def dry_report(self) -> Any:
        return self.state.dry_report

    @property
    def final_report(self) -> Any:
        return self.state.final_report

    def take_layer_read(self, layer: str) -> Any:
        """The changed layer as the last import or undo job read it (a
        ``models.workspace.LayerRead`` for ``Workspace.reload_layer``), once; None when
        there is none for ``layer``."""
        read, self.state.layer_read = self.state.layer_read, None
        return read if read is not None and read.name == layer else None

    @property
    def progress(self) -> QProgressDialog | None:
        return self.jobs.progress

    def pages(self) -> list[StepPage]:
        return [self.file_page, self.encoding_page, self.mapping_page, self.summary_page,
                self.result_page]

    # -- language ---------------------------------------------------------------------------
    def retranslate(self, lang: str | None = None) -> None:
        if lang is not None:
            self.state.lang = lang
        self.setWindowTitle(self.tr("导入数据"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        for page in self.pages():
            page.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate(current_language())  # the window switched language
        super().changeEvent(event)

    # -- background jobs --------------------------------------------------------------------
    def busy(self) -> bool:
        return self.jobs.busy()

    def cancel_job(self) -> None:
        self.jobs.cancel_job()

    def wait_idle(self, ms: int = 30_000) -> None:
        """Cancel and wait for a running job (closing the dialog)."""
        self.jobs.wait_idle(ms)

    def reject(self) -> None:
        self.wait_idle()
        import_process.discard()  # a child started for an import not made
        super().reject()

    def done(self, result: int) -> None:
        self.wait_idle()
        import_process.discard()
        super().done(result)


def open_import_dialog(parent: QWidget | None, workspace_path: str | Path,
                       lang: str | None = None, workspace: Any = None) -> ImportDialog:
    """Show the import dialog (non-modal, deleted on close) and return it, in ``lang`` (by
    default the window's current language); ``workspace``: the window's open workspace."""
    lang = lang if lang in ("zh", "en") else current_language()
    dialog = ImportDialog(workspace_path, lang, parent, workspace)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    dialog.raise_()
    return dialog
