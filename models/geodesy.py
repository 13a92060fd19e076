"""Distances and areas on the ellipsoid.

Distances from a point use an azimuthal-equidistant projection centred on that point, in
which distance from the centre is the geodesic distance, so a shapely ``distance`` to any
geometry is exact to the millimetre at these ranges.  Areas use pyproj's Geod on GRS80 (the
CGCS2000 ellipsoid).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Geod, Transformer

GEOD = Geod(ellps="GRS80")
MU_PER_M2 = 1.0 / 666.6666667  # 1 亩 = 10000/15 m²


@lru_cache(maxsize=256)
def _aeqd(lon: float, lat: float) -> Transformer:
    # The pipeline PROJ builds for EPSG:4490 -> this AEQD (same ellipsoid, no datum step),
    # written out: building it from the two CRSs searched proj.db, ~20 ms a site; this ~0.3 ms.
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={lat} +lon_0={lon} +x_0=0 +y_0=0 +ellps=GRS80")


def local_projector(lon: float, lat: float) -> Transformer:
    """Transformer from CGCS2000 lon/lat to metres in an AEQD projection at (lon, lat)."""
    return _aeqd(round(lon, 7), round(lat, 7))


def project(geoms: np.ndarray | shapely.Geometry, transformer: Transformer) -> np.ndarray:
    """Transform shapely geometries (array or single) with ``transformer``."""
    return shapely.transform(geoms, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1])))


def distances_m(lon: float, lat: float, geoms: np.ndarray) -> np.ndarray:
    """Geodesic distance in metres from (lon, lat) to each geometry (0 inside polygons)."""
    if len(geoms) == 0:
        return np.zeros(0)
    tr = local_projector(lon, lat)
    projected = project(np.asarray(geoms), tr)
    return np.asarray(shapely.distance(shapely.Point(0.0, 0.0), projected), dtype=float)


def geodesic_area_m2(geom: shapely.Geometry) -> float:
    """Area in m² on the GRS80 ellipsoid (absolute, holes subtracted)."""
    if geom is None or shapely.is_empty(geom):
        return 0.0
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(float(area))


def geodesic_length_m(geom: shapely.Geometry) -> float:
    return float(GEOD.geometry_length(geom))


def degrees_for_metres(lat: float, metres: float) -> float:
    """A conservative radius in degrees covering ``metres`` at latitude ``lat``.

    Used to pre-select candidates from an STRtree before exact distances.
    """
    return metres / (111_320.0 * max(np.cos(np.radians(lat)), 0.2)) * 1.05


#: CGCS2000 3-degree Gauss-Krüger zones (no zone prefix) covering Quanzhou: CM 117°E
#: (EPSG:4548) and CM 120°E (EPSG:4549), split at 118.5°E.  Written out with ``+approx``
#: (the Evenden/Snyder series instead of the extended algorithm): within 1.5° of the central
#: meridian both agree to 0.1 µm, and it transforms a million vertices in a third less time.
GK_ZONES = tuple((cm, f"+proj=tmerc +lat_0=0 +lon_0={cm:g} +k=1 +x_0=500000 +y_0=0 "
                      "+ellps=GRS80 +units=m +no_defs +approx") for cm in (117.0, 120.0))
_R2 = 6_371_000.0**2


@lru_cache(maxsize=4)
def _gk(epsg: str) -> Transformer:
    return Transformer.from_crs("EPSG:4490", epsg, always_xy=True)


def gauss_kruger_areas_m2(geoms: np.ndarray) -> np.ndarray:
    """Area in m² of each CGCS2000 lon/lat (multi)polygon, in the 3-degree Gauss-Krüger zone
    of its centre.

    Vectorised over all vertices at once: one in-place coordinate transform per zone, then
    the shoelace sum per ring (holes subtract) with ``np.bincount`` — no geometry is
    rebuilt.  The projection's areal scale (k² ≈ 1 + x²/R², up to 1.0006 at the zone edge)
    is divided out at each geometry's centre, which brings the result within a few
    millionths of the geodesic area for units a few tens of kilometres across.  None,
    empty and non-areal geometries measure 0.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(len(geoms))
    if len(geoms) == 0:
        return out
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not valid.any():
        return out
    idx_valid = np.flatnonzero(valid)
    parts, part_geom = shapely.get_parts(geoms[valid], return_index=True)
    polys = shapely.get_type_id(parts) == 3  # polygons only (a collection may hold lines)
    parts, part_geom = parts[polys], idx_valid[part_geom[polys]]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    exterior = np.r_[True, ring_part[1:] != ring_part[:-1]]  # the first ring of each part
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    # each part in the zone of its own centre, its areal scale taken there
    b = shapely.bounds(parts)
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    east = cx >= 118.5
    x, y = coords[:, 0].copy(), coords[:, 1].copy()
    k2 = np.ones(len(parts))
    coord_part = ring_part[coord_ring]
    for (_cm, epsg), in_zone in zip(GK_ZONES, (~east, east), strict=True):
        if not in_zone.any():
            continue
        tr = _gk(epsg)
        pts = in_zone[coord_part]
        px, py = tr.transform(x[pts], y[pts])
        # near the origin of the zone, so the shoelace products keep their precision
        x[pts], y[pts] = np.asarray(px) - 500_000.0, np.asarray(py) - 2_700_000.0
        ex, _ey = tr.transform(cx[in_zone], cy[in_zone])
        dx = np.asarray(ex) - 500_000.0  # false easting of the unprefixed zones
        k2[in_zone] = 1.0 + dx * dx / _R2
    same = coord_ring[:-1] == coord_ring[1:]  # consecutive vertices of one ring
    cross = (x[:-1] * y[1:] - x[1:] * y[:-1])[same]
    ring_area = np.abs(np.bincount(coord_ring[:-1][same], cross, minlength=len(rings))) / 2
    part_area = np.bincount(ring_part, np.where(exterior, ring_area, -ring_area),
                            minlength=len(parts))
    out += np.bincount(part_geom, part_area / k2, minlength=len(geoms))
    return out
