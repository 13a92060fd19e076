"""The first two steps of the import dialog: the file (and target layer), encoding and CRS.

Each page reads and changes the shared :class:`~ui.importing.state.WizardState` (its
:class:`~geodata.io.import_session.ImportSession` through the session's methods); slow work
(reading the file) runs through the :class:`~ui.importing.jobs.JobRunner` it is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from geodata.io import crs_detect, readers
from geodata.io import import_session as sess
from ui.importing.common import Translated
from ui.importing.jobs import JobRunner
from ui.importing.state import WizardState

ALL_LAYERS = "__all__"
#: the same list the command line accepts (a .gdb folder is chosen by a file inside it; a
#: DWG may be picked to be told to save it as DXF)
FILE_FILTER = " ".join(f"*{s}" for s in [*readers.supported_suffixes(),
                                          *sorted(readers.CAD_ONLY_SUFFIXES)]) + " *.gdbtable"


def crs_label(crs: str) -> str:
    """'EPSG:4490 China Geodetic Coordinate System 2000' for 'EPSG:4490'."""
    try:
        from pyproj import CRS

        return f"{crs} {CRS.from_user_input(crs).name}"
    except Exception:
        return crs


class StepPage(Translated, QWizardPage):
    """A page whose Next may first run a job in the background (``start_work``)."""

    def __init__(self, state: WizardState, jobs: JobRunner) -> None:
        super().__init__()
        self.state = state
        self.jobs = jobs
        self._passed = False
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    @property
    def session(self) -> sess.ImportSession:
        return self.state.session

    def validatePage(self) -> bool:  # noqa: N802 - Qt name
        if self._passed:
            self._passed = False
            return True
        if self.jobs.busy():
            return False
        return self.start_work()

    def start_work(self) -> bool:
        """Start background work and return False, or return True to move on at once."""
        return True

    def work_done(self) -> None:
        """Called by a job's success handler: move to the next step."""
        self._passed = True
        wizard = self.wizard()
        if wizard is not None:
            wizard.next()

    def say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020;" if error else "")
        self.status.setText(text)

    def retranslate(self) -> None:
        """Set the texts of the page in the current language."""


class FilePage(StepPage):
    """Step 1: the file, the layer inside it and the workspace layer to import into."""

    def __init__(self, state: WizardState, jobs: JobRunner) -> None:
        super().__init__(state, jobs)
        self.path_edit = QLineEdit()
        self.browse = QPushButton()
        self.browse.clicked.connect(self.choose_file)
        self.path_edit.editingFinished.connect(self.file_changed)
        self.layers = QListWidget()
        self.layers.setMaximumHeight(140)
        self.layers.setVisible(False)
        self.layers.currentItemChanged.connect(lambda *_: self.completeChanged.emit())
        self.layers_label = QLabel()
        self.layers_label.setVisible(False)
        self.target_box = QGroupBox()
        self.r_units, self.r_outfalls, self.r_new = QRadioButton(), QRadioButton(), QRadioButton()
        self.targets = QButtonGroup(self)
        for i, r in enumerate((self.r_units, self.r_outfalls, self.r_new)):
            self.targets.addButton(r, i)
        self.r_outfalls.setChecked(True)
        self.new_name = QLineEdit()
        self.new_name.setEnabled(False)
        self.r_new.toggled.connect(self.new_name.setEnabled)
        self.targets.idToggled.connect(lambda *_: self.completeChanged.emit())
        self.new_name.textChanged.connect(lambda *_: self.completeChanged.emit())

        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        tl = QVBoxLayout(self.target_box)
        tl.addWidget(self.r_units)
        from ui.editions.import_option import EditionOption  # issue 18: keep an edition

        self.edition = EditionOption()
        self.edition.setEnabled(False)
        self.r_units.toggled.connect(self.edition.setEnabled)
        tl.addWidget(self.edition)
        tl.addWidget(self.r_outfalls)
        nl = QHBoxLayout()
        nl.addWidget(self.r_new)
        nl.addWidget(self.new_name, 1)
        tl.addLayout(nl)
        self.file_label = QLabel()
        lay = QVBoxLayout(self)
        lay.addWidget(self.file_label)
        lay.addLayout(row)
        lay.addWidget(self.layers_label)
        lay.addWidget(self.layers)
        lay.addWidget(self.target_box)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("第 1 步：选择文件与目标图层"))
        self.setSubTitle(self.tr("支持 Shapefile（含 zip）、File Geodatabase（.gdb）、GeoPackage、GeoJSON、KML/KMZ、GPX、FlatGeobuf、MapInfo（TAB/MIF）、SpatiaLite、DXF、CSV/XLSX/XLS/ODS 点表"))  # noqa: E501
        self.file_label.setText(self.tr("要导入的文件："))
        self.browse.setText(self.tr("浏览…"))
        self.layers_label.setText(self.tr("文件内的图层（GeoPackage 图层、KML 文件夹、工作表）："))
        self.target_box.setTitle(self.tr("导入到工作区图层"))
        self.r_units.setText(self.tr("环境管控单元（control_units，按单元编码更新）"))
        self.r_outfalls.setText(self.tr("排污口（outfalls，按排污口编码更新）"))
        self.r_new.setText(self.tr("新图层，名称："))
        self.edition.retranslate()
        if self.layers.count() and self.layers.item(0).data(Qt.ItemDataRole.UserRole) == ALL_LAYERS:
            self.layers.item(0).setText(self.tr("（全部文件夹）"))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择要导入的文件"), "",
                                              self.tr("空间数据与点表") + f" ({FILE_FILTER})")
        if path:
            self.set_file(Path(path))

    def set_file(self, path: Path, layer: str | None = None) -> None:
        """Choose a file (and a layer inside it); lists the layers of the file."""
        self.path_edit.setText(str(path))
        self.file_changed()
        if layer is not None:
            for i in range(self.layers.count()):
                if self.layers.item(i).data(Qt.ItemDataRole.UserRole) == layer:
                    self.layers.setCurrentRow(i)

    def chosen_path(self) -> Path:
        """The dataset named in the box: a file picked inside a .gdb folder is the folder."""
        return readers.source_path(Path(self.path_edit.text().strip()))

    def file_changed(self) -> None:
        path = self.chosen_path()
        self.layers.clear()
        self.say("")
        if not self.path_edit.text().strip() or not sess.importable(path):
            if self.path_edit.text().strip():
                self.say(self.tr("文件不存在"), error=True)
            self.completeChanged.emit()
            return
        if str(path) != self.path_edit.text().strip():
            self.path_edit.setText(str(path))
        names = sess.file_layers(path)
        if path.suffix.lower() in (".kml", ".kmz") and len(names) > 1:
            item = QListWidgetItem(self.tr("（全部文件夹）"))
            item.setData(Qt.ItemDataRole.UserRole, ALL_LAYERS)
            self.layers.addItem(item)
        for n in names:
            item = QListWidgetItem(n)
            item.setData(Qt.ItemDataRole.UserRole, n)
            self.layers.addItem(item)
        if self.layers.count():
            preferred = sess.suggested_layer(path, names)  # a workbook: its coordinate sheet
            self.layers.setCurrentRow(names.index(preferred) if preferred in names else 0)
        self.layers.setEnabled(self.layers.count() > 1)
        self.layers.setVisible(self.layers.count() > 0)
        self.layers_label.setVisible(self.layers.count() > 0)
        if not self.new_name.text():
            self.new_name.setText(sess.layer_table_name("any", path))
        self.completeChanged.emit()

    def file_layer(self) -> str | None:
        item = self.layers.currentItem()
        if item is None or self.layers.count() <= 1:
            return None
        value = item.data(Qt.ItemDataRole.UserRole)
        return None if value == ALL_LAYERS else str(value)

    def target(self) -> str:
        if self.r_units.isChecked():
            return "control_units"
        if self.r_outfalls.isChecked():
            return "outfalls"
        return self.new_name.text().strip()

    def isComplete(self) -> bool:  # noqa: N802 - Qt name
        return bool(self.path_edit.text().strip()) and sess.importable(self.chosen_path()) \
            and bool(self.target()) and not self.jobs.busy()

    def start_work(self) -> bool:
        s = self.session
        path = self.chosen_path()
        if path != s.path or self.file_layer() != s.file_layer:
            s.encoding, s.crs = "auto", "auto"
        s.path, s.file_layer, s.target = path, self.file_layer(), self.target()
        s.keep_edition, s.edition = self.edition.values()
        if not s.needs_read():
            return True
        self.say("")
        self.jobs.run_job(lambda progress: s.read(progress), self, lambda _r: self.work_done(),
                            self.tr("正在读取文件…"))
        return False


class EncodingCrsPage(StepPage):
    """Step 2: the text encoding (detected, with the reason; overridable) and the CRS."""

    def __init__(self, state: WizardState, jobs: JobRunner) -> None:
        super().__init__(state, jobs)
        self.enc_box, self.crs_box = QGroupBox(), QGroupBox()
        self.enc_detected = QLabel()
        self.enc_detected.setWordWrap(True)
        self.enc_combo = QComboBox()
        self.enc_combo.currentIndexChanged.connect(self.update_sample)
        self.sample = QPlainTextEdit()
        self.sample.setReadOnly(True)
        self.sample.setMaximumHeight(130)
        self.enc_label, self.sample_label = QLabel(), QLabel()
        form = QFormLayout()
        form.addRow(self.enc_label, self.enc_combo)
        el = QVBoxLayout(self.enc_box)
        el.addWidget(self.enc_detected)
        el.addLayout(form)
        el.addWidget(self.sample_label)
        el.addWidget(self.sample)

        self.crs_detected = QLabel()
        self.crs_detected.setWordWrap(True)
        self.crs_combo = QComboBox()
        self.crs_combo.currentIndexChanged.connect(self.crs_changed)
        self.crs_hint = QLabel()
        self.crs_hint.setWordWrap(True)
        self.epsg_edit = QLineEdit()
        self.epsg_edit.setPlaceholderText("EPSG:4548")
        self.epsg_edit.textChanged.connect(lambda *_: self.completeChanged.emit())
        self.crs_label = QLabel()
        cform = QFormLayout()
        cform.addRow(self.crs_label, self.crs_combo)
        cform.addRow("", self.epsg_edit)
        cl = QVBoxLayout(self.crs_box)
        cl.addWidget(self.crs_detected)
        cl.addLayout(cform)
        cl.addWidget(self.crs_hint)
        self.notes_label = QLabel()
        self.notes = QListWidget()
        self.notes.setMaximumHeight(90)
        lay = QVBoxLayout(self)
        lay.addWidget(self.enc_box)
        lay.addWidget(self.crs_box)
        lay.addWidget(self.notes_label)
        lay.addWidget(self.notes)
        lay.addWidget(self.status)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("第 2 步：文字编码与坐标系"))
        self.setSubTitle(self.tr("核对自动识别的结果；如文字乱码或位置不对，请在此更改"))
        self.enc_box.setTitle(self.tr("文字编码"))
        self.crs_box.setTitle(self.tr("坐标系"))
        self.enc_label.setText(self.tr("使用编码："))
        self.sample_label.setText(self.tr("文字预览（选对编码后乱码会消失）："))
        self.crs_label.setText(self.tr("坐标系："))
        self.notes_label.setText(self.tr("读取说明："))
        if self.session.path is not None and self.isVisible():
            self.initializePage()

    # -- encoding ---------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt name
        s = self.session
        assert s.path is not None
        lang = self.state.lang
        choosable = sess.encoding_choosable(s.path)
        detected = s.result.encoding if s.result is not None and s.result.encoding \
            and s.encoding == "auto" else sess.detect_encoding(s.path)
        self.enc_combo.blockSignals(True)
        self.enc_combo.clear()
        if choosable and detected is not None:
            shown = sess.ENCODINGS.get(detected.encoding, detected.encoding.upper())
            self.enc_detected.setText(self.tr("检测结果：%1 — %2").replace("%1", shown)
                                      .replace("%2", detected.message.text(lang)))
            self.enc_combo.addItem(self.tr("自动（%1）").replace("%1", shown), "auto")
            for codec, name in sess.ENCODINGS.items():
                self.enc_combo.addItem(name, codec)
            i = self.enc_combo.findData(s.encoding)
            self.enc_combo.setCurrentIndex(max(i, 0))
        else:
            self.enc_detected.setText(self.tr("此格式的文字编码固定为 UTF-8，无需选择"))
            self.enc_combo.addItem("UTF-8", "auto")
        self.enc_combo.setEnabled(choosable)
        self.enc_combo.blockSignals(False)
        self.update_sample()
        self.fill_crs()
        self.notes.clear()
        if s.result is not None:
            for n in s.result.notes.items:
                self.notes.addItem(n.text(lang))
        self.say("")

    def chosen_encoding(self) -> str:
        return str(self.enc_combo.currentData() or "auto")

    def update_sample(self) -> None:
        s = self.session
        if s.path is None:
            return
        enc = self.chosen_encoding()
        if enc == "auto":
            d = sess.detect_encoding(s.path)
            enc = d.encoding if d is not None else "utf-8"
        text = sess.text_sample(s.path, enc, s.file_layer)
        if not text and s.result is not None:  # UTF-8 formats: the first rows as read
            head = s.result.frame.drop(columns=["geometry"], errors="ignore").head(7)
            text = "\n".join([", ".join(map(str, head.columns))] +
                             [", ".join("" if v is None else str(v) for v in r)
                              for r in head.itertuples(index=False)])
        self.sample.setPlainText(text)

    # -- coordinate system ----------------------------------------------------------------
    def fill_crs(self) -> None:
        s = self.session
        self.crs_combo.blockSignals(True)
        self.crs_combo.clear()
        if s.crs_candidates:
            self.crs_detected.setText(self.tr("文件未声明坐标系。以下候选是按坐标范围推断的，落在泉州的排在前面，请选择："))
            self.crs_combo.addItem(self.tr("（请选择）"), "")
            for c in s.crs_candidates:
                where = "" if c.in_quanzhou is None else (
                    self.tr("落在泉州") if c.in_quanzhou else self.tr("不在泉州"))
                self.crs_combo.addItem(f"{c.crs} {c.name}" + (f" — {where}" if where else ""),
                                       c.crs)
        else:
            declared = s.result.declared_crs if s.result is not None else None
            self.crs_detected.setText(self.tr("检测结果：%1").replace(
                "%1", crs_label(declared) if declared else self.tr("文件中的坐标系")))
            self.crs_combo.addItem(self.tr("按检测结果"), "auto")
        self.crs_combo.addItem(self.tr("CGCS2000 经纬度 (EPSG:4490)"), "EPSG:4490")
        self.crs_combo.addItem(self.tr("WGS84 经纬度 (EPSG:4326)"), "EPSG:4326")
        self.crs_combo.addItem(self.tr("高德/腾讯 GCJ-02 经纬度（转换为 CGCS2000）"), "gcj02")
        self.crs_combo.addItem(self.tr("百度 BD-09 经纬度（转换为 CGCS2000）"), "bd09")
        self.crs_combo.addItem(self.tr("其他（输入 EPSG 代码）"), "other")
        i = self.crs_combo.findData(s.crs)
        if i < 0 and s.crs not in ("", "auto"):
            i = self.crs_combo.findData("other")
            self.epsg_edit.setText(s.crs)
        self.crs_combo.setCurrentIndex(max(i, 0))
        self.crs_combo.blockSignals(False)
        self.crs_changed()

    def crs_changed(self) -> None:
        value = self.crs_combo.currentData()
        self.epsg_edit.setVisible(value == "other")
        if value in crs_detect.WEB_CHINESE:
            offset = "0.55–0.62" if value == "gcj02" else "1.1–1.2"
            self.crs_hint.setText(
                self.tr("在泉州，网络地图坐标偏移约 %1 公里；转换会去除这一偏移，转换误差小于 %2 米（在泉州范围实测），结果与取点所用的网络地图一样准确。")  # noqa: E501
                .replace("%1", offset).replace("%2", str(crs_detect.ACCURACY_M[value])))
        elif value == "auto" and self.session.result is not None:
            self.crs_hint.setText(self.tr("若坐标取自高德/腾讯或百度地图，请选择 GCJ-02 或 BD-09，否则位置会偏 0.5–1.2 公里。"))  # noqa: E501
        else:
            self.crs_hint.setText("")
        self.completeChanged.emit()

    def chosen_crs(self) -> str:
        value = str(self.crs_combo.currentData() or "")
        return self.epsg_edit.text().strip() if value == "other" else value

    def isComplete(self) -> bool:  # noqa: N802 - Qt name
        return bool(self.chosen_crs()) and not self.jobs.busy()

    def start_work(self) -> bool:
        s = self.session
        s.encoding, s.crs = self.chosen_encoding(), self.chosen_crs()
        if not s.needs_read():
            return True
        self.say("")
        self.jobs.run_job(lambda progress: s.read(progress), self, self._read_done,
                            self.tr("正在按所选编码和坐标系重新读取…"))
        return False

    def _read_done(self, result: Any) -> None:
        if result is None:  # still no CRS: the user must pick one
            self.initializePage()
            self.say(self.tr("仍无法确定坐标系，请从候选中选择"), error=True)
            return
        self.work_done()
