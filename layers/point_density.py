"""Level of detail for big point layers: density cells when zoomed out, symbols when in.

Qt-free.  A million outfalls drawn one symbol each at city scale is a solid smear that
costs a second to paint; what a planner reads at that scale is *where* outfalls are dense
and *which kind* dominates.  So:

- Every point layer gets a :class:`~layers.point_index.PointIndex`: Mercator x/y
  (projected with numpy, no shapely objects) sorted into a coarse grid of buckets, so a
  viewport query is a few slices of contiguous memory, never a pass over all points.
- :func:`prepare_points` asks the index for the points in the view (viewport-only work
  everywhere).  Up to :func:`symbol_limit` points (about one per 8x8 screen pixels) it
  returns the usual :class:`~layers.map_layer.RenderData` with one array per
  (category, shape) for the symbol painter.  Above it, it returns a :class:`Density`: the
  view cut into cells of ``CELL_PX`` pixels, each coloured by the category that dominates
  it with an opacity that grows with the log of its count, as a premultiplied RGBA array
  the painter blits in one call.  The cost is O(points in view) numpy, with a bincount.

``ECOZONE_POINT_LOD=0`` in the environment turns aggregation off (benchmarks use it to
compare with a renderer that draws every symbol).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from layers.map_layer import MapLayer, RenderData
from layers.point_index import GRID, PointIndex
from layers.viewport import Viewport

__all__ = ["GRID", "SYMBOLS_MIN", "Density", "PointIndex", "point_index", "prepare_points",
           "symbol_limit"]

#: Points drawn as symbols in any view, however small: a layer with no more points is
#: never aggregated.
SYMBOLS_MIN = 2_000
#: Size of a density cell on screen, pixels.
CELL_PX = 4
#: Screen pixels per point above which a view is aggregated (8 x 8 px per symbol).
PIXELS_PER_SYMBOL = 64
#: Margin around the view for symbols cut by its edge, pixels.
MARGIN_PX = 16.0
UNKNOWN_RGBA = (120, 120, 120, 255)


def lod_enabled() -> bool:
    return os.environ.get("ECOZONE_POINT_LOD", "1").strip().lower() not in ("0", "off", "no")


def symbol_limit(view: Viewport) -> int:
    """Most points drawn as individual symbols in ``view``."""
    return max(SYMBOLS_MIN, view.width * view.height // PIXELS_PER_SYMBOL)


@dataclass
class Density:
    """Aggregated points of one view: what the painter blits."""

    rgba: np.ndarray  # (rows, cols, 4) uint8, premultiplied alpha
    cell_px: int
    n_points: int  # points aggregated (in view, after the legend filter)
    n_cells: int  # cells with at least one point


def point_index(layer: MapLayer) -> PointIndex:
    """The layer's index, built once (thread-safe; a new frame means a new MapLayer)."""
    return layer.point_index()


def prepare_points(layer: MapLayer, view: Viewport, aggregate: bool | None = None,
                   ) -> RenderData | Density:
    """What to paint for a point layer in ``view``: symbols, or density cells when crowded.

    ``aggregate`` forces the choice (None: decide by :func:`symbol_limit`).
    """
    st = layer.style
    out = RenderData(st.kind)
    if len(layer) == 0 or view.res > st.max_res:
        return out
    idx = point_index(layer)
    m = MARGIN_PX * view.res
    x0, y0, x1, y1 = view.bbox
    pos = idx.query((x0 - m, y0 - m, x1 + m, y1 + m))
    rows = idx.rows[pos]
    visible = layer.visible_mask()
    if not visible.all():
        keep = visible[rows]
        pos, rows = pos[keep], rows[keep]
    n = len(rows)
    out.n_features = n
    if n == 0:
        return out
    if aggregate is None:
        aggregate = lod_enabled() and n > symbol_limit(view)
    if aggregate:
        return _density(layer, view, idx.x[pos], idx.y[pos], layer.cat[rows])
    ncat, nshape = max(len(st.categories), 1), max(len(st.shapes), 1)
    cat, shape = layer.cat[rows], layer.shape[rows]
    key = np.where(cat < 0, ncat, cat) * (nshape + 1) + np.where(shape < 0, nshape, shape)
    order = np.argsort(key, kind="stable")
    key_sorted = key[order]
    bounds = np.flatnonzero(np.diff(key_sorted)) + 1
    xs, ys = idx.x[pos][order], idx.y[pos][order]
    for a, z in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [n]]), strict=True):
        c, s = divmod(int(key_sorted[a]), nshape + 1)
        out.points.append((c if c < ncat else -1, s if s < nshape else -1, xs[a:z], ys[a:z]))
    return out


def _palette(layer: MapLayer) -> np.ndarray:
    """(ncat + 1, 4) RGBA of each category's fill, the last row for uncategorised points."""
    cols = [c.fill if c.fill[3] > 0 else c.stroke for c in layer.style.categories]
    cols.append(UNKNOWN_RGBA)
    return np.array(cols, dtype=np.float64)


def _density(layer: MapLayer, view: Viewport, x: np.ndarray, y: np.ndarray,
             cat: np.ndarray) -> Density:
    cell = CELL_PX
    cols, rows = math.ceil(view.width / cell), math.ceil(view.height / cell)
    bx0, _, _, by1 = view.bbox
    size = view.res * cell
    cx = np.floor((x - bx0) / size).astype(np.int64)
    cy = np.floor((by1 - y) / size).astype(np.int64)
    ok = (cx >= 0) & (cx < cols) & (cy >= 0) & (cy < rows)
    if not ok.all():
        cx, cy, cat = cx[ok], cy[ok], cat[ok]
    palette = _palette(layer)
    ncat = len(palette)
    c = np.where((cat < 0) | (cat >= ncat - 1), ncat - 1, cat)
    n_cells = rows * cols
    at = cy * cols + cx
    # only the cells with points are coloured (a city view fills a fraction of its
    # 100 000 cells): their counts per category, the dominant one, the opacity
    total_all = np.bincount(at, minlength=n_cells)
    filled = np.flatnonzero(total_all)
    counts = np.bincount(at * ncat + c, minlength=n_cells * ncat).reshape(n_cells, ncat)
    counts = counts[filled]
    total = total_all[filled]
    dominant = counts.argmax(axis=1)
    # opacity: a lone point is still visible, the densest cell is opaque
    peak = max(int(total.max()), 2) if len(total) else 2
    alpha = 0.35 + 0.65 * np.log1p(total) / math.log1p(peak)
    rgb = palette[dominant, :3] * alpha[:, None]  # premultiplied
    rgba = np.zeros((n_cells, 4), dtype=np.uint8)
    rgba[filled, :3] = np.round(rgb).astype(np.uint8)
    rgba[filled, 3] = np.round(alpha * 255).astype(np.uint8)
    return Density(rgba.reshape(rows, cols, 4), cell, int(ok.sum()), len(filled))
