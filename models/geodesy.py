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
