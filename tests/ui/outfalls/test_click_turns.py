"""A click on an outfall on the map: what it shows at once and what comes a moment later.

The selection is made at once (the actions act on it), the record card's 属性 too; the
table's row is shown -- repainted and scrolled to -- ``REVEAL_LATER_MS`` later, in a repaint
of its own, and the card's 核查记录 and 照片 are read from the file when their tab is shown
(at 1M a click was one interval of ~20 ms with them, bench/bench_clicks.py).
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel

from tests.models import outfall_testdata as td
from tests.ui.conftest import details_shown, layout_requests, spin, spin_until
from tests.ui.outfalls.test_outfall_review import setup  # noqa: F401 - the fixture
from ui.outfalls import table_dock


def _row_in_view(panel, code: str) -> bool:
    view = panel.view
    r = panel.model.view_row_of(code)
    rect = view.visualRect(panel.model.index(r, 0))
    return rect.isValid() and view.viewport().rect().intersects(rect)


def _small_table(panel) -> None:
    """A table that shows two or three rows: most outfalls out of view, as at 1M."""
    panel.view.setFixedHeight(panel.view.horizontalHeader().height() + 3 * 22)
    spin(50)
    panel.view.scrollToTop()
    spin(20)


def test_a_map_click_selects_at_once_and_shows_the_row_a_moment_later(setup):  # noqa: F811
    win, ws, review = setup
    panel = review.panel
    _small_table(panel)
    last = panel.model.code_at(panel.model.rowCount() - 1)
    assert not _row_in_view(panel, last)
    win.select("outfalls", last)  # a click on the map
    # at once: the selection the actions act on, and the record card
    assert panel.selected_codes() == [last]
    assert review.targets() == [last]
    assert review.card.code == last
    # the row is shown a moment later, in a turn of its own
    assert not _row_in_view(panel, last)
    assert spin_until(lambda: _row_in_view(panel, last), 2000)
    assert table_dock.REVEAL_LATER_MS <= 100  # soon enough to look immediate


def test_the_rows_shown_are_laid_out_in_one_turn_and_painted_in_a_later_one(setup):  # noqa: F811
    """The late scroll to a row far away: its texts laid out in the scroll's turn, the
    cells painted in a later one (together, ~7-8 ms at 1M; bench/README.md, session 31)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    win, ws, review = setup
    panel = review.panel
    _small_table(panel)
    last = panel.model.code_at(panel.model.rowCount() - 1)
    turns = [0]
    measured: list[int] = []
    painted: list[tuple[int, bool]] = []
    view = panel.view
    real_measure = view.measure_shown
    view.measure_shown = lambda: (measured.append(turns[0]), real_measure())[1]

    class Paints(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and obj is view.viewport():
                painted.append((turns[0], _row_in_view(panel, last)))
            return False

    watch = Paints()
    view.viewport().installEventFilter(watch)
    ticker = QTimer()
    ticker.setInterval(0)  # a turn of the event loop each
    ticker.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    ticker.start()
    win.select("outfalls", last)
    assert spin_until(lambda: any(shown for _t, shown in painted), 2000)
    ticker.stop()
    view.viewport().removeEventFilter(watch)
    assert len(measured) == 1
    first_paint_of_row = next(t for t, shown in painted if shown)
    assert first_paint_of_row > measured[0]
    assert view.viewport().updatesEnabled()
    # what the paint drew was laid out before it: the row's code among the texts kept
    assert last in view._texts._lines


def test_a_table_click_in_that_moment_is_not_undone_by_the_late_scroll(setup):  # noqa: F811
    win, ws, review = setup
    panel = review.panel
    _small_table(panel)
    last = panel.model.code_at(panel.model.rowCount() - 1)
    first = panel.model.code_at(0)
    win.select("outfalls", last)
    panel.view.selectRow(0)  # the user picks a row in the table before the scroll came
    spin(table_dock.REVEAL_LATER_MS + 100)
    assert panel.selected_codes() == [first]
    assert _row_in_view(panel, first) and not _row_in_view(panel, last)
    assert review.card.code == first


def test_the_cards_history_and_photos_are_read_when_their_tab_is_shown(setup, monkeypatch):  # noqa: F811
    win, ws, review = setup
    card = review.card
    asked: list[str] = []
    real_history, real_photos = review.session.history, review.session.photos
    monkeypatch.setattr(review.session, "history",
                        lambda code: asked.append(("history", code)) or real_history(code))
    monkeypatch.setattr(review.session, "photos",
                        lambda code: asked.append(("photos", code)) or real_photos(code))
    review.panel.select_codes([td.CODES[0]])
    review.request("confirm")
    assert spin_until(lambda: not review.session.pending, 5000)
    card.setCurrentIndex(0)  # 属性
    win.select("outfalls", td.CODES[0])
    assert card.code == td.CODES[0] and asked == []  # the click reads neither
    card.setCurrentWidget(card.history)  # the user opens 核查记录
    assert asked == [("history", td.CODES[0])]
    assert card.history.rowCount() == 1 and card.history.item(0, 2).text() == "confirm"
    card.setCurrentIndex(0)
    card.setCurrentWidget(card.history)  # shown again, same outfall: not read again
    assert asked == [("history", td.CODES[0])]
    win.select("outfalls", td.CODES[1])  # another outfall while 核查记录 is open
    assert asked[-1] == ("history", td.CODES[1]) and card.history.rowCount() == 0
    card.setCurrentWidget(card.photo_tab)
    assert asked[-1] == ("photos", td.CODES[1]) and card.photos.count() == 0


def test_the_late_scroll_finds_the_row_again_if_a_sort_moved_it(setup):  # noqa: F811
    from PySide6.QtCore import Qt

    win, ws, review = setup
    panel = review.panel
    panel.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    _small_table(panel)
    n = panel.model.rowCount()
    code = panel.model.code_at(n - 3)  # out of view now, third from the top once reversed
    win.select("outfalls", code)
    panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # before the row was shown
    assert panel.model.code_at(2) == code
    spin(table_dock.REVEAL_LATER_MS + 100)
    assert _row_in_view(panel, code)  # not the row it had when it was selected


def _indexed(model) -> bool:
    return model._positions is not None and model._positions[0] is model.rows


def test_a_large_views_rows_are_found_by_their_index_in_any_order(setup, monkeypatch):  # noqa: F811
    """Over ``POSITIONS_FROM`` rows the view's positions are indexed in a worker after
    each change of the view; a click then finds its row by that index, the same row as a
    search of the view, and none for an outfall filtered out."""
    from PySide6.QtCore import Qt

    from ui.outfalls import table_model

    monkeypatch.setattr(table_model, "POSITIONS_FROM", 0)  # the test set's 8 rows count
    win, ws, review = setup
    panel, model = review.panel, review.panel.model

    def searched(code):
        r = model.table.row_of(code)
        at = [i for i in range(model.rowCount()) if int(model.rows[i]) == r]
        return at[0] if at else None

    panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert spin_until(lambda: _indexed(model))
    assert [model.view_row_of(c) for c in td.CODES] == [searched(c) for c in td.CODES]
    assert model.view_row_of(td.CODES[-1]) == 0
    panel.search.setText("测试排口2")
    panel.apply_filter()
    assert 0 < model.rowCount() < len(td.CODES)
    assert spin_until(lambda: _indexed(model))
    got = [model.view_row_of(c) for c in td.CODES]
    assert got == [searched(c) for c in td.CODES]
    assert None in got  # the outfalls filtered out have no row in the view
    win.select("outfalls", model.code_at(model.rowCount() - 1))  # a click on the map
    assert panel.selected_codes() == [model.code_at(model.rowCount() - 1)]


def test_the_next_outfalls_record_lays_out_the_card_alone(setup):  # noqa: F811
    """From one outfall to the next the card's 属性 get new texts; they are laid out in
    the card's scroll area, not up to the main window (whose dock layout, done again,
    made an animation per dock and repainted them all, ~10 ms after each click), and in
    a short dock they scroll."""
    win, ws, review = setup
    panel = review.panel
    codes = [panel.model.code_at(r) for r in range(3)]
    win.select("outfalls", codes[0])
    spin(100)
    with layout_requests(win, review.card_dock) as requests:
        for code in codes[1:]:
            win.select("outfalls", code)
            spin(100)
            assert review.card.code == code
            shown = [lb.text() for lb in review.card.attrs.findChildren(QLabel)]
            assert code in shown
    assert requests == []
    scroll = review.card.attrs_scroll
    review.card_dock.setFloating(True)  # a short card: its rows scroll
    review.card_dock.resize(420, 160)
    spin(100)
    assert scroll.verticalScrollBar().maximum() > 0


class _Turns(QObject):
    """The event loop's turns counted (a zero timer fires once a turn) and, for each
    watched widget, the turns it was painted in (``painted[name]``)."""

    def __init__(self, **widgets) -> None:  # noqa: ANN003
        super().__init__()
        self.turn = 0
        self.widgets = widgets
        self.painted: dict[str, list[int]] = {name: [] for name in widgets}
        self._ticker = QTimer()
        self._ticker.setInterval(0)
        self._ticker.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.turn += 1

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            for name, widget in self.widgets.items():
                if obj is widget:
                    self.painted[name].append(self.turn)
        return False

    def forget_paints(self) -> None:
        for seen in self.painted.values():
            seen.clear()


@contextmanager
def _turns(**widgets):  # noqa: ANN003
    watch = _Turns(**widgets)
    for widget in widgets.values():
        widget.installEventFilter(watch)
    watch._ticker.start()
    try:
        yield watch
    finally:
        watch._ticker.stop()
        for widget in widgets.values():
            widget.removeEventFilter(watch)


def test_a_card_brought_forward_by_a_map_click_is_painted_a_turn_after_the_ring(setup):  # noqa: F811
    """With 要素详情 in front, a click on an outfall paints the map's ring in its own turn,
    sets the record card's texts in a later one and paints the card it brings to the
    front in a later one still (together they were one turn of 12-17 ms at 1M;
    bench/README.md, issue 17, session 32).  The card is then in front, whole, with the
    outfall's texts; a card already in front is filled and painted at once."""
    win, ws, review = setup
    card = review.card
    win.side_dock.raise_()
    assert spin_until(lambda: not win.side_panel.visibleRegion().isEmpty())
    with _turns(map=win.canvas, card=card) as turns:
        painted = turns.painted
        texts_set: list[int] = []
        real_show = card.show_outfall
        card.show_outfall = lambda code: (texts_set.append(turns.turn), real_show(code))[1]
        clicked: list[int] = []

        def click() -> None:  # in a turn of the loop, as a mouse release is
            turns.forget_paints()
            clicked.append(turns.turn)
            win.select("outfalls", td.CODES[4])
            assert card.code == td.CODES[4]  # the actions act on it at once

        QTimer.singleShot(2, click)
        assert spin_until(lambda: painted["card"] and painted["map"], 2000)
        card.show_outfall = real_show
        # the ring in the click's turn, the card's texts in a later one, its paint later
        assert painted["map"][0] == clicked[0] < texts_set[0] < painted["card"][0]
        assert card.updatesEnabled()
        assert not card.visibleRegion().isEmpty() and win.side_panel.visibleRegion().isEmpty()
        assert td.CODES[4] in [lb.text() for lb in card.attrs.findChildren(QLabel)]
        # the card in front: the next outfall's texts painted in the click's own turn
        spin(50)
        turns.forget_paints()
        win.select("outfalls", td.CODES[5])
        assert card.updatesEnabled()
        assert spin_until(lambda: painted["card"] and painted["map"], 2000)
    assert painted["card"][0] == painted["map"][0]


def _two_units(ws):
    units = ws.layer("control_units")
    return None if units is None or len(units) < 2 else [str(c) for c in units["code"].iloc[:2]]


def _with_two_zones(made):
    """(window, review, side panel, two zones' codes) of the ``setup`` fixture's ``made``
    window, or None without two zones."""
    win, ws, review = made
    units = _two_units(ws)
    return None if units is None else (win, review, win.side_panel, *units)


def _details_made_in(turns, monkeypatch) -> list[int]:
    """The turns the side panel made a feature's details in."""
    import ui.side_panel as side_panel

    made: list[int] = []
    real = side_panel.details
    monkeypatch.setattr(side_panel, "details",
                        lambda *a_, **k: (made.append(turns.turn), real(*a_, **k))[1])
    return made


def test_a_zone_clicked_over_the_record_card_is_made_and_painted_in_later_turns(setup,  # noqa: F811
                                                                               monkeypatch):
    """With the record card in front, a click on a zone paints the map's ring in its
    own turn, makes the zone's details in a later one and paints them in a later one
    still (one turn of ~20 ms at 1M; bench/README.md, issue 17, session 32).  要素详情
    is then in front with the zone's details; the card brought back in between keeps
    the details for when 要素详情 is shown."""
    zones = _with_two_zones(setup)
    if zones is None:
        return
    win, review, panel, a, b = zones
    win.select("outfalls", td.CODES[1])
    assert spin_until(lambda: not review.card.visibleRegion().isEmpty() and panel.behind())
    with _turns(map=win.canvas, panel=panel) as turns:
        painted = turns.painted
        made = _details_made_in(turns, monkeypatch)
        QTimer.singleShot(2, lambda: win.select("control_units", a))  # a click on the map
        assert spin_until(lambda: painted["panel"] and painted["map"], 2000)
        assert made and painted["map"][0] < made[-1] < painted["panel"][0]
        assert win.side_dock.widget().updatesEnabled()
        assert not panel.behind() and review.card.visibleRegion().isEmpty()
        assert a in panel.title.text()
        # the card brought back before the details' turn: they wait for 要素详情
        win.select("outfalls", td.CODES[2])
        assert spin_until(lambda: panel.behind())
        made.clear()
        win.select("control_units", b)
        review.card_dock.raise_()  # the user picks 一口一档 again at once
        spin(100)
        assert made == [] and panel.behind() and win.side_dock.widget().updatesEnabled()
        win.side_dock.raise_()
        assert spin_until(lambda: b in panel.title.text() and not panel.behind())


def test_the_next_zone_clicked_is_made_and_painted_after_the_rings_turn(setup, monkeypatch):  # noqa: F811
    """With 要素详情 in front, a click on another zone paints the ring in the click's turn
    and the zone's details in later turns (11-13 ms in one turn at 1M); the panel keeps
    the last zone's pixels meanwhile and then shows the new one."""
    zones = _with_two_zones(setup)
    if zones is None:
        return
    win, review, panel, a, b = zones
    win.side_dock.raise_()
    win.select("control_units", a)
    assert details_shown(win) and a in panel.title.text()
    spin(50)
    with _turns(map=win.canvas, panel=panel) as turns:
        painted = turns.painted
        made = _details_made_in(turns, monkeypatch)
        clicked: list[int] = []  # the click's turn

        def click() -> None:  # in a turn of the loop, as a mouse release
            turns.forget_paints()
            clicked.append(turns.turn)
            win.select("control_units", b)
            assert made == [] and a in panel.title.text()  # the ring only

        QTimer.singleShot(2, click)
        assert spin_until(lambda: clicked, 2000)
        assert details_shown(win)
        assert spin_until(lambda: painted["panel"] and painted["map"], 2000)
        assert painted["map"][0] == clicked[0] < made[0] < painted["panel"][0]
        assert b in panel.title.text() and win.side_scroll.updatesEnabled()
