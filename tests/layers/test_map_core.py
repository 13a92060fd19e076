"""The Qt-free map core: projection, viewport arithmetic, LOD rings, hit test, search."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.hit_test import hits
from layers.lod import LodCache, flatten
from layers.map_layer import MapLayer
from layers.map_model import MapModel
from layers.mercator import lod_level, scale_denominator, to_lonlat, to_mercator
from layers.search import SearchIndex, parse_coordinate
from layers.style import style_for
from layers.viewport import Viewport


def test_mercator_matches_pyproj_and_round_trips():
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4490", "EPSG:3857", always_xy=True)
    lon, lat = np.array([117.5, 118.6, 119.1]), np.array([24.4, 24.9, 25.6])
    x, y = to_mercator(lon, lat)
    px, py = t.transform(lon, lat)
    assert np.allclose(x, px, atol=1e-6) and np.allclose(y, py, atol=1e-6)
    lo, la = to_lonlat(x, y)
    assert np.allclose(lo, lon) and np.allclose(la, lat)


def test_scale_denominator_uses_ground_resolution():
    x, y = to_mercator(118.6, 24.9)
    # 100 m/px in Mercator at 24.9°N is ~90.7 m on the ground: 1:342,900 at 96 dpi
    assert scale_denominator(100.0, float(y)) == pytest.approx(342_900, rel=0.01)


def test_viewport_zoom_keeps_cursor_point_fixed_and_pan_moves_by_pixels():
    v = Viewport(1000.0, 2000.0, 10.0, 800, 600)
    before = v.to_map(200, 150)
    z = v.zoomed(2.0, 200, 150)
    assert z.res == 5.0
    assert z.to_map(200, 150) == pytest.approx(before)
    p = v.panned(10, -20)
    assert (p.cx, p.cy) == (900.0, 1800.0)
    s, dx, dy = z.transform_from(v)
    assert s == 2.0
    # an image rendered for v, drawn with (s, dx, dy), puts v's pixel (200,150) at (200,150)
    assert dx + 200 * s == pytest.approx(200) and dy + 150 * s == pytest.approx(150)


def test_fit_contains_bbox():
    v = Viewport.fit((0, 0, 1000, 500), 400, 400)
    x0, y0, x1, y1 = v.bbox
    assert x0 <= 0 and y0 <= 0 and x1 >= 1000 and y1 >= 500


def test_flatten_rings_with_holes_and_select():
    outer = shapely.box(0, 0, 10, 10)
    holed = shapely.Polygon(outer.exterior.coords, [shapely.box(2, 2, 4, 4).exterior.coords])
    multi = shapely.MultiPolygon([shapely.box(20, 0, 21, 1), shapely.box(30, 0, 31, 1)])
    rings = flatten(np.array([holed, multi]))
    assert rings.n_rings == 4
    assert list(rings.feature) == [0, 0, 1, 1]
    c = rings.connect()
    assert (c[rings.offsets[1:] - 1] == 0).all() and c.sum() == len(c) - 4
    only_second = rings.select(np.array([False, True]))
    assert only_second.n_rings == 2 and len(only_second.xy) == 10


def test_lod_simplifies_to_the_pixel_and_keeps_rings():
    circle = shapely.Point(0, 0).buffer(10_000, quad_segs=256)
    lod = LodCache(np.array([circle]), polygonal=True)
    fine = lod.rings(lod_level(1.0))
    coarse = lod.rings(lod_level(500.0))
    assert len(coarse.xy) < len(fine.xy) <= 1100
    assert coarse.n_rings == 1 and len(coarse.xy) >= 4



def test_lod_level_built_per_feature_in_view_matches_the_whole_level():
    """A level simplified piecewise (the features in view, then those a pan brings in)
    gives each feature exactly the rings the whole level gives it, in the same order."""
    rng = np.random.default_rng(7)
    geoms = []
    for i in range(60):
        ring = shapely.Point(i * 3000.0, (i % 7) * 2500.0).buffer(1000 + 40 * i, quad_segs=64)
        if i % 5 == 0:  # a hole and a second part
            ring = shapely.MultiPolygon([ring.difference(ring.centroid.buffer(300)),
                                         shapely.box(i * 3000.0, -9000, i * 3000.0 + 800, -8000)])
        geoms.append(ring)
    geoms_a = np.array(geoms, dtype=object)
    level = lod_level(20.0)
    whole = LodCache(geoms_a, polygonal=True).rings(level)
    lazy = LodCache(geoms_a, polygonal=True)
    for _ in range(4):
        mask = rng.random(len(geoms)) < 0.3
        got, want = lazy.rings(level, mask), whole.select(mask)
        assert np.array_equal(got.feature, want.feature)
        assert np.array_equal(got.offsets, want.offsets)
        assert np.array_equal(got.xy, want.xy)
    everything = lazy.rings(level)
    assert np.array_equal(everything.feature, whole.feature)
    assert np.array_equal(everything.xy, whole.xy)

def _model() -> MapModel:
    crs = "EPSG:4490"
    units = gpd.GeoDataFrame(
        {"code": ["ZH35058210001", "ZH35058220002"], "name_zh": ["大单元", "小单元"],
         "name_en": ["Big", "Small"], "unit_class": [1, 2]},
        geometry=[shapely.box(118.0, 24.0, 119.0, 25.0), shapely.box(118.4, 24.4, 118.6, 24.6)],
        crs=crs)
    outfalls = gpd.GeoDataFrame(
        {"code": ["PWK350582H0001"], "name_zh": ["示例口"], "outfall_type": ["工业排污口"],
         "remediation": ["规范"]}, geometry=[shapely.Point(118.5, 24.5)], crs=crs)
    return MapModel([MapLayer("control_units", units, style_for("control_units")),
                     MapLayer("outfalls", outfalls, style_for("outfalls"))])


def test_hits_topmost_layer_first_smaller_polygon_first_and_tolerance():
    model = _model()
    x, y = to_mercator(118.5, 24.5)
    found = hits(model, float(x), float(y), res=10.0)
    assert [(h.layer, h.index) for h in found] == [("outfalls", 0), ("control_units", 1),
                                                   ("control_units", 0)]
    # 7 px away still hits the outfall, 9 px away does not
    assert hits(model, float(x) + 70, float(y), res=10.0)[0].layer == "outfalls"
    assert hits(model, float(x) + 90, float(y), res=10.0)[0].layer == "control_units"
    model.set_visible("outfalls", False)
    assert hits(model, float(x), float(y), res=10.0)[0].layer == "control_units"
    model.set_category_visible("control_units", "unit_class", "2", False)
    assert [h.index for h in hits(model, float(x), float(y), res=10.0)] == [0]


def test_prepare_returns_only_visible_categories_in_view():
    model = _model()
    units = model.get("control_units")
    x, y = to_mercator(118.5, 24.5)
    view = Viewport(float(x), float(y), 20.0, 400, 300)
    data = units.prepare(view)
    assert {ci for ci, _r in data.rings} == {0, 1}
    model.set_category_visible("control_units", "unit_class", "1", False)
    data = units.prepare(view)
    assert {ci for ci, _r in data.rings} == {1}


def test_search_by_code_name_and_coordinates():
    model = _model()
    idx = SearchIndex(model)
    r = idx.search("ZH35058220002")
    assert (r[0].layer, r[0].key, r[0].score) == ("control_units", "ZH35058220002", 1)
    assert idx.search("小单元")[0].key == "ZH35058220002"
    assert idx.search("pwk350582")[0].layer == "outfalls"
    assert parse_coordinate("118.5, 24.5") == pytest.approx((118.5, 24.5))
    assert parse_coordinate("24°30'N 118°30'E") == pytest.approx((118.5, 24.5))
    assert parse_coordinate("ZH35058220002") is None
    c = idx.search("118 30 00 E, 24 30 00 N")[0]
    assert c.is_coordinate and c.key == "" and (c.lon, c.lat) == pytest.approx((118.5, 24.5))


def test_layers_package_never_imports_qt():
    code = ("import sys, layers.map_model, layers.hit_test, layers.search, layers.zone_details,"
            " layers.tiles, layers.point_index, layers.map_layer; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph'))];"
            " print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
