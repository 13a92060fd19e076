"""The lean point-layer reader gives the frame pyogrio's read_dataframe gives (issue 17)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from geodata import point_layers, schema, store
from tests.models import outfall_testdata as td


def _old_way(path, layer):
    frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True, fid_as_index=True)
    fids = frame.index.to_numpy(dtype=np.int64)
    return store.as_categories(frame.reset_index(drop=True), layer), fids


def _same(path, layer, points_beside=False):
    new, new_fids = point_layers.read_points(path, layer, schema.VOCABULARY_FIELDS.get(layer, ()),
                                             points_beside)
    old, old_fids = _old_way(path, layer)
    pd.testing.assert_frame_equal(pd.DataFrame(new.drop(columns="geometry")),
                                  pd.DataFrame(old.drop(columns="geometry")))
    assert new.geometry.name == old.geometry.name and new.crs == old.crs
    assert list(shapely.to_wkb(new.geometry.values)) == list(shapely.to_wkb(old.geometry.values))
    assert new_fids.tolist() == old_fids.tolist()
    return new


@pytest.mark.parametrize("points_beside", [False, True])
def test_outfalls_with_gaps_read_as_before(tmp_path, points_beside):
    """Missing points, missing vocabulary values, a value only some rows have; the Points
    made after the columns or in a thread of their own (a window's start)."""
    path = td.build(tmp_path / "ws.gpkg")
    frame = store.read_layer(path, "outfalls", categorical=False)
    frame.loc[1, "geometry"] = None
    frame.loc[2, "review_status"] = None
    frame.loc[3, "outfall_type"] = "其他排口"
    frame.loc[4, "name_zh"] = None
    store.write_layers(path, {"outfalls": frame})
    assert point_layers.plain_point_layer(path, "outfalls")
    got = _same(path, "outfalls", points_beside)
    assert got.geometry.iloc[1] is None
    assert isinstance(got["review_status"].dtype, pd.CategoricalDtype)
    assert list(got["outfall_type"].cat.categories) == sorted(set(frame["outfall_type"]))


def test_the_bundled_point_layers_read_as_before():
    path = store.bundled_path()
    layers = [name for name, kind in store.list_contents(path)
              if kind == "features" and point_layers.plain_point_layer(path, name)]
    assert "outfalls" in layers
    for name in layers:
        _same(path, name)


@pytest.mark.parametrize("layer", ["control_units", "counties"])
def test_polygon_layers_are_left_to_read_dataframe(layer):
    assert not point_layers.plain_point_layer(store.bundled_path(), layer)


@pytest.mark.parametrize("size", [1, 2, 3, 1000])
def test_points_made_in_slices_in_a_worker_read_as_before(tmp_path, monkeypatch, size):
    """In a worker the Points are made a slice at a time (geodata/gil_slices.py): slices
    of every size around the layer's, with a missing point among them, read the same."""
    import threading

    path = td.build(tmp_path / "ws.gpkg")
    frame = store.read_layer(path, "outfalls", categorical=False)
    frame.loc[2, "geometry"] = None
    store.write_layers(path, {"outfalls": frame})
    monkeypatch.setattr(point_layers, "POINT_SLICE", size)
    out: dict[str, object] = {}
    worker = threading.Thread(target=lambda: out.update(got=_same(path, "outfalls")))
    worker.start()
    worker.join(60)
    got = out["got"]
    assert got.geometry.iloc[2] is None and got.geometry.notna().sum() == len(frame) - 1
    assert list(shapely.to_wkb(got.geometry.values[3:])) == \
        list(shapely.to_wkb(frame.geometry.values[3:]))


@pytest.mark.parametrize("points_beside", [False, True])
def test_the_coordinates_read_are_those_of_the_points(tmp_path, points_beside):
    """``lonlat`` gets each row's lon/lat as its Point has them, NaN for a missing one."""
    path = td.build(tmp_path / "ws.gpkg")
    frame = store.read_layer(path, "outfalls", categorical=False)
    frame.loc[1, "geometry"] = None
    store.write_layers(path, {"outfalls": frame})
    lonlat: dict[str, np.ndarray] = {}
    got, _fids = point_layers.read_points(path, "outfalls", (), points_beside, lonlat)
    xy = lonlat["outfalls"]
    assert xy.shape == (len(got), 2)
    assert np.isnan(xy[1]).all()
    present = got.geometry.notna().to_numpy()
    assert np.array_equal(xy[present], shapely.get_coordinates(got.geometry.values[present]))


def test_no_coordinates_for_points_that_are_not_plain_2d(tmp_path):
    """3D points go through from_wkb: no coordinates are offered for them."""
    path = td.build(tmp_path / "ws.gpkg")
    frame = store.read_layer(path, "outfalls", categorical=False)
    frame["geometry"] = shapely.force_3d(frame.geometry.values, 5.0)
    store.write_layers(path, {"outfalls": frame})
    lonlat: dict[str, np.ndarray] = {}
    meta, table = pyogrio.read_arrow(path, layer="outfalls", return_fids=True)
    chunk = table.column(meta["geometry_name"]).chunks[0]
    points, xy = point_layers._chunk_points(chunk)
    assert xy is None and shapely.has_z(points).all()
    point_layers.read_points(path, "outfalls", (), False, lonlat)
    assert "outfalls" not in lonlat
