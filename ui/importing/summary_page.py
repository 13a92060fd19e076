"""Steps 4 and 5 of the import dialog: what the import will change, then what it did.

Step 4 shows the dry run (new / updated / unchanged / rejected / flagged, each rejected row
with file, row number, field and reason) and its Next button imports.  Step 5 reports the
batch and offers Undo.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWizard,
)

from models import import_process
from ui.importing.common import RowsTable
from ui.importing.jobs import JobRunner
from ui.importing.pages import StepPage
from ui.importing.state import WizardState

COUNT_KEYS = ("imported", "updated", "unchanged", "rejected", "flagged")


class SummaryPage(StepPage):
    """Step 4: the dry run.  ``imported(batch_id, layer)`` once the import is written."""

    imported = Signal(int, str)

    def __init__(self, state: WizardState, jobs: JobRunner) -> None:
        super().__init__(state, jobs)
        self.setCommitPage(True)
        self.count_names = {k: QLabel() for k in COUNT_KEYS}
        self.counts = {k: QLabel("0") for k in COUNT_KEYS}
        grid = QGridLayout()
        for i, k in enumerate(COUNT_KEYS):
            self.counts[k].setStyleSheet("font-size: 18px; font-weight: bold;")
            grid.addWidget(self.count_names[k], 0, i)
            grid.addWidget(self.counts[k], 1, i)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.tabs = QTabWidget()
        # rows made as they are shown: a dry run of 100 000 changes made 200 000 items
        # on the GUI thread (~1 s) that the cyclic collector then kept scanning (~0.1 s)
        self.rejected = RowsTable()
        self.flagged = RowsTable()
        self.changes = RowsTable()
        self.notes = RowsTable()
        for t in (self.rejected, self.flagged, self.changes, self.notes):
            self.tabs.addTab(t, "")
        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        lay.addWidget(self.headline)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.status)
        self.report: Any = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("第 4 步：预演结果"))
        self.setSubTitle(self.tr("以下是导入将带来的变化，尚未写入工作区。确认后点击“导入”。"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("导入"))
        names = {"imported": self.tr("新增"), "updated": self.tr("更新"), "unchanged": self.tr("未变"),  # noqa: E501
                 "rejected": self.tr("拒绝"), "flagged": self.tr("需核实")}
        for k, label in self.count_names.items():
            label.setText(names[k])
        titles = (self.tr("被拒绝的记录"), self.tr("需核实的记录"), self.tr("将新增或更新的编码"),
                  self.tr("读取说明"))
        for i, title in enumerate(titles):
            self.tabs.setTabText(i, title)
        if self.report is not None:
            self.show_report(self.report)

    def initializePage(self) -> None:  # noqa: N802 - Qt name
        self.show_report(self.state.dry_report)

    def issue_headers(self) -> list[str]:
        return [self.tr("文件"), self.tr("行号"), self.tr("字段"), self.tr("原因"), self.tr("编码")]

    def show_report(self, report: Any) -> None:
        self.report = report
        lang = self.state.lang
        c = report.counts()
        for k in COUNT_KEYS:
            self.counts[k].setText(str(c[k]))
        self.counts["rejected"].setStyleSheet("font-size: 18px; font-weight: bold;" +
                                              (" color: #b00020;" if c["rejected"] else ""))
        for table, issues in ((self.rejected, report.rejected), (self.flagged, report.flagged)):
            table.set_rows(self.issue_headers(), len(issues),
                           lambda r, c, issues=issues: _issue_cell(issues[r], c, lang))
            header = table.horizontalHeader()  # the reason takes the room, not the code
            header.setStretchLastSection(False)
            header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        new, updated = report.new, report.updated
        words = (self.tr("新增"), self.tr("更新"))
        self.changes.set_rows(
            [self.tr("变化"), self.tr("编码")], len(new) + len(updated),
            lambda r, c: (words[r >= len(new)] if c == 0
                          else new[r] if r < len(new) else updated[r - len(new)]))
        notes = report.notes.items
        self.notes.set_rows([self.tr("说明")], len(notes), lambda r, _c: notes[r].text(lang))
        self.headline.setText(self.tr("图层 %1：新增 %2，更新 %3（按编码匹配，不会重复添加），未变 %4。")  # noqa: E501
                              .replace("%1", report.layer).replace("%2", str(c["imported"]))
                              .replace("%3", str(c["updated"])).replace("%4", str(c["unchanged"]))
                              + ("" if self.will_change() else " " + self.tr("没有需要写入的变化。")))  # noqa: E501
        if c["rejected"]:
            self.tabs.setCurrentIndex(0)
        elif c["imported"] or c["updated"]:
            self.tabs.setCurrentIndex(2)
        self.completeChanged.emit()

    def will_change(self) -> bool:
        r = self.report
        return r is not None and bool(r.new or r.updated or not self.state.session.keyed())

    def isComplete(self) -> bool:  # noqa: N802 - Qt name
        return self.will_change() and not self.jobs.busy()

    def start_work(self) -> bool:
        s, state = self.session, self.state
        since = state.revision()  # here, on the GUI thread: an edit from now on wins

        def work(progress: Any) -> tuple[Any, Any]:
            # a big file's check and write in a child process, with a GIL of its own
            # (models/import_process.py); the file's layer is then read here, so the GUI
            # only swaps it in
            report = import_process.run_import(s, False, progress)
            return report, state.read_changed_layer(str(report.layer), since)

        # in a child the import stops truthfully on Cancel (killed, and the file looked
        # at); in this process's thread the write cannot stop half way
        self.jobs.run_job(work, self, self._imported, self.tr("正在导入…"),
                          cancel_mode="ask" if import_process.wants_process(s) else "none")
        return False

    def _imported(self, done: tuple[Any, Any]) -> None:
        report, self.state.layer_read = done
        self.state.final_report = report
        self.imported.emit(int(report.batch_id or 0), str(report.layer))
        self.work_done()


class ResultPage(StepPage):
    """Step 5: the batch written, with Undo.  ``undone(batch_id, layer)`` after an undo."""

    undone = Signal(int, str)

    def __init__(self, state: WizardState, jobs: JobRunner) -> None:
        super().__init__(state, jobs)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 15px;")
        self.undo_button = QPushButton()
        self.undo_button.clicked.connect(self.undo)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addLayout(row)
        lay.addWidget(self.hint)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.is_undone = False
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("第 5 步：导入完成"))
        self.setSubTitle(self.tr("地图已可重新载入该图层；如导入有误，可在此撤销"))
        self.undo_button.setText(self.tr("撤销本次导入"))
        self.hint.setText(self.tr("撤销会把本批次新增的记录删除、更新的记录恢复原值。"))
        if self.state.final_report is not None:
            self.initializePage()

    def initializePage(self) -> None:  # noqa: N802 - Qt name
        r = self.state.final_report
        c = r.counts()
        text = self.tr("已导入批次 %1 到图层 %2：新增 %3，更新 %4，未变 %5，拒绝 %6。") \
            .replace("%1", str(r.batch_id)).replace("%2", r.layer) \
            .replace("%3", str(c["imported"])).replace("%4", str(c["updated"])) \
            .replace("%5", str(c["unchanged"])).replace("%6", str(c["rejected"]))
        if self.is_undone:
            text += " " + self.tr("（已撤销）")
        self.summary.setText(text)
        self.undo_button.setEnabled(not self.is_undone)
        if r.stored_counts is not None and r.notes.items and not self.is_undone:
            # read back from the workspace: a Cancel that came after the write committed
            self.say(r.notes.items[-1].text(self.state.lang))

    def undo(self) -> None:
        r = self.state.final_report
        if self.is_undone or self.jobs.busy():
            return
        batch, layer, state = int(r.batch_id), str(r.layer), self.state
        since = state.revision()
        rows = r.counts()["imported"] + r.counts()["updated"]

        def work(_progress: Any) -> tuple[Any, Any]:
            # a big batch undone in a child process, as it was imported
            done = import_process.run_undo(self.session, batch, rows)
            return done, state.read_changed_layer(layer, since)

        self.jobs.run_job(work, self, lambda done: self._undone(done, batch, layer),
                          self.tr("正在撤销…"), cancel_mode="none")

    def _undone(self, result: tuple[Any, Any], batch: int, layer: str) -> None:
        done, self.state.layer_read = result
        self.is_undone = True
        self.initializePage()
        self.say(done.text(self.state.lang))
        self.undone.emit(batch, layer)


def _issue_cell(issue: Any, column: int, lang: str) -> Any:
    """A rejected or flagged row's cell: file, row, field, reason, code."""
    if column == 3:
        return issue.reason.text(lang)
    return (issue.file, issue.row, issue.field, None, issue.code)[column]
