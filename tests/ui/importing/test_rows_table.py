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
    # painted once first: PySide6 makes the Python types of the Qt classes a paint uses
    # (their methods: ~2 400 objects, once per process), which are no row's
    table.set_rows(["变化", "编码"], 2, lambda r, c: ("新增", "PWK350582H00000")[c])
    qtbot.wait(10)
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


def test_the_rows_look_as_qts_own_table_paints_them(qtbot, monkeypatch):
    """The table paints its plain cells itself (ui/painted_table.py): the rows, every
    other one shaded, a long value elided, a selected row, as Qt's own paint has them."""
    import numpy as np
    from PySide6.QtGui import QImage

    from ui.painted_table import PaintedTableView

    table = RowsTable()
    qtbot.addWidget(table)
    table.resize(520, 300)
    table.show()
    table.set_rows(["变化", "编码", "说明"], 500,
                   lambda r, c: ("新增", f"PWK350582H{r:05d}",
                                 "受纳水体由“深沪湾”改为“泉州湾” — a long note" * (r % 3))[c])
    table.selectRow(3)
    qtbot.wait(10)

    def pixels() -> np.ndarray:
        image = table.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        return np.frombuffer(image.constBits(), np.uint32,
                             image.sizeInBytes() // 4).reshape(image.height(), -1).copy()

    assert table._paints_itself()
    ours = pixels()
    monkeypatch.setattr(PaintedTableView, "_paints_itself", lambda self: False)
    assert (ours == pixels()).all()
