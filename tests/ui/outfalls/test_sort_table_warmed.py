"""The pinyin table that sorts Chinese columns (models/collation.py) is made in the
table's worker a moment after the window's first paint: made on the GUI thread by the
first sort of a small inventory by 名称, it held the window 0.25-0.6 s."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt

from models import collation
from models.outfall_table import KEYS
from models.workspace import Workspace
from tests.models import outfall_testdata as td
from tests.ui.conftest import main_window_for, spin_until
from ui.outfalls import install_outfall_review


def test_the_sort_table_is_made_off_the_gui_thread_before_the_first_sort(qtbot, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr("ui.outfalls.review.WARM_SORT_AFTER_MS", 20)
    made_in = []
    readings = collation._pinyin_readings

    def recorded():
        made_in.append(threading.current_thread() is threading.main_thread())
        return readings()

    monkeypatch.setattr(collation, "_pinyin_readings", recorded)
    collation._table.cache_clear()
    try:
        ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
        win = main_window_for(qtbot, ws)
        review = install_outfall_review(win, ws, lang="zh", interactive=False)
        win.show()
        assert spin_until(lambda: collation._table.cache_info().currsize == 1)
        assert made_in == [False]  # in a worker, once
        # the user's first sort by name uses it: pinyin order, nothing made again
        review.panel.view.sortByColumn(KEYS.index("name_zh"), Qt.SortOrder.AscendingOrder)
        names = [review.panel.model.data(review.panel.model.index(r, KEYS.index("name_zh")))
                 for r in range(review.panel.model.rowCount())]
        assert names == sorted(names, key=collation.sort_key)
        assert made_in == [False]
        review.shutdown()
    finally:
        collation._table.cache_clear()  # the next test's table from the real reader
