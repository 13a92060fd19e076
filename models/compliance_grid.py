"""Geometry for the compliance checks: the projection, pieces of lines, close pairs.

Qt-free; used by :mod:`models.compliance_scan`.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

_TMERC = Transformer.from_crs(
    "EPSG:4490", "+proj=tmerc +lat_0=0 +lon_0=118.5 +k=1 +x_0=500000 +ellps=GRS80 +units=m",
    always_xy=True)


def project(geoms: np.ndarray) -> np.ndarray:
    """Geometries (CGCS2000 lon/lat) in the checks' transverse Mercator."""
    return shapely.transform(geoms, lambda xy: np.column_stack(_TMERC.transform(xy[:, 0],
                                                                                 xy[:, 1])))


def pieces(lines: np.ndarray, n: int = 64) -> np.ndarray:
    """Lines (and polygon rings) as pieces of at most ``n`` vertices, overlapping by one."""
    out = []
    for part in shapely.get_parts(lines):
        if part.geom_type in ("Polygon", "MultiPolygon"):
            part = part.boundary
        for line in shapely.get_parts(np.asarray([part], dtype=object)):
            xy = shapely.get_coordinates(line)
            if len(xy) < 2:
                continue
            for s in range(0, len(xy) - 1, n - 1):
                out.append(shapely.LineString(xy[s:s + n]))
    return np.asarray(out, dtype=object)


def close_pairs(x: np.ndarray, y: np.ndarray, lim: float) -> tuple[np.ndarray, ...]:
    """Pairs (a < b) of points within ``lim`` metres and their distances, by (a, b)."""
    n = len(x)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    cell = max(lim, 1.0)
    cx = np.floor(x / cell).astype(np.int64)
    cy = np.floor(y / cell).astype(np.int64)
    cx -= cx.min() - 1
    cy -= cy.min() - 1
    width = int(cy.max()) + 2
    key = cx * width + cy
    order = np.argsort(key, kind="stable")
    sk = key[order]
    aa, bb = [], []
    # the needles in key order (sk + offset is sorted): searchsorted then walks the keys
    # once instead of jumping about a million times per neighbour cell
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            nk = sk + (dx * width + dy)
            lo = np.searchsorted(sk, nk, "left")
            cnt = np.searchsorted(sk, nk, "right") - lo
            tot = int(cnt.sum())
            if not tot:
                continue
            a = np.repeat(order, cnt)
            start = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
            b = order[start + np.arange(tot, dtype=np.int64)]
            keep = a < b
            a, b = a[keep], b[keep]
            ddx, ddy = x[a] - x[b], y[a] - y[b]
            near = np.sqrt(ddx * ddx + ddy * ddy) <= lim
            aa.append(a[near])
            bb.append(b[near])
    a, b = np.concatenate(aa), np.concatenate(bb)
    o = np.lexsort((b, a))
    a, b = a[o], b[o]
    ddx, ddy = x[a] - x[b], y[a] - y[b]
    return a, b, np.sqrt(ddx * ddx + ddy * ddy)
