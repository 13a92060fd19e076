"""The array compliance check (issue 17) gives exactly the findings of the per-outfall
checker it replaced (kept as tests/models/compliance_reference.py): same codes, checks,
zones, other outfalls, distances, reasons in both languages, same order, same flag bits --
on a seeded synthetic workspace of 20k outfalls with planted defects of every kind."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
import shapely

from models import compliance as new
from models.workspace import Workspace
from tests.models import compliance_reference as ref

N = 20_000


class _Snap:
    """A workspace with its outfall frame swapped (as ui/outfalls/flag_checker does)."""

    def __init__(self, ws, frame):
        self.layers = dict(ws.layers)
        self.layers["outfalls"] = frame

    def layer(self, name):
        return self.layers[name]

    def has_layer(self, name):
        return name in self.layers and len(self.layers[name]) > 0


def plant_twins(geoms: np.ndarray, rng: np.random.Generator, count: int) -> None:
    """``count`` outfalls moved next to others, 1-25 m away (some beyond 20 m), every 50th
    to the very same place (in place)."""
    n = len(geoms)
    src = rng.choice(n, count, replace=False)
    dst = rng.choice(np.setdiff1d(np.arange(n), src), count, replace=False)
    for k, (s, d) in enumerate(zip(src, dst, strict=True)):
        g = geoms[s]
        if g is None:
            continue
        off = 0.0 if k % 50 == 0 else rng.uniform(1, 25) / 111_000
        geoms[d] = shapely.Point(g.x + off, g.y + off * (k % 3 == 0))


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from bench.synthetic import make_workspace
    from geodata import store

    bundled = store.bundled_path()
    path = make_workspace(tmp_path_factory.mktemp("scale") / "ws.gpkg",
                          bundled if bundled.exists() else None, n_units=800,
                          n_outfalls=N, seed=7)
    w = Workspace.open(path)
    frame = w.layer("outfalls").copy()
    rng = np.random.default_rng(17)
    n = len(frame)
    # missing fields: blanks, None, whitespace, in several columns at once
    for col, val in (("name_zh", ""), ("receiving_water", None), ("subtype", "  "),
                     ("responsible_party", float("nan")), ("discharge_mode", "\u3000"),
                     ("name_zh", " \t")):
        rows = rng.choice(n, 300, replace=False)
        if isinstance(frame[col].dtype, pd.CategoricalDtype):  # as the workspace reads it
            frame[col] = frame[col].cat.add_categories([val])
        frame.loc[frame.index[rows], col] = val
    # no location
    frame.loc[frame.index[rng.choice(n, 50, replace=False)], "geometry"] = None
    # provisional, empty codes
    codes = frame["code"].astype(object).to_numpy().copy()
    for k, r in enumerate(rng.choice(n, 80, replace=False)):
        codes[r] = f"待编码-350582-{k:04d}" if k % 4 else ("" if k % 8 else " ")
    frame["code"] = codes
    # near-duplicates: 400 outfalls with a twin 1-25 m away (some beyond 20 m), a few
    # triples, and some at the very same place
    geoms = frame.geometry.to_numpy().copy()
    plant_twins(geoms, rng, 400)
    # points far outside the city
    far = rng.choice(n, 30, replace=False)
    for r in far:
        geoms[r] = shapely.Point(rng.uniform(110, 115), rng.uniform(20, 23))
    frame["geometry"] = geoms
    return _Snap(w, frame)


def test_the_workspace_columns_are_as_read(ws):
    frame = ws.layer("outfalls")
    assert isinstance(frame["subtype"].dtype, pd.CategoricalDtype)
    assert isinstance(frame["name_zh"].array, pd.arrays.ArrowStringArray)


def test_the_blanks_trimmed_are_those_str_strip_trims():
    from models.compliance_input import SPACES

    assert SPACES == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


def _rows(findings):
    return [(f.code, f.check, f.zone, f.zone_code, f.other_code,
             None if f.distance_m is None else round(f.distance_m, 1), f.fields,
             f.message.zh, f.message.en) for f in findings]


def test_findings_identical_to_the_reference(ws):
    old = ref.check_outfalls(ws)
    got = new.check_outfalls(ws)
    counts = ref.summary(old)
    assert all(counts.values()), counts  # every check has something to compare
    assert len(got) == len(old)
    assert _rows(got) == _rows(old)
    assert [f.to_dict() for f in got] == [f.to_dict() for f in old]


def test_findings_identical_with_other_thresholds_and_checks(ws):
    cfg = ref.ComplianceConfig(near_protected_m=1500, duplicate_m=0.0,
                               max_water_distance_m=800, city_tolerance_m=0)
    cfg_new = new.ComplianceConfig(**cfg.__dict__)
    for checks in (None, ("possible_duplicate", "missing_code"), ("far_from_water",)):
        assert _rows(new.check_outfalls(ws, cfg_new, checks)) == \
            _rows(ref.check_outfalls(ws, cfg, checks))


def test_flag_bits_identical_to_the_reference(ws):
    assert np.array_equal(new.check_flag_bits(ws), ref.check_flag_bits(ws))


def test_streamed_json_is_the_json_of_the_findings(ws, monkeypatch):
    from cli import outfalls as cmd

    found = new.scan_outfalls(ws)
    head = {"workspace": "w.gpkg", "outfalls": 3, "config": {}, "summary": found.counts()}
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    cmd.write_findings_json(head, found)
    expected = json.dumps(dict(head, findings=[f.to_dict() for f in found]),
                          ensure_ascii=False, indent=1, default=str) + "\n"
    assert out.getvalue() == expected


def test_groups_made_beside_the_sort_are_those_made_after_it(ws, monkeypatch):
    """The JSON's groups made in a thread beside the sort (``groups_for``): the same
    partition of the findings, the same texts per group, so the same JSON."""
    from cli import outfalls as cmd

    after = new.scan_outfalls(ws)
    beside = new.scan_outfalls(ws, groups_for=(cmd._DUPLICATE,))
    for name in ("rows", "check", "zone", "dist", "other", "fmask"):
        assert np.array_equal(getattr(after.found, name), getattr(beside.found, name),
                              equal_nan=name == "dist")
    g1, reps1 = after.groups(together=(cmd._DUPLICATE,))
    g2, reps2 = beside.groups(together=(cmd._DUPLICATE,))
    assert beside._groups is not None  # made beside the sort, not again
    # one group of the one is one group of the other (numbered as each met them)
    pairs = set(zip(g1.tolist(), g2.tolist(), strict=True))
    assert len(pairs) == len(reps1) == len(reps2)
    texts = (1, 2, 3, 4, 5, 7, 8)  # all but the code and the distance
    for a, b in pairs:
        if reps1[a][1] == "possible_duplicate":  # one group whatever its texts: the JSON
            assert reps2[b][1] == "possible_duplicate"  # makes them row by row
            continue
        assert [reps1[a][i] for i in texts] == [reps2[b][i] for i in texts]
    outs = []
    for found in (after, beside):
        out = io.StringIO()
        monkeypatch.setattr("sys.stdout", out)
        cmd.write_findings_json({"n": 1}, found)
        outs.append(out.getvalue())
    assert outs[0] == outs[1]


@pytest.mark.parametrize("case", ["no_locations", "one_outfall", "multipoints"])
def test_edge_cases_identical_to_the_reference(ws, case):
    frame = ws.layer("outfalls").iloc[:3000].copy()
    if case == "no_locations":
        frame["geometry"] = None
    elif case == "one_outfall":
        frame = frame.iloc[:1].copy()
    else:  # not what the schema holds, but measured as before rather than wrongly
        geoms = frame.geometry.to_numpy().copy()
        for r in range(0, 3000, 100):
            if geoms[r] is not None:
                geoms[r] = shapely.MultiPoint([geoms[r], shapely.Point(geoms[r].x + 1e-4,
                                                                       geoms[r].y)])
        frame["geometry"] = geoms
    snap = _Snap(ws, frame)
    assert _rows(new.check_outfalls(snap)) == _rows(ref.check_outfalls(snap))
    assert np.array_equal(new.check_flag_bits(snap), ref.check_flag_bits(snap))


def test_distances_are_written_as_json_writes_them():
    """The numbers of the vectorised JSON (cli/outfalls._numbers) are repr(round(d, 1)),
    repr(round(d, 2)) or null, ties and extremes included."""
    from cli.outfalls import _number, _numbers

    rng = np.random.default_rng(5)
    n = 200_000
    c = rng.integers(0, 8, n).astype(np.int8)
    d = np.concatenate([rng.uniform(0, 30, n // 2), rng.uniform(0, 2e5, n - n // 2)])
    d[::7] = np.round(d[::7], 2)  # values on the decimal grid: ties of round()
    edge = [0.0, 0.05, 0.25, 0.35, 0.15, 1e13, np.inf, np.nan, -1.0, 0.005, 0.015, 0.125,
            2.675, 1.005, 99.995, 0.95, 9.95, 10.0, 1e-9, 123456.75, 99999999999.94, 1e15]
    d[:len(edge)] = edge
    c[:2 * len(edge):2], c[1:2 * len(edge):2] = 2, 3
    d[len(edge):2 * len(edge)] = edge
    got = _numbers(c, d).to_pylist()
    expected = [_number(None if k in (0, 1, 4, 7) else round(x, 2 if k == 3 else 1))
                for k, x in zip(c.tolist(), d.tolist(), strict=True)]
    assert got == expected


def test_point_segment_distances_are_geos_bit_for_bit():
    from models.compliance_grid import point_segment_distance

    rng = np.random.default_rng(0)
    n = 300_000
    p = rng.uniform(-1e5, 1e5, (n, 2))
    a = rng.uniform(-1e5, 1e5, (n, 2))
    b = a + rng.normal(0, 300, (n, 2))
    b[::1000] = a[::1000]  # a segment of one point
    got = point_segment_distance(p[:, 0], p[:, 1], a[:, 0].copy(), a[:, 1].copy(),
                                 b[:, 0].copy(), b[:, 1].copy())
    geos = shapely.distance(shapely.points(p), shapely.linestrings(np.stack([a, b], axis=1)))
    assert np.array_equal(got, geos)


def test_cell_centres_measured_in_numpy_are_geos_nearest_distances(ws, monkeypatch):
    """The grid cells' centres measured in numpy when there are many (the fine grid at
    1M outfalls) are the distances a tree query per centre gives, so the cells decide as
    before; with every count measured so, the flags are still the reference's."""
    from models import compliance_scan as scan
    from models.compliance_grid import pieces

    lines = np.concatenate([np.asarray(ws.layer(n).geometry.values, dtype=object)
                            for n in ("coastline", "rivers") if ws.layer(n) is not None])
    tree = shapely.STRtree(pieces(scan.project(lines), scan._PIECE))
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = tree.geometries[0].bounds
    cx = rng.uniform(x0 - 60_000, x1 + 60_000, scan._CENTRES_IN_NUMPY)
    cy = rng.uniform(y0 - 60_000, y1 + 60_000, scan._CENTRES_IN_NUMPY)
    (src, _t), d = tree.query_nearest(shapely.points(cx, cy), return_distance=True)
    geos = np.full(len(cx), np.inf)
    np.minimum.at(geos, src, d)
    assert np.array_equal(scan._centre_distances(tree, cx, cy), geos)
    monkeypatch.setattr(scan, "_CENTRES_IN_NUMPY", 0)
    assert np.array_equal(new.check_flag_bits(ws), ref.check_flag_bits(ws))


@pytest.mark.parametrize("spread", [50, 10**7])  # a dense grid, and one too sparse to mark
def test_grid_cells_are_the_cells_np_unique_finds(spread):
    from models.compliance_grid import grid_cells

    rng = np.random.default_rng(7)
    ix = rng.integers(-spread, spread, 20_000)
    iy = rng.integers(-3, spread, 20_000)
    gx, gy, inv, member = grid_cells(ix, iy)
    pairs = np.unique(np.column_stack([ix, iy]), axis=0)
    assert np.array_equal(np.column_stack([gx, gy]), pairs)  # sorted as np.unique sorts
    assert np.array_equal(gx[inv], ix) and np.array_equal(gy[inv], iy)
    assert np.array_equal(ix[member], gx) and np.array_equal(iy[member], gy)


def test_points_in_an_area_decided_per_cell_are_those_geos_finds():
    """``compliance_grid.contains_points`` against ``shapely.contains_xy``: points
    scattered over an area with a hole and a bay, points on its boundary and its
    vertices, points on the grid's cell edges (where a cell index may round either
    way)."""
    from models.compliance_grid import contains_points

    rng = np.random.default_rng(3)
    outer = shapely.Polygon([(0, 0), (30_000, 0), (30_000, 12_000), (15_000, 12_000),
                             (15_000, 20_000), (0, 20_000)],
                            holes=[[(4_000, 4_000), (9_000, 4_000), (9_000, 9_000),
                                    (4_000, 9_000)]])
    area = shapely.union(outer, shapely.box(40_000, 0, 41_000, 50_000))
    shapely.prepare(area)
    x = rng.uniform(-5_000, 45_000, 60_000)
    y = rng.uniform(-5_000, 55_000, 60_000)
    edges = np.arange(-4_000, 44_001, 2_000.0)  # the 2 km grid's lines
    ex = np.concatenate([np.repeat(edges, 40), rng.uniform(-5_000, 45_000, len(edges) * 40)])
    ey = np.concatenate([rng.uniform(-5_000, 55_000, len(edges) * 40), np.repeat(edges, 40)])
    vx, vy = shapely.get_coordinates(area).T  # on the boundary: not contained
    bx = np.concatenate([x, ex, vx, [4_000.0, 15_000.0, 30_000.0]])
    by = np.concatenate([y, ey, vy, [6_000.0, 16_000.0, 6_000.0]])
    expect = shapely.contains_xy(area, bx, by)
    assert expect.any() and not expect.all()
    assert np.array_equal(contains_points(area, bx, by), expect)
    assert np.array_equal(contains_points(area, bx[:100], by[:100]), expect[:100])
