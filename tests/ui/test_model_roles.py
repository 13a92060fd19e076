"""The table models answer a painted cell's roles in one ``multiData`` call
(ui/model_roles.py): what it gives for each role is what ``data()`` gives, so the
inventory and the import preview show the same texts, tooltips and flag colour as before."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtGui import QBrush

from models.outfall_table import KEYS, OutfallTable
from models.workspace import Workspace
from tests.models import outfall_testdata as td
from ui.importing.common import RowsModel
from ui.outfalls.table_model import OutfallTableModel

#: the roles Qt's item delegate asks of a painted cell, and the tooltip
ROLES = [Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
         Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.CheckStateRole,
         Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.DisplayRole,
         Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole]


def _multi(model, index) -> list:
    """What ``multiData`` gives for each of :data:`ROLES` (one role per span, as a span
    of several cannot be made from Python); a role's value left from before is cleared."""
    out = []
    for role in ROLES:
        rd = QModelRoleData(int(role.value))
        rd.setData("left over")
        model.multiData(index, QModelRoleDataSpan(rd))
        out.append(rd.data())
    return out


def _same(a, b) -> bool:
    if isinstance(a, QBrush) or isinstance(b, QBrush):
        return isinstance(a, QBrush) and isinstance(b, QBrush) and a.color() == b.color()
    return a == b


def test_the_inventory_gives_each_role_as_data_does(qapp, tmp_path):
    ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
    table = OutfallTable.from_frame(ws.layer("outfalls"), {}, None, "zh")
    table.set_flags({td.CODES[0]: ("duplicate",)})
    model = OutfallTableModel(table, "zh")
    flags_col = KEYS.index("flags")
    seen_text = seen_brush = False
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            want = [model.data(index, int(r.value)) for r in ROLES]
            got = _multi(model, index)
            assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (row, col)
            seen_text |= got[ROLES.index(Qt.ItemDataRole.DisplayRole)] == td.CODES[0]
            seen_brush |= col == flags_col and isinstance(got[2], QBrush)
    assert seen_text and seen_brush  # the codes shown, the flags column coloured
    assert _multi(model, QModelIndex()) == [None] * len(ROLES)


def test_the_import_preview_gives_each_role_as_data_does(qapp):
    model = RowsModel()
    model.set_rows(["编码", "名称"], 3, lambda r, c: None if (r, c) == (1, 1) else f"{r}-{c}")
    for row in range(3):
        for col in range(2):
            index = model.index(row, col)
            assert _multi(model, index) == [model.data(index, int(r.value)) for r in ROLES]
    shown = _multi(model, model.index(2, 1))
    assert shown[ROLES.index(Qt.ItemDataRole.DisplayRole)] == "2-1"
    assert shown[ROLES.index(Qt.ItemDataRole.ToolTipRole)] == "2-1"
    assert _multi(model, model.index(1, 1))[ROLES.index(Qt.ItemDataRole.DisplayRole)] == ""
