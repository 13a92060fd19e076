"""Point layers answer identify, zones, extents and labels from their grid index alone.

The reference in each test is what the map did before: Mercator shapely Points and an
STRtree over them (``layer.merc``, ``layer.tree``, still available on request).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from layers import zone_details
from layers.hit_test import hits
from layers.map_layer import MapLayer
from layers.map_model import MapModel
from layers.mercator import to_mercator
from layers.point_density import prepare_points
from layers.style import style_for
from layers.viewport import Viewport

TYPES = np.array(["工业排污口", "城镇污水处理厂排污口", "农业排口", "其他排口", "未知"])
REMEDIATION = np.array(["取缔", "合并", "规范"])


def _outfalls(n: int = 20_000, seed: int = 3) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(118.4, 118.6, n), rng.uniform(24.8, 25.0, n)
    lon[1::97], lat[1::97] = lon[::97][: len(lon[1::97])], lat[::97][: len(lat[1::97])]
    return gpd.GeoDataFrame(
        {"code": [f"PWK350582H{i:06d}" for i in range(n)],
         "outfall_type": TYPES[rng.integers(0, len(TYPES), n)],
         "remediation": REMEDIATION[rng.integers(0, 3, n)]},
        geometry=shapely.points(lon, lat), crs="EPSG:4490")


def _units() -> gpd.GeoDataFrame:
    polys = [shapely.box(118.45, 24.85, 118.55, 24.95), shapely.box(118.48, 24.88, 118.50, 24.90)]
    return gpd.GeoDataFrame({"code": ["ZH35058210001", "ZH35058220002"], "unit_class": [1, 2]},
                            geometry=polys, crs="EPSG:4490")


def _old_point_hits(layer: MapLayer, x: float, y: float, res: float, tol_px: float = 8.0,
                    ) -> list[tuple[int, float]]:
    """What hit_test did for a point layer: STRtree probe, legend mask, GEOS distance."""
    tol = tol_px * res
    cand = layer.tree.query(shapely.box(x - tol, y - tol, x + tol, y + tol))
    cand = cand[layer.visible_mask()[cand]]
    dist = shapely.distance(shapely.Point(x, y), layer.merc[cand]) / res
    keep = dist <= tol_px
    return [(int(i), float(d)) for i, d in zip(cand[keep], dist[keep], strict=True)]


def _by_distance(found: list[tuple[int, float]]) -> list[tuple[int, float]]:
    return sorted(found, key=lambda t: (round(t[1], 9), t[0]))


def test_identify_on_a_point_layer_gives_the_strtree_hits_nearest_first() -> None:
    frame = _outfalls()
    new = MapModel([MapLayer("outfalls", frame, style_for("outfalls"))])
    ref = MapLayer("outfalls", frame, style_for("outfalls"))
    rng = np.random.default_rng(11)
    px, py = to_mercator(shapely.get_x(frame.geometry.values), shapely.get_y(frame.geometry.values))
    checked = 0
    for legend_off in ((), ("工业排污口",), ("工业排污口", "未知")):
        for layer in (new.get("outfalls"), ref):
            assert layer is not None
            layer.legend.hidden = {"outfall_type": set(legend_off)}
            if legend_off:
                layer.legend.hidden["remediation"] = {"合并"}
        for k in range(300):
            res = float(rng.choice([0.5, 2.0, 10.0, 40.0]))
            if k % 3 == 0:  # right on a point (and on the duplicated ones)
                i = int(rng.integers(0, len(frame)))
                x, y = float(px[i]), float(py[i])
            else:
                x = float(rng.uniform(px.min(), px.max()))
                y = float(rng.uniform(py.min(), py.max()))
            got = [(h.index, h.distance_px) for h in hits(new, x, y, res)]
            want = _old_point_hits(ref, x, y, res)
            assert [i for i, _ in got] == [i for i, _ in _by_distance(want)]
            assert [d for _, d in got] == pytest.approx([d for _, d in _by_distance(want)],
                                                       abs=1e-9)
            assert [d for _, d in got] == sorted(d for _, d in got)
            checked += len(got)
    assert checked > 500  # the probes did hit points, some several at once
    layer = new.get("outfalls")
    assert layer is not None and layer._merc is None and layer._tree is None


def test_a_click_on_a_crowd_of_points_gives_each_hit_its_own_code() -> None:
    """At a small scale the tolerance covers hundreds of outfalls: every hit carries the
    code of its own row (the keys are taken in one go), nearest first, polygons after."""
    frame = _outfalls()
    model = MapModel([MapLayer("outfalls", frame, style_for("outfalls")),
                      MapLayer("control_units", _units(), style_for("control_units"))])
    layer = model.get("outfalls")
    assert layer is not None
    px, py = to_mercator(np.array([118.5]), np.array([24.9]))
    found = hits(model, float(px[0]), float(py[0]), res=150.0)
    points = [h for h in found if h.layer == "outfalls"]
    assert len(points) > 100
    assert [h.key for h in points] == [str(frame["code"].iloc[h.index]) for h in points]
    assert [h.key for h in points] == [layer.key_at(h.index) for h in points]
    assert [type(h.index) for h in found] == [int] * len(found)
    units = [h for h in found if h.layer == "control_units"]
    assert [h.key for h in units] == ["ZH35058220002", "ZH35058210001"]


def test_identify_keeps_layer_order_and_tolerance_with_polygons_below() -> None:
    frame = _outfalls(2_000)
    frame.loc[[7, 5], "geometry"] = shapely.Point(118.49, 24.89)  # two outfalls on one spot
    model = MapModel([MapLayer("control_units", _units(), style_for("control_units")),
                      MapLayer("outfalls", frame, style_for("outfalls"))])
    x, y = (float(v) for v in to_mercator(118.49, 24.89))
    found = [(h.layer, h.index) for h in hits(model, x + 3.0, y, res=1.0)]
    assert found == [("outfalls", 5), ("outfalls", 7), ("control_units", 1),
                     ("control_units", 0)]
    assert [h.layer for h in hits(model, x + 9.0, y, res=1.0)] == ["control_units"] * 2
    model.set_category_visible("outfalls", "outfall_type", str(frame["outfall_type"][5]), False)
    assert ("outfalls", 5) not in [(h.layer, h.index) for h in hits(model, x, y, res=1.0)]
    model.set_visible("outfalls", False)
    assert all(h.layer == "control_units" for h in hits(model, x, y, res=1.0))


def test_zone_outfalls_are_the_strtree_intersects_rows_boundary_included() -> None:
    frame = _outfalls()
    units = _units()
    # one outfall exactly on a unit's corner and one on an edge: intersects counts both
    frame.loc[0, "geometry"] = shapely.Point(118.48, 24.88)
    frame.loc[2, "geometry"] = shapely.Point(118.49, 24.90)
    model = MapModel([MapLayer("control_units", units, style_for("control_units")),
                      MapLayer("outfalls", frame, style_for("outfalls"))])
    ref = MapLayer("outfalls", frame, style_for("outfalls"))
    ula = model.get("control_units")
    assert ula is not None
    for i in range(len(units)):
        geom = ula.merc[i]
        want = np.sort(ref.tree.query(geom, predicate="intersects"))
        got = zone_details.details(model, {}, "control_units", model.get("control_units").key_at(i)).outfalls
        assert got.tolist() == want.tolist() and len(got) > 10
    assert {0, 2} <= set(zone_details.details(model, {}, "control_units", model.get("control_units").key_at(1)).outfalls.tolist())
    assert not shapely.is_prepared(ula.merc[0])  # the layer's own polygon is left as it was
    layer = model.get("outfalls")
    assert layer is not None and layer._merc is None and layer._tree is None


def test_extent_feature_path_labels_and_render_need_no_mercator_copy() -> None:
    frame = _outfalls(5_000)
    layer = MapLayer("outfalls", frame, style_for("outfalls"))
    ref = MapLayer("outfalls", frame, style_for("outfalls"))
    assert layer.extent() == pytest.approx(tuple(shapely.total_bounds(ref.merc)), abs=1e-6)
    for i in (0, 17, 4_999):
        assert layer.feature_extent(i) == pytest.approx(ref.feature_extent(i), abs=1e-6)
        g = layer.merc_geometry(i)
        assert (g.x, g.y) == pytest.approx((ref.merc[i].x, ref.merc[i].y), abs=1e-6)
    x, y = to_mercator(118.5, 24.9)
    view = Viewport(float(x), float(y), 3.0, 800, 600)
    assert layer.in_view(view).tolist() == ref.in_view(view).tolist()
    ax, ay = layer.anchors()
    assert np.allclose(ax, shapely.get_x(ref.merc)) and np.allclose(ay, shapely.get_y(ref.merc))
    layer.labels = True
    labels = layer.prepare_labels(view)
    assert labels is not None and len(labels.text) > 0
    assert layer.prepare(view).n_features == ref.prepare(view).n_features
    prepare_points(layer, view)
    assert layer._merc is None and layer._tree is None


def test_multipoint_layers_fall_back_to_the_strtree() -> None:
    frame = gpd.GeoDataFrame({"outfall_type": ["工业排污口", "农业排口"]},
                             geometry=[shapely.MultiPoint([(118.5, 24.9), (118.6, 25.0)]),
                                       shapely.Point(118.55, 24.95)], crs="EPSG:4490")
    model = MapModel([MapLayer("outfalls", frame, style_for("outfalls"))])
    layer = model.get("outfalls")
    assert layer is not None and not layer.is_points
    x, y = to_mercator(118.6, 25.0)  # the second part of the multipoint
    assert [h.index for h in hits(model, float(x), float(y), 1.0)] == [0]


def test_map_frames_share_the_workspace_columns_until_one_side_writes(tmp_path) -> None:
    from models.workspace import Workspace

    frame = _outfalls(1_000)
    units = _units()
    units.loc[1, "geometry"] = None  # a row without geometry is still left out
    ws = Workspace(tmp_path / "w.gpkg", {"outfalls": frame, "control_units": units}, {})
    model = MapModel.from_workspace(ws)
    layer, ulayer = model.get("outfalls"), model.get("control_units")
    assert layer is not None and ulayer is not None
    assert len(ulayer) == 1 and list(ulayer.frame.index) == [0]
    assert layer.frame is not frame and len(layer) == len(frame)
    if int(pd.__version__.split(".")[0]) >= 3:  # copy-on-write: no second copy
        assert np.shares_memory(np.asarray(layer.frame.geometry.values._data),
                                np.asarray(frame.geometry.values._data))
    # an edit of the workspace frame (what EditSession does) leaves the map's frame as it was
    before = (layer.frame["outfall_type"].iloc[3], layer.frame.geometry.iloc[3])
    frame.iat[3, frame.columns.get_loc("outfall_type")] = "其他排口"
    frame.iat[3, frame.columns.get_loc("geometry")] = shapely.Point(118.0, 24.0)
    assert (layer.frame["outfall_type"].iloc[3], layer.frame.geometry.iloc[3]) == before
    ws.replace_layer("outfalls", frame)  # after a move: the map takes the new frame
    new = model.get("outfalls")
    assert new is not None and new is not layer
    assert new.frame["outfall_type"].iloc[3] == "其他排口"
    mx, my = to_mercator(118.0, 24.0)
    assert new.merc_geometry(3).distance(shapely.Point(float(mx), float(my))) < 1e-6


def test_hits_read_one_by_one_are_the_hits_listed_all_at_once() -> None:
    """A hit test's hits are made as they are read (a click on a million outfalls reads
    the first and the panel's few of ~1 600): by index, from either end, in slices and
    iterated, they are the same hits, and the keys are those of the hit test's time."""
    from layers.hit_test import Hit

    frame = _outfalls()
    model = MapModel([MapLayer("control_units", _units(), style_for("control_units")),
                      MapLayer("outfalls", frame, style_for("outfalls"))])
    px, py = to_mercator(np.array([118.49]), np.array([24.89]))
    found = hits(model, float(px[0]), float(py[0]), res=150.0)
    every = list(found)
    n = len(found)
    assert n > 150 and bool(found)
    assert {h.layer for h in every} == {"outfalls", "control_units"}
    assert [found[i] for i in range(n)] == every
    assert [found[-i] for i in range(1, n + 1)] == every[::-1]
    for s in (slice(1, None), slice(60, 70), slice(n - 3, n + 5), slice(0, 0), slice(5, 200, 7)):
        assert list(found[s]) == every[s] and len(found[s]) == len(every[s])
    assert found[1:][0] == every[1] and found[n - 2:][1] == every[-1]
    assert found == every and found[:3] == every[:3]
    assert all(isinstance(h, Hit) and type(h.index) is int and type(h.key) is str
               and type(h.distance_px) is float for h in every)
    assert [h.key for h in every if h.layer == "outfalls"] == \
        [str(frame["code"].iloc[h.index]) for h in every if h.layer == "outfalls"]
    with pytest.raises(IndexError):
        found[n]
    for name in ("outfalls", "control_units"):  # the nearest of a layer, made alone
        nearest = min((h for h in every if h.layer == name), key=lambda h: h.distance_px)
        assert found.nearest_of({name}) == [nearest]
    assert len(found.nearest_of({"outfalls", "control_units", "bays"})) == 2
    empty = hits(model, -1e7, -1e7, res=1.0)
    assert len(empty) == 0 and not empty and list(empty) == [] and empty[1:] == []
    # the map's layer replaced after the hit test (an edit renumbers its rows): the hits
    # still name the features that were under the cursor
    before = [(h.index, h.key) for h in every if h.layer == "outfalls"][:5]
    model.add_layer(MapLayer("outfalls", frame.iloc[::-1].reset_index(drop=True),
                             style_for("outfalls")))
    assert [(h.index, h.key) for h in found if h.layer == "outfalls"][:5] == before
