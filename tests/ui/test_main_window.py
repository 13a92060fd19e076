"""The real window, driven as a user would: click, toggle, search, switch language."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableWidget

from layers.zone_details import details
from tests.models.test_memory_trim import trims  # noqa: F401 - the fixture
from tests.ui.conftest import details_shown, wait_rendered


def _unit_to_click(win):
    """A control unit with tasks, indicators and outfalls whose anchor hits only it."""
    layer = win.model.get("control_units")
    ax, ay = layer.anchors()
    sx, sy = win.canvas.view.to_screen(ax, ay)
    best = None
    for i in np.argsort(-layer.frame["area_km2"].to_numpy() if "area_km2" in layer.frame
                        else np.zeros(len(layer))):
        if not (20 < sx[i] < win.canvas.width() - 20 and 20 < sy[i] < win.canvas.height() - 20):
            continue
        found = win.canvas.identify(sx[i], sy[i])
        if not found or (found[0].layer, found[0].index) != ("control_units", int(i)):
            continue
        d = details(win.model, win.ws.tables, "control_units", win.model.get("control_units").key_at(i))
        if d.tasks and d.indicators and len(d.outfalls):
            return int(i), QPoint(int(round(sx[i])), int(round(sy[i])))
        best = best or (int(i), QPoint(int(round(sx[i])), int(round(sy[i]))))
    assert best is not None, "no clickable control unit in view"
    return best


def _tab_rows(win, tab_index: int, name: str) -> int:
    page = win.side_panel.tab_page(tab_index)
    table = page.findChild(QTableWidget, name)
    assert table is not None, name
    return table.rowCount()


def test_click_on_unit_selects_it_and_fills_four_tabs(qtbot, win):
    idx, pos = _unit_to_click(win)
    code = win.model.get("control_units").frame["code"].iloc[idx]
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert win.selection.current.layer == "control_units"
    assert win.selection.current.keys == (code,)
    assert details_shown(win)  # (made and painted in the turns after the click's)
    assert code in win.side_panel.title.text()
    tabs = win.side_panel.tabs
    assert tabs.count() == 4
    assert [tabs.tabText(i).split(" ")[0] for i in range(4)] == ["概况", "任务", "指标", "排污口"]
    overview = tabs.widget(0)
    assert any(v == code for _k, v in overview.rows)
    assert len([k for k, _v in overview.rows if k in ("空间布局约束", "污染物排放管控",
                                                      "环境风险防控", "资源开发效率要求")]) == 4
    from PySide6.QtWidgets import QTextBrowser
    tasks = win.side_panel.tab_page(1).findChild(QTextBrowser, "tasksView")
    assert tasks.count >= 1 and "责任单位" in tasks.toPlainText()
    assert _tab_rows(win, 2, "indicatorsTable") >= 1
    d = details(win.model, win.ws.tables, "control_units", code)
    assert _tab_rows(win, 3, "outfallsTable") == min(len(d.outfalls), 2000)


def test_outfall_row_click_selects_it_on_map(qtbot, win):
    idx, pos = _unit_to_click(win)
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert details_shown(win)
    page = win.side_panel.tab_page(3)
    table = page.findChild(QTableWidget, "outfallsTable")
    if table.rowCount() == 0:
        pytest.skip("unit has no outfalls in this workspace")
    code = table.item(0, 0).text()
    table.cellClicked.emit(0, 0)
    assert win.selection.current.layer == "outfalls"
    assert win.selection.current.keys == (code,)
    assert details_shown(win)
    assert code in win.side_panel.title.text()


def test_toggling_layer_changes_render(qtbot, win):
    idx, pos = _unit_to_click(win)
    before = win.canvas.grab().toImage().pixelColor(pos)
    win.layer_panel.layer_item("control_units").setCheckState(0, Qt.CheckState.Unchecked)
    assert not win.model.get("control_units").visible
    wait_rendered(qtbot, win)
    after = win.canvas.grab().toImage().pixelColor(pos)
    assert before != after
    win.layer_panel.layer_item("control_units").setCheckState(0, Qt.CheckState.Checked)
    wait_rendered(qtbot, win)
    assert win.canvas.grab().toImage().pixelColor(pos) == before


def test_legend_category_toggle_hides_that_class(qtbot, win):
    idx, pos = _unit_to_click(win)
    layer = win.model.get("control_units")
    cls = str(int(layer.frame["unit_class"].iloc[idx]))
    before = win.canvas.grab().toImage().pixelColor(pos)
    win.model.set_category_visible("control_units", "unit_class", cls, False)
    wait_rendered(qtbot, win)
    assert win.canvas.grab().toImage().pixelColor(pos) != before
    assert not win.canvas.identify(pos.x(), pos.y()) or \
        win.canvas.identify(pos.x(), pos.y())[0].layer != "control_units" or \
        win.canvas.identify(pos.x(), pos.y())[0].index != idx


def test_search_by_code_jumps_and_selects(qtbot, win):
    layer = win.model.get("control_units")
    code = layer.frame["code"].iloc[len(layer) // 2]
    win.search.setText(code)
    win.search.go()
    assert win.selection.current.keys == (code,)
    assert win.selection.current.layer == "control_units"
    assert code in win.side_panel.title.text()
    x0, y0, x1, y1 = layer.feature_extent(len(layer) // 2)
    vx0, vy0, vx1, vy1 = win.canvas.view.bbox
    assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1


@pytest.mark.parametrize("text", ["118.60, 24.90", "118°36'00\"E 24°54'00\"N", "24.9 118.6"])
def test_search_by_coordinate_jumps_there(qtbot, win, text):
    from layers.mercator import to_mercator

    win.search.setText(text)
    assert win.search.go() is not None
    x, y = to_mercator(118.6, 24.9)
    assert abs(win.canvas.view.cx - x) < 50 and abs(win.canvas.view.cy - y) < 50
    title = win.side_panel.title.text()
    assert not win.selection.current.empty or "此处适用" in title


def test_click_on_empty_map_shows_what_applies(qtbot, win):
    for name in ("control_units", "outfalls", "bays", "protected_areas"):
        win.model.set_visible(name, False)
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton,
                     pos=QPoint(win.canvas.width() // 2, win.canvas.height() // 2))
    assert win.selection.current.empty
    assert "此处适用" in win.side_panel.title.text()
    assert win.side_panel.tabs.count() == 3


def test_language_switch_changes_menus_and_panel_titles(qtbot, win):
    idx, pos = _unit_to_click(win)
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=pos)
    menus = lambda: [a.text() for a in win.menuBar().actions()]  # noqa: E731
    assert "文件" in menus()
    win.set_language("en")
    qtbot.wait(50)
    assert "File" in menus() and "Language" in menus()
    assert win.layer_dock.windowTitle() == "Layers"
    assert win.side_dock.windowTitle() == "Feature details"
    assert win.side_panel.tabs.tabText(0) == "Overview"
    assert win.side_panel.tabs.tabText(1).startswith("Tasks")
    assert "EcoZone" in win.windowTitle() and "Illustrative" in win.windowTitle()
    name_en = win.model.get("control_units").frame["name_en"].iloc[idx]
    if isinstance(name_en, str) and name_en:
        assert name_en in win.side_panel.title.text()
    win.set_language("zh")
    assert "文件" in menus()
    assert win.layer_dock.windowTitle() == "图层"


def test_wheel_zoom_and_drag_pan_move_the_view(qtbot, win):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    v0 = win.canvas.view
    c = QPointF(win.canvas.width() / 2, win.canvas.height() / 2)
    ev = QWheelEvent(c, win.canvas.mapToGlobal(c), QPoint(0, 0), QPoint(0, 240),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    win.canvas.wheelEvent(ev)
    assert win.canvas.view.res == pytest.approx(v0.res / 2)
    v1 = win.canvas.view
    start = QPoint(300, 300)
    qtbot.mousePress(win.canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(win.canvas, pos=QPoint(400, 350))
    qtbot.mouseRelease(win.canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 350))
    assert win.canvas.view.cx == pytest.approx(v1.cx - 100 * v1.res)
    assert win.canvas.view.cy == pytest.approx(v1.cy + 50 * v1.res)
    assert win.selection.current.empty  # a drag is not a click


def test_status_bar_shows_coordinates_and_scale(qtbot, win):
    qtbot.mouseMove(win.canvas, pos=QPoint(200, 200))
    win.canvas.cursor_moved.emit(118.5, 24.75)
    text = win.coord_label.text()
    assert "118.500000" in text and "118°30′00.00″E" in text and "CGCS2000" in text
    assert win.scale_label.text().startswith("比例尺 1:")
    assert "示例数据" in win.notice_label.text() or not win.ws.illustrative_layers()


def test_sea_units_are_hatched_and_listed_in_the_legend(win):
    """Sea units share the class colours with land units; a hatch tells them apart."""
    layer = win.canvas.model.get("control_units")
    sea = int((layer.frame["domain"] == "sea").sum())
    assert sea > 0
    v = win.canvas.view
    data = layer.prepare(v)
    assert sum(r.n_rings for _, r in data.hatch) >= 1
    item = win.layer_panel.layer_item("control_units")
    texts = [item.child(i).text(0) for i in range(item.childCount())]
    assert f"海域单元（斜线） ({sea})" in texts


def test_a_click_where_features_overlap_lists_each_with_code_and_name(qtbot, win):
    """A unit under a bay (or another overlapping feature): the panel lists every feature
    under the click as "layer: code name", the way the user picks among them."""
    from models.info import layer_title

    layer = win.model.get("control_units")
    ax, ay = layer.anchors()
    sx, sy = win.canvas.view.to_screen(ax, ay)
    found = None
    for i in range(len(layer)):
        if not (20 < sx[i] < win.canvas.width() - 20 and 20 < sy[i] < win.canvas.height() - 20):
            continue
        hits = win.canvas.identify(sx[i], sy[i])
        shown = [hits[0]] + [h for h in hits[1:]
                             if h.layer != "outfalls" or hits[0].layer == "outfalls"]
        if len(shown) >= 2:
            found = (QPoint(int(round(sx[i])), int(round(sy[i]))), shown)
            break
    assert found is not None, "no spot with overlapping features in view"
    pos, shown = found
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert details_shown(win)
    choices = win.side_panel.choices
    assert choices.isVisibleTo(win.side_panel)
    expected = []
    for h in shown:
        m = win.model.get(h.layer)
        rec = m.frame.iloc[m.row_of(h.key)]
        code = rec.get("code")
        head = f"{code} " if isinstance(code, str) else ""
        expected.append(f"{layer_title(h.layer, 'zh')}: {head}{rec.get('name_zh') or ''}")
    assert [choices.item(r).text() for r in range(choices.count())] == expected


def test_the_window_turns_numpy_huge_pages_back_on_after_its_first_map(qtbot, ui_ws) -> None:
    """The window starts without numpy's huge pages (cli/window.run_window) and has them
    back once its first map is painted: the steady state is numpy's default."""
    from models.memory import huge_pages
    from tests.ui.conftest import main_window_for, spin_until

    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:
        pytest.skip("this numpy has no huge-page switch")

    def on() -> bool:  # numpy's switch, read (set and put back)
        was = _set_madvise_hugepage(True)
        _set_madvise_hugepage(was)
        return bool(was)

    huge_pages(False)
    w = main_window_for(qtbot, ui_ws)
    try:
        w.resize(1000, 700)
        assert not on()  # nothing painted yet
        w.show()
        qtbot.waitExposed(w)
        wait_rendered(qtbot, w)
        assert spin_until(lambda: w.canvas.painted_map)
        assert spin_until(on)
    finally:
        huge_pages(True)
        w.canvas.renderer.wait(5000)


def test_the_window_leaves_mallocs_arenas_untrimmed(qtbot, ui_ws, trims) -> None:  # noqa: F811
    """A worker's ``malloc_trim`` walks the main arena under its lock and the GUI thread's
    allocations wait for it (15-105 ms at 1M outfalls): the window's process releases
    Arrow's pool only, and fixes glibc's thresholds instead (models.memory.trim_arenas)."""
    from models import memory
    from tests.ui.conftest import main_window_for

    w = main_window_for(qtbot, ui_ws)
    memory.release_memory()
    assert trims == []
    assert trims.options == [(-3, memory.MMAP_FROM), (-1, 2 * memory.MMAP_FROM)]
    w.close()


def test_a_click_on_hundreds_of_features_lists_the_first_and_counts_the_rest(qtbot, win):
    """A crowded spot (a large inventory at a small scale): the first features are listed
    to pick from and one line, not a choice, says how many more lie there."""
    from layers.hit_test import Hit
    from ui.side_panel import OVERLAPS_LISTED

    layer = win.model.get("outfalls")
    n = OVERLAPS_LISTED + 7
    assert len(layer) > n
    found = [Hit("outfalls", i, 0.0, layer.key_at(i)) for i in range(n)]
    win.side_panel.show_overlaps(found)
    choices = win.side_panel.choices
    assert choices.count() == OVERLAPS_LISTED + 1
    assert [choices.item(r).data(Qt.ItemDataRole.UserRole) for r in range(3)] == \
        [("outfalls", h.key) for h in found[:3]]
    assert all(layer.key_at(r) in choices.item(r).text() for r in range(OVERLAPS_LISTED))
    last = choices.item(OVERLAPS_LISTED)
    assert last.text() == "此处还有 7 个要素，放大地图后可逐个选择"
    assert last.data(Qt.ItemDataRole.UserRole) is None
    assert not last.flags() & Qt.ItemFlag.ItemIsSelectable
    # a hit whose row no longer holds its key (the layer changed since) is found by key
    moved = Hit("outfalls", 0, 0.0, layer.key_at(5))
    win.side_panel.show_overlaps([moved, found[1]])
    assert choices.count() == 2 and layer.key_at(5) in choices.item(0).text()


def test_a_measured_outfall_has_a_monitoring_tab_made_when_opened(qtbot, win):
    """An outfall with samples gets a 监测 (n) tab: its table of the n samples and the
    chart are made when the tab is opened, not at the click."""
    import pyqtgraph as pg

    samples = win.ws.tables.get("outfall_samples")
    if samples is None or samples.empty:
        pytest.skip("no samples in this workspace")
    code = str(samples["outfall_code"].iloc[0])
    n = int((samples["outfall_code"].astype(str) == code).sum())
    win.side_panel.show_feature("outfalls", code)
    tabs = win.side_panel.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[-1] == f"监测 ({n})"
    holder = tabs.widget(tabs.count() - 1)
    assert holder.findChild(QTableWidget, "samplesTable") is None  # not made yet
    tabs.setCurrentIndex(tabs.count() - 1)
    table = holder.findChild(QTableWidget, "samplesTable")
    assert table is not None and table.rowCount() == n
    chart = holder.findChild(pg.PlotWidget)
    assert chart is not None and len(chart.getPlotItem().listDataItems()) == 2  # COD, 氨氮
    # the time axis in the samples' own years (POSIX seconds of their dates)
    import datetime as dt

    years = {str(d)[:4] for d in samples.loc[samples["outfall_code"].astype(str) == code,
                                             "sample_date"]}
    xs = chart.getPlotItem().listDataItems()[0].getData()[0]
    assert {str(dt.datetime.fromtimestamp(x, dt.timezone.utc).year) for x in xs} == years


def test_legend_counts_the_features_of_each_class(win):
    """Each legend entry says how many features the layer has of its value (unit classes
    are numbers in the file: 1.0 reads as class "1"), shapes too."""
    from ui.layer_panel import ROLE

    tree = win.layer_panel.tree
    seen = {}
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            item = group.child(j)
            for k in range(item.childCount()):
                entry = item.child(k)
                kind, layer, field, key = entry.data(0, ROLE)
                seen[(layer, field, key)] = int(entry.text(0).rsplit("(", 1)[1].rstrip(")"))
    for layer_name, field in (("control_units", "unit_class"), ("outfalls", "outfall_type"),
                              ("outfalls", "remediation")):
        frame = win.model.get(layer_name).frame
        texts = frame[field].map(lambda v: str(int(v)) if isinstance(v, float) and v == v
                                 else str(v))
        expected = texts.value_counts().to_dict()
        entries = {key: n for (la, f, key), n in seen.items() if la == layer_name and f == field}
        assert entries, (layer_name, field)
        assert sum(entries.values()) > 0
        for key, n in entries.items():
            assert n == expected.get(key, 0), (layer_name, field, key)


def test_the_indicators_tab_charts_the_selected_indicator(qtbot, win):
    """The 指标 tab's chart (pyqtgraph, imported when the first is made) draws the first
    indicator with numbers, and the row chosen next."""
    import pyqtgraph as pg

    _idx, pos = _unit_to_click(win)
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert details_shown(win)
    page = win.side_panel.tab_page(2)
    chart = page.findChild(pg.PlotWidget, "indicatorChart")
    table = page.findChild(QTableWidget, "indicatorsTable")
    assert chart is not None and table.rowCount() >= 1
    assert chart.getPlotItem().listDataItems()  # something is drawn
    title = chart.getPlotItem().titleLabel.text
    assert title
    if table.rowCount() > 1:
        table.setCurrentCell((table.currentRow() + 1) % table.rowCount(), 0)
        assert chart.getPlotItem().titleLabel.text != title


def test_one_zone_after_another_lays_out_the_panel_not_the_window(qtbot, win):
    """A zone's click sets the panel's title, badge and tabs anew: laid out in the panel's
    own scroll area, not up to the main window (whose docks, laid out again, were each
    animated and repainted, three times a click)."""
    from tests.ui.conftest import layout_requests, spin

    layer = win.model.get("control_units")
    keys = [layer.key_at(i) for i in (0, len(layer) // 3, len(layer) // 2)]
    win.side_dock.raise_()
    win.select("control_units", keys[0])
    spin(100)
    with layout_requests(win, win.side_dock) as requests:
        for key in keys[1:]:
            win.select("control_units", key)
            spin(100)
            assert key in win.side_panel.title.text()
            assert win.side_panel.tabs.count() == 4
    assert requests == []
    assert win.side_dock.widget().widget() is win.side_panel


def test_zone_after_zone_leaves_no_pages_behind(qtbot, win):
    """Each zone's tabs replace the last one's pages: the tab widget holds as many pages
    after twenty zones as after two (``QTabWidget.clear`` keeps a page as a hidden child,
    and every zone clicked left three, with the tables of the tabs opened)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QWidget

    from tests.ui.conftest import spin

    layer = win.model.get("control_units")
    win.side_dock.raise_()

    def pages_after(n: int) -> int:
        for i in range(n):
            win.select("control_units", layer.key_at(i % len(layer)))
            win.side_panel.tab_page(1)  # the user opens 任务
            spin(10)
            QCoreApplication.sendPostedEvents(None, int(QEvent.Type.DeferredDelete.value))
        return len(win.side_panel.tabs.findChildren(QWidget))

    two = pages_after(2)
    assert pages_after(20) == two
    assert win.side_panel.tabs.count() == 4
    assert [win.side_panel.tabs.tabText(i).split(" ")[0] for i in range(4)] == \
        ["概况", "任务", "指标", "排污口"]


def test_the_next_zone_refills_the_tab_that_is_open(qtbot, win):
    """From zone to zone the tabs stay and are refilled: the tab the user has open shows
    the new zone's content at once, each title its count, the others are made when
    opened; from a zone to an outfall (other tabs) and back they are made anew."""
    from PySide6.QtWidgets import QTextBrowser

    from tests.ui.conftest import spin

    layer = win.model.get("control_units")
    counts = {}
    for i in range(len(layer)):  # two zones whose task counts differ
        d = details(win.model, win.ws.tables, "control_units", layer.key_at(i))
        counts.setdefault(len(d.tasks), layer.key_at(i))
        if len(counts) == 2:
            break
    (n_a, a), (n_b, b) = sorted(counts.items())
    win.side_dock.raise_()
    win.select("control_units", a)
    assert details_shown(win)
    tabs = win.side_panel.tabs
    tabs.setCurrentIndex(1)  # 任务 open
    spin(20)
    assert win.side_panel.tab_page(1).findChild(QTextBrowser, "tasksView").count == n_a
    win.select("control_units", b)
    spin(20)
    assert tabs.currentIndex() == 1 and tabs.tabText(1) == f"任务 ({n_b})"
    assert tabs.widget(1).findChild(QTextBrowser, "tasksView").count == n_b  # made at once
    d = details(win.model, win.ws.tables, "control_units", b)
    assert tabs.tabText(2) == f"指标 ({len(d.indicators)})"
    assert tabs.tabText(3) == f"排污口 ({len(d.outfalls)})"
    assert _tab_rows(win, 2, "indicatorsTable") == len(d.indicators)
    outfall = win.model.get("outfalls").key_at(0)
    win.select("outfalls", outfall)
    spin(20)
    assert tabs.tabText(0) == "概况" and tabs.count() in (1, 2)
    win.select("control_units", a)
    spin(20)
    assert [tabs.tabText(i) for i in range(4)][:2] == ["概况", f"任务 ({n_a})"]
    win.set_language("en")
    spin(20)
    assert tabs.tabText(0) == "Overview" and tabs.tabText(1).startswith("Tasks")
    win.set_language("zh")
