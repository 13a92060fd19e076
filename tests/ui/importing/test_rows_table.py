"""The dry run's tables (rejected, flagged, changes, notes) show their rows as they are
scrolled to: 100 000 changes are 100 000 rows in the 变化 tab, in order, without an item
made per cell on the GUI thread (200 000 of them took ~1 s, and the cyclic collector then
kept scanning them: ~0.1 s a full collection)."""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt

from ui.importing.common import RowsTable


def test_a_hundred_thousand_changes_are_rows_without_an_item_each(qtbot):
    new = [f"PWK350582H{i:05d}" for i in range(60_000)]
    updated = [f"PWK350521H{i:05d}" for i in range(40_000)]
    table = RowsTable()
    qtbot.addWidget(table)
    table.resize(500, 300)
    table.show()
    tracked = len(gc.get_objects())
    table.set_rows(["变化", "编码"], len(new) + len(updated),
                   lambda r, c: ("新增", "更新")[r >= len(new)] if c == 0
                   else new[r] if r < len(new) else updated[r - len(new)])
    qtbot.wait(10)
    assert len(gc.get_objects()) - tracked < 1_000
    assert table.rowCount() == 100_000 and table.columnCount() == 2
    assert [table.text(0, 0), table.text(0, 1)] == ["新增", "PWK350582H00000"]
    assert [table.text(60_000, 0), table.text(60_000, 1)] == ["更新", "PWK350521H00000"]
    assert table.text(99_999, 1) == "PWK350521H39999"
    model = table.model()
    assert model.headerData(1, Qt.Orientation.Horizontal) == "编码"
    ix = model.index(59_999, 1)
    assert model.data(ix) == model.data(ix, Qt.ItemDataRole.ToolTipRole) == "PWK350582H59999"
    assert table.columnWidth(0) <= 260


def test_an_empty_cell_shows_nothing(qtbot):
    table = RowsTable()
    qtbot.addWidget(table)
    table.set_rows(["文件", "行号"], 2, lambda r, c: None if r else "a.csv")
    assert [table.text(0, 0), table.text(1, 0)] == ["a.csv", ""]
