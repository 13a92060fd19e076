"""An outfall edit patches the map layer for the edited rows only (no rebuild of the whole
layer): after a move and an attribute edit through EditSession the map shows the new
position and category of exactly those outfalls, and undo brings the old ones back."""

from __future__ import annotations

import numpy as np
import pytest

from layers.hit_test import hits
from layers.map_model import MapModel
from layers.mercator import to_mercator
from models import outfall_edits as oe
from models.outfall_session import EditSession
from models.workspace import Workspace
from tests.models import outfall_testdata as td

RES = 1.0  # metres per pixel: a few metres of tolerance around the cursor


@pytest.fixture
def ws(tmp_path):
    return Workspace.open(td.build(tmp_path / "ws.gpkg"))


def _at(model: MapModel, lon: float, lat: float) -> set[str]:
    x, y = to_mercator(np.array([lon]), np.array([lat]))
    return {h.key for h in hits(model, float(x[0]), float(y[0]), RES, layers=("outfalls",))}


def _snapshot(layer):
    x, y = layer.point_index().coordinates()
    return layer.cat.copy(), layer.shape.copy(), x, y


def _same_as_rebuilt(ws, model):
    """The patched layer draws what a layer built from scratch draws."""
    patched, fresh = model.get("outfalls"), MapModel.from_workspace(ws).get("outfalls")
    assert list(patched.keys) == list(fresh.keys)
    for a, b in zip(_snapshot(patched), _snapshot(fresh), strict=True):
        np.testing.assert_array_equal(a, b)
    for bbox in ((-1e12, -1e12, 1e12, 1e12), tuple(fresh.point_index().bounds())):
        assert list(patched.point_index().rows_in(bbox)) == list(fresh.point_index().rows_in(bbox))


def test_move_and_attribute_edit_patch_exactly_those_outfalls_and_undo_restores(ws):
    model = MapModel.from_workspace(ws)
    layer = model.get("outfalls")
    layer.point_index()  # built, as after the first paint
    layer.anchors()
    before = _snapshot(layer)
    seen = []
    model.changed.connect(lambda name, what: seen.append((name, what)))
    moved, edited = td.CODES[7], td.CODES[0]
    old_lon, old_lat = td.POINTS[moved]
    assert moved in _at(model, old_lon, old_lat)

    s = EditSession(ws, user="t")
    m = s.apply(oe.move(ws.layer("outfalls"), moved, 118.61, 24.73))
    after_move = model.get("outfalls")
    assert after_move is not layer and after_move.version > layer.version  # caches miss
    assert after_move.keys is layer.keys  # patched, not rebuilt
    assert seen[-1] == ("outfalls", "data")
    assert moved in _at(model, 118.61, 24.73)
    assert moved not in _at(model, old_lon, old_lat)
    row = after_move.row_of(moved)
    x, y = after_move.point_index().coordinates()
    changed = np.flatnonzero((x != before[2]) | (y != before[3]))
    assert list(changed) == [row]  # only the moved outfall moved
    ax, ay = after_move.anchors()
    np.testing.assert_array_equal(ax, x)
    np.testing.assert_array_equal(ay, y)
    _same_as_rebuilt(ws, model)

    e = s.apply(oe.set_fields(ws.layer("outfalls"), [edited], {"remediation": "取缔"}))
    after_edit = model.get("outfalls")
    r = after_edit.row_of(edited)
    assert after_edit.shape[r] != before[1][r]
    others = np.arange(len(after_edit)) != r
    np.testing.assert_array_equal(after_edit.shape[others], before[1][others])
    np.testing.assert_array_equal(after_edit.cat, before[0])
    assert after_edit.keys is layer.keys
    assert after_edit.point_index() is after_move.point_index()  # nothing moved: shared
    _same_as_rebuilt(ws, model)

    s.undo(e)
    s.undo(m)
    restored = model.get("outfalls")
    for a, b in zip(_snapshot(restored), before, strict=True):
        np.testing.assert_array_equal(a, b)
    assert moved in _at(model, old_lon, old_lat)
    assert moved not in _at(model, 118.61, 24.73)
    _same_as_rebuilt(ws, model)


def test_a_point_moved_outside_the_grid_and_a_renamed_code_still_show(ws):
    model = MapModel.from_workspace(ws)
    model.get("outfalls").point_index()
    s = EditSession(ws, user="t")
    code = td.CODES[3]
    s.apply(oe.move(ws.layer("outfalls"), code, 119.2, 25.3))  # beyond every other outfall
    assert code in _at(model, 119.2, 25.3)
    _same_as_rebuilt(ws, model)
    s.apply(oe.set_code(ws.layer("outfalls"), td.CODES[2], "PWK350582H0999"))
    assert model.get("outfalls").row_of("PWK350582H0999") is not None
    assert model.get("outfalls").row_of(td.CODES[2]) is None
    _same_as_rebuilt(ws, model)


def test_point_index_moved_answers_as_a_new_index():
    from layers.point_index import PointIndex

    rng = np.random.default_rng(17)
    x, y = rng.uniform(0, 1000, 5000), rng.uniform(0, 1000, 5000)
    idx = PointIndex(x, y)
    rows = rng.choice(5000, 300, replace=False)
    nx, ny = rng.uniform(0, 1000, 300), rng.uniform(0, 1000, 300)
    moved = idx.moved(rows, nx, ny)
    x2, y2 = x.copy(), y.copy()
    x2[rows], y2[rows] = nx, ny
    fresh = PointIndex(x2, y2)
    assert moved is not None and moved is not idx
    np.testing.assert_array_equal(moved.ptr, fresh.ptr)
    for a, b in zip(moved.coordinates(), fresh.coordinates(), strict=True):
        np.testing.assert_array_equal(a, b)
    for _ in range(50):
        x0, y0 = rng.uniform(0, 1000, 2)
        box = (x0, y0, x0 + rng.uniform(1, 300), y0 + rng.uniform(1, 300))
        assert list(moved.rows_in(box)) == list(fresh.rows_in(box))
        r1, d1 = moved.near(x0, y0, 40.0)
        r2, d2 = fresh.near(x0, y0, 40.0)
        assert list(r1) == list(r2)
    np.testing.assert_array_equal(idx.coordinates()[0], x)  # the old index is untouched
    assert idx.moved(rows[:1], np.array([5000.0]), np.array([1.0])) is None  # off the grid
