"""What the user sees while an edit's GUI work is cut into short event-loop turns (issue 17):
the table and record card show a large edit before its save begins in the worker, the
save still ends with the edit in the file; a table shown in the panel there is (a
replaced layer) keeps the user's sort order and filters, and a filter on a value the new
table lacks shows every row again; the cells answer as before (only their repaint is
limited to the rows on screen)."""

from __future__ import annotations

import os
import sqlite3

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt

from models import outfall_edits as oe
from models.outfall_table import KEYS, OutfallTable
from tests.models import outfall_testdata as td
from tests.ui.conftest import spin_until
from tests.ui.outfalls.test_save_while_read import setup  # noqa: F401 - the fixture
from ui.outfalls.table_dock import OutfallTablePanel


def _stored(path):
    con = sqlite3.connect(str(path))
    try:
        return dict(con.execute('SELECT code, review_status FROM "outfalls"').fetchall())
    finally:
        con.close()


def test_a_large_edit_is_shown_before_its_save_begins_and_is_saved(setup, monkeypatch):  # noqa: F811
    path, ws, review = setup
    monkeypatch.setattr("ui.outfalls.review.SAVE_IN_WORKER_FROM", 1)
    monkeypatch.setattr("ui.outfalls.review.VIEWS_NEXT_TURN_FROM", 1)
    codes = td.CODES[:5]
    review.open_card(codes[0])
    review.card.setCurrentWidget(review.card.history)  # the user watches its 核查记录
    seen = []
    submit = review.save_runner.submit

    def noted(*args, **kwargs):  # what the table and the card show as the save begins
        seen.append(([review.table.cell(review.table.row_of(c), "review_status")
                      for c in codes], review.card.history.rowCount()))
        return submit(*args, **kwargs)

    monkeypatch.setattr(review.save_runner, "submit", noted)
    review.panel.select_codes(codes)
    review.request("confirm")  # built now, applied from the next turn (an undo step then)
    assert review.stack.count() == 0
    assert spin_until(lambda: review.stack.count() == 1 and not review.session.pending, 5000)
    assert seen == [(["已核查"] * len(codes), 1)]
    assert all(_stored(path)[c] == "已核查" for c in codes)
    review.stack.undo()
    assert spin_until(lambda: not review.session.pending, 5000)
    assert all(_stored(path)[c] == "待核查" for c in codes)
    assert len(seen) == 2 and seen[1][0] == ["待核查"] * len(codes)


def test_a_table_shown_in_the_panel_keeps_its_order_and_filters(qtbot):
    frame = td.outfall_frame()
    panel = OutfallTablePanel(OutfallTable.from_frame(frame, {"350582": "晋江市"}))
    qtbot.addWidget(panel)
    panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    status = panel.combos["review_status"]
    status.setCurrentIndex(status.findData("待核查"))
    panel.search.setText("测试排口")
    panel.apply_filter()
    assert panel.model.rowCount() == 8
    frame.loc[[2, 5], "review_status"] = "已核查"
    panel.set_table(OutfallTable.from_frame(frame, {"350582": "晋江市"}))
    codes = [panel.model.code_at(r) for r in range(panel.model.rowCount())]
    assert codes == [c for c in td.CODES[::-1] if c not in (td.CODES[2], td.CODES[5])]
    assert [status.itemData(i) for i in range(1, status.count())] == ["已核查", "待核查"]
    assert status.currentData() == "待核查"
    # the value filtered on is gone from the new table: every row shows again
    frame["review_status"] = "已核查"
    panel.set_table(OutfallTable.from_frame(frame, {"350582": "晋江市"}))
    assert status.currentData() is None and panel.model.rowCount() == 8
    assert panel.model.code_at(0) == td.CODES[-1]
    assert panel.count.text().startswith("8 / 8")


def test_the_cells_answer_each_role_as_shown(qtbot):
    frame = td.outfall_frame()
    table = OutfallTable.from_frame(frame, {"350582": "晋江市"})
    table.set_flags({td.CODES[1]: ("possible_duplicate",)})
    panel = OutfallTablePanel(table)
    qtbot.addWidget(panel)
    model = panel.model
    row = [model.code_at(r) for r in range(8)].index(td.CODES[1])
    for col, key in enumerate(KEYS):
        ix = model.index(row, col)
        shown = table.cell(table.row_of(td.CODES[1]), key)
        assert model.data(ix) == model.data(ix, Qt.ItemDataRole.ToolTipRole) == shown
        assert model.data(ix, Qt.ItemDataRole.DecorationRole) is None
        brush = model.data(ix, Qt.ItemDataRole.ForegroundRole)
        assert (brush is not None) == (key == "flags")
    assert model.data(model.index(row, KEYS.index("flags"))) != ""


def _numbered_table(n: int) -> OutfallTable:
    """An inventory of ``n`` outfalls with codes numbered in row order."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    frame = gpd.GeoDataFrame(
        {"code": pd.Series([f"PWK350582H{i:05d}" for i in range(n)], dtype="str")},
        geometry=[shapely.Point(118.5, 24.8)] * n, crs="EPSG:4490")
    return OutfallTable.from_frame(frame)


def test_a_table_shown_in_a_scrolled_panel_keeps_the_row_at_the_top(qtbot):
    """The row at the top of the view stays there when the new table has it (an import
    adds rows); when it is gone (the undo of an import near the end), the view starts
    from the top rather than past the end of the rows."""
    table = _numbered_table
    panel = OutfallTablePanel(table(300))
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    panel.view.scrollTo(panel.model.index(120, 0), panel.view.ScrollHint.PositionAtTop)
    qtbot.wait(10)
    top = panel.model.code_at(panel.view.rowAt(0))
    assert top != panel.model.code_at(0)
    panel.set_table(table(320))
    qtbot.wait(10)
    assert panel.model.code_at(panel.view.rowAt(0)) == top
    panel.view.scrollToBottom()
    qtbot.wait(10)
    panel.set_table(table(200))  # the rows at the top before are gone
    qtbot.wait(10)
    assert panel.view.rowAt(0) == 0 and panel.model.rowCount() == 200


def test_the_row_numbers_fit_their_header_and_are_sized_with_one_call(qtbot):
    """The row header is as wide as the largest row number needs, before and after a
    table of more digits is shown — and Qt learns it from one question to the model for
    the whole header (Qt asked each of 200 sections after every reset: 200 calls into
    Python, twice in the turn a 1M inventory arrives in)."""
    table = _numbered_table
    panel = OutfallTablePanel(table(90))
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.wait(10)
    header = panel.view.verticalHeader()
    fm = header.fontMetrics()
    assert header.width() >= fm.horizontalAdvance("90") + 4
    asked: list[object] = []
    real_header, real_size = panel.model.headerData, panel.model.row_header_size

    def counting(section, orientation, role=0):
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.SizeHintRole:
            asked.append(section)
        return real_header(section, orientation, role)

    def size():
        asked.append("size")
        return real_size()

    panel.model.headerData = counting  # type: ignore[method-assign]
    panel.model.row_header_size = size  # type: ignore[method-assign]
    panel.set_table(table(12_345))
    qtbot.waitUntil(lambda: header.width() >= fm.horizontalAdvance("12345") + 4, timeout=3000)
    # the header's size: one question per layout, not one per section
    assert 1 <= len(asked) <= 6 and set(asked) <= {0, "size"}
    # and the numbers painted are whole: the widest visible one fits its section
    last = panel.view.rowAt(panel.view.viewport().height() - 1)
    assert header.width() >= fm.horizontalAdvance(str(last + 1)) + 4



def test_the_row_numbers_are_sized_for_an_inventory_on_its_way(qtbot):
    """While a large inventory loads, the row header is already as wide as its numbers
    will be: their arrival does not narrow the table's view (nor does the scroll bar,
    always there), so the table is laid out and painted once as they come."""
    panel = OutfallTablePanel(_numbered_table(0), loading=True, expected_rows=123_456)
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.wait(10)
    header, fm = panel.view.verticalHeader(), panel.view.verticalHeader().fontMetrics()
    assert header.width() >= fm.horizontalAdvance("123456") + 4
    width = panel.view.viewport().width()
    resized: list[int] = []
    spy = _ResizeSpy(resized)
    panel.view.viewport().installEventFilter(spy)
    panel.set_table(_numbered_table(123_456))
    qtbot.wait(20)
    assert panel.model.rowCount() == 123_456
    assert resized == [] and panel.view.viewport().width() == width
    # once there, the header fits the rows it has (a later, smaller table narrows it)
    assert panel.model.expected_rows == 0
    panel.set_table(_numbered_table(90))
    qtbot.waitUntil(lambda: header.width() < fm.horizontalAdvance("123456"), timeout=3000)


class _ResizeSpy(QObject):
    def __init__(self, seen: list[int]) -> None:
        super().__init__()
        self.seen = seen

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.seen.append(event.size().width())
        return False


def test_a_large_edit_is_built_applied_and_announced_in_turns_of_their_own(setup, monkeypatch):  # noqa: F811
    """确认位置 on many outfalls: nothing changes in the turn of the click; the frame and
    the undo stack from the next turn; the map and the other listeners hear of it from
    the turn after; the table shows it, and the file holds it, in the end."""
    path, ws, review = setup
    monkeypatch.setattr("ui.outfalls.review.VIEWS_NEXT_TURN_FROM", 1)
    codes = td.CODES[:4]
    heard = []
    ws.features_changed.connect(lambda layer, keys, fields: heard.append(sorted(keys)))
    review.panel.select_codes(codes)
    review.request("confirm")
    frame = ws.layer("outfalls")
    assert set(frame.loc[frame["code"].isin(codes), "review_status"]) == {"待核查"}
    assert review.stack.count() == 0 and heard == []
    review._apply_due()  # the next turn's
    frame = ws.layer("outfalls")
    assert set(frame.loc[frame["code"].isin(codes), "review_status"]) == {"已核查"}
    assert review.stack.count() == 1 and heard == []
    assert spin_until(lambda: heard == [sorted(codes)], 5000)
    assert spin_until(lambda: not review.session.pending, 5000)

    def shown():
        return [review.table.cell(review.table.row_of(c), "review_status") for c in codes]

    # the table from the turn after the announcement (its own timer): a spin that ends
    # with the announcement's turn has not run it yet
    assert spin_until(lambda: shown() == ["已核查"] * len(codes), 5000), shown()
    assert all(_stored(path)[c] == "已核查" for c in codes)


def test_an_edit_built_before_another_write_is_built_again(setup, monkeypatch):  # noqa: F811
    """Between the click and the apply another edit wrote one of the outfalls: the large
    edit is built again, so its undo puts back what that edit wrote, not what was there
    before it."""
    path, ws, review = setup
    monkeypatch.setattr("ui.outfalls.review.VIEWS_NEXT_TURN_FROM", 2)
    codes = td.CODES[:3]
    review.panel.select_codes(codes)
    review.request("confirm")  # built: all three 待核查
    review.do(oe.set_fields(review.session.frame, [codes[0]], {"review_status": "位置存疑"}))
    assert spin_until(lambda: review.stack.count() == 2 and not review.session.pending, 5000)
    assert all(_stored(path)[c] == "已核查" for c in codes)
    review.stack.undo()  # the confirm: 位置存疑 back on the first, 待核查 on the others
    assert spin_until(lambda: not review.session.pending, 5000)
    assert [_stored(path)[c] for c in codes] == ["位置存疑", "待核查", "待核查"]


def test_an_edit_built_as_the_window_closes_is_applied_and_saved(setup, monkeypatch):  # noqa: F811
    """The window closes in the turn after a click on 确认位置: the built edit is applied
    and saved by the shutdown, not lost."""
    path, ws, review = setup
    monkeypatch.setattr("ui.outfalls.review.VIEWS_NEXT_TURN_FROM", 1)
    codes = td.CODES[:3]
    review.panel.select_codes(codes)
    review.request("confirm")
    assert review.stack.count() == 0
    review.shutdown()
    assert all(_stored(path)[c] == "已核查" for c in codes)
    review.lock.acquire()  # (the fixture's shutdown releases it again)


def test_a_large_tables_cells_are_painted_in_later_turns(qtbot, monkeypatch):
    """A large inventory arriving: the panel (count, filters) is repainted in the turn the
    table is shown in, its cells' texts laid out in a later one, the cells painted in a
    later one still; then they show the new rows."""
    from PySide6.QtCore import QTimer

    monkeypatch.setattr("ui.outfalls.table_dock.PAINT_NEXT_TURN_FROM", 50)
    panel = OutfallTablePanel(_numbered_table(0), loading=True, expected_rows=80)
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    turns = [0]
    painted: list[tuple[str, int, int]] = []

    class Paints(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                if obj is panel.view.viewport():
                    painted.append(("cells", turns[0], panel.model.rowCount()))
                elif obj is panel.count:
                    painted.append(("count", turns[0], panel.model.rowCount()))
            return False

    watch = Paints()
    panel.view.viewport().installEventFilter(watch)
    panel.count.installEventFilter(watch)
    measured: list[int] = []
    real_measure = panel.view.measure_shown
    panel.view.measure_shown = lambda: (measured.append(turns[0]), real_measure())[1]
    ticker = QTimer()
    ticker.setInterval(0)  # a turn of the event loop each
    ticker.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    ticker.start()
    QTimer.singleShot(0, lambda: panel.set_table(_numbered_table(80)))
    assert spin_until(lambda: any(p[0] == "cells" and p[2] == 80 for p in painted), 2000)
    ticker.stop()
    count_turn = next(t for what, t, n in painted if what == "count" and n == 80)
    cells_turn = next(t for what, t, n in painted if what == "cells" and n == 80)
    assert cells_turn > count_turn
    # the texts of the rows shown laid out before the cells' paint, in a turn of their own
    assert len(measured) == 1 and measured[0] < cells_turn and measured[0] != count_turn
    assert panel.view.viewport().updatesEnabled()
    assert panel.model.code_at(panel.view.rowAt(0)) == "PWK350582H00000"
    panel.set_table(_numbered_table(20))  # a small table: painted with the panel
    assert panel.view.viewport().updatesEnabled()
