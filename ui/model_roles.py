"""A painted cell's roles answered in one Python call (``QAbstractItemModel.multiData``).

Qt 6's item delegate asks the model for seven roles of every cell it paints (font,
alignment, foreground, check state, decoration, display, background) through
``multiData``, whose default calls ``data()`` once per role.  From C++ into Python, each
call takes the GIL back.  While a worker thread holds the GIL for a few milliseconds at a
time (projecting the zones, reading or importing outfalls), every take waits for it: a
table's repaint of ~80 cells was ~560 waits.  In a probe with one such worker, the paint
of a 7-column table took a median 186-257 ms through ``data()`` and 11-91 ms through one
``multiData`` call per cell, against ~10 ms either way without the worker.

The models answer the display text (and the same as tooltip), and perhaps a foreground
brush; every other role is cleared, as the default ``multiData`` leaves it for a
``data()`` that returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

#: the roles as plain ints (``QModelRoleData.role()`` gives an int)
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)


def answer_roles(span: Any, text: Callable[[], Any], foreground: Any = None) -> None:
    """Fill ``span`` (a ``QModelRoleDataSpan``): ``text()`` for the display and tooltip
    roles (made once, only if one is asked for), ``foreground`` (None: none) for the
    foreground role, nothing for the others."""
    value: Any = None
    made = False
    for rd in span:
        role = rd.role()
        if role == DISPLAY or role == TOOLTIP:
            if not made:
                value, made = text(), True
            rd.setData(value)
        elif role == FOREGROUND and foreground is not None:
            rd.setData(foreground)
        else:
            rd.clearData()
