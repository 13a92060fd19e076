"""文件 ▸ 图集…: one page per feature, written in a background thread with progress and
cancel; the window stays usable while the pages are made."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from geodata import schema
from geodata.messages import in_language
from layers.atlas import COVERAGE_NAMES, atlas_features
from models import print_layout as pl
from ui.background import Runner, Token
from ui.printing.atlas_pages import AtlasSpec, Cancelled, run_atlas
from ui.printing.layout_page import PageContext

CONTEXT = "PrintDialog"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class AtlasThread(QObject):
    """Runs :func:`run_atlas` through the window's one background mechanism
    (:mod:`ui.background`): ``progress(done, total, key)``, then ``finished_ok`` with the
    result, ``failed`` with a message, or ``cancelled`` — each on the GUI thread."""

    progress = Signal(int, int, str)
    finished_ok = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, ctx: PageContext, tables: Any, spec: AtlasSpec, out: str) -> None:
        super().__init__()
        self.ctx, self.tables, self.spec, self.out = ctx, tables, spec, out
        self.stop = threading.Event()
        self._runner = Runner(self)

    def _work(self, token: Token) -> Any:
        def progress(done: int, total: int, key: str) -> None:
            token.progress(done / max(total, 1), (done, total, key))

        try:
            return run_atlas(self.ctx, self.tables, self.spec, self.out, progress=progress,
                             cancelled=self.stop.is_set)
        except Cancelled:
            return None  # no file left behind; told as "cancelled"

    def start(self) -> None:
        self._runner.submit(self._work, self._done, on_error=self._error,
                            on_progress=lambda _f, m: self.progress.emit(*m))

    def _done(self, res: Any) -> None:
        if res is None:
            self.cancelled.emit()
        else:
            self.finished_ok.emit(res)

    def _error(self, exc: BaseException) -> None:
        self.failed.emit(exc.text(self.ctx.lang) if isinstance(exc, pl.LayoutError)
                         else str(exc))

    def wait(self, msecs: int = 30_000) -> bool:
        return self._runner.wait(msecs)


class AtlasDialog(QDialog):
    def __init__(self, ws: Any, model: Any, lang: str = "zh", parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.ws, self.model, self.lang = ws, model, lang
        self.thread: AtlasThread | None = None
        self.setWindowTitle(tr("图集"))
        self.by = QComboBox()
        for key, name in COVERAGE_NAMES.items():
            self.by.addItem(name.text(lang), key)
        self.county = QComboBox()
        self.county.addItem(tr("全部"), "")
        counties = model.get("counties")
        if counties is not None:
            col = in_language(lang, "name_zh", "name_en" if "name_en" in counties.frame.columns
                              else "name_zh")
            for code, name in sorted(zip(counties.frame["code"].astype(str),
                                         counties.frame[col].astype(str), strict=True)):
                self.county.addItem(f"{name} ({code})", code)
        self.cls = QComboBox()
        self.cls.addItem(tr("全部"), "")
        for k, (zh, en) in schema.UNIT_CLASSES.items():
            self.cls.addItem(in_language(lang, zh, en), str(k))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("county_code=350582 and unit_class=2")
        self.count = QLabel()
        self.paper = QComboBox()
        self.paper.addItems(list(pl.PAPERS))
        self.orient = QComboBox()
        for key, text in (("landscape", "横向"), ("portrait", "纵向")):
            self.orient.addItem(tr(text), key)
        self.title = QLineEdit()
        self.title.setPlaceholderText(tr("留空则自动命名"))
        self.split = QCheckBox(tr("每个要素一个 PDF 文件"))
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.b_run, self.b_cancel = QPushButton(tr("生成…")), QPushButton(tr("取消"))
        self.b_cancel.setEnabled(False)
        self.b_close = QPushButton(tr("关闭"))
        form = QFormLayout()
        form.addRow(tr("图集要素"), self.by)
        form.addRow(tr("县（市、区）"), self.county)
        form.addRow(tr("管控类别"), self.cls)
        form.addRow(tr("其他条件"), self.filter)
        form.addRow("", self.count)
        row = QHBoxLayout()
        row.addWidget(self.paper)
        row.addWidget(self.orient)
        form.addRow(tr("纸张"), row)
        form.addRow(tr("标题"), self.title)
        form.addRow("", self.split)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.b_run, self.b_cancel, self.b_close):
            buttons.addWidget(b)
        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addWidget(self.bar)
        root.addWidget(self.status)
        root.addLayout(buttons)
        for w in (self.by, self.county, self.cls):
            w.currentIndexChanged.connect(self._update_count)
        self.filter.textChanged.connect(self._update_count)
        self.b_run.clicked.connect(lambda: self.start())
        self.b_cancel.clicked.connect(self.cancel)
        self.b_close.clicked.connect(self.close)
        self.setMinimumWidth(480)
        self._update_count()

    def filter_text(self) -> str:
        """The county and class choices joined with the free-text conditions."""
        by = self.by.currentData()
        parts = []
        if self.county.currentData() and by in ("unit", "outfall", "protected_area"):
            parts.append(f"county_code={self.county.currentData()}")
        elif self.county.currentData() and by == "county":
            parts.append(f"code={self.county.currentData()}")
        if self.cls.currentData() and by == "unit":
            parts.append(f"unit_class={self.cls.currentData()}")
        if self.filter.text().strip():
            parts.append(self.filter.text().strip())
        return " and ".join(parts)

    def spec(self) -> AtlasSpec:
        return AtlasSpec(by=self.by.currentData(), filter=self.filter_text(),
                         paper=self.paper.currentText(), orientation=self.orient.currentData(),
                         title=self.title.text(), split=self.split.isChecked())

    def _update_count(self, *_: Any) -> None:
        self.cls.setEnabled(self.by.currentData() == "unit")
        try:
            n = len(atlas_features(self.model, self.by.currentData(), self.filter_text(),
                                   self.lang))
        except pl.LayoutError as exc:
            self.count.setText(exc.text(self.lang))
            self.b_run.setEnabled(False)
            return
        self.count.setText(tr("选中 %1 个要素").replace("%1", str(n)))
        self.b_run.setEnabled(n > 0 and self.thread is None)

    def start(self, out: str | None = None) -> AtlasThread | None:
        spec = self.spec()
        if not out:
            if spec.split:
                out = QFileDialog.getExistingDirectory(self, tr("选择输出文件夹"))
            else:
                out, _ = QFileDialog.getSaveFileName(self, tr("保存图集"), "atlas.pdf",
                                                     "PDF (*.pdf)")
            if not out:
                return None
        ctx = PageContext.from_workspace(self.ws, self.model, self.lang)
        th = AtlasThread(ctx, self.ws.tables, spec, out)
        th.progress.connect(self._on_progress)
        th.finished_ok.connect(self._on_done)
        th.failed.connect(lambda msg: self._end(tr("生成失败：") + msg))
        th.cancelled.connect(lambda: self._end(tr("已取消，未留下文件")))
        self.thread = th
        self.bar.setVisible(True)
        self.bar.setValue(0)
        self.b_run.setEnabled(False)
        self.b_cancel.setEnabled(True)
        self.status.setText(tr("正在生成…"))
        th.start()
        return th

    def cancel(self) -> None:
        if self.thread is not None:
            self.thread.stop.set()
            self.status.setText(tr("正在取消…"))

    def _on_progress(self, done: int, total: int, key: str) -> None:
        self.bar.setMaximum(total)
        self.bar.setValue(done)
        self.status.setText(f"{done} / {total} · {key}")

    def _on_done(self, res: dict[str, Any]) -> None:
        self._end(tr("已生成：%1（%2 页，用时 %3 秒）").replace("%1", res["out"])
                  .replace("%2", str(res["pages"])).replace("%3", f"{res['time_s']:.1f}"))

    def _end(self, text: str) -> None:
        if self.thread is not None:
            self.thread.wait(5000)
        self.thread = None
        self.status.setText(text)
        self.b_cancel.setEnabled(False)
        self._update_count()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        if self.thread is not None:  # stop the pages cleanly; the partial file is removed
            self.thread.stop.set()
            self.thread.wait(30000)
        super().closeEvent(event)
