"""Drawing geometry is simplified in lon/lat and projected afterwards (issue 17, session 5).

What a user sees must not depend on it: every drawn vertex is a vertex of the feature,
outlines stay as near the true ones in Web Mercator as when the projected shapes were
simplified, and a view meets the same features as a query of the Mercator geometry.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from layers.lod import LodCache
from layers.map_layer import MapLayer
from layers.mercator import level_resolution, lod_level, project_geometries, to_mercator
from layers.style import style_for
from layers.viewport import Viewport


def _wiggly_units(n: int = 80, seed: int = 5) -> np.ndarray:
    """Polygons around Quanzhou (lon/lat) with many small wiggles, some with holes and
    second parts, reaching from 24.2 to 25.9 degrees north."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        cx, cy = 117.8 + rng.random() * 1.5, 24.2 + rng.random() * 1.7
        t = np.linspace(0, 2 * np.pi, 400, endpoint=False)
        r = 0.02 * (1 + 0.15 * np.sin(7 * t) + 0.03 * rng.standard_normal(len(t)))
        poly = shapely.Polygon(np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)]))
        if i % 6 == 0:
            poly = shapely.MultiPolygon([poly.difference(shapely.Point(cx, cy).buffer(0.005)),
                                         shapely.box(cx + 0.05, cy, cx + 0.06, cy + 0.01)])
        out.append(poly)
    return np.array(out, dtype=object)


def test_lonlat_rings_are_the_features_own_vertices_near_the_mercator_outline():
    geoms = _wiggly_units()
    merc = project_geometries(geoms)
    lod = LodCache(geoms, polygonal=True, lonlat=True)
    for res in (20.0, 80.0, 300.0):
        level = lod_level(res)
        tol = level_resolution(level)
        rings = lod.rings(level)
        assert rings.n_rings > 0
        for f in range(len(geoms)):
            sel = rings.feature == f
            xy = np.concatenate([rings.xy[rings.offsets[r]:rings.offsets[r + 1]]
                                 for r in np.flatnonzero(sel)])
            true = merc[f]
            # every drawn vertex is one of the feature's own vertices, projected
            own = shapely.get_coordinates(true)
            d = np.min(np.abs(own[None, :, :] - xy[:, None, :]).max(axis=2), axis=1)
            assert d.max() < 1e-6
            # and the drawn outline stays near the true one (where no ring is small
            # enough to collapse at the level: holes are ~500 m across).  GEOS's
            # Douglas-Peucker strays up to ~1.5 px from a polygon's outline near ring
            # starts whether the shape was projected first or not (both measured at
            # 1.38-1.45 px here), so the bound is that, not one pixel.
            if res <= 80.0:
                lines = [rings.xy[rings.offsets[i]:rings.offsets[i + 1]]
                         for i in np.flatnonzero(sel)]
                assert shapely.hausdorff_distance(shapely.MultiLineString(lines),
                                                  shapely.boundary(true)) <= 1.5 * tol


def test_lonlat_rings_keep_the_orientation_a_winding_fill_needs():
    geoms = _wiggly_units(12)
    rings = LodCache(geoms, polygonal=True, lonlat=True).rings(lod_level(30.0))
    signed = []
    for r in range(rings.n_rings):
        x, y = rings.xy[rings.offsets[r]:rings.offsets[r + 1]].T
        signed.append(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))
    holes = [s for s in signed if s < 0]
    assert len(holes) == 2  # the two holed units (i = 0 and 6): holes clockwise
    assert sum(s > 0 for s in signed) == rings.n_rings - 2  # every exterior counter-clockwise


def test_view_meets_the_same_features_as_a_mercator_query_and_extent_agrees():
    geoms = _wiggly_units(120, seed=9)
    frame = gpd.GeoDataFrame({"code": [f"U{i}" for i in range(len(geoms))],
                              "unit_class": [1 + i % 3 for i in range(len(geoms))]},
                             geometry=list(geoms), crs="EPSG:4490")
    layer = MapLayer("control_units", frame, style_for("control_units"))
    merc = project_geometries(geoms)
    tree = shapely.STRtree(merc)
    b = shapely.total_bounds(merc)
    assert np.allclose(layer.extent(), b, rtol=0, atol=1e-6)
    assert layer._merc is None  # nothing so far projected every vertex
    rng = np.random.default_rng(1)
    for _ in range(40):
        cx, cy = rng.uniform(b[0], b[2]), rng.uniform(b[1], b[3])
        view = Viewport(cx, cy, rng.choice([5.0, 40.0, 150.0]), 800, 500)
        m = 16.0 * view.res
        x0, y0, x1, y1 = view.bbox
        want = np.zeros(len(geoms), dtype=bool)
        want[tree.query(shapely.box(x0 - m, y0 - m, x1 + m, y1 + m))] = True
        assert np.array_equal(layer.in_view(view), want)
    full = Viewport.fit(layer.extent(), 1600, 1000, 0.02)
    data = layer.prepare(full)
    assert data.n_features == len(geoms)
    assert layer._merc is None  # drawing never needed the projected shapes


def test_mercator_input_is_simplified_as_before():
    """Without ``lonlat`` the cache takes Mercator geometry and a tolerance in metres."""
    x, y = to_mercator(118.6, 24.9)
    circle = shapely.Point(float(x), float(y)).buffer(5_000, quad_segs=256)
    level = lod_level(50.0)
    got = LodCache(np.array([circle]), polygonal=True).rings(level)
    want = shapely.get_coordinates(shapely.orient_polygons(
        shapely.simplify(circle, level_resolution(level), preserve_topology=False)))
    assert np.array_equal(got.xy, want)


def test_threads_asking_for_one_level_share_the_work_and_get_the_whole_levels_rings(
        monkeypatch):
    """The renderer simplifies layers ahead of painting in another thread
    (``MapLayer.prefetch``): a feature is simplified once, and whoever asks gets the
    rings a single thread would have made."""
    import threading

    import layers.lod as lod

    geoms = _wiggly_units(200, seed=11)
    level = lod_level(40.0)
    whole = LodCache(geoms, polygonal=True, lonlat=True).rings(level)
    done: list[np.ndarray] = []
    real = lod.simplify_level
    gate = threading.Barrier(4)

    def counting(g: np.ndarray, tol: float, polygonal: bool) -> np.ndarray:
        done.append(np.array([id(x) for x in g]))
        return real(g, tol, polygonal)

    monkeypatch.setattr(lod, "simplify_level", counting)
    shared = LodCache(geoms, polygonal=True, lonlat=True)
    rng = np.random.default_rng(3)
    masks = [rng.random(len(geoms)) < 0.6 for _ in range(4)]
    got: dict[int, lod.Rings] = {}

    def ask(i: int) -> None:
        gate.wait()
        got[i] = shared.rings(level, masks[i])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    simplified = np.concatenate(done)
    assert len(simplified) == len(set(simplified.tolist()))  # nothing done twice
    for i in range(4):
        want = whole.select(masks[i])
        assert np.array_equal(got[i].feature, want.feature)
        assert np.array_equal(got[i].offsets, want.offsets)
        assert np.array_equal(got[i].xy, want.xy)
