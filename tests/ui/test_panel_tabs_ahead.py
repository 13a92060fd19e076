"""The side panel makes a zone's tabs ahead, hidden, in idle turns after the window's first
paint (ui/main.PANEL_TABS_AFTER_MS): the first zone clicked fills them instead of making
them (20-31 ms of that click's turn at 10k outfalls, 5-12 ms for the next zones).  What
the user sees is the same as without: before a click the panel says nothing is selected;
after it, the zone's four tabs with its own values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.models import outfall_testdata as td
from tests.ui.conftest import details_shown, spin, spin_until
from tests.ui.outfalls.test_outfall_review import setup  # noqa: F401 - the fixture
from tests.ui.test_main_window import _unit_to_click


@pytest.fixture
def panel_tabs_soon(monkeypatch):
    """The tabs made ahead as in the window (tests/conftest.py holds them back)."""
    from ui import main

    monkeypatch.setattr(main, "PANEL_TABS_AFTER_MS", 100)


def test_a_zones_tabs_are_made_ahead_and_filled_by_the_first_click(panel_tabs_soon, qtbot,
                                                                    win):
    panel = win.side_panel
    assert spin_until(lambda: panel.tabs.count() == 4)
    spin(300)  # (the last step: painted once, offscreen)
    # made, not shown: the panel still says nothing is selected
    assert not panel.tabs.isVisible() and panel.current is None
    assert panel.title.text() == "未选择要素"
    overview = panel.tabs.widget(0)
    holders = [panel.tabs.widget(i) for i in range(1, 4)]
    idx, pos = _unit_to_click(win)
    code = win.model.get("control_units").frame["code"].iloc[idx]
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert win.selection.current.keys == (code,)
    assert details_shown(win)  # (made and painted in the turns after the click's)
    assert code in panel.title.text()
    tabs = panel.tabs
    assert tabs.isVisible() and tabs.count() == 4
    assert tabs.widget(0) is overview and [tabs.widget(i) for i in range(1, 4)] == holders
    assert [tabs.tabText(i).split(" ")[0] for i in range(4)] == ["概况", "任务", "指标", "排污口"]
    assert tabs.tabText(1) != "任务"  # the zone's own count, e.g. 任务 (3)
    assert any(v == code for _k, v in overview.rows)
    shown = [w.text() for w in overview.findChildren(type(panel.title))]
    assert code in shown
    from PySide6.QtWidgets import QTextBrowser

    tasks = panel.tab_page(1).findChild(QTextBrowser, "tasksView")
    assert tasks is not None and "责任单位" in tasks.toPlainText()


def test_a_click_before_the_tabs_are_ready_makes_them_as_before(qtbot, win):
    """(tests/conftest.py: never made ahead here)"""
    panel = win.side_panel
    spin(200)
    assert panel.tabs.count() == 0
    idx, pos = _unit_to_click(win)
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert details_shown(win)
    assert panel.tabs.isVisible() and panel.tabs.count() == 4


def test_the_overview_rows_made_ahead_come_a_few_per_turn(qtbot):
    """The 概况 rows made ahead are made a few per idle turn (made at once they were one
    turn of 11-16 ms, 23-26 ms during a 1M start-up); they end as set_rows makes them,
    and a tab stopped half-way is made anew, whole, by the next rows set."""
    from PySide6.QtWidgets import QLabel

    from ui.panels.common import KeyValues

    rows = [(f"字段{i}", f"值{i}") for i in range(14)]
    area = KeyValues()
    qtbot.addWidget(area)
    made = [len(area._values) for _ in area.set_rows_in_steps(rows, per_step=6)]
    assert made == [0, 6, 12]  # the body first, then six rows a turn, the last two at the end
    assert area.rows == rows
    assert [lb.text() for lb in area._values] == [v for _k, v in rows]
    keys = [lb.text() for lb in area.widget().findChildren(QLabel, "kvKey")]
    assert keys == [k for k, _v in rows]
    half = area.set_rows_in_steps([("另一字段", "x"), *rows[1:]], per_step=2)
    next(half)
    next(half)  # (a zone clicked meanwhile: the steps are not taken up again)
    area.set_rows(rows)
    assert area.rows == rows
    assert [lb.text() for lb in area._values] == [v for _k, v in rows]
    assert [lb.text() for lb in area.widget().findChildren(QLabel, "kvKey")] == \
        [k for k, _v in rows]


def test_a_zone_clicked_half_way_is_shown_whole_and_the_steps_stop(qtbot, win):
    """The 概况 tab goes in first, its rows come a few per turn: a zone clicked between
    two steps shows its own rows and four tabs, and the steps left do nothing."""
    panel = win.side_panel
    spin(100)
    step = panel.prepare_tabs()
    step = step()  # the first rows made, the others to come
    assert panel.tabs.count() == 1 and not panel.tabs.isVisible()
    idx, pos = _unit_to_click(win)
    code = win.model.get("control_units").frame["code"].iloc[idx]
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert details_shown(win)
    tabs = panel.tabs
    assert tabs.isVisible() and tabs.count() == 4
    overview = tabs.widget(0)
    rows = list(overview.rows)
    assert any(v == code for _k, v in rows)
    assert len(overview._values) == len(rows)  # whole: a label for each of its rows
    while step is not None:  # the steps left
        step = step()
    assert tabs.isVisible() and tabs.count() == 4 and list(tabs.widget(0).rows) == rows


@pytest.fixture
def quiet(monkeypatch) -> list[bool]:
    """Whether the window is quiet, as the test says (``quiet[0]``), from the window's
    making on: set on the window after it was made, the first step, due 100 ms after the
    first paint, could already have asked the real one on a slow machine."""
    from ui import main

    monkeypatch.setattr(main, "PANEL_TABS_QUIET_MS", 50)
    said = [False]
    monkeypatch.setattr(main.MainWindow, "_quiet", lambda self: said[0])
    return said


def test_the_steps_wait_for_a_quiet_window(panel_tabs_soon, quiet, qtbot, win):
    """Made ahead only while nothing of the window's own is under way (a render, the
    outfall table or its flags, a check): at 1M the steps met the start-up's workers."""
    spin(600)
    assert win.side_panel.tabs.count() == 0
    quiet[0] = True
    assert spin_until(lambda: win.side_panel.tabs.count() == 4)
    assert not win.side_panel.tabs.isVisible()


def test_the_window_is_quiet_once_its_map_and_inventory_are_in(qtbot, setup, monkeypatch):  # noqa: F811
    """``MainWindow._quiet``: once the window has settled; not while the map is drawn,
    nor while the outfall review has not settled (its table, flags or a check)."""
    import types

    win, _ws, review = setup
    win.features = types.SimpleNamespace(review=review)  # (as install_features has it)
    assert spin_until(win._quiet, 10_000)
    with monkeypatch.context() as m:
        m.setattr(win.canvas.renderer, "busy", lambda: True)
        assert not win._quiet()
    review._flags_timer.start()  # an edit's re-check due
    assert not review.settled() and not win._quiet()
    assert spin_until(win._quiet, 10_000)


def test_an_outfall_chosen_behind_the_record_card_does_not_stop_the_steps(
        panel_tabs_soon, qtbot, setup):  # noqa: F811
    """An outfall clicked before the tabs are made raises its record card over 要素详情:
    nothing is shown in the panel yet, so the steps go on, and the first zone clicked
    after fills the tabs made ahead (it made them in its turn: ~30 ms at 10k outfalls).
    要素详情 brought to the front shows the outfall, as before."""
    win, ws, review = setup
    panel = win.side_panel
    win.select("outfalls", td.CODES[0])  # before the steps (100 ms after the first paint)
    assert spin_until(lambda: panel.behind() and panel._stale)
    assert spin_until(lambda: panel.tabs.count() == 4, 10_000)
    spin(300)  # (the last step: painted once, offscreen)
    assert not panel.tabs.isVisible()
    made_ahead = [panel.tabs.widget(i) for i in range(4)]
    code = str(ws.layer("control_units")["code"].iloc[0])
    win.select("control_units", code)  # a zone clicked: 要素详情 comes to the front
    assert details_shown(win)
    assert not panel.behind() and code in panel.title.text()
    assert [panel.tabs.widget(i) for i in range(4)] == made_ahead
    assert any(v == code for _k, v in panel.tabs.widget(0).rows)
    # the outfall's own details, when chosen again with 要素详情 in front
    win.select("outfalls", td.CODES[0])
    win.side_dock.raise_()
    assert spin_until(lambda: td.CODES[0] in panel.title.text() and not panel.behind())
