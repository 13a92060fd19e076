"""What the 版本对比 dialog does on the main window's map: the changed areas and a chosen
edition as temporary layers (:mod:`layers.edition_layers`, added to ``win.model``), zooming
to a change or an outfall, and taking the temporary layers off again.  ``win`` is the main
window (its ``model``, ``canvas`` and status bar)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from layers.edition_layers import CHANGES, EDITION, changes_layer, edition_layer
from layers.mercator import to_mercator
from models.editions import Edition, EditionComparison, load
from models.report_style import t


def show_changes(win: Any, ec: EditionComparison) -> None:
    """The changed areas as a hatched layer on top, and the map zoomed to them."""
    if ec.result.changes is None:
        return
    layer = changes_layer(ec.result.changes, ec.illustrative)
    win.model.add_layer(layer)
    if len(layer):
        win.canvas.zoom_to_layer(CHANGES)


def show_edition(win: Any, workspace: Path, edition: Edition, lang: str,
                 illustrative: bool) -> None:
    """An edition's units above the current ones, drawn like them."""
    units = load(workspace, edition)
    win.model.add_layer(edition_layer(units, illustrative), above="control_units")
    win.statusBar().showMessage(
        t(lang, "地图上显示版本：", "Edition on the map: ") + edition.title(lang), 6000)


def zoom(win: Any, bounds: tuple[float, float, float, float], margin: float) -> None:
    """The map on a lon/lat box (no closer than 5 m a pixel)."""
    x0, y0 = to_mercator(bounds[0], bounds[1])
    x1, y1 = to_mercator(bounds[2], bounds[3])
    win.canvas.zoom_to_bbox((float(x0), float(y0), float(x1), float(y1)), margin, min_res=5.0)


def zoom_to_change(win: Any, ec: EditionComparison, row: int) -> None:
    """The changes on the map (if not yet) and the map on the change in ``row``."""
    ch = ec.result.changes
    if ch is None or not 0 <= row < len(ch):
        return
    if win.model.get(CHANGES) is None:
        show_changes(win, ec)
    zoom(win, tuple(ch.geometry.iloc[row].bounds), 0.4)


def zoom_to_outfall(win: Any, ec: EditionComparison, row: int) -> None:
    items = ec.result.affected_outfalls
    if 0 <= row < len(items):
        o = items[row]
        d = 0.01  # about a kilometre around the outfall
        zoom(win, (o["lon"] - d, o["lat"] - d, o["lon"] + d, o["lat"] + d), 0.0)


def clear(win: Any) -> None:
    """Take the temporary layers off the map."""
    for name in (CHANGES, EDITION):
        win.model.remove_layer(name)
