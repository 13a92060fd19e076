"""The inventory panel lays its parts out inside itself: a change there (the count's text
as a filter narrows the rows, the row numbers' width and the filter menus as a new table
arrives) does not lay out the table's dock and, through it, every dock of the main window
(at 1M outfalls that was 16-24 ms of the turn the inventory arrived in)."""

from __future__ import annotations

from tests.ui.conftest import layout_requests, spin, spin_until
from tests.ui.outfalls.test_outfall_review import setup  # noqa: F401 - the fixture


def test_a_filter_and_a_new_table_stay_inside_the_panel(setup):  # noqa: F811
    win, ws, review = setup
    panel = review.panel
    spin(100)
    count = panel.count.text()
    with layout_requests(win, review.table_dock) as requests:
        panel.search.setText("测试排口2")
        panel.apply_filter()
        spin(100)
        assert panel.count.text() != count  # the count says the fewer rows
        panel.search.setText("")
        panel.apply_filter()
        review.panel.set_table(review.table)  # as a replaced layer's table arrives
        spin(100)
    assert requests == []
    assert panel.model.rowCount() == 8


def test_the_panel_fills_its_dock_and_follows_its_size(setup):  # noqa: F811
    win, ws, review = setup
    panel, dock = review.panel, review.table_dock
    dock.setFloating(True)
    for w, h in ((900, 300), (640, 220)):
        dock.resize(w, h)
        assert spin_until(lambda: panel.body.geometry() == panel.rect())
        assert panel.view.isVisible() and panel.view.height() > 0
    # the dock asks the panel's parts for their sizes, as it did of the panel's own layout
    assert panel.minimumSizeHint() == panel.body.minimumSizeHint()
    assert panel.sizeHint() == panel.body.sizeHint()
