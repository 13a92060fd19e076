"""Layer geometry for paper: the same categories as :meth:`MapLayer.prepare`, but cut to the
map frame first.

The screen keeps whole rings (its images are cached and panned).  A printed page is
written once, and a PDF keeps every vertex it is given: the city outline of a one-unit atlas
page would carry all its 5 000 vertices, and a dashed county line is turned into dash
segments along its whole length (measured: 0.5 s draw + 0.6 s page write per page).  So
features are clipped to the frame (plus a margin, so the cut edges fall outside it) with
GEOS's fast rectangle clip, then simplified to one device pixel.
"""

from __future__ import annotations

import numpy as np
import shapely

from layers.lod import flatten
from layers.map_layer import MapLayer, RenderData
from layers.viewport import Viewport

#: Clip box margin around the frame, in device pixels (wider than any pen).
CLIP_MARGIN_PX = 24.0


def prepare_clipped(layer: MapLayer, view: Viewport) -> RenderData:
    """``layer.prepare(view)`` for polygon and line layers, with rings cut to ``view``."""
    st = layer.style
    out = RenderData(st.kind)
    if len(layer) == 0 or view.res > st.max_res:
        return out
    x0, y0, x1, y1 = view.bbox
    m = CLIP_MARGIN_PX * view.res
    box = (x0 - m, y0 - m, x1 + m, y1 + m)
    idx = np.sort(layer.tree.query(shapely.box(*box))).astype(np.int64)
    if len(idx):
        idx = idx[layer.visible_at(idx)]
    out.n_features = len(idx)
    if not len(idx):
        return out
    geoms = shapely.clip_by_rect(layer.merc[idx], *box)
    geoms = shapely.simplify(geoms, view.res, preserve_topology=False)
    if st.kind == "polygon":
        geoms = shapely.orient_polygons(geoms)
    rings = flatten(geoms)
    local = np.zeros(len(idx), dtype=bool)
    cat = layer.cat[idx]
    if st.categories:
        for ci in np.unique(cat):
            local[:] = cat == ci
            out.rings.append((int(ci), rings.select(local.copy())))
    else:
        out.rings.append((-1, rings))
    if st.kind == "polygon":
        shape = layer.shape[idx]
        for si, s in enumerate(st.shapes):
            sel = shape == si
            if s.shape == "hatch" and sel.any():
                out.hatch.append((si, rings.select(sel)))
    return out
