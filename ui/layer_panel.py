"""Layer panel (left dock): groups, visibility, order, opacity, legend, labels, zoom to layer."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSlider,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geodata.messages import Message
from layers.map_layer import MapLayer
from layers.map_model import MapModel
from layers.style import Category, LayerStyle
from models.info import layer_title
from ui.painter import draw_symbol, hatch_brush, qcolor

ROLE = Qt.ItemDataRole.UserRole


def tr(text: str) -> str:
    return QCoreApplication.translate("LayerPanel", text)


def swatch(style: LayerStyle, cat: Category | None, shape_only: bool = False) -> QIcon:
    pm = QPixmap(18, 18)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if style.kind == "point":
        fill = QColor(90, 90, 90) if shape_only or cat is None else qcolor(cat.fill)
        shape = cat.shape if cat is not None and (shape_only or not style.shapes) else "circle"
        draw_symbol(p, 9, 9, 12, shape, fill, QColor(255, 255, 255))
    elif style.kind == "line":
        pen = QPen(qcolor(style.stroke), max(style.stroke_width, 1.5) + 0.5)
        p.setPen(pen)
        p.drawLine(2, 12, 16, 6)
    elif shape_only and cat is not None:  # polygon pattern: plain or hatched swatch
        p.setPen(QPen(QColor(120, 120, 120), 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(2, 3, 14, 12)
        if cat.shape == "hatch":
            p.fillRect(3, 4, 13, 11, hatch_brush(cat.stroke))
    else:
        fill = cat.fill if cat is not None else style.fill
        stroke = cat.stroke if cat is not None else style.stroke
        p.setBrush(QBrush(qcolor((fill[0], fill[1], fill[2], max(fill[3], 60) if fill[3] else 0))))
        pen = QPen(qcolor(stroke), 1.4)
        if style.dash:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen if stroke[3] else Qt.PenStyle.NoPen)
        p.drawRect(2, 3, 14, 12)
    p.end()
    return QIcon(pm)


class LayerTree(QTreeWidget):
    """The tree; a dropped layer moves within its group (drawing order follows the tree)."""

    moved = Signal(str, str)  # layer moved, layer it was dropped on

    def dropEvent(self, event) -> None:  # noqa: N802
        src = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        event.ignore()
        if src is None or target is None:
            return
        s, t = src.data(0, ROLE), target.data(0, ROLE)
        if s and t and s[0] == "layer" and t[0] == "layer" and s[1] != t[1]:
            self.moved.emit(s[1], t[1])


class LayerPanel(QWidget):
    zoom_to_layer = Signal(str)

    def __init__(self, model: MapModel, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.lang = lang
        self.tree = LayerTree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setIndentation(14)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._sync_controls())
        self.tree.moved.connect(self._on_moved)
        self.opacity_label = QLabel()
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.valueChanged.connect(self._on_opacity)
        self.labels_box = QCheckBox()
        self.labels_box.toggled.connect(self._on_labels)
        self.zoom_button = QPushButton()
        self.zoom_button.clicked.connect(self._zoom_current)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addWidget(self.opacity_label)
        row.addWidget(self.opacity, 1)
        lay.addLayout(row)
        row2 = QHBoxLayout()
        row2.addWidget(self.labels_box)
        row2.addStretch(1)
        row2.addWidget(self.zoom_button)
        lay.addLayout(row2)
        self._building = False
        model.changed.connect(self._on_model_changed)
        self.rebuild()

    # -- building ------------------------------------------------------------------------
    def rebuild(self) -> None:
        self._building = True
        current = self.current_layer()
        expanded = {self.tree.topLevelItem(i).data(0, ROLE)[1]
                    for i in range(self.tree.topLevelItemCount())
                    if self.tree.topLevelItem(i).isExpanded()} or None
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        for key, zh, eng, members in self.model.groups():
            g = QTreeWidgetItem([Message(zh, eng).text(self.lang)])
            g.setData(0, ROLE, ("group", key))
            g.setFont(0, bold)
            g.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(g)
            for layer in members:
                self._layer_item(g, layer)
            g.setExpanded(expanded is None or key in expanded)
        self._building = False
        if current or self.model.get("control_units") is not None:
            self.select_layer(current or "control_units")
        self._sync_controls()

    def _layer_item(self, parent: QTreeWidgetItem, layer: MapLayer) -> None:
        title = layer_title(layer.name, self.lang)
        if layer.illustrative:
            title += "  [" + tr("示例数据") + "]"
        item = QTreeWidgetItem(parent, [title])
        item.setData(0, ROLE, ("layer", layer.name))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                      | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled
                      | Qt.ItemFlag.ItemIsDropEnabled)
        item.setCheckState(0, Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
        st = layer.style
        if layer.illustrative:
            item.setForeground(0, QBrush(QColor(133, 100, 4)))
            item.setToolTip(0, tr("示例数据：并非官方成果"))
        if not st.categories:
            item.setIcon(0, swatch(st, None))
        self._legend_entries(item, layer, st.category_field, st.categories, False)
        if st.shapes:
            self._legend_entries(item, layer, st.shape_field, st.shapes, True)
        item.setExpanded(layer.name in ("control_units", "outfalls"))

    def _legend_entries(self, item: QTreeWidgetItem, layer: MapLayer, field_name: str,
                        cats: tuple[Category, ...], shape_only: bool) -> None:
        if not cats:
            return
        counts = layer.legend_counts(shapes=shape_only)
        for c, n in zip(cats, counts.tolist(), strict=True):
            child = QTreeWidgetItem(item, [f"{c.label(self.lang)} ({n})"])
            child.setData(0, ROLE, ("category", layer.name, field_name, c.key))
            child.setIcon(0, swatch(layer.style, c, shape_only))
            child.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            hidden = layer.legend.is_hidden(field_name, c.key)
            child.setCheckState(0, Qt.CheckState.Unchecked if hidden else Qt.CheckState.Checked)

    # -- state ---------------------------------------------------------------------------
    def current_layer(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None:
            data = item.data(0, ROLE)
            if data and data[0] == "layer":
                return str(data[1])
            item = item.parent()
        return None

    def layer_item(self, name: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            g = self.tree.topLevelItem(i)
            for j in range(g.childCount()):
                if g.child(j).data(0, ROLE) == ("layer", name):
                    return g.child(j)
        return None

    def select_layer(self, name: str) -> None:
        item = self.layer_item(name)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _sync_controls(self) -> None:
        name = self.current_layer()
        layer = self.model.get(name) if name else None
        for w in (self.opacity, self.labels_box, self.zoom_button):
            w.setEnabled(layer is not None)
        if layer is not None:
            self.opacity.blockSignals(True)
            self.opacity.setValue(int(round(layer.opacity * 100)))
            self.opacity.blockSignals(False)
            self.labels_box.blockSignals(True)
            self.labels_box.setChecked(layer.labels)
            self.labels_box.setEnabled(bool(layer.style.label_field_zh))
            self.labels_box.blockSignals(False)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.opacity_label.setText(tr("不透明度"))
        self.labels_box.setText(tr("显示标注"))
        self.zoom_button.setText(tr("缩放至图层"))
        self.rebuild()

    # -- user actions ----------------------------------------------------------------------
    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._building:
            return
        data = item.data(0, ROLE)
        checked = item.checkState(0) == Qt.CheckState.Checked
        if data and data[0] == "layer":
            self.model.set_visible(data[1], checked)
        elif data and data[0] == "category":
            self.model.set_category_visible(data[1], data[2], data[3], checked)

    def _on_model_changed(self, name: str, what: str) -> None:
        if what == "visible":
            item = self.layer_item(name)
            layer = self.model.get(name)
            if item is not None and layer is not None:
                self._building = True
                item.setCheckState(0, Qt.CheckState.Checked if layer.visible
                                   else Qt.CheckState.Unchecked)
                self._building = False
        elif what == "order":
            self.rebuild()

    def _on_opacity(self, value: int) -> None:
        name = self.current_layer()
        if name:
            self.model.set_opacity(name, value / 100.0)

    def _on_labels(self, on: bool) -> None:
        name = self.current_layer()
        if name:
            self.model.set_labels(name, on)

    def _zoom_current(self) -> None:
        name = self.current_layer()
        if name:
            self.zoom_to_layer.emit(name)

    def _on_moved(self, src: str, target: str) -> None:
        names = self.model.names()
        self.model.move(src, names.index(target))

    def _shift(self, name: str, step: int) -> None:
        names = self.model.names()
        self.model.move(name, names.index(name) + step)
        self.select_layer(name)

    def _menu(self, pos) -> None:
        name = self.current_layer()
        if not name:
            return
        layer = self.model.get(name)
        menu = QMenu(self)
        menu.addAction(tr("缩放至图层"), lambda: self.zoom_to_layer.emit(name))
        if layer is not None and layer.style.label_field_zh:
            act = menu.addAction(tr("显示标注"))
            act.setCheckable(True)
            act.setChecked(layer.labels)
            act.toggled.connect(lambda on: self.model.set_labels(name, on))
        menu.addAction(tr("上移"), lambda: self._shift(name, 1))
        menu.addAction(tr("下移"), lambda: self._shift(name, -1))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
