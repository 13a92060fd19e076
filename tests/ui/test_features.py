"""The feature parts are reachable from the window's menus, in both languages."""

from __future__ import annotations

import pytest


@pytest.fixture
def window(qtbot, tmp_path):
    import shutil

    from geodata import store
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.language import set_language
    from ui.main import MainWindow, make_app

    make_app()
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(store.bundled_path(), path)
    set_language("zh")
    win = MainWindow(Workspace.open(path), "zh", None)
    qtbot.addWidget(win)
    install_features(win)
    yield win
    set_language("zh")


def _texts(menu):
    return [a.text() for a in menu.actions()]


def test_menus_offer_import_exports_screening_and_welcome(window):
    assert "导入数据…" in _texts(window.m_file)
    assert "导出地图…" in _texts(window.m_file)
    assert "导出离线网页地图…" in _texts(window.m_file)
    assert "选址初筛…" in _texts(window.m_tools)
    assert "欢迎与数据说明" in _texts(window.m_help)
    assert window.features.review is not None  # outfall inventory and record card installed


def test_menu_entries_switch_to_english(window):
    window.set_language("en")
    assert "Import data…" in _texts(window.m_file)
    assert "Site screening…" in _texts(window.m_tools)


def test_reload_after_import_updates_the_workspace_layer(window):
    before = window.ws.layer("outfalls")
    window.features.reload_layer("outfalls")
    assert window.ws.layer("outfalls") is not before
    assert len(window.ws.layer("outfalls")) == len(before)


def test_site_drawn_on_the_map_goes_to_screening(window, qtbot):
    window.features.draw_site()
    m = window.canvas.measurement
    for lon, lat in [(118.59, 24.89), (118.61, 24.89), (118.61, 24.91), (118.59, 24.91)]:
        m.add(lon, lat)
    dlg = window.features.open_screening()
    qtbot.addWidget(dlg)
    assert dlg.polygon is not None
    assert dlg.polygon.bounds == (118.59, 24.89, 118.61, 24.91)
    dlg.run()
    assert dlg.report is not None and dlg.report.to_dict()["counties"]


def test_map_export_writes_the_chosen_paper_as_pdf(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    out = tmp_path / "view.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("A3 纵向", True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (150, True))
    window.resize(1200, 800)
    window.features.export_map()
    assert out.exists() and out.read_bytes()[:5] == b"%PDF-"


def _drag(qtbot, canvas, start, end):
    from PySide6.QtCore import QPoint, Qt

    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    for t in (0.25, 0.5, 0.75, 1.0):  # a few intermediate moves, as a hand would make
        p = QPoint(round(start.x() + (end.x() - start.x()) * t),
                   round(start.y() + (end.y() - start.y()) * t))
        qtbot.mouseMove(canvas, p)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)


def test_dragging_an_outfall_on_the_map_moves_it_undoably(window, qtbot):
    from PySide6.QtCore import QPoint

    from geodata import outfall_store

    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    review = window.features.review
    canvas = window.canvas
    frame = window.ws.layer("outfalls")
    code = str(frame["code"].iloc[0])
    g = frame.geometry.iloc[0]
    canvas.center_on_lonlat(g.x, g.y, res=5.0)
    start = canvas.map_to_screen(g.x, g.y).toPoint()
    end = start + QPoint(60, -40)
    want = canvas.screen_to_lonlat(end.x(), end.y())
    before = outfall_store.read_positions(window.ws.path)[code]

    # with the pan tool, the same drag pans the map and moves nothing
    _drag(qtbot, canvas, start, end)
    assert outfall_store.read_positions(window.ws.path)[code] == before

    canvas.center_on_lonlat(g.x, g.y, res=5.0)
    assert "拖动移动排污口" in _texts(window.m_tools)
    review.move_tool_action.trigger()
    assert canvas.tool == "move_point"
    _drag(qtbot, canvas, start, end)
    after = outfall_store.read_positions(window.ws.path)[code]
    assert after == pytest.approx(want, abs=1e-6)
    moved = window.ws.layer("outfalls").set_index("code").geometry.loc[code]
    assert (moved.x, moved.y) == pytest.approx(want, abs=1e-6)
    audit = outfall_store.read_audit(window.ws.path, code)
    assert (audit[-1]["action"], audit[-1]["field"]) == ("move", "geometry")
    assert audit[-1]["new_value"] == f"{want[0]:.7f},{want[1]:.7f}"
    assert review.card.code == code

    # a press away from any outfall pans; Escape mid-drag moves nothing
    from PySide6.QtCore import Qt

    start2 = canvas.map_to_screen(*want).toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start2)
    qtbot.mouseMove(canvas, start2 + QPoint(50, 50))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start2 + QPoint(50, 50))
    assert outfall_store.read_positions(window.ws.path)[code] == pytest.approx(want, abs=1e-6)

    review.undo_action.trigger()
    assert outfall_store.read_positions(window.ws.path)[code] == pytest.approx(before)


def test_outfall_docks_follow_a_language_switch_keeping_filters_and_record(window, qtbot):
    from PySide6.QtCore import Qt

    review = window.features.review
    code = str(window.ws.layer("outfalls")["code"].iloc[3])
    review.panel.search.setText(code)
    review.panel.apply_filter()
    review.panel.select_codes([code])
    review.open_card(code)
    review.request("confirm")
    assert review.undo_action.text() == f"撤销 确认位置 {code}"
    status = review.panel.combos["review_status"]
    status.setCurrentIndex(status.findData("已核查"))
    review.panel.apply_filter()
    assert review.panel.model.rowCount() == 1

    window.set_language("en")
    status = review.panel.combos["review_status"]
    assert status.currentData() == "Reviewed"  # the filter survives, in English
    row = review.table.row_of(code)
    assert review.table.cell(row, "review_status") == "Reviewed"
    assert review.table.cell(row, "outfall_type") in ("Industrial", "Municipal WWTP",
                                                      "Agricultural", "Other")
    assert review.table_dock.windowTitle() == "Outfall inventory"
    assert review.card_dock.windowTitle() == "Outfall record"
    assert review.move_tool_action.text() == "Move outfalls by dragging"
    assert review.undo_action.text() == f"Undo confirm location {code}"
    assert review.panel.search.text() == code and review.panel.model.rowCount() == 1
    assert review.panel.model.headerData(0, Qt.Orientation.Horizontal) == "Code"
    assert review.card.code == code and review.card.tabText(0) == "Attributes"
    review.undo_action.trigger()
    assert review.redo_action.text() == f"Redo confirm location {code}"

    window.set_language("zh")
    assert review.table_dock.windowTitle() == "排污口清单"
    assert review.card.tabText(0) == "属性"


def test_selecting_an_outfall_anywhere_opens_its_record_beside_the_details(window, qtbot):
    review = window.features.review
    frame = window.ws.layer("outfalls")
    # the inventory opens in code order (Qt's header would start descending)
    codes = sorted(frame["code"].astype(str))
    assert [review.panel.model.code_at(i) for i in range(3)] == codes[:3]
    # details and record share one full-height column as tabs
    assert window.tabifiedDockWidgets(window.side_dock) == [review.card_dock]
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.select("outfalls", "PWK350582H0003", zoom=True)  # as search and panel links do
    assert review.card.code == "PWK350582H0003"
    assert review.panel.selected_codes() == ["PWK350582H0003"]
    # the record tab in front, its texts set and painted (in the turns after the click's)
    qtbot.waitUntil(lambda: not review.card.visibleRegion().isEmpty()
                    and review.card.updatesEnabled())
    assert window.side_panel.visibleRegion().isEmpty()
    labels = [lb.text() for lb, shown in zip(review.card._attr_labels,
                                             review.card.rows_shown(), strict=True) if shown]
    assert "晋江市 (350582)" in labels
    window.select("control_units", str(window.ws.layer("control_units")["code"].iloc[0]))
    assert review.panel.selected_codes() == ["PWK350582H0003"]  # a zone leaves it be
    qtbot.waitUntil(lambda: not window.side_panel.visibleRegion().isEmpty())  # details front
