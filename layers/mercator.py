"""Web Mercator (EPSG:3857) projection of CGCS2000 lon/lat, and the map scale.

Display is in Web Mercator so that tile basemaps line up.  Projection is done once per
layer with pyproj (``always_xy=True``); the view works in metres of Web Mercator.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

from geodata import gil_slices

R = 6378137.0
HALF = math.pi * R  # half the width of the Mercator world, metres
#: Metres per pixel at tile zoom 0 (256-px tiles).
RES0 = 2 * HALF / 256.0
#: One screen pixel in metres at 96 dpi (the OGC "standardized rendering pixel" is 0.28 mm).
PIXEL_M = 0.0254 / 96.0


def to_mercator(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Spherical Web Mercator, the closed form EPSG:3857 uses (numpy, thread-safe).

    pyproj gives the same numbers (CGCS2000 → 3857 has no datum shift for display), but
    its objects must not be shared between render threads, and this is 10x faster.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.clip(np.asarray(lat, dtype=float), -85.05112878, 85.05112878)
    x = np.radians(lon) * R
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * R
    return x, y


def to_lonlat(x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lon = np.degrees(x / R)
    lat = np.degrees(2 * np.arctan(np.exp(y / R)) - np.pi / 2)
    return lon, lat


#: coordinates projected per call in a worker: ~3 ms (``shapely.transform`` holds the GIL
#: while it takes and sets the coordinates; 20k control units, 2.6M coordinates, in one
#: call held it ~0.2-0.4 s and stopped the window at start-up)
PROJECT_SLICE = 50_000


def project_geometries(geoms: np.ndarray) -> np.ndarray:
    """Shapely geometries in lon/lat → the same geometries in Web Mercator metres (in a
    worker, ~50k coordinates a call with the GIL handed over between them)."""
    geoms = np.asarray(geoms)
    if not gil_slices.in_worker():  # the GUI thread or a command: one call
        return _projected(geoms)
    # a geometry weighs as ~50 coordinates (its copy and the new one)
    parts = [_projected(geoms[part]) for part in gil_slices.weighted_slices(
        shapely.get_num_coordinates(geoms) + 50, PROJECT_SLICE)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _projected(geoms: np.ndarray) -> np.ndarray:
    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = to_mercator(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(geoms, fn))


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
