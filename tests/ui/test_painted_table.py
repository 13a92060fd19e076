"""The outfall table paints its plain cells itself (ui/painted_table.py, issue 17): what
the user sees is Qt's table to the pixel -- codes, Chinese and English names elided at
the cell's edge, the flags in red, selected rows, the current cell with the focus, the
cell under the mouse, a note on two lines, scrolled either way, a disabled table -- in
each style; and a paint asks the model once per column on screen, not a cell at a time."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QHoverEvent, QImage, QPointingDevice
from PySide6.QtWidgets import QApplication, QStyleFactory

from models.outfall_table import OutfallTable
from ui.outfalls.table_dock import OutfallTablePanel
from ui.painted_table import PaintedTableView

N = 240


def _table() -> OutfallTable:
    codes = [f"PWK350582H{i:05d}" for i in range(N)]
    names = [f"泉州湾入海排污口第{i}号（晋江市深沪镇东海垵村）" if i % 3
             else f"Outfall {i} with a long English name" for i in range(N)]
    names[7] = "两行的名称\n第二行"  # the style lays it out on two lines
    names[8] = ""
    frame = gpd.GeoDataFrame(
        {"code": pd.Series(codes, dtype="str"), "name_zh": pd.Series(names, dtype="str"),
         "county_code": ["350582"] * N, "outfall_type": ["工业排污口", "市政排污口"] * (N // 2),
         "receiving_water": ["泉州湾 Quanzhou Bay", "深沪湾"] * (N // 2),
         "review_status": ["待核查", "已核查"] * (N // 2)},
        geometry=[shapely.Point(118.5, 24.8)] * N, crs="EPSG:4490")
    table = OutfallTable.from_frame(frame, {"350582": "晋江市"})
    table.set_flags({codes[i]: ("possible_duplicate",) for i in range(0, N, 4)})
    return table


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(image.constBits(), np.uint32,
                         image.sizeInBytes() // 4).reshape(image.height(), -1).copy()


def _as_qt_paints_it(view: PaintedTableView, monkeypatch) -> np.ndarray:
    with monkeypatch.context() as m:
        m.setattr(PaintedTableView, "_paints_itself", lambda self: False)
        return _pixels(view.viewport().grab().toImage())


def _ours(view: PaintedTableView) -> np.ndarray:
    assert view._paints_itself()
    return _pixels(view.viewport().grab().toImage())


def _hover(view: PaintedTableView, row: int, column: int) -> None:
    rect = view.visualRect(view.model().index(row, column))
    at = QPointF(rect.center())
    event = QHoverEvent(QEvent.Type.HoverMove, at, at, QPointF(-1, -1),
                        Qt.KeyboardModifier.NoModifier, QPointingDevice.primaryPointingDevice())
    QApplication.sendEvent(view.viewport(), event)


@pytest.fixture(params=["Fusion", "Windows"])
def panel(request, qtbot):
    if request.param not in QStyleFactory.keys():
        pytest.skip(f"no {request.param} style here")
    panel = OutfallTablePanel(_table())
    panel.view.setStyle(QStyleFactory.create(request.param))
    panel.view.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
    qtbot.addWidget(panel)
    panel.resize(1400, 420)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_plain_cells_are_qts_to_the_pixel(panel, monkeypatch):
    view = panel.view
    ours = _ours(view)
    assert (ours == _as_qt_paints_it(view, monkeypatch)).all()
    # (and the cells have ink: Chinese names, codes, the flags' red)
    assert len(np.unique(ours)) > 20
    red = (((ours >> 16) & 0xFF) > 150) & (((ours >> 8) & 0xFF) < 90)
    assert red.sum() > 50


def test_selected_current_and_hovered_cells_are_qts(panel, monkeypatch):
    view = panel.view
    panel.select_codes(["PWK350582H00003", "PWK350582H00005"])
    view.setFocus()
    view.setCurrentIndex(view.model().index(2, 1))  # (selects row 2 too)
    _hover(view, 4, 2)
    QApplication.processEvents()
    assert view._hover == (4, 2)
    assert (_ours(view) == _as_qt_paints_it(view, monkeypatch)).all()


def test_alternate_rows_are_qts(panel, monkeypatch):
    view = panel.view
    panel.select_codes(["PWK350582H00003", "PWK350582H00004"])
    QApplication.processEvents()
    plain = _ours(view)
    view.setAlternatingRowColors(True)
    QApplication.processEvents()
    ours = _ours(view)
    assert (ours != plain).any()  # (the style draws every other row in another colour)
    assert (ours == _as_qt_paints_it(view, monkeypatch)).all()
    view.verticalScrollBar().setValue(5)  # (an odd row at the top)
    QApplication.processEvents()
    assert (_ours(view) == _as_qt_paints_it(view, monkeypatch)).all()


@pytest.mark.parametrize("where", ["down", "right", "disabled"])
def test_scrolled_or_disabled_the_cells_are_qts(panel, monkeypatch, where):
    view = panel.view
    if where == "down":
        view.verticalScrollBar().setValue(37)
    elif where == "right":
        panel.view.horizontalHeader().resizeSection(1, 700)
        QApplication.processEvents()
        view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum() // 2 + 3)
    else:
        view.setEnabled(False)
    QApplication.processEvents()
    assert (_ours(view) == _as_qt_paints_it(view, monkeypatch)).all()


def test_a_paint_asks_the_model_once_per_column(panel, monkeypatch):
    view = panel.view
    model = view.model()
    asked: list[tuple[int, int, int]] = []
    cells: list[int] = []
    painted_cells = model.painted_cells
    monkeypatch.setattr(model, "painted_cells",
                        lambda a, b, c: asked.append((a, b, c)) or painted_cells(a, b, c))
    monkeypatch.setattr(model, "multiData", lambda *a: cells.append(1))
    monkeypatch.setattr(model, "data", lambda *a: cells.append(1))
    view.viewport().repaint()
    shown = [c for c in range(model.columnCount())
             if view.columnViewportPosition(c) < view.viewport().width()]
    assert sorted(c for _a, _b, c in asked) == shown
    first, last = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
    assert {(a, b) for a, b, _c in asked} == {(first, last)}
    # only the two-line name went to the delegate (its row is on screen)
    assert 0 < len(cells) <= 7


def test_a_model_without_painted_cells_is_painted_by_qt(qtbot):
    from PySide6.QtGui import QStandardItemModel

    model = QStandardItemModel(3, 2)
    view = PaintedTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    assert not view._paints_itself()
    view.setModel(OutfallTablePanel(_table()).model)
    assert view._paints_itself()
    view.setWordWrap(True)  # lines broken where the style breaks them: Qt's paint
    assert not view._paints_itself()
    view.setWordWrap(False)
    view.setDragDropMode(view.DragDropMode.InternalMove)  # (its drop indicator: Qt's)
    assert not view._paints_itself()
    view.setDragDropMode(view.DragDropMode.NoDragDrop)
    view.setSpan(0, 0, 2, 1)
    assert not view._paints_itself()


def test_the_cell_under_the_mouse_is_forgotten_as_it_leaves_or_the_rows_change(
        panel, monkeypatch):
    view = panel.view
    _hover(view, 1, 1)
    assert view._hover == (1, 1)
    QApplication.sendEvent(view.viewport(), QEvent(QEvent.Type.Leave))
    assert view._hover is None
    _hover(view, 3, 2)
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # other rows under the mouse
    assert view._hover is None
    QApplication.processEvents()
    assert (_ours(view) == _as_qt_paints_it(view, monkeypatch)).all()
