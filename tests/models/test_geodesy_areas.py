"""Gauss-Krüger areas against pyproj's Geod (geodesic) on awkward shapes and the bundled data."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geodata import store
from models.geodesy import gauss_kruger_areas_m2
from models.statistics import AreaCache
from models.workspace import Workspace

GEOD = Geod(ellps="GRS80")


def _geod(g) -> float:  # noqa: ANN001
    return abs(GEOD.geometry_area_perimeter(g)[0])


def test_holes_parts_across_zones_collections_and_nothing():
    hole = shapely.Polygon(shapely.box(118, 24, 118.2, 24.2).exterior.coords,
                           [shapely.box(118.05, 24.05, 118.1, 24.1).exterior.coords[::-1]])
    across = shapely.MultiPolygon([shapely.box(117, 25, 117.1, 25.1),
                                   shapely.box(119, 25, 119.1, 25.1)])
    mixed = shapely.GeometryCollection([shapely.box(118, 24, 118.1, 24.1),
                                        shapely.LineString([(118, 24), (118.1, 24.1)])])
    got = gauss_kruger_areas_m2(np.array([hole, across, mixed, None, shapely.Point(118, 24),
                                          shapely.Polygon()], dtype=object))
    for g, a in zip((hole, across, mixed), got[:3], strict=True):
        assert a == pytest.approx(_geod(g), rel=1e-5)
    assert list(got[3:]) == [0.0, 0.0, 0.0]
    assert len(gauss_kruger_areas_m2(np.array([], dtype=object))) == 0


def test_bundled_layers_within_three_hundred_thousandths_of_geodesic():
    ws = Workspace.open(store.bundled_path())
    for layer in ("control_units", "counties", "bays", "protected_areas"):
        geoms = ws.layer(layer).geometry.values
        expected = np.array([_geod(g) for g in geoms])
        assert np.allclose(gauss_kruger_areas_m2(geoms), expected, rtol=3e-5), layer


def test_area_cache_measures_only_edited_units_again():
    ws = Workspace.open(store.bundled_path())
    units = ws.layer("control_units").copy()
    cache = AreaCache()
    before = cache.areas_km2(units).copy()
    code = units["code"].iloc[5]
    units.loc[units.index[5], "geometry"] = shapely.box(118, 24, 118.1, 24.1)
    cache.refresh(units, [code])
    after = cache.areas_km2(units)
    assert after[5] == pytest.approx(_geod(shapely.box(118, 24, 118.1, 24.1)) / 1e6, rel=1e-5)
    assert np.array_equal(np.delete(after, 5), np.delete(before, 5))
