"""The 统计 dock in the real main window, offscreen: menu, numbers, bar clicks, live updates."""

from __future__ import annotations

import shutil

import pytest
import shapely
from PySide6.QtCore import Qt

from geodata import store
from layers.mercator import to_lonlat
from models import stats_report
from models.statistics import Scope, compute


@pytest.fixture
def window(qtbot, tmp_path):
    from models.workspace import Workspace
    from tests.ui.conftest import main_window_for
    from ui.features import install_features
    from ui.language import set_language

    path = tmp_path / "ws.gpkg"  # edits are saved: never into the bundled file
    shutil.copyfile(store.bundled_path(), path)
    win = main_window_for(qtbot, Workspace.open(path))
    install_features(win, interactive=False)
    win.resize(1500, 1000)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.canvas.renderer.wait(5000)
    set_language("zh")


def _open(qtbot, win):
    action = next(a for a in win.m_view.actions() if a.text() == "统计")
    action.trigger()
    dock = win.features.stats_dock
    qtbot.waitUntil(lambda: dock.panel.report is not None, timeout=10000)
    return dock, dock.panel


def test_the_panel_is_made_when_the_dock_is_first_shown(qtbot, window):
    """The hidden dock has no panel yet (its charts are not built at the window's start);
    the menu shows it with its panel, in the window's language and on the map's view."""
    from ui.language import set_language

    dock = window.features.stats_dock
    assert not dock.isVisible() and dock._panel is None
    set_language("en")
    dock.toggleViewAction().trigger()  # 视图 ▸ 统计
    qtbot.waitUntil(lambda: dock._panel is not None and dock.panel.report is not None,
                    timeout=10000)
    panel = dock.panel
    assert dock.widget() is panel and dock.windowTitle() == "Statistics"
    assert panel.tabs.tabText(0) == "Outfalls"
    assert panel.view == window.canvas.view
    assert dock.export_button.parent() is not None and dock.export_button.isVisible()
    # as wide as with the panel made at the start: the charts' county names readable
    assert dock.width() >= 400


def test_menu_opens_the_dock_with_the_city_numbers(qtbot, window):
    dock, panel = _open(qtbot, window)
    assert dock.isVisible() and dock.windowTitle() == "统计"
    assert [panel.tabs.tabText(i) for i in range(4)] == ["排污口", "管控单元", "海湾", "规划进展"]
    assert panel.report.to_json() == stats_report.build(window.ws).to_json()
    assert panel.badge.isVisible() and "示例数据" in panel.badge.text()
    # the outfall table's last row is the city total, as the inventory says
    t = panel.outfall_table
    assert t.item(t.rowCount() - 1, 0).text() == "合计"
    total = t.item(t.rowCount() - 1, t.columnCount() - 1).text()
    assert total == str(len(window.ws.layer("outfalls")))


def test_bar_click_selects_those_outfalls(qtbot, window):
    _dock, panel = _open(qtbot, window)
    status = panel.report.stats.outfalls["remediation_status"]
    i = list(status.index).index("350582")  # 晋江市
    j = list(status.columns).index("未启动")
    chart = panel.outfall_chart
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_point(i, j))
    o = window.ws.layer("outfalls")
    expected = set(o["code"][(o["county_code"] == "350582")
                             & (o["remediation_status"] == "未启动")])
    sel = window.selection.current
    assert sel.layer == "outfalls" and set(sel.keys) == expected
    assert len(sel.keys) == status.loc["350582", "未启动"]
    # the outfall inventory filters itself to them (issue 16: "filters the map and the table")
    table = window.features.review.panel
    qtbot.waitUntil(lambda: table.model.rowCount() == len(expected), timeout=5000)
    assert table.in_selection.isChecked()


def test_unit_and_bay_bars_select_too(qtbot, window):
    _dock, panel = _open(qtbot, window)
    panel.tabs.setCurrentIndex(2)
    bays = [b.name.zh for b in panel.report.bays]
    i = bays.index("安海湾")
    chart = panel.bay_chart
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_point(i, 2))
    o = window.ws.layer("outfalls")
    expected = o[(o["receiving_water"] == "安海湾") & (o["water_kind"] == "sea")
                 & (o["remediation_status"] == "已完成")]["code"]
    assert set(window.selection.current.keys) == set(expected)
    panel.tabs.setCurrentIndex(1)
    units = window.ws.layer("control_units")
    counts = panel.report.stats.unit_count
    i = list(counts.index).index("350583")
    chart = panel.unit_chart
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_point(i, 0))
    sel = window.selection.current
    expected = units[(units["county_code"] == "350583") & (units["unit_class"] == 1)]["code"]
    assert sel.layer == "control_units" and set(sel.keys) == set(expected)


def test_an_edit_through_the_workspace_updates_the_numbers(qtbot, window):
    from models.outfall_edits import set_fields
    from models.outfall_session import EditSession

    _dock, panel = _open(qtbot, window)
    before = panel.report.stats.outfalls["remediation_status"].loc["350582"].to_dict()
    o = window.ws.layer("outfalls")
    code = o[(o["county_code"] == "350582") & (o["remediation_status"] == "未启动")]["code"].iloc[0]
    session = EditSession(window.ws, user="test")
    session.apply(set_fields(window.ws.layer("outfalls"), [code], {"remediation_status": "已完成"}))
    qtbot.waitUntil(lambda: panel.report.stats.outfalls["remediation_status"].loc[
        "350582", "已完成"] == before["已完成"] + 1, timeout=5000)
    after = panel.report.stats.outfalls["remediation_status"].loc["350582"].to_dict()
    assert after["未启动"] == before["未启动"] - 1
    row = [panel.outfall_table.item(r, 0).text() for r in range(panel.outfall_table.rowCount())
           ].index("晋江市")
    col = [panel.outfall_table.horizontalHeaderItem(c).text()
           for c in range(panel.outfall_table.columnCount())].index("已完成")
    assert panel.outfall_table.item(row, col).text() == str(after["已完成"])


def test_follows_the_map_extent_and_the_selected_zone(qtbot, window):
    _dock, panel = _open(qtbot, window)
    panel.follow_box.setCurrentIndex(1)  # 跟随当前地图范围
    window.canvas.set_view(window.canvas.view.zoomed(4.0))
    qtbot.waitUntil(lambda: panel.scope.region is not None
                    and panel.view == window.canvas.view
                    and panel.report.stats.scope == panel.current_scope(), timeout=5000)
    x0, y0, x1, y1 = window.canvas.view.bbox
    (lon0, lat0), (lon1, lat1) = to_lonlat(x0, y0), to_lonlat(x1, y1)
    box = shapely.box(float(lon0), float(lat0), float(lon1), float(lat1))
    expected = compute(window.ws.layers, Scope(region=box))
    assert panel.report.stats.outfalls["outfall_type"].equals(expected.outfalls["outfall_type"])
    assert "当前地图范围" in panel.scope_label.text()
    # a selected county: its numbers
    panel.follow_box.setCurrentIndex(2)
    counties = window.ws.layer("counties")
    keys = window.ws.keys("counties")
    shishi = int((counties["code"] == "350581").to_numpy().argmax())
    window.selection.select("counties", keys[shishi], "map")
    qtbot.waitUntil(lambda: panel.scope.county == "350581", timeout=5000)
    qtbot.waitUntil(lambda: list(panel.report.stats.outfall_total.index) == ["350581"],
                    timeout=5000)
    assert "石狮市" in panel.scope_label.text()


def test_english(qtbot, window):
    dock, panel = _open(qtbot, window)
    window.set_language("en")
    qtbot.waitUntil(lambda: dock.windowTitle() == "Statistics", timeout=5000)
    assert panel.tabs.tabText(3) == "Plan progress"
    head = [panel.progress_table.horizontalHeaderItem(c).text()
            for c in range(panel.progress_table.columnCount())]
    assert head[:4] == ["Indicator", "Measured", "Unit", "On track"]
    assert panel.county_box.itemText(1) == "Licheng District"


def test_export_from_the_dock(qtbot, window, tmp_path):
    import openpyxl

    dock, _panel = _open(qtbot, window)
    out = dock.export(tmp_path / "s.xlsx")
    assert "管控单元" in openpyxl.load_workbook(out).sheetnames
    html = dock.export(tmp_path / "s.html").read_text(encoding="utf-8")
    assert "<svg" in html and "示例数据" in html


def test_zone_indicators_tab_shows_the_same_measured_numbers(qtbot, window):
    from PySide6.QtWidgets import QTableWidget

    _dock, panel = _open(qtbot, window)
    bays = window.ws.layer("bays")
    anhai = window.ws.keys("bays")[int((bays["name_zh"] == "安海湾").to_numpy().argmax())]
    window.side_panel.show_feature("bays", anhai)
    tabs = window.side_panel.tabs
    page = window.side_panel.tab_page([tabs.tabText(i).split(" ")[0]
                                       for i in range(tabs.count())].index("指标"))
    table = page.findChild(QTableWidget, "indicatorsTable")
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    r = rows["重点海湾入海排污口分类整治"]
    dock_value = next(p for p in panel.report.progress if p.indicator_id == "QZ-I45/安海湾")
    assert table.item(r, 4).text() == f"{dock_value.measured:.1f}% (测算)"
    assert table.item(r, 5).text() == "未达标"
    assert "104" in table.item(r, 4).toolTip()  # the basis: which rows
    r = rows["安海湾水质"]
    assert table.item(r, 4).text() == "劣四类 (测算)" and table.item(r, 5).text() == "未达标"


def test_large_inventories_are_counted_on_a_worker(qtbot, window, monkeypatch):
    from tests.ui.conftest import spin_until
    from ui.statistics import panel as panel_module

    _dock, panel = _open(qtbot, window)
    monkeypatch.setattr(panel_module, "BACKGROUND_ROWS", 1)  # the bundled 855 count as large
    panel.county_box.setCurrentIndex(panel.county_box.findData("350583"))
    assert spin_until(lambda: panel.report.stats.scope.county == "350583", 10000)
    assert list(panel.report.stats.outfall_total.index) == ["350583"]
    assert "南安市" in panel.scope_label.text()


def test_a_selected_bay_counts_the_outfalls_discharging_into_it(qtbot, window):
    _dock, panel = _open(qtbot, window)
    panel.follow_box.setCurrentIndex(2)
    bays = window.ws.layer("bays")
    key = window.ws.keys("bays")[int((bays["name_zh"] == "深沪湾").to_numpy().argmax())]
    window.selection.select("bays", key, "map")
    qtbot.waitUntil(lambda: panel.scope.receiving_water == "深沪湾"
                    and panel.report.stats.scope == panel.scope, timeout=5000)
    o = window.ws.layer("outfalls")
    expected = int((o["receiving_water"] == "深沪湾").sum())
    assert int(panel.report.stats.outfall_total.sum()) == expected
    assert "深沪湾" in panel.scope_label.text()


def test_double_click_on_a_measured_indicator_selects_its_outfalls(qtbot, window):
    _dock, panel = _open(qtbot, window)
    panel.tabs.setCurrentIndex(3)
    rows = [panel.progress_table.item(r, 0).text() for r in range(panel.progress_table.rowCount())]
    r = rows.index("重点海湾入海排污口分类整治（安海湾）")
    panel.progress_table.cellDoubleClicked.emit(r, 0)
    o = window.ws.layer("outfalls")
    expected = o[(o["receiving_water"] == "安海湾") & (o["water_kind"] == "sea")]["code"]
    assert set(window.selection.current.keys) == set(expected)
    assert "全部数据" in panel.progress_note.text()
