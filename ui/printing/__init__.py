"""Print layouts (专题图) and the atlas (图集): maps made for paper.

The Qt-free parts are :mod:`models.print_layout` (the saved layout), :mod:`layers.atlas`
(features and facts) and :mod:`layers.print_geometry` (scale, graticule).  Here: drawing
(:mod:`.map_paint`, :mod:`.page_items`, :mod:`.layout_page`, :mod:`.atlas_pages`),
writing files (:mod:`.export`) and the dialogs; the ``print`` / ``atlas`` commands are
:mod:`cli.printing`.
"""

from __future__ import annotations

from typing import Any

from ui.window_parts import MapWindow


def _view_bbox(win: MapWindow) -> tuple[float, float, float, float] | None:
    """The window's current map view in lon/lat (CGCS2000)."""
    from layers.mercator import to_lonlat

    view = win.canvas.view
    if view is None:
        return None
    x0, y0, x1, y1 = view.bbox
    lon0, lat0 = to_lonlat(x0, y0)
    lon1, lat1 = to_lonlat(x1, y1)
    return float(lon0), float(lat0), float(lon1), float(lat1)


def _selected(win: MapWindow) -> tuple[str, str] | None:
    """The selected feature as (layer, code or name) for an extent by feature."""
    cur = win.selection.current
    if cur.empty:
        return None
    key = str(cur.keys[0])
    la = win.model.get(cur.layer)
    if cur.layer not in ("control_units", "outfalls") and la is not None:
        row = la.row_of(key)  # keyed by fid: a layout names the feature by its name instead
        if row is not None and "name_zh" in la.frame.columns:
            key = str(la.frame["name_zh"].iloc[row])
    return cur.layer, key


def open_print_dialog(win: Any) -> Any:
    """文件 ▸ 打印布局… over the window's map, view and selection."""
    from ui.printing.print_dialog import PrintDialog

    dlg = PrintDialog(win.ws, win.model, win.lang, _view_bbox(win), _selected(win), win)
    dlg.exported.connect(lambda out: win.statusBar().showMessage(out, 6000))
    dlg.resize(1240, 820)
    dlg.show()
    return dlg


def open_atlas_dialog(win: Any) -> Any:
    """文件 ▸ 图集…"""
    from ui.printing.atlas_dialog import AtlasDialog

    dlg = AtlasDialog(win.ws, win.model, win.lang, win)
    dlg.show()
    return dlg
