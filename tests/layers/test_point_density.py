"""Level of detail for point layers: viewport-only queries, symbols vs density cells."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from layers.map_layer import MapLayer
from layers.mercator import to_mercator
from layers.point_density import Density, PointIndex, point_index, prepare_points, symbol_limit
from layers.style import style_for
from layers.viewport import Viewport


def _layer(n: int, seed: int = 0) -> MapLayer:
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(118.0, 119.0, n), rng.uniform(24.5, 25.5, n)
    types = np.array(["工业排污口", "城镇污水处理厂排污口", "农业排口", "其他排口"])
    frame = gpd.GeoDataFrame({"outfall_type": types[np.arange(n) % 4],
                              "remediation": np.array(["取缔", "合并", "规范"])[np.arange(n) % 3]},
                             geometry=shapely.points(lon, lat), crs="EPSG:4490")
    return MapLayer("outfalls", frame, style_for("outfalls"))


def _view(lon0: float, lat0: float, lon1: float, lat1: float, w: int = 800, h: int = 500,
          ) -> Viewport:
    x0, y0 = to_mercator(lon0, lat0)
    x1, y1 = to_mercator(lon1, lat1)
    return Viewport.fit((float(x0), float(y0), float(x1), float(y1)), w, h, 0.0)


def test_index_query_is_exactly_the_points_in_the_box() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 1000, 20_000), rng.uniform(0, 500, 20_000)
    x[5] = np.nan
    idx = PointIndex(x, y)
    box = (123.4, 77.7, 456.7, 301.2)
    got = np.sort(idx.rows[idx.query(box)])
    want = np.flatnonzero((x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3]))
    assert np.array_equal(got, want)
    assert len(idx.query((2000, 2000, 3000, 3000))) == 0


def test_zoomed_out_many_points_become_density_cells_coloured_by_type() -> None:
    layer = _layer(60_000)
    view = _view(117.9, 24.4, 119.1, 25.6)
    data = prepare_points(layer, view)
    assert isinstance(data, Density)
    assert data.n_points == 60_000 and data.n_cells > 1000
    rows, cols = data.rgba.shape[:2]
    assert (cols * data.cell_px, rows * data.cell_px) >= (view.width, view.height)
    filled = data.rgba[..., 3] > 0
    # premultiplied: no channel above alpha; opacity grows with the count
    assert (data.rgba[..., :3].max(axis=2) <= data.rgba[..., 3]).all()
    assert data.rgba[..., 3][filled].min() >= int(0.35 * 255) - 1
    # each filled cell takes one of the category colours (scaled by its alpha)
    assert filled.sum() == data.n_cells


def test_zoomed_in_gives_individual_symbols_of_only_the_points_in_view() -> None:
    layer = _layer(60_000)
    view = _view(118.40, 24.90, 118.45, 24.93)
    data = prepare_points(layer, view)
    assert not isinstance(data, Density)
    n = sum(len(xs) for _, _, xs, _ in data.points)
    assert n == data.n_features and 0 < n <= symbol_limit(view)
    m = 16 * view.res
    x0, y0, x1, y1 = view.bbox
    for ci, si, xs, ys in data.points:
        assert 0 <= ci < 4 and 0 <= si < 3
        assert ((xs >= x0 - m) & (xs <= x1 + m) & (ys >= y0 - m) & (ys <= y1 + m)).all()
    # the same count a brute-force pass over every point gives
    mx, my = to_mercator(shapely.get_x(layer.frame.geometry.values),
                         shapely.get_y(layer.frame.geometry.values))
    inside = (mx >= x0 - m) & (mx <= x1 + m) & (my >= y0 - m) & (my <= y1 + m)
    assert n == int(inside.sum())


def test_legend_filter_and_forced_modes() -> None:
    layer = _layer(20_000)
    view = _view(117.9, 24.4, 119.1, 25.6)
    layer.legend.toggle("outfall_type", "工业排污口", False)
    sym = prepare_points(layer, view, aggregate=False)
    assert all(ci != 0 for ci, _, _, _ in sym.points)
    assert sym.n_features == 15_000
    dens = prepare_points(layer, view, aggregate=True)
    assert isinstance(dens, Density) and dens.n_points == 15_000
    assert point_index(layer) is point_index(layer)  # built once per layer


def test_near_finds_the_points_identify_would() -> None:
    layer = _layer(50_000, seed=4)
    idx = point_index(layer)
    mx, my = to_mercator(shapely.get_x(layer.frame.geometry.values),
                         shapely.get_y(layer.frame.geometry.values))
    x, y, r = float(mx[123]), float(my[123]), 400.0
    rows, dist = idx.near(x, y, r)
    want = np.flatnonzero(np.hypot(mx - x, my - y) <= r)
    assert sorted(rows.tolist()) == sorted(want.tolist())
    assert rows[0] == 123 and dist[0] == 0.0 and (np.diff(dist) >= 0).all()


def test_repeated_keys_find_their_rows_instead_of_raising():
    """Synthetic inventories repeat codes (bench/make_workspace.py): the selection outline,
    drawn inside paintEvent, must still find them (an exception there crashed Qt)."""
    layer = _layer(4)
    layer = MapLayer("outfalls", layer.frame, style_for("outfalls"),
                     keys=np.array(["A", "B", "A", "C"], dtype=object))
    assert layer.rows_of(["A", "Z", "C"]).tolist() == [0, 2, 3]
    assert layer.row_of("A") == 0 and layer.row_of("C") == 3 and layer.row_of("Z") is None


def test_a_query_of_the_whole_extent_is_every_point_also_after_a_move() -> None:
    """A box that covers every point (the full extent's render) takes them all without a
    test of each; after points move — one to the extent's edge — the same holds."""
    rng = np.random.default_rng(2)
    x, y = rng.uniform(0, 1000, 5_000), rng.uniform(0, 500, 5_000)
    x[7] = np.nan
    idx = PointIndex(x, y)
    whole = (-1.0, -1.0, 1001.0, 501.0)
    assert np.array_equal(np.sort(idx.rows[idx.query(whole)]),
                          np.flatnonzero(np.isfinite(x)))
    exact = (float(np.nanmin(x)), float(y.min()), float(np.nanmax(x)), float(y.max()))
    assert len(idx.query(exact)) == 4_999
    moved = idx.moved(np.array([3, 9]), np.array([np.nanmax(x), 10.0]), np.array([20.0, y.max()]))
    assert moved is not None
    for box in (exact, (10.0, 10.0, 600.0, 400.0)):
        xs, ys = x.copy(), y.copy()
        xs[[3, 9]], ys[[3, 9]] = (np.nanmax(x), 10.0), (20.0, y.max())
        want = np.flatnonzero((xs >= box[0]) & (xs <= box[2]) & (ys >= box[1]) & (ys <= box[3]))
        assert np.array_equal(np.sort(moved.rows[moved.query(box)]), want)
