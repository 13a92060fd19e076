"""The import's write made in slices (issue 17, event-loop gaps) gives what it gave whole.

A worker makes an import's rows a slice at a time (``RowSlices``, ``_values_at``) and looks
up only the rows of the file's codes (``_existing_of``); on the GUI thread and in one piece
the old functions still run.  Here both are compared, in a worker thread, with slices small
enough that sizes around a slice boundary, empty frames and missing geometry all occur.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata import gil_slices, gpkg_sql, store
from geodata.io import workspace_import as wi
from tests.workers import in_worker


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 13])
def test_slices_cover_every_item_once_in_order(n: int) -> None:
    whole = list(gil_slices.slices(n, 4))
    assert whole == [slice(0, n)]  # the main thread: one piece
    parts = in_worker(lambda: list(gil_slices.slices(n, 4)))
    assert [i for p in parts for i in range(n)[p]] == list(range(n))
    assert all(0 < p.stop - p.start <= 4 for p in parts) or n == 0


def _frame(n: int) -> gpd.GeoDataFrame:
    """Text with gaps, numbers with NaN, points, missing and empty geometry."""
    rng = np.random.default_rng(n)
    geoms = [shapely.Point(118 + rng.random(), 24 + rng.random()) for _ in range(n)]
    for i in range(0, n, 5):
        geoms[i] = None
    for i in range(3, n, 7):
        geoms[i] = shapely.Point()
    return gpd.GeoDataFrame({
        "code": pd.Series([f"C{i:05d}" for i in range(n)], dtype="str"),
        "name_zh": pd.Series([None if i % 3 == 0 else f"排口{i}" for i in range(n)],
                             dtype="str"),
        "flow": pd.Series([np.nan if i % 4 == 0 else i * 1.5 for i in range(n)]),
        "kind": pd.Series(["a" if i % 2 else "b" for i in range(n)], dtype="category"),
    }, geometry=gpd.GeoSeries(geoms, crs=4490))


@pytest.mark.parametrize("column_slice", [8, 10, 64])
@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 8, 9, 17])
def test_row_slices_are_the_rows_made_whole(n: int, column_slice: int, monkeypatch) -> None:
    monkeypatch.setattr(wi, "ROW_SLICE", 4)
    monkeypatch.setattr(wi, "COLUMN_SLICE", column_slice)
    frame = _frame(n)
    cols = ["code", "name_zh", "flow", "kind"]
    whole = wi._rows(frame, cols)
    rows = wi.RowSlices(frame, cols)
    assert len(rows) == n
    assert in_worker(lambda: list(rows)) == whole
    assert list(rows) == whole  # on the main thread too
    assert [rows[i] for i in range(n)] == whole
    if n:
        assert rows[-1] == whole[-1] and rows[1:3] == whole[1:3]
        with pytest.raises(IndexError):
            rows[n]


@pytest.mark.parametrize("n", [0, 1, 4, 5, 9, 40])
def test_values_at_are_the_values_taken_whole(n: int, monkeypatch) -> None:
    monkeypatch.setattr(gil_slices, "SLICE", 16)  # _values_at's slices are SLICE // 4
    column = pd.Series([None if i % 6 == 0 else f"P{i}" for i in range(n)],
                       dtype="str").astype(str)
    for index in (list(range(n)), list(range(0, n, 3)), list(range(n))[::-1], []):
        expected = column.to_numpy()[index].tolist()
        got = in_worker(lambda index=index: wi._values_at(column, index))
        assert len(got) == len(expected)
        assert all(a == b or (a != a and b != b) for a, b in zip(got, expected, strict=True))


@pytest.fixture
def outfalls_db(tmp_path) -> Path:
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(store.bundled_path(), path)
    return path


def _cols(con: sqlite3.Connection) -> tuple[str, list[str]]:
    gcol = gpkg_sql.geometry_column(con, "outfalls")
    cols = [c for c in wi._table_columns(con, "outfalls") if c not in ("fid", gcol)]
    return gcol, cols


def _subset(full: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    return {k: v for k, v in full.items() if k in set(codes)}


def test_existing_of_is_the_whole_read_restricted_to_the_codes(outfalls_db) -> None:
    con = gpkg_sql.connect(outfalls_db)
    try:
        gcol, cols = _cols(con)
        codes = [str(c) for (c,) in con.execute("select code from outfalls order by fid")]
        # a code given to two rows (the last in fid order wins) and a row without a code
        con.execute("update outfalls set code=? where fid=(select max(fid) from outfalls)",
                    (codes[0],))
        con.execute("update outfalls set code=null where fid=(select min(fid) from outfalls "
                    "where fid > (select min(fid) from outfalls))")
        full = wi._existing(con, "outfalls", gcol, cols)
        for asked in (codes[:5] + ["NOPE", codes[0]], [], ["NOPE"], codes, codes[::-1]):
            got = wi._existing_of(con, "outfalls", gcol, cols, asked)
            assert got == _subset(full, asked)
            assert list(got) == [k for k in full if k in set(asked)]  # the same order
        # what SQL would not find the same way: the whole read then
        assert wi._existing_of(con, "outfalls", gcol, cols, ["None"]) is None
        con.execute("update outfalls set code=12345 where fid=(select max(fid) from outfalls)")
        assert con.execute("select typeof(code) from outfalls where code='12345'").fetchone() \
            == ("text",)  # a TEXT column keeps a number as text: still exact
        assert wi._existing_of(con, "outfalls", gcol, cols, ["12345"]) \
            == _subset(wi._existing(con, "outfalls", gcol, cols), ["12345"])
        con.execute("update outfalls set code=x'01' where fid=(select max(fid) from outfalls)")
        assert wi._existing_of(con, "outfalls", gcol, cols, codes[:3]) is None
    finally:
        con.close()


def _dump(path: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        gcol = gpkg_sql.geometry_column(con, "outfalls")
        rows = con.execute("select * from outfalls order by fid").fetchall()
        rtree = con.execute(f'select * from "rtree_outfalls_{gcol}" order by id').fetchall()
        count = con.execute("select feature_count from gpkg_ogr_contents where "
                            "lower(table_name)='outfalls'").fetchall()
        return [*rows, ("rtree", *rtree), ("count", *count)]
    finally:
        con.close()


def _rtree_rows(path: Path) -> tuple[list[Any], list[Any]]:
    """The layer's R-tree rows, and the rows an R-tree made afresh from the stored blobs
    holds (the bounds GDAL's triggers would write, with the R-tree's own rounding)."""
    con = sqlite3.connect(path)
    try:
        gcol = gpkg_sql.geometry_column(con, "outfalls")
        con.execute("create virtual table temp.fresh using rtree(id, minx, maxx, miny, maxy)")
        for fid, blob in con.execute(f'select fid, "{gcol}" from outfalls').fetchall():
            b = gpkg_sql._bounds(blob)
            if b is not None:
                con.execute("insert into temp.fresh values (?,?,?,?,?)",
                            (fid, b[0], b[2], b[1], b[3]))
        return (con.execute(f'select * from "rtree_outfalls_{gcol}" order by id').fetchall(),
                con.execute("select * from temp.fresh order by id").fetchall())
    finally:
        con.close()


def _write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(["排污口编码,排污口名称,经度,纬度,受纳水体", *rows]) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("slice_rows", [3, 8_192])
def test_an_import_in_slices_writes_and_undoes_what_it_did_whole(
        outfalls_db, tmp_path, monkeypatch, slice_rows: int) -> None:
    """New and updated outfalls, imported in a worker with tiny slices and on the main
    thread whole: the same file afterwards, the same undo rows, and the undo gives the
    file back as it was."""
    con = sqlite3.connect(outfalls_db)
    old = [str(c) for (c,) in con.execute("select code from outfalls order by fid limit 4")]
    con.close()
    lines = [f"PWK350582H09{i:02d},新增排口{i},118.6{i % 10}12,24.7{i % 10}05,深沪湾"
             for i in range(11)]
    lines += [f"{c},改名{i},118.55,24.75,深沪湾" for i, c in enumerate(old)]
    src = _write_csv(tmp_path / "import.csv", lines)
    before = _dump(outfalls_db)
    whole_db = tmp_path / "whole.gpkg"
    shutil.copyfile(outfalls_db, whole_db)

    whole = wi.import_file(src, whole_db, "outfalls")
    monkeypatch.setattr(wi, "ROW_SLICE", slice_rows)
    sliced = in_worker(lambda: wi.import_file(src, outfalls_db, "outfalls"))
    assert (sliced.new, sliced.updated, sliced.unchanged) == \
        (whole.new, whole.updated, whole.unchanged)
    assert len(sliced.new) == 11 and len(sliced.updated) == 4
    assert _dump(outfalls_db) == _dump(whole_db)
    stored, fresh = _rtree_rows(outfalls_db)  # the moved outfalls' boxes moved with them
    assert stored == fresh and len(stored) == len(before) - 2 + 11

    def undo_rows(path: Path) -> list[tuple[Any, ...]]:
        c = sqlite3.connect(path)
        try:
            rows = c.execute("select layer, action, code, fid, previous from import_undo "
                             "order by rowid").fetchall()
            return [(*r[:4], json.loads(r[4]) if r[4] else None) for r in rows]
        finally:
            c.close()

    assert undo_rows(outfalls_db) == undo_rows(whole_db)
    in_worker(lambda: wi.undo_import(outfalls_db, int(sliced.batch_id or 0)))
    assert _dump(outfalls_db) == before
    wi.undo_import(whole_db, int(whole.batch_id or 0))  # on the main thread
    assert _dump(whole_db) == before


def test_same_values_is_same_pair_by_pair(monkeypatch) -> None:
    """The import's column-wise comparison says what ``_same`` says of each pair: numbers
    stored as text, missing values, NaN, bytes, in a worker a slice at a time."""
    values = [None, "", 1, 1.0, "1", "1.0", float("nan"), "abc", "ABC", b"x", b"y", True,
              0, "0.0000000001", 2.5, "2.5", "排污口", "排污口 "]
    olds = [a for a in values for _ in values]
    news = [b for _ in values for b in values]
    want = [wi._same(a, b) for a, b in zip(olds, news, strict=True)]
    assert wi._same_values(olds, news).tolist() == want
    monkeypatch.setattr(gil_slices, "SMALL_SLICE", 7)
    assert in_worker(lambda: wi._same_values(olds, news).tolist()) == want


@pytest.mark.parametrize("n", [0, 1, 4, 5, 9])
def test_codes_cleaned_in_a_worker_in_slices_are_those_cleaned_whole(n: int,
                                                                     monkeypatch) -> None:
    from geodata.io import validation

    monkeypatch.setattr(gil_slices, "SMALL_SLICE", 4)
    raw = [None, " PWK350582H0001 ", float("nan"), "PWK350582R0002", 12, "  ", "x",
           "PWK350582H0003", None][:n]
    for column in (pd.Series(raw, dtype=object),
                   pd.Series([None if v is None or isinstance(v, (int, float)) else v
                              for v in raw], dtype="str")):
        whole = column.map(validation._clean_code)
        sliced = in_worker(lambda column=column: validation._clean_codes(column))
        assert sliced.tolist() == whole.tolist()
        assert sliced.index.equals(whole.index)
        assert str(sliced.dtype) == str(whole.dtype) or n == 0
