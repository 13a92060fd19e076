"""Conversions between WGS84/CGCS2000 and the Chinese web-map systems GCJ-02 and BD-09.

GCJ-02 ("火星坐标") is the obfuscated datum all licensed Chinese web maps use (Amap,
Tencent, Google China); BD-09 is Baidu's further offset on top of it. In Quanzhou the
offset to WGS84 is about 0.5 km, so data from these sources must be converted on import
and never silently.

The forward transform is the published algorithm (see e.g. the eviltransform and coordtransform
projects).  The inverse has no closed form: we iterate the forward transform (fixed point),
which converges to well under 1e-7 degrees (about 1 cm) in three to five steps, far below the
accuracy of the GCJ-02 sources themselves.

CGCS2000 and WGS84 differ by centimetres, less than the precision of any of these sources,
so this module treats them as the same datum for these conversions.

All functions take and return (lon, lat) order and accept scalars or numpy arrays.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 algorithm
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0

#: Accuracy of the inverse conversions (GCJ-02 → WGS84), in metres, as documented to users.
INVERSE_ACCURACY_M = 0.01


def _transform_lat(x: Any, y: Any) -> Any:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * math.pi) + 320 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: Any, y: Any) -> Any:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def outside_china(lon: Any, lat: Any) -> Any:
    """True where the point is outside the rough box in which GCJ-02 applies any offset."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _gcj_delta(lon: Any, lat: Any) -> tuple[Any, Any]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = np.sin(radlat)
    magic = 1 - _EE * magic * magic
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * math.pi)
    return dlon, dlat


def _out(lon: Any, lat: Any, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert WGS84 (or CGCS2000) longitude/latitude to GCJ-02."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_delta(x, y)
    out = outside_china(x, y)
    return _out(np.where(out, x, x + dlon), np.where(out, y, y + dlat), scalar)


def gcj02_to_wgs84(lon: Any, lat: Any, iterations: int = 6) -> tuple[Any, Any]:
    """Convert GCJ-02 longitude/latitude to WGS84 (CGCS2000) by fixed-point iteration."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    gx = np.asarray(lon, dtype=float)
    gy = np.asarray(lat, dtype=float)
    x, y = gx.copy(), gy.copy()
    for _ in range(iterations):
        fx, fy = wgs84_to_gcj02(x, y)
        x = x - (np.asarray(fx) - gx)
        y = y - (np.asarray(fy) - gy)
    return _out(x, y, scalar)


def gcj02_to_bd09(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert GCJ-02 to Baidu's BD-09."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def bd09_to_gcj02(lon: Any, lat: Any, iterations: int = 3) -> tuple[Any, Any]:
    """Convert Baidu's BD-09 to GCJ-02.

    Starts from the published closed-form inverse (about 10 cm off) and refines it by
    fixed-point iteration on the forward transform to well under 1 cm.
    """
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    bx = np.asarray(lon, dtype=float)
    by = np.asarray(lat, dtype=float)
    x = bx - 0.0065
    y = by - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    gx, gy = z * np.cos(theta), z * np.sin(theta)
    for _ in range(iterations):
        fx, fy = gcj02_to_bd09(gx, gy)
        gx = gx - (np.asarray(fx) - bx)
        gy = gy - (np.asarray(fy) - by)
    return _out(gx, gy, scalar)


def bd09_to_wgs84(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert BD-09 to WGS84 (CGCS2000)."""
    gx, gy = bd09_to_gcj02(lon, lat)
    return gcj02_to_wgs84(gx, gy)


def wgs84_to_bd09(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert WGS84 (CGCS2000) to BD-09."""
    gx, gy = wgs84_to_gcj02(lon, lat)
    return gcj02_to_bd09(gx, gy)


#: Names accepted on the command line and in dialogs for the source system of coordinates.
TO_WGS84 = {
    "cgcs2000": lambda x, y: (x, y),
    "wgs84": lambda x, y: (x, y),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}


def to_cgcs2000(lon: Any, lat: Any, source: str) -> tuple[Any, Any]:
    """Convert coordinates given in ``source`` ("cgcs2000", "wgs84", "gcj02", "bd09")."""
    try:
        func = TO_WGS84[source.lower().replace("-", "").replace("_", "")]
    except KeyError:
        raise ValueError(
            f"unknown coordinate system '{source}' (use cgcs2000, wgs84, gcj02 or bd09)"
        ) from None
    return func(lon, lat)  # type: ignore[no-untyped-call]


def transform_geometry_gcj02_to_wgs84(geom: Any) -> Any:
    """Convert a shapely geometry from GCJ-02 to WGS84, vertex by vertex."""
    import shapely

    coords = shapely.get_coordinates(geom)
    if len(coords) == 0:
        return geom
    x, y = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    return shapely.set_coordinates(geom, np.column_stack([x, y]))
