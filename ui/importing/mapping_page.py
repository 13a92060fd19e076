"""Step 3 of the import dialog: map the file's columns onto the workspace fields.

Each target field gets a combo of the file's columns, pre-set by
``field_mapping.suggest_mapping`` and coloured by its confidence; below, the first 20 rows
as they would be imported.  Mappings are saved as JSON and reused: a saved mapping in the
user's mapping folder whose columns are all in the file is applied on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geodata.io import field_mapping
from geodata.messages import Message
from models import import_process
from ui.importing.common import CONFIDENCE_COLOURS, confidence_level, fill_table, make_table
from ui.importing.jobs import JobRunner
from ui.importing.pages import StepPage
from ui.importing.state import WizardState

PREVIEW_ROWS = 20


def mapping_folder() -> Path:
    """Where mappings are saved by default, so that the next file can reuse them."""
    from geodata.paths import user_data_dir

    return user_data_dir() / "import_mappings"


def find_saved_mapping(columns: list[str], layer: str) -> tuple[Path, dict[str, str]] | None:
    """The saved mapping for ``layer`` using the most columns, all present in ``columns``."""
    folder = mapping_folder()
    best: tuple[Path, dict[str, str]] | None = None
    if not folder.is_dir():
        return None
    cols = set(columns)
    for path in sorted(folder.glob("*.json")):
        try:
            saved_layer, fields = field_mapping.load_mapping(path)
        except ValueError:
            continue
        if saved_layer != layer or not fields or not set(fields.values()) <= cols:
            continue
        if best is None or len(fields) > len(best[1]):
            best = (path, fields)
    return best


class MappingPage(StepPage):
    def __init__(self, state: WizardState, jobs: JobRunner) -> None:
        super().__init__(state, jobs)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.table = make_table(3)
        self.combos: dict[str, QComboBox] = {}
        self.how: dict[str, tuple[str, float | None]] = {}  # target → (why, confidence)
        self.save_button, self.load_button = QPushButton(), QPushButton()
        self.save_button.clicked.connect(self.save)
        self.load_button.clicked.connect(self.load)
        self.preview_label = QLabel()
        self.preview = make_table(0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.load_button)
        buttons.addStretch(1)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table)
        tl.addLayout(buttons)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.preview_label)
        bl.addWidget(self.preview)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([300, 260])
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)
        self._key: tuple[object, ...] | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("第 3 步：字段对应"))
        self.setSubTitle(self.tr("为每个工作区字段选择文件中的列；颜色表示自动匹配的把握程度"))
        self.save_button.setText(self.tr("保存映射…"))
        self.load_button.setText(self.tr("载入映射…"))
        self.preview_label.setText(self.tr("预览：前 %1 行导入后的样子").replace("%1", str(PREVIEW_ROWS)))  # noqa: E501
        self.table.setHorizontalHeaderLabels([self.tr("工作区字段"), self.tr("文件中的列"),
                                              self.tr("匹配程度")])
        if self._key is not None:
            self._refresh_confidence()
            self.update_preview()

    # -- building ---------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt name
        s = self.session
        key = (s.read_key, s.table())
        if key == self._key:  # back and forth: keep the user's choices
            return
        self._key = key
        self.how = {}
        if not s.keyed():
            self.info.setText(self.tr("新图层按文件原有字段导入，无需对应。下面是前几行的预览。"))
            self.table.setRowCount(0)
            self.table.setVisible(False)
            self.save_button.setVisible(False)
            self.load_button.setVisible(False)
            self.update_preview()
            return
        self.table.setVisible(True)
        self.save_button.setVisible(True)
        self.load_button.setVisible(True)
        matches = s.suggest()
        for target, m in matches.items():
            self.how[target] = (m.why, m.confidence)
        self.info.setText(self.tr("已根据字段名自动对应。"))
        saved = find_saved_mapping(s.columns(), s.table())
        if saved is not None:
            s.apply_mapping(saved[1])
            self.how = {t: ("saved", None) for t in s.mapping}
            self.info.setText(self.tr("已套用保存的映射：%1").replace("%1", saved[0].name))
        self.build_table()
        self.update_preview()

    def build_table(self) -> None:
        s = self.session
        fields = field_mapping.LAYER_FIELDS[s.table()]
        columns = s.columns()
        self.table.setRowCount(len(fields))
        self.combos = {}
        for r, f in enumerate(fields):
            item = QTableWidgetItem(self.field_label(f))
            item.setToolTip(f"{f.name} {f.national}".strip())
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, item)
            combo = QComboBox()
            combo.addItem(self.tr("（不导入）"), "")
            for c in columns:
                combo.addItem(c, c)
            combo.setCurrentIndex(max(0, combo.findData(s.mapping.get(f.name, ""))))
            combo.currentIndexChanged.connect(lambda _i, t=f.name: self.source_changed(t))
            self.table.setCellWidget(r, 1, combo)
            self.combos[f.name] = combo
            self.table.setItem(r, 2, QTableWidgetItem())
        self._refresh_confidence()
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, max(self.table.columnWidth(1), 180))

    def field_label(self, f: field_mapping.schema.Field) -> str:
        return f"{Message(f.label_zh, f.label_en).text(self.state.lang)} ({f.name})"

    def _refresh_confidence(self) -> None:
        why_text = {"exact": self.tr("完全一致"), "cut to 10 bytes": self.tr("字段名被截断（DBF 10 字节）"),  # noqa: E501
                    "partial": self.tr("部分一致，请核对"), "user": self.tr("手动选择"),
                    "saved": self.tr("来自保存的映射")}
        fields = field_mapping.LAYER_FIELDS.get(self.session.table(), ())
        for r, f in enumerate(fields):
            item = self.table.item(r, 2)
            if item is None:
                continue
            self.table.item(r, 0).setText(self.field_label(f))
            why, conf = self.how.get(f.name, ("", None))
            if not self.session.mapping.get(f.name):
                item.setText(self.tr("未对应"))
                level = "none"
            else:
                pct = f"{round(conf * 100)}% " if conf is not None else ""
                item.setText(pct + why_text.get(why, why))
                level = "user" if why in ("user", "saved") else confidence_level(conf)
            item.setBackground(CONFIDENCE_COLOURS[level])
            item.setData(Qt.ItemDataRole.UserRole, level)

    def source_changed(self, target: str) -> None:
        column = self.combos[target].currentData()
        self.session.set_source(target, column or None)
        self.how[target] = ("user", None)
        self._refresh_confidence()
        self.update_preview()

    def update_preview(self) -> None:
        s = self.session
        fields, rows = s.preview(PREVIEW_ROWS)
        by_name = {f.name: f for f in field_mapping.LAYER_FIELDS.get(s.table(), ())}
        headers = [self.field_label(by_name[n]) if n in by_name else
                   (self.tr("几何") if n == "geometry" else n) for n in fields]
        fill_table(self.preview, headers, rows, [str(n) for n in s.row_numbers(len(rows))])

    def mapped_source(self, target: str) -> str:
        combo = self.combos.get(target)
        return str(combo.currentData() or "") if combo is not None else ""

    # -- saving and loading -----------------------------------------------------------------
    def save(self, path: Path | None = None) -> Path | None:
        if not path:
            folder = mapping_folder()
            folder.mkdir(parents=True, exist_ok=True)
            stem = self.session.path.stem if self.session.path else "mapping"
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("保存字段映射"), str(folder / f"{stem}.{self.session.table()}.json"),
                self.tr("字段映射") + " (*.json)")
            if not name:
                return None
            path = Path(name)
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.session.save_mapping(Path(path))
        except OSError as exc:
            self.say(self.tr("无法保存映射：%1").replace("%1", str(exc)), error=True)
            return None
        self.say(self.tr("映射已保存：%1").replace("%1", str(path)))
        return Path(path)

    def load(self, path: Path | None = None) -> None:
        if not path:
            name, _ = QFileDialog.getOpenFileName(self, self.tr("载入字段映射"),
                                                  str(mapping_folder()),
                                                  self.tr("字段映射") + " (*.json)")
            if not name:
                return
            path = Path(name)
        try:
            layer, fields = field_mapping.load_mapping(Path(path))
        except ValueError as exc:
            self.say(self.tr("无法读取映射文件：%1").replace("%1", str(exc)), error=True)
            return
        missing = self.session.apply_mapping(fields)
        self.how = {t: ("saved", None) for t in self.session.mapping}
        self.build_table()
        self.update_preview()
        text = self.tr("已载入映射：%1").replace("%1", Path(path).name)
        if layer and layer != self.session.table():
            text += " " + self.tr("（映射原用于图层 %1）").replace("%1", layer)
        if missing:
            text += " " + self.tr("文件中缺少以下列：%1").replace("%1", ", ".join(missing))
        self.say(text, error=bool(missing))

    # -- next: the dry run ------------------------------------------------------------------
    def start_work(self) -> bool:
        s = self.session
        if s.needs_code_column() and not s.mapping.get("code"):
            self.say(self.tr("请为“编码”字段选择一列：记录按编码识别和更新"), error=True)
            return False
        self.say("")
        def work(progress: Any) -> Any:
            # a big file's import will run in a child process: started now, its start
            # overlaps the dry run and the user's reading of it (models/import_process.py)
            import_process.warm(s)
            return s.run(True, progress)

        self.jobs.run_job(work, self, self._dry_done, self.tr("正在预演导入（不写入）…"))
        return False

    def _dry_done(self, report: object) -> None:
        self.state.dry_report = report
        self.work_done()
