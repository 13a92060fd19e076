"""冲突…: the open conflicts of a checkout, base / mine / theirs side by side per field.

A moved point shows the three positions on a small map with the distance between mine and
theirs.  "保留我的" keeps the laptop's value (the next sync pushes it), "采用服务器的" takes
the server's; both go through :func:`models.sync.resolve.resolve`, which writes the
workspace and tells the open Workspace (change flow), so map and table update at once.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geodata import schema
from geodata.messages import in_language

CONTEXT = "Sync"
KINDS = {"field": "属性", "move": "位置", "deleted_theirs": "服务器上已删除",
         "deleted_mine": "本机已删除", "new_both": "编码重复的新排污口"}
WORDS = ("本机已修改", "服务器上已删除", "本机已删除", "服务器上已修改", "本机新增",
         "服务器上已有同编码排污口")


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def field_label(field: str, lang: str) -> str:
    if field == "geometry":
        return tr("位置")
    if field == "row":
        return tr("整条记录")
    for f in schema.OUTFALL_FIELDS:
        if f.name == field:
            return in_language(lang, f.label_zh, f.label_en)
    return field


def value_text(field: str, value: Any, lang: str) -> str:
    if value is None:
        return ""
    if value in WORDS:
        return tr(value)
    return str(schema.value_in(field, value, lang))


def parse_xy(text: str | None) -> tuple[float, float] | None:
    try:
        lon, lat = (float(v) for v in str(text).split(","))
    except (TypeError, ValueError):
        return None
    return lon, lat


class MoveMap(QWidget):
    """Base, mine and theirs positions of one outfall, to scale, with the distance."""

    COLORS = {"base": QColor("#888888"), "mine": QColor("#1f6fd1"), "theirs": QColor("#e0731c")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: dict[str, tuple[float, float]] = {}
        self.distance: float | None = None
        self.setMinimumSize(260, 200)

    def set_points(self, points: dict[str, tuple[float, float] | None],
                   distance: float | None) -> None:
        self.points = {k: v for k, v in points.items() if v is not None}
        self.distance = distance
        self.update()

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#f4f7f9"))
        if not self.points:
            return
        lat0 = sum(v[1] for v in self.points.values()) / len(self.points)
        kx = 111_320.0 * math.cos(math.radians(lat0))
        xy = {k: (v[0] * kx, v[1] * 110_574.0) for k, v in self.points.items()}
        xs = [v[0] for v in xy.values()]
        ys = [v[1] for v in xy.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 20.0) * 1.4
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        w, h = self.width(), self.height() - 30
        scale = min(w, h) / span  # pixels per metre

        def to_px(v: tuple[float, float]) -> QPointF:
            return QPointF(w / 2 + (v[0] - cx) * scale, h / 2 - (v[1] - cy) * scale)

        if "mine" in xy and "theirs" in xy:
            p.setPen(QPen(QColor("#555555"), 1, Qt.PenStyle.DashLine))
            p.drawLine(to_px(xy["mine"]), to_px(xy["theirs"]))
        labels = {"base": tr("基准"), "mine": tr("我的"), "theirs": tr("服务器")}
        for key, v in xy.items():
            pt = to_px(v)
            p.setPen(QPen(QColor("white"), 1.5))
            p.setBrush(self.COLORS[key])
            p.drawEllipse(pt, 6, 6)
            p.setPen(self.COLORS[key].darker(130))
            p.drawText(pt + QPointF(9, 4), labels[key])
        bar_m = _nice(span / 4)
        y = self.height() - 12
        p.setPen(QPen(QColor("#333333"), 2))
        p.drawLine(QPointF(10, y), QPointF(10 + bar_m * scale, y))
        p.drawText(QPointF(14 + bar_m * scale, y + 4), f"{bar_m:g} m")
        if self.distance is not None:
            p.drawText(QPointF(10, 16), tr("两处位置相距 %1 米").replace(
                "%1", f"{self.distance:.1f}"))
        p.end()


def _nice(x: float) -> float:
    e = 10 ** math.floor(math.log10(max(x, 1e-9)))
    return next(m * e for m in (1, 2, 5, 10) if m * e >= x)


class ConflictsDialog(QDialog):
    """The open conflicts of the workspace at ``path``; resolving one tells ``ws``."""

    resolved = Signal(str, str, str)  # code, field, choice

    def __init__(self, path: Path, ws: Any, user: str, lang: str = "zh",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path, self.ws, self.user, self.lang = Path(path), ws, user, lang
        self.setWindowTitle(tr("同步冲突"))
        self.resize(860, 460)
        self.list = QTableWidget(0, 3)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().hide()
        self.list.setHorizontalHeaderLabels([tr("排污口编码"), tr("字段"), tr("类型")])
        head = self.list.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.detail = QTableWidget(3, 3)
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.setHorizontalHeaderLabels([tr("基准（上次同步）"), tr("我的"), tr("服务器")])
        self.detail.setVerticalHeaderLabels([tr("值"), tr("修改人"), tr("时间")])
        self.detail.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.map = MoveMap()
        self.empty = QLabel(tr("没有待解决的冲突。"))
        right = QWidget()
        lay = QVBoxLayout(right)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.detail, 1)
        lay.addWidget(self.map, 2)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setSizes([300, 560])
        self.b_mine = QPushButton(tr("保留我的"))
        self.b_theirs = QPushButton(tr("采用服务器的"))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        box.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.empty)
        row.addStretch(1)
        row.addWidget(self.b_mine)
        row.addWidget(self.b_theirs)
        row.addWidget(box)
        main = QVBoxLayout(self)
        main.addWidget(split, 1)
        main.addLayout(row)
        self.b_mine.clicked.connect(lambda: self.resolve_current("mine"))
        self.b_theirs.clicked.connect(lambda: self.resolve_current("theirs"))
        self.list.itemSelectionChanged.connect(self._show)
        self.rows: list[dict[str, Any]] = []
        self.reload()

    def reload(self) -> None:
        from models.sync.resolve import list_conflicts

        self.rows = list_conflicts(self.path)
        self.list.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            for j, text in enumerate((r["code"], field_label(r["field"], self.lang),
                                      tr(KINDS.get(r["kind"], r["kind"])))):
                self.list.setItem(i, j, QTableWidgetItem(text))
        self.empty.setVisible(not self.rows)
        if self.rows:
            self.list.selectRow(0)
        self._show()

    def current(self) -> dict[str, Any] | None:
        i = self.list.currentRow()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def _show(self) -> None:
        r = self.current()
        for b in (self.b_mine, self.b_theirs):
            b.setEnabled(r is not None)
        self.map.setVisible(r is not None and r["kind"] == "move")
        if r is None:
            self.title.setText("")
            self.detail.clearContents()
            return
        f = r["field"]
        kind = "" if r["kind"] in ("field", "move") else " · " + tr(KINDS[r["kind"]])
        self.title.setText(f"{r['code']} · {field_label(f, self.lang)}{kind}")
        cells = [[value_text(f, r["base"], self.lang), value_text(f, r["mine"], self.lang),
                  value_text(f, r["theirs"], self.lang)],
                 ["", self.user, r["who"] or ""],
                 ["", tr("未同步"), (r["when"] or "").replace("T", " ")[:16]]]
        for i, row in enumerate(cells):
            for j, text in enumerate(row):
                self.detail.setItem(i, j, QTableWidgetItem(text))
        if r["kind"] == "move":
            self.map.set_points({"base": parse_xy(r["base"]), "mine": parse_xy(r["mine"]),
                                 "theirs": parse_xy(r["theirs"])}, r["distance_m"])

    def resolve_current(self, choice: str) -> None:
        from models.sync.resolve import resolve

        r = self.current()
        if r is None:
            return
        resolve(self.path, r["code"], r["field"], choice, self.user, ws=self.ws)
        self.resolved.emit(r["code"], r["field"], choice)
        self.reload()
