"""Outfall review in a window: table ↔ card, undo/redo through Ctrl+Z/Ctrl+Y, photos, read-only."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from geodata import outfall_store
from models import outfall_edits as oe
from models.workspace import Workspace
from tests.models import outfall_testdata as td
from tests.ui.conftest import details_shown, main_window_for, spin_until
from ui.outfalls import install_outfall_review


@pytest.fixture
def setup(qtbot, tmp_path):
    ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
    win = main_window_for(qtbot, ws)
    review = install_outfall_review(win, ws, lang="zh", interactive=False, user="王五")
    win.show()
    yield win, ws, review
    review.shutdown()


def _status(ws, code):
    return ws.layer("outfalls").set_index("code").loc[code, "review_status"]


def test_table_sorts_filters_and_selects_into_the_card(setup, qtbot):
    win, ws, review = setup
    panel = review.panel
    assert panel.model.rowCount() == 8
    panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert panel.model.code_at(0) == td.CODES[-1]
    flags = panel.combos["flags"]
    flags.setCurrentIndex(flags.findData("possible_duplicate"))
    panel.apply_filter()
    assert sorted(panel.model.code_at(r) for r in range(panel.model.rowCount())) == td.CODES[2:4]
    flags.setCurrentIndex(0)
    panel.search.setText("测试排口2")
    panel.apply_filter()
    assert panel.model.rowCount() == 1
    panel.view.selectRow(0)
    assert review.card.code == td.CODES[1]
    assert review.card.tabText(0) == "属性"



def test_the_edit_takes_the_rows_selected_now(setup, qtbot):
    """The selected codes are kept from the selection's last change: after re-sorting,
    filtering, selecting on the map (select_codes) or in the table, an edit acts on the
    rows the user sees selected, and on no others."""
    win, ws, review = setup
    panel = review.panel
    sm = panel.view.selectionModel()
    rows_flag = sm.SelectionFlag.Select | sm.SelectionFlag.Rows
    panel.select_codes([td.CODES[3], td.CODES[1], td.CODES[1]])
    assert panel.selected_codes() == [td.CODES[1], td.CODES[3]]
    panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # Qt drops the selection
    assert panel.selected_codes() == []
    panel.view.selectRow(0)
    sm.select(panel.model.index(2, 0), rows_flag)
    assert panel.selected_codes() == [td.CODES[-1], td.CODES[-3]]
    panel.search.setText("测试排口2")
    panel.apply_filter()
    assert panel.selected_codes() == []
    panel.search.setText("")
    panel.apply_filter()
    panel.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    panel.select_codes([td.CODES[2]])
    sm.select(panel.model.index(4, 0), rows_flag)  # the user adds a row by Ctrl+click
    assert panel.selected_codes() == [td.CODES[2], td.CODES[4]]
    before = {c: _status(ws, c) for c in td.CODES}
    review.request("confirm")
    after = {c: _status(ws, c) for c in td.CODES}
    assert {c for c in td.CODES if after[c] != before[c] or after[c] == "已核查"
            and c in (td.CODES[2], td.CODES[4])} == {td.CODES[2], td.CODES[4]}
    assert after[td.CODES[2]] == after[td.CODES[4]] == "已核查"
    assert list(review.stack.command(0).edit.all_codes) == [td.CODES[2], td.CODES[4]]

def test_bulk_confirm_undo_redo_with_shortcuts_and_audit(setup, qtbot):
    win, ws, review = setup
    panel = review.panel
    panel.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    panel.view.selectRow(0)
    panel.view.selectionModel().select(panel.model.index(1, 0),
                                       panel.view.selectionModel().SelectionFlag.Select
                                       | panel.view.selectionModel().SelectionFlag.Rows)
    assert panel.selected_codes() == td.CODES[:2]
    review.request("confirm")
    assert _status(ws, td.CODES[0]) == _status(ws, td.CODES[1]) == "已核查"
    assert review.stack.count() == 1 and "确认位置" in review.undo_action.text()
    win.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _status(ws, td.CODES[0]) == "待核查"
    qtbot.keyClick(win, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _status(ws, td.CODES[1]) == "已核查"
    rows = outfall_store.read_audit(ws.path, td.CODES[0])
    assert [(r["action"], r["old_value"], r["new_value"], r["user"]) for r in rows] == [
        ("confirm", "待核查", "已核查", "王五"), ("undo", "已核查", "待核查", "王五"),
        ("redo", "待核查", "已核查", "王五")]
    # the table shows the new status, the card lists the history newest first
    review.open_card(td.CODES[0])
    review.card.setCurrentWidget(review.card.history)  # (read when its tab is shown)
    assert review.card.history.rowCount() == 3
    assert review.card.history.item(0, 2).text() == "redo"


def test_move_by_drag_hook_and_photo(setup, qtbot, tmp_path):
    win, ws, review = setup
    # the canvas names a dragged outfall by its code
    win.canvas.feature_dragged.emit("outfalls", td.CODES[7], 118.611, 24.731)
    assert outfall_store.read_positions(ws.path)[td.CODES[7]] == pytest.approx((118.611, 24.731))
    img = QImage(64, 48, QImage.Format.Format_RGB32)
    img.fill(QColor("steelblue"))
    photo = tmp_path / "现场.png"
    assert img.save(str(photo))
    review.card.show_outfall(td.CODES[7])
    review.card.setCurrentWidget(review.card.photo_tab)  # (read when its tab is shown)
    assert review.add_photo(td.CODES[7], photo) is not None
    assert review.card.photos.count() == 1
    assert not review.card.photos.item(0).icon().isNull()
    stored = outfall_store.read_photos(ws.path, td.CODES[7])
    assert stored[0].filename == "现场.png" and stored[0].thumb
    review.undo_action.trigger()
    assert review.card.photos.count() == 0
    review.undo_action.trigger()
    assert outfall_store.read_positions(ws.path)[td.CODES[7]] == pytest.approx(td.POINTS[td.CODES[7]])


def _plots(card):
    """The card's plots; none before its charts' widget is made (at the first outfall
    with samples shown on the 监测 tab)."""
    if card.charts is None:
        return []
    import pyqtgraph as pg

    return [i for i in card.charts.ci.items if isinstance(i, pg.PlotItem)]


def _limits(plot):
    import pyqtgraph as pg

    return [round(float(i.value()), 2) for i in plot.items if isinstance(i, pg.InfiniteLine)]


def test_monitoring_charts_draw_class_limits(setup):
    _win, _ws, review = setup
    review.card.show_outfall(td.CODES[0])
    review.card.setCurrentWidget(review.card.chart_stack)  # the 监测 tab
    assert review.card.chart_stack.currentWidget() is review.card.charts
    plots = _plots(review.card)
    assert len(plots) == 6
    cod = plots[0]
    # a sea outfall: the GB 3097 COD limits of classes 一..四
    assert _limits(cod) == [2.0, 3.0, 4.0, 5.0]


def test_monitoring_charts_wait_for_their_tab_and_are_reused(setup, monkeypatch):
    """A click on an outfall makes no charts while the 监测 tab is not shown; shown, the
    same plots take each outfall's samples, with the class limits of its water (GB 3097
    for the sea, GB 3838 for rivers), and an outfall without samples says so."""
    import pandas as pd

    _win, ws, review = setup
    card = review.card
    card.show_outfall(td.CODES[0])
    assert _plots(card) == []  # 属性 is the tab shown: nothing made
    card.setCurrentWidget(card.chart_stack)
    first = _plots(card)
    assert len(first) == 6
    cod_curve = first[0].listDataItems()[0]
    assert list(cod_curve.getData()[1]) == list(
        ws.table("outfall_samples")["cod_mgl"].astype(float))
    # the dates on the time axis: the samples' own days (POSIX seconds, UTC midnight)
    import datetime as dt

    assert list(cod_curve.getData()[0]) == [
        dt.datetime.fromisoformat(d).replace(tzinfo=dt.timezone.utc).timestamp()
        for d in ("2024-01-10", "2024-04-10", "2024-07-10")]
    # a river outfall with samples of its own
    river = td.CODES[4]
    ws.write_values("outfalls", [4], "water_kind", ["river"])
    samples = ws.table("outfall_samples")
    more = samples.assign(outfall_code=river, cod_mgl=[11.0, 12.0, 13.0])
    monkeypatch.setattr(ws, "table", lambda name: pd.concat([samples, more],
                                                            ignore_index=True)
                        if name == "outfall_samples" else None)
    card.show_outfall(river)
    again = _plots(card)
    assert again == first  # the same plot items
    assert list(again[0].listDataItems()[0].getData()[1]) == [11.0, 12.0, 13.0]
    # GB 3838's COD limits of classes I..V (mg/L)
    assert _limits(again[0]) == [15.0, 15.0, 20.0, 30.0, 40.0]
    card.show_outfall(td.CODES[0])
    assert _limits(_plots(card)[0]) == [2.0, 3.0, 4.0, 5.0]
    card.show_outfall(td.CODES[1])  # no samples
    assert card.chart_stack.currentWidget() is card.findChild(QLabel, "cardNoSamples")
    assert card.findChild(QLabel, "cardNoSamples").text() == "无监测数据"


def test_second_instance_opens_read_only_with_a_warning(setup, qtbot, monkeypatch):
    win, ws, review = setup
    import geodata.workspace_lock as wl

    monkeypatch.setattr(wl, "_my_pid", lambda: 1)  # look like another process
    monkeypatch.setattr(wl.WorkspaceLock, "_stale", staticmethod(lambda holder: False))
    ws2 = Workspace.open(ws.path)
    win2 = main_window_for(qtbot, ws2)
    second = install_outfall_review(win2, ws2, interactive=False)
    assert second.session.readonly
    assert "只读" in second.messages[0].zh
    second.panel.view.selectRow(0)
    second.request("confirm")
    assert second.stack.count() == 0 and "只读" in second.messages[-1].zh


def test_large_inventories_check_compliance_in_the_background(qtbot, tmp_path, monkeypatch):
    """Above SYNC_LIMIT the window does not wait for the check: flags arrive, and after a
    move they are re-checked without blocking."""
    from ui.outfalls import flag_checker

    monkeypatch.setattr(flag_checker, "SYNC_LIMIT", 0)
    monkeypatch.setattr("ui.outfalls.review.SYNC_LIMIT", 0)
    ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
    win = main_window_for(qtbot, ws)
    review = install_outfall_review(win, ws, lang="zh", interactive=False, user="王五")
    try:
        assert review.loading  # the table itself is made in the background too
        assert spin_until(lambda: not review.loading and review.checker.bits is not None
                          and not review.checker.running)
        flags = review.panel.combos["flags"]
        flags.setCurrentIndex(flags.findData("possible_duplicate"))
        review.panel.apply_filter()
        dup = sorted(review.panel.model.code_at(r) for r in range(review.panel.model.rowCount()))
        assert dup == td.CODES[2:4]
        # move outfall 0 onto outfall 5: a new possible duplicate, found in the background
        x, y = td.POINTS[td.CODES[5]]
        review.do(oe.move(ws.layer("outfalls"), td.CODES[0], x + 0.00005, y, "cgcs2000"))
        review._flags_timer.timeout.emit()  # as the timer does 0.4 s after the edit
        from models.outfall_table import FLAG_BITS

        def flagged() -> bool:
            row = review.table.row_of(td.CODES[0])
            return bool(review.table.flag_bits[row] & FLAG_BITS["possible_duplicate"])

        assert spin_until(flagged)  # the event loop runs as in the application
        assert review.table.cell(review.table.row_of(td.CODES[0]), "flags") != ""
    finally:
        review.shutdown()


def test_the_move_dialog_starts_at_the_outfalls_position(setup, monkeypatch):
    """输入坐标 opens at the outfall's own coordinates, and moves it where typed."""
    from ui.outfalls import review as review_module

    _win, ws, review = setup
    seen = {}

    def accept(dialog) -> bool:  # noqa: ANN001
        seen["start"] = dialog.coord.text()
        dialog.coord.setText("118.612, 24.732")
        dialog._check()
        return dialog.value is not None

    monkeypatch.setattr(review_module, "exec_dialog", accept)
    review.panel.select_codes([td.CODES[3]])
    review.request("move")
    lon, lat = td.POINTS[td.CODES[3]]
    assert seen["start"] == f"{lon:.6f}, {lat:.6f}"
    assert outfall_store.read_positions(ws.path)[td.CODES[3]] == pytest.approx((118.612, 24.732))


def _on_screen(widget) -> bool:
    """Whether any of ``widget`` is on screen (Qt moves a tabbed dock that is behind
    another off the window rather than hiding it)."""
    return not widget.visibleRegion().isEmpty()


def _details_in_front(win) -> None:
    """要素详情 brought to the front, as the user does to read it, and painted (after the
    turns of the click before, in which the record card it raised is filled)."""
    spin_until(lambda: False, 50)
    win.side_dock.raise_()
    assert spin_until(lambda: _on_screen(win.side_panel) and not win.side_panel._stale)


def test_clicking_from_outfall_to_outfall_shows_each_ones_values(setup):
    """The side panel's 概况 and the card's 属性 keep their labels from one outfall to the
    next (only the texts change): what they show is the outfall selected now."""
    from PySide6.QtWidgets import QLabel

    win, ws, review = setup
    a, b = td.CODES[0], td.CODES[5]
    win.selection.select("outfalls", [a], "map")
    _details_in_front(win)  # (a's record card was raised over them)
    overview = win.side_panel.tabs.widget(0)
    card_labels = review.card.attrs.findChildren(QLabel)
    assert a in dict(overview.rows).values()
    assert a in [w.text() for w in overview.findChildren(QLabel)]
    assert a in [w.text() for w in card_labels]
    win.selection.select("outfalls", [b], "map")
    _details_in_front(win)  # (b's record card was raised over them)
    assert win.side_panel.tabs.widget(0) is overview  # the same tab, new texts
    shown = [w.text() for w in overview.findChildren(QLabel)]
    assert b in dict(overview.rows).values() and b in shown and a not in shown
    frame = ws.layer("outfalls").set_index("code")
    assert frame.loc[b, "name_zh"] in shown
    card = [w.text() for w in review.card.attrs.findChildren(QLabel)]
    assert b in card and a not in card and frame.loc[b, "name_zh"] in card
    assert len(card) == len(card_labels)
    g = frame.loc[b, "geometry"]
    assert f"{g.x:.6f}, {g.y:.6f}" in card
    # another kind of feature: its own fields
    win.selection.select("outfalls", [], "map")
    units = ws.layer("control_units")
    if units is not None and len(units):
        code = str(units["code"].iloc[0])
        win.selection.select("control_units", [code], "map")
        _details_in_front(win)
        rows = dict(win.side_panel.tabs.widget(0).rows)
        assert code in rows.values() and b not in rows.values()


def test_the_first_click_on_an_outfall_makes_no_details_the_card_covers(setup, qtbot,
                                                                        monkeypatch):
    """With 要素详情 in front, a click on an outfall raises its record card over it in
    the same turn: the details are made when 要素详情 is brought back, not for nothing
    on the click (it was ~45 ms of the first click's turn)."""
    win, _ws, review = setup
    import ui.side_panel as side_panel

    made: list[str] = []
    real = side_panel.details
    monkeypatch.setattr(side_panel, "details",
                        lambda model, tables, layer, key, **kw:
                        made.append(key) or real(model, tables, layer, key, **kw))
    win.side_dock.raise_()
    qtbot.waitUntil(lambda: _on_screen(win.side_panel))
    win.selection.select("outfalls", [td.CODES[2]], "map")
    assert review.card.code == td.CODES[2]
    qtbot.waitUntil(lambda: _on_screen(review.card) and not _on_screen(win.side_panel))
    spin_until(lambda: False, 100)
    assert made == []
    _details_in_front(win)
    assert made == [td.CODES[2]]
    assert td.CODES[2] in win.side_panel.title.text()


def test_with_the_record_card_closed_a_click_fills_the_details_at_once(setup, qtbot):
    """Closed, the card covers nothing: 要素详情 shows the clicked outfall straight away
    (in the turns after the click's, where the map's ring is painted), without being
    brought to the front."""
    win, _ws, review = setup
    review.card_dock.close()
    win.side_dock.raise_()
    qtbot.waitUntil(lambda: _on_screen(win.side_panel))
    win.selection.select("outfalls", [td.CODES[3]], "map")
    assert details_shown(win, 500)
    assert td.CODES[3] in win.side_panel.title.text()
    spin_until(lambda: False, 50)
    assert _on_screen(win.side_panel)


def test_feature_details_behind_the_record_card_are_made_when_raised(setup, qtbot,
                                                                    monkeypatch):
    """A click on an outfall raises its record card over 要素详情: the details of that
    outfall are there as soon as the user brings 要素详情 back to the front."""
    win, _ws, review = setup
    on_screen = _on_screen
    import ui.side_panel as side_panel

    made: list[str] = []
    real = side_panel.details
    monkeypatch.setattr(side_panel, "details",
                        lambda model, tables, layer, key, **kw:
                        made.append(key) or real(model, tables, layer, key, **kw))
    win.selection.select("outfalls", [td.CODES[0]], "map")
    qtbot.waitUntil(lambda: on_screen(review.card) and not on_screen(win.side_panel))
    made.clear()
    win.selection.select("outfalls", [td.CODES[1]], "map")
    assert review.card.code == td.CODES[1]
    spin_until(lambda: False, 100)
    assert made == []  # nothing made for a panel no one sees
    win.side_dock.raise_()
    qtbot.waitUntil(lambda: on_screen(win.side_panel)
                    and td.CODES[1] in win.side_panel.title.text())
    assert made == [td.CODES[1]]
    tabs = win.side_panel.tabs
    assert tabs.count() >= 1 and tabs.tabText(0) == "概况"
    assert any(v == td.CODES[1] for _k, v in tabs.widget(0).rows)
