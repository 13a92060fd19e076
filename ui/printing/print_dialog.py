"""文件 ▸ 打印布局…: choose paper, extent, scale and items with a live preview, save the
layout by name in the workspace, export PDF / PNG / TIFF.

The preview is the page itself drawn at screen resolution by the same code as the export
(:func:`ui.printing.layout_page.draw_layout_page`), in a worker thread a moment after the
last change, so typing a title never waits for a render.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import print_layout as pl
from ui.background import Runner
from ui.printing.layout_page import PageContext, draw_layout_page

CONTEXT = "PrintDialog"
PREVIEW_PX = 760  # long side of the preview image
ITEM_NAMES = {"legend": "图例", "scale_bar": "比例尺", "north_arrow": "指北针",
              "graticule": "经纬网", "overview": "鹰眼图", "source": "数据来源",
              "date": "制图日期", "notice": "示例数据说明", "text_box": "文本框"}
EXTENTS = (("bbox", "当前视图"), ("full", "全市"), ("feature", "指定要素"))
LAYERS = (("control_units", "管控单元"), ("counties", "县（市、区）"), ("bays", "海湾"),
          ("protected_areas", "自然保护地"), ("outfalls", "排污口"))


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _error_text(exc: BaseException, lang: str) -> str:
    """What the dialog's status line says about a failed preview or export."""
    return exc.text(lang) if isinstance(exc, pl.LayoutError) else str(exc)


class PrintDialog(QDialog):
    """The print-layout dialog over one window's map (model, view, selection)."""

    exported = Signal(str)

    def __init__(self, ws: Any, model: Any, lang: str = "zh",
                 view_bbox: tuple[float, float, float, float] | None = None,
                 selected: tuple[str, str] | None = None, parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.ws, self.lang, self.view_bbox = ws, lang, view_bbox
        self.ctx = PageContext.from_workspace(ws, model, lang)
        # one worker: previews on the channel "preview" (the newest wins, older ones are
        # dropped), exports beside them (ui/background.py)
        self.runner = Runner(self)
        self.setWindowTitle(tr("打印布局"))
        self._build(selected)
        self.timer = QTimer(self, singleShot=True, interval=250)
        self.timer.timeout.connect(self._render_preview)
        self._reload_names()
        self.schedule()

    # -- widgets ---------------------------------------------------------------------------
    def _build(self, selected: tuple[str, str] | None) -> None:
        self.names = QComboBox()
        self.b_save, self.b_delete = QPushButton(tr("保存版式…")), QPushButton(tr("删除"))
        self.paper = QComboBox()
        self.paper.addItems(list(pl.PAPERS))
        self.orient = QComboBox()
        for key, text in (("landscape", "横向"), ("portrait", "纵向")):
            self.orient.addItem(tr(text), key)
        self.title = QLineEdit()
        self.subtitle = QLineEdit()
        self.extent = QComboBox()
        for key, text in EXTENTS:
            self.extent.addItem(tr(text), key)
        self.f_layer = QComboBox()
        for key, text in LAYERS:
            self.f_layer.addItem(tr(text), key)
        self.f_key = QLineEdit()
        self.f_key.setPlaceholderText("ZH35058220001")
        self.margin = QDoubleSpinBox(minimum=0.0, maximum=5.0, singleStep=0.05, value=0.1)
        self.scale_mode = QComboBox()
        self.scale_mode.addItems([tr("适应范围"), tr("固定比例尺")])
        self.scale = QSpinBox(minimum=100, maximum=50_000_000, singleStep=1000, value=250_000)
        self.scale.setPrefix("1:")
        self.scale.setGroupSeparatorShown(True)
        self.dpi = QSpinBox(minimum=50, maximum=1200, singleStep=50, value=300)
        self.items: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for n, key in enumerate(pl.ITEMS):
            cb = QCheckBox(tr(ITEM_NAMES[key]))
            cb.setChecked(key != "text_box")
            self.items[key] = cb
            grid.addWidget(cb, n // 3, n % 3)
        box = QGroupBox(tr("图面要素"))
        box.setLayout(grid)
        self.text = QPlainTextEdit()
        self.text.setMaximumHeight(70)
        self.source = QLineEdit()
        self.source.setPlaceholderText(tr("留空则按图层自动填写"))
        if selected is not None:
            i = self.f_layer.findData(selected[0])
            if i >= 0:
                self.f_layer.setCurrentIndex(i)
            self.f_key.setText(selected[1])
        if self.view_bbox is None:
            self.extent.setCurrentIndex(1)
        form = QFormLayout()
        names_row = QHBoxLayout()
        for w in (self.names, self.b_save, self.b_delete):
            names_row.addWidget(w)
        form.addRow(tr("版式"), names_row)
        paper_row = QHBoxLayout()
        paper_row.addWidget(self.paper)
        paper_row.addWidget(self.orient)
        form.addRow(tr("纸张"), paper_row)
        form.addRow(tr("标题"), self.title)
        form.addRow(tr("副标题"), self.subtitle)
        form.addRow(tr("范围"), self.extent)
        feat_row = QHBoxLayout()
        feat_row.addWidget(self.f_layer)
        feat_row.addWidget(self.f_key)
        form.addRow(tr("要素"), feat_row)
        form.addRow(tr("边距（倍）"), self.margin)
        scale_row = QHBoxLayout()
        scale_row.addWidget(self.scale_mode)
        scale_row.addWidget(self.scale)
        form.addRow(tr("比例尺"), scale_row)
        form.addRow(tr("分辨率（DPI）"), self.dpi)
        form.addRow(box)
        form.addRow(tr("文本框"), self.text)
        form.addRow(tr("数据来源"), self.source)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.b_export, self.b_close = QPushButton(tr("导出…")), QPushButton(tr("关闭"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.b_export)
        buttons.addWidget(self.b_close)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        left.addLayout(buttons)
        self.preview = QLabel()
        self.preview.setObjectName("printPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(PREVIEW_PX * 3 // 4, PREVIEW_PX * 3 // 4)
        self.preview.setStyleSheet("background: #8a8f96;")
        root = QHBoxLayout(self)
        lw = QWidget()
        lw.setLayout(left)
        lw.setMaximumWidth(440)
        root.addWidget(lw)
        root.addWidget(self.preview, 1)
        for w in (self.paper, self.orient, self.extent, self.f_layer, self.scale_mode):
            w.currentIndexChanged.connect(self.schedule)
        for w in (self.title, self.subtitle, self.f_key, self.source):
            w.textChanged.connect(self.schedule)
        for w in (self.margin, self.scale, self.dpi):
            w.valueChanged.connect(self.schedule)
        self.text.textChanged.connect(self.schedule)
        for cb in self.items.values():
            cb.toggled.connect(self.schedule)
        self.names.activated.connect(self._load_selected)
        self.b_save.clicked.connect(self.save_layout)
        self.b_delete.clicked.connect(self.delete_layout)
        self.b_export.clicked.connect(self.export)
        self.b_close.clicked.connect(self.close)

    # -- the layout ------------------------------------------------------------------------
    def layout_spec(self) -> pl.PrintLayout:
        """The layout the widgets describe."""
        extent = self.extent.currentData()
        return pl.PrintLayout(
            name=self.names.currentText() if self.names.currentIndex() > 0 else "",
            paper=self.paper.currentText(), orientation=self.orient.currentData(),
            title=self.title.text(), subtitle=self.subtitle.text(),
            extent=extent, bbox=self.view_bbox if extent == "bbox" else None,
            feature_layer=self.f_layer.currentData(), feature_key=self.f_key.text().strip(),
            margin=self.margin.value(),
            scale=float(self.scale.value()) if self.scale_mode.currentIndex() == 1 else 0.0,
            dpi=self.dpi.value(), items={k: cb.isChecked() for k, cb in self.items.items()},
            text=self.text.toPlainText(), source=self.source.text())

    def set_layout(self, layout: pl.PrintLayout) -> None:
        self.paper.setCurrentText(layout.paper)
        self.orient.setCurrentIndex(max(0, self.orient.findData(layout.orientation)))
        self.title.setText(layout.title)
        self.subtitle.setText(layout.subtitle)
        if layout.extent == "bbox" and layout.bbox is not None:
            self.view_bbox = layout.bbox
        self.extent.setCurrentIndex(max(0, self.extent.findData(layout.extent)))
        self.f_layer.setCurrentIndex(max(0, self.f_layer.findData(layout.feature_layer)))
        self.f_key.setText(layout.feature_key)
        self.margin.setValue(layout.margin)
        self.scale_mode.setCurrentIndex(1 if layout.scale else 0)
        if layout.scale:
            self.scale.setValue(int(layout.scale))
        self.dpi.setValue(layout.dpi)
        for k, cb in self.items.items():
            cb.setChecked(layout.shows(k))
        self.text.setPlainText(layout.text)
        self.source.setText(layout.source)
        self.schedule()

    def _reload_names(self, current: str = "") -> None:
        self.names.clear()
        self.names.addItem(tr("（未保存）"))
        try:
            self.names.addItems(pl.list_layouts(self.ws.path))
        except Exception as exc:  # noqa: BLE001 - an unreadable table must not stop printing
            self.status.setText(str(exc))
        if current:
            self.names.setCurrentText(current)

    def _load_selected(self, index: int) -> None:
        if index <= 0:
            return
        try:
            self.set_layout(pl.load_layout(self.ws.path, self.names.currentText()))
        except pl.LayoutError as exc:
            self.status.setText(exc.text(self.lang))

    def save_layout(self, name: str | None = None) -> bool:
        if not name:
            current = self.names.currentText() if self.names.currentIndex() > 0 else ""
            name, ok = QInputDialog.getText(self, tr("保存版式"), tr("版式名称"), text=current)
            if not ok or not name.strip():
                return False
        layout = self.layout_spec()
        layout.name = name.strip()
        try:
            pl.save_layout(self.ws.path, layout)
        except pl.LayoutError as exc:
            self.status.setText(exc.text(self.lang))
            return False
        except Exception as exc:  # noqa: BLE001 - e.g. a read-only workspace
            QMessageBox.warning(self, tr("保存版式"), tr("保存失败：") + str(exc))
            return False
        self._reload_names(layout.name)
        self.status.setText(tr("已保存版式：") + layout.name)
        return True

    def delete_layout(self) -> None:
        if self.names.currentIndex() <= 0:
            return
        name = self.names.currentText()
        pl.delete_layout(self.ws.path, name)
        self._reload_names()
        self.status.setText(tr("已删除版式：") + name)

    # -- preview and export ----------------------------------------------------------------
    def schedule(self, *_: Any) -> None:
        self.timer.start()

    def _render_preview(self) -> None:
        layout = self.layout_spec()
        w_mm, h_mm = layout.page_mm()
        dpi = PREVIEW_PX / (max(w_mm, h_mm) / 25.4)
        ctx = self.ctx

        def work(_token: Any) -> QImage:
            layout.validate()
            img = QImage(*layout.page_pixels(dpi), QImage.Format.Format_RGB32)
            dpm = int(round(dpi / 0.0254))
            img.setDotsPerMeterX(dpm)
            img.setDotsPerMeterY(dpm)
            img.fill(Qt.GlobalColor.white)
            p = QPainter(img)
            try:
                res = draw_layout_page(p, layout, ctx, img.width(), img.height(), dpi)
            finally:
                p.end()
            self.last_scale = res.scale
            return img

        self.runner.submit(work, self._on_preview, channel="preview",
                           on_error=lambda exc: self.status.setText(_error_text(exc, self.lang)))

    def _on_preview(self, img: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(img).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        self.status.setText(tr("比例尺") + f" 1:{int(round(getattr(self, 'last_scale', 0))):,}")

    def export(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("导出"), "layout.pdf",
                                                  "PDF (*.pdf);;PNG (*.png);;TIFF (*.tif)")
            if not path:
                return
        layout = self.layout_spec()
        ctx = self.ctx
        from ui.printing.export import export_layout

        def work(_token: Any) -> dict[str, Any]:
            return export_layout(layout, ctx, Path(path))

        self.b_export.setEnabled(False)
        self.status.setText(tr("正在导出…"))
        self.runner.submit(work, self._on_exported, on_error=self._export_failed)

    def _export_failed(self, exc: BaseException) -> None:
        self.b_export.setEnabled(True)
        self.status.setText(tr("导出失败：") + _error_text(exc, self.lang))

    def _on_exported(self, res: dict[str, Any]) -> None:
        self.b_export.setEnabled(True)
        self.status.setText(tr("已导出：") + res["out"])
        self.exported.emit(res["out"])
