"""Web Mercator (EPSG:3857) projection of CGCS2000 lon/lat, and the map scale.

Display is in Web Mercator so that tile basemaps line up.  Projection is done once per
layer with pyproj (``always_xy=True``); the view works in metres of Web Mercator.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer

R = 6378137.0
HALF = math.pi * R  # half the width of the Mercator world, metres
#: Metres per pixel at tile zoom 0 (256-px tiles).
RES0 = 2 * HALF / 256.0
#: One screen pixel in metres at 96 dpi (the OGC "standardized rendering pixel" is 0.28 mm).
PIXEL_M = 0.0254 / 96.0


@lru_cache(maxsize=2)
def _transformer(inverse: bool = False) -> Transformer:
    if inverse:
        return Transformer.from_crs("EPSG:3857", "EPSG:4490", always_xy=True)
    return Transformer.from_crs("EPSG:4490", "EPSG:3857", always_xy=True)


def to_mercator(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    x, y = _transformer().transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_lonlat(x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _transformer(True).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def project_geometries(geoms: np.ndarray) -> np.ndarray:
    """Shapely geometries in lon/lat → the same geometries in Web Mercator metres."""
    tr = _transformer()

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], np.clip(xy[:, 1], -85.0, 85.0))
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(np.asarray(geoms), fn))


def ground_resolution(res: float, y: float) -> float:
    """Metres on the ground per pixel at Mercator northing ``y`` for view resolution ``res``."""
    lat = math.atan(math.sinh(y / R))
    return res * math.cos(lat)


def scale_denominator(res: float, y: float) -> float:
    """The N of the map scale 1:N at 96 dpi."""
    return ground_resolution(res, y) / PIXEL_M


def lod_level(res: float) -> int:
    """The tile zoom level whose resolution is just finer than ``res`` (so ≤ 1 px error)."""
    return max(0, min(24, int(math.ceil(math.log2(RES0 / max(res, 1e-6))))))


def level_resolution(level: int) -> float:
    return RES0 / (2 ** level)
