"""Work cut into slices in a worker thread (geodata/gil_slices.py) gives what the whole call
gives, at sizes around the slice boundary."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import shapely

from geodata import gil_slices
from geodata.gil_slices import SLICE, in_worker_slices, take
from layers.point_index import PointIndex


def in_worker(fn: Callable[[], Any]) -> Any:
    """``fn()`` run in a worker thread (where the slicing happens)."""
    out: dict[str, Any] = {}

    def run() -> None:
        out["value"] = fn()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out["value"]


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 16, 17, 100])
def test_slices_join_to_the_whole_call(n: int) -> None:
    values = np.arange(n) * 3
    whole = in_worker_slices(lambda v: v + 1, values, size=8)
    assert len(whole) == 1  # the GUI (main) thread: one call
    parts = in_worker(lambda: in_worker_slices(lambda v: v + 1, values, size=8))
    assert len(parts) == max(1, -(-n // 8))
    assert all(len(p) <= 8 for p in parts)
    assert np.array_equal(np.concatenate(parts), values + 1)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 17])
def test_take_in_slices(n: int) -> None:
    values = np.array([f"v{i}" for i in range(40)], dtype=object)
    rows = np.random.default_rng(n).integers(0, 40, n)
    got = in_worker(lambda: take(values, rows, size=8))
    assert got.dtype == object
    assert got.tolist() == values[rows].tolist()


def _geoms(n: int, odd: bool) -> np.ndarray:
    rng = np.random.default_rng(n)
    geoms = shapely.points(rng.uniform(118.0, 119.5, n), rng.uniform(24.0, 25.8, n))
    if n > 3:
        geoms[1] = None
        geoms[n // 2] = shapely.Point()
        if odd:  # a multipoint: the representative-point path
            geoms[n - 1] = shapely.MultiPoint([(118.2, 24.5), (118.3, 24.6)])
    return geoms


def _same_index(a: PointIndex, b: PointIndex) -> None:
    assert (a.n, a.exact, a.x0, a.y0, a.sx, a.sy) == (b.n, b.exact, b.x0, b.y0, b.sx, b.sy)
    for name in ("rows", "x", "y", "ptr"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@pytest.mark.parametrize("n", [SLICE - 1, SLICE, SLICE + 1, 2 * SLICE + 3])
@pytest.mark.parametrize("odd", [False, True])
def test_point_index_in_a_worker_is_the_same(n: int, odd: bool) -> None:
    geoms = _geoms(n, odd)
    whole = PointIndex.from_geometries(geoms)  # main thread: not sliced
    sliced = in_worker(lambda: PointIndex.from_geometries(geoms))
    _same_index(whole, sliced)
    assert whole.exact is not odd


def test_point_index_slices_really_happen(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = gil_slices.in_worker_slices

    def counting(fn: Callable[[Any], Any], values: Any, size: int = SLICE) -> list[Any]:
        parts = real(fn, values, size)
        calls.append(len(parts))
        return parts

    monkeypatch.setattr("layers.point_index.in_worker_slices", counting)
    # each slice as quick as it needs to be, however slow this machine (a slow slice
    # would make the next ones smaller: test_slow_slices_are_cut_smaller_and_grow_back)
    monkeypatch.setattr(gil_slices, "SLICE_S", 60.0)
    in_worker(lambda: PointIndex.from_geometries(_geoms(2 * SLICE + 3, False)))
    # the coordinates are taken 16k points a call (gil_slices.SMALL_SLICE)
    assert calls and max(calls) == -(-(2 * SLICE + 3) // gil_slices.SMALL_SLICE) == 9


@pytest.mark.parametrize("rows", [0, 1, 8191, 8192, 8193, 20000])
def test_a_csv_read_in_a_worker_is_the_same(rows: int) -> None:
    from geodata.io import point_tables

    lines = ["code,名称,经度,纬度,备注"] + [
        f'PWK{i:06d},排口{i},118.{i % 1000:03d},24.5,"a, ""quoted""\nline"' if i % 997 == 0
        else f"PWK{i:06d},排口{i},118.{i % 1000:03d},24.5," for i in range(rows)]
    text = "\n".join(lines) + "\n"
    whole = point_tables._read_csv(text, ",")  # main thread: one read
    sliced = in_worker(lambda: point_tables._read_csv(text, ","))
    assert len(whole) == rows
    assert whole.dtypes.equals(sliced.dtypes)
    assert whole.index.equals(sliced.index)
    assert whole.equals(sliced)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 17])
def test_python_object_builders_in_slices_give_the_whole_calls(n: int) -> None:
    import json

    import pandas as pd

    codes = [f"PWK35{i % 5:04d}H{i:04d}" for i in range(n)] + ["编码", "编码"][: min(n, 2)]
    series = pd.Series(codes, index=np.arange(len(codes))[::-1] + 100)  # labels != positions
    fids = list(range(1000, 1000 + len(codes)))
    for run in (lambda f: f(), in_worker):  # whole on the main thread, sliced in a worker
        assert run(lambda: gil_slices.to_list(series, size=8)) == series.tolist()
        assert run(lambda: gil_slices.to_list(np.asarray(codes, dtype=object), size=8)) == codes
        assert run(lambda: gil_slices.unique_in_order(codes, size=8)) == list(dict.fromkeys(codes))
        text = run(lambda: gil_slices.json_list(codes, size=8))
        assert text == json.dumps(codes, ensure_ascii=False)
        assert json.loads(text) == codes
        got = run(lambda: gil_slices.dict_of(codes, fids, size=8))
        assert got == dict(zip(codes, fids, strict=True))
        assert list(got) == list(dict(zip(codes, fids, strict=True)))
    with pytest.raises(ValueError):
        gil_slices.dict_of(codes, [*fids, 1])


@pytest.mark.parametrize("weights", [[], [5], [1] * 10, [3, 9, 1, 1, 1, 20, 2, 2], [50, 50]])
def test_weighted_slices_cover_every_item_once_within_the_budget(weights: list[int]) -> None:
    w = np.asarray(weights, dtype=np.int64)
    assert list(gil_slices.weighted_slices(w, 4)) == [slice(0, len(w))]  # main thread
    parts = in_worker(lambda: list(gil_slices.weighted_slices(w, 4)))
    assert [i for p in parts for i in range(len(w))[p]] == list(range(len(w)))
    # each slice within the budget, or a single item heavier than it
    assert all(w[p].sum() <= 4 or p.stop - p.start == 1 for p in parts)


def test_geometries_projected_in_a_worker_are_those_projected_whole() -> None:
    from layers import mercator

    rng = np.random.default_rng(3)
    polys = np.array([shapely.buffer(shapely.Point(118 + rng.random(), 24.5 + rng.random()),
                                     0.01, quad_segs=int(rng.integers(2, 60)))
                      for _ in range(3000)] + [None, shapely.Polygon()], dtype=object)
    whole = mercator.project_geometries(polys)
    sliced = in_worker(lambda: mercator.project_geometries(polys))
    assert len(sliced) == len(polys)
    assert bool(shapely.equals_exact(sliced[:-2], whole[:-2], tolerance=0).all())
    assert sliced[-2] is None and sliced[-1].is_empty
    calls: list[int] = []
    real = mercator._projected
    mercator._projected = lambda g: (calls.append(len(g)), real(g))[1]  # type: ignore
    try:
        in_worker(lambda: mercator.project_geometries(polys))
    finally:
        mercator._projected = real  # type: ignore
    assert len(calls) > 1 and sum(calls) == len(polys)


def test_rings_flattened_in_a_worker_are_those_flattened_whole(monkeypatch) -> None:
    from layers import lod

    rng = np.random.default_rng(4)
    geoms = np.array(
        [shapely.buffer(shapely.Point(rng.random(), rng.random()), 0.01,
                        quad_segs=int(rng.integers(2, 40))) for _ in range(400)]
        + [shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]),
           shapely.box(0, 0, 5, 5).difference(shapely.box(1, 1, 2, 2)),  # a hole
           None, shapely.Polygon()], dtype=object)
    monkeypatch.setattr(lod, "FLATTEN_SLICE", 500)
    whole = lod.flatten(geoms)
    sliced = in_worker(lambda: lod.flatten(geoms))
    assert np.array_equal(sliced.xy, whole.xy)
    assert np.array_equal(sliced.offsets, whole.offsets)
    assert np.array_equal(sliced.feature, whole.feature)
    assert whole.n_rings == 400 + 2 + 2


# -- database rows a slice at a time (a sync at 1M outfalls, issue 17) ---------------------
def _table(n: int) -> Any:
    import sqlite3

    con = sqlite3.connect(":memory:", check_same_thread=False)
    con.execute("create table t (code text primary key, version integer)")
    con.executemany("insert into t values (?, ?)", [(f"PWK{i:05d}", i % 7) for i in range(n)])
    return con


def _counted_hand_overs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(gil_slices, "hand_over", lambda: calls.append(1))
    return calls


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 17])
def test_fetched_rows_are_the_cursors_rows(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    con = _table(n)
    every = con.execute("select * from t order by code").fetchall()
    calls = _counted_hand_overs(monkeypatch)
    assert list(gil_slices.fetched(con.execute("select * from t order by code"), 8)) == every
    assert calls == []  # the GUI (main) thread: no hand-over
    got = in_worker(lambda: list(gil_slices.fetched(con.execute("select * from t order by code"),
                                                    8)))
    assert got == every
    assert len(calls) == -(-n // 8)  # after each slice of 8
    slices = in_worker(lambda: list(gil_slices.fetched_slices(
        con.execute("select * from t order by code"), 8)))
    assert [len(s) for s in slices] == [min(8, n - i) for i in range(0, n, 8)]


@pytest.mark.parametrize("n", [0, 1, 8, 9, 17])
def test_executemany_in_slices_writes_every_row(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    con = _table(0)
    calls = _counted_hand_overs(monkeypatch)
    rows = ((f"C{i}", i) for i in range(n))  # a generator, as the callers pass
    in_worker(lambda: gil_slices.executemany(con, "insert into t values (?, ?)", rows, 8))
    assert con.execute("select code, version from t order by version").fetchall() == \
        [(f"C{i}", i) for i in range(n)]
    assert len(calls) == -(-n // 8)


def test_paced_hands_over_between_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted_hand_overs(monkeypatch)
    assert in_worker(lambda: list(gil_slices.paced(range(17), 8))) == list(range(17))
    assert len(calls) == 2  # before the 9th and the 17th
    assert list(gil_slices.paced(range(17), 8)) == list(range(17))
    assert len(calls) == 2


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 20])
def test_json_object_is_json_dumps(n: int) -> None:
    """A push result's JSON made in slices in a worker: the very text json.dumps makes."""
    import json

    result = {"push_id": "p-1", "rows": {f"PWK{i}": {"version": i, "row": {"名称": f"排口{i}",
                                                                           "xy": [118.5, 24.8]}}
                                         for i in range(n)},
              "conflicts": [{"code": f"PWK{i}", "field": "review_status"} for i in range(n)],
              "applied": {}, "replayed": False, 1: None, "nothing": None}
    want = json.dumps(result, ensure_ascii=False)
    assert gil_slices.json_object(result, 4) == want
    assert in_worker(lambda: gil_slices.json_object(result, 4)) == want
    assert json.loads(in_worker(lambda: gil_slices.json_object(result, 4))) == json.loads(want)


class _Clock:
    """A clock the work advances: each item of a slice costs ``per_item`` seconds."""

    def __init__(self, per_item: float) -> None:
        self.now, self.per_item = 0.0, per_item

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:  # a hand-over
        self.now += s

    def work(self, n: int) -> None:
        self.now += n * self.per_item


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    import types

    c = _Clock(per_item=1e-6)
    monkeypatch.setattr(gil_slices, "time", types.SimpleNamespace(
        perf_counter=c.perf_counter, sleep=c.sleep))
    return c


def test_slow_slices_are_cut_smaller_and_grow_back(clock: _Clock) -> None:
    """On a machine where a slice of the size asked takes 20 ms, the next ones are cut to
    about 5 ms each (gil_slices.SLICE_S); when the work gets quick again they grow back,
    never past the size asked; every item is in one slice, in order."""
    n, size = 400_000, gil_slices.SMALL_SLICE
    clock.per_item = 0.020 / size  # 20 ms a slice of the size asked
    seen: list[tuple[int, int, float]] = []

    def consume() -> None:
        for part in gil_slices.slices(n, size):
            if part.start >= n // 2:
                clock.per_item = 0.001 / size  # quick again: 1 ms a slice of the size asked
            t = clock.now
            clock.work(part.stop - part.start)
            seen.append((part.start, part.stop, clock.now - t))

    in_worker(consume)
    assert [s for s, _, _ in seen] == [0] + [e for _, e, _ in seen[:-1]]
    assert seen[-1][1] == n
    assert all(e - s <= size for s, e, _ in seen)
    assert seen[0][2] == pytest.approx(0.020)
    slow = [took for s, _, took in seen[1:] if s < n // 2]
    assert slow and max(slow) <= gil_slices.SLICE_S * 1.01
    assert seen[-2][1] - seen[-2][0] == size  # grown back to the size asked


def test_slices_are_never_cut_below_the_least(clock: _Clock) -> None:
    clock.per_item = 1.0  # a second an item: the floor holds
    sizes = in_worker(lambda: [len(fn) for fn in gil_slices.in_worker_slices(
        lambda part: (clock.work(len(part)), part)[1], np.arange(5_000), 4_096)])
    assert gil_slices.MIN_SLICE == 256
    assert sizes == [4_096, 256, 256, 256, 136]  # 5 000 in all


def test_weighted_slices_are_cut_smaller_when_slow(clock: _Clock) -> None:
    weights = np.full(10_000, 10.0)  # 100 000 in all, a budget of 10 000 a slice
    clock.per_item = 0.000_02  # 20 ms a slice of the budget (1 000 items)

    def consume() -> list[slice]:
        out = []
        for part in gil_slices.weighted_slices(weights, 10_000):
            clock.work(part.stop - part.start)
            out.append(part)
        return out

    parts = in_worker(consume)
    assert parts[0] == slice(0, 1_000)
    assert [p.start for p in parts[1:]] == [p.stop for p in parts[:-1]]
    assert parts[-1].stop == 10_000
    assert all(p.stop - p.start <= 250 for p in parts[1:])  # ~5 ms each: a quarter
