"""The map's first point index from the coordinates the open read (issue 17): the same
index the Points give, offered once and only while the layer is as read."""

from __future__ import annotations

import numpy as np
import shapely

from layers.map_model import MapModel
from layers.point_index import PointIndex
from models.workspace import Workspace
from tests.models import outfall_testdata as td


def _same_index(a: PointIndex, b: PointIndex) -> None:
    assert a.exact == b.exact and a.n == b.n
    for name in ("x", "y", "ptr"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert (a.x0, a.y0, a.x1, a.y1) == (b.x0, b.y0, b.x1, b.y1)


def test_the_first_point_index_is_the_one_the_points_give(tmp_path):
    ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
    model = MapModel.from_workspace(ws)
    layer = model.get("outfalls")
    assert layer._read_lonlat is not None  # the map was handed the coordinates read
    _same_index(layer.point_index(), PointIndex.from_geometries(layer.frame.geometry.values))
    assert layer._read_lonlat is None  # used once, then let go
    assert ws.take_read_lonlat("outfalls") is None  # given once


def test_no_coordinates_once_the_layer_changed(tmp_path):
    """A point moved after the open: the index has it where it is now."""
    from layers.mercator import to_mercator

    ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
    ws.write_value("outfalls", 0, "geometry", shapely.Point(118.6, 24.9))
    assert ws.take_read_lonlat("outfalls") is None
    layer = MapModel.from_workspace(ws).get("outfalls")
    assert layer._read_lonlat is None
    x, y = layer.point_index().coordinates_of(np.array([0]))
    mx, my = to_mercator(118.6, 24.9)
    assert (float(x[0]), float(y[0])) == (float(mx), float(my))


def test_a_layer_with_a_missing_point_is_checked_as_before(tmp_path):
    path = td.build(tmp_path / "ws.gpkg")
    from geodata import store

    frame = store.read_layer(path, "outfalls", categorical=False)
    frame.loc[1, "geometry"] = None
    store.write_layers(path, {"outfalls": frame})
    ws = Workspace.open(path)
    layer = MapModel.from_workspace(ws).get("outfalls")
    assert len(layer) == len(frame) - 1  # the row without a point is not drawn
    assert layer._read_lonlat is None
    _same_index(layer.point_index(), PointIndex.from_geometries(layer.frame.geometry.values))
