"""GeoPackage blobs encoded a column at a time, and bulk inserts that keep GDAL's R-tree."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata import gpkg_sql
from geodata.store import read_layer, write_layers
from tests.gpkg_rows import TRIGGERS, rows_of
from tests.workers import in_worker

SQUARE = [(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)]
HOLE = [(1, 1), (2, 1), (2, 2), (1, 1)]
GEOMS = [
    shapely.Point(118.59, 24.91),
    shapely.Point(0.0, 0.0),  # WKB ending in zero bytes
    shapely.Point(-1e-300, 5e-324),
    shapely.Point(118.5, 24.9, 12.0),  # Z is dropped, as by geom_to_blob
    shapely.LineString([(118.5, 24.9), (118.6, 25.0), (118.7, 24.8)]),
    shapely.Polygon(SQUARE, [HOLE]),
    shapely.MultiPoint([(1, 2), (3, 4)]),
    shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 5)]]),
    shapely.MultiPolygon([shapely.Polygon(SQUARE), shapely.box(10, 10, 11, 12)]),
    shapely.GeometryCollection([shapely.Point(1, 1), shapely.LineString([(0, 0), (2, 3)])]),
    shapely.Point(), shapely.LineString(), shapely.Polygon(), shapely.MultiPoint(),
    shapely.MultiPolygon(), shapely.GeometryCollection(),
    None,
]


def _per_row(geoms: list[object], srs_id: int = 4490) -> list[bytes | None]:
    return [gpkg_sql.geom_to_blob(g, srs_id) for g in geoms]  # type: ignore[arg-type]


@pytest.mark.parametrize("geoms", [
    GEOMS,
    GEOMS[::-1],
    [g for g in GEOMS if g is not None and not g.is_empty],
    [shapely.Point(x, y) for x, y in np.random.default_rng(1).uniform(-180, 180, (500, 2))],
    [shapely.Point(1, 2), None, shapely.Point(), shapely.Point(3, 4)],
    [None, None], [shapely.Polygon()], [GEOMS[5]], [],
], ids=["all kinds", "reversed", "non-empty", "500 points", "points with gaps", "all None",
        "one empty", "one polygon", "nothing"])
def test_geoms_to_blobs_is_byte_identical_to_geom_to_blob(geoms: list[object]) -> None:
    assert gpkg_sql.geoms_to_blobs(geoms) == _per_row(geoms)
    assert gpkg_sql.geoms_to_blobs(np.array(geoms, dtype=object), 4326) == \
        _per_row(geoms, 4326)
    if geoms:
        series = gpd.GeoSeries(geoms, crs="EPSG:4490")
        assert gpkg_sql.geoms_to_blobs(series.array) == _per_row(geoms)


def test_blobs_decode_back() -> None:
    for geom, blob in zip(GEOMS, gpkg_sql.geoms_to_blobs(GEOMS), strict=True):
        back = gpkg_sql.blob_to_geom(blob)
        if geom is None:
            assert back is None
        else:
            assert shapely.equals_exact(back, shapely.force_2d(geom)) or \
                (back.is_empty and geom.is_empty)


def test_blobs_decode_back_a_column_at_a_time(monkeypatch) -> None:
    blobs = gpkg_sql.geoms_to_blobs(GEOMS)
    want = [gpkg_sql.blob_to_geom(b) for b in blobs]

    def same(got: np.ndarray) -> bool:
        return len(got) == len(want) and all(
            (a is None and b is None) or (a is not None and b is not None and (
                shapely.equals_exact(a, b) or (a.is_empty and b.is_empty)))
            for a, b in zip(got, want, strict=True))

    assert same(gpkg_sql.blobs_to_geoms(blobs))
    monkeypatch.setattr(gpkg_sql.gil_slices, "SMALL_SLICE", 4)  # slices in a worker
    assert same(in_worker(lambda: gpkg_sql.blobs_to_geoms(blobs)))
    assert len(gpkg_sql.blobs_to_geoms([])) == 0


@pytest.fixture
def layer(tmp_path: Path) -> Path:
    path = tmp_path / "w.gpkg"
    frame = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[shapely.Point(118.5, 24.9),
                                                             shapely.Point(118.6, 25.0)],
                             crs="EPSG:4490")
    write_layers(path, {"pts": frame})
    return path


def _state(path: Path) -> tuple[object, ...]:
    return rows_of(path, "select * from rtree_pts_geom order by id",
                   "select feature_count from gpkg_ogr_contents where table_name='pts'",
                   TRIGGERS, "select fid, code, hex(geom) from pts order by fid",
                   "select * from sqlite_sequence where name='pts'")


def _insert_rows(layer: Path, geoms: list[Any]) -> None:
    """``geoms`` added to ``layer``'s ``pts`` (codes n0, n1, …) in one transaction."""
    con = gpkg_sql.connect(layer)
    con.execute("begin immediate")
    gpkg_sql.insert_features(con, "pts", ["geom", "code"],
                             [(b, f"n{i}") for i, b in enumerate(gpkg_sql.geoms_to_blobs(geoms))],
                             geoms)
    con.execute("commit")
    con.close()


def test_insert_features_matches_the_gdal_triggers(layer: Path, tmp_path: Path) -> None:
    other = tmp_path / "by_triggers.gpkg"
    other.write_bytes(layer.read_bytes())
    geoms = [shapely.Point(118.7, 24.8), None, shapely.Point(), GEOMS[5], GEOMS[8]]
    rows = [(b, f"n{i}") for i, b in enumerate(gpkg_sql.geoms_to_blobs(geoms))]
    con = gpkg_sql.connect(layer)
    con.execute("begin immediate")
    fids = gpkg_sql.insert_features(con, "pts", ["geom", "code"], rows, geoms)
    con.execute("commit")
    con.close()
    assert fids == [3, 4, 5, 6, 7]
    con = gpkg_sql.connect(other)  # the same rows one by one, GDAL's triggers firing
    con.execute("begin immediate")
    for row in rows:
        con.execute("insert into pts (geom, code) values (?, ?)", row)
    con.execute("commit")
    con.close()
    assert _state(layer) == _state(other)
    assert len(_state(layer)[0]) == 5  # two old points, one new point, polygon, multipolygon
    assert read_layer(layer, "pts")["code"].tolist() == ["a", "b", "n0", "n1", "n2", "n3", "n4"]


def test_insert_features_rolls_back_with_the_transaction(layer: Path) -> None:
    before = _state(layer)
    geoms = [shapely.Point(118.7, 24.8)]
    con = gpkg_sql.connect(layer)
    con.execute("begin immediate")
    gpkg_sql.insert_features(con, "pts", ["geom", "code"],
                             [(gpkg_sql.geom_to_blob(geoms[0]), "c")], geoms)
    con.execute("rollback")
    con.close()
    assert _state(layer) == before
    con = gpkg_sql.connect(layer)
    with pytest.raises(RuntimeError):
        gpkg_sql.insert_features(con, "pts", ["geom", "code"], [(None, "d")], [None])
    con.close()


def test_delete_features_matches_the_gdal_triggers(layer: Path, tmp_path: Path) -> None:
    _insert_rows(layer, [shapely.Point(118.7, 24.8), None, shapely.Point(), GEOMS[5]])
    other = tmp_path / "by_triggers.gpkg"
    other.write_bytes(layer.read_bytes())
    gone = [6, 2, 3, 4, 99]  # 99 does not exist: nothing to delete, nothing counted
    con = gpkg_sql.connect(layer)
    con.execute("begin immediate")
    gpkg_sql.delete_features(con, "pts", "geom", gone)
    con.execute("commit")
    con.close()
    con = gpkg_sql.connect(other)
    con.execute("begin immediate")
    for fid in gone:
        con.execute("delete from pts where fid=?", (fid,))
    con.execute("commit")
    con.close()
    assert _state(layer) == _state(other)
    assert read_layer(layer, "pts")["code"].tolist() == ["a", "n2"]


def test_insert_and_delete_in_a_worker_in_slices_match_the_gdal_triggers(
        layer: Path, tmp_path: Path, monkeypatch) -> None:
    """In a worker the rows, their R-tree rows and the deletes go a few rows per call with
    the GIL handed over between (gpkg_sql.ROW_SLICE): the file is the one GDAL's triggers
    make."""

    monkeypatch.setattr(gpkg_sql, "ROW_SLICE", 3)
    other = tmp_path / "by_triggers.gpkg"
    other.write_bytes(layer.read_bytes())
    geoms = [shapely.Point(118.7 + i / 100, 24.8) if i % 4 else None for i in range(11)]
    rows = [(b, f"n{i}") for i, b in enumerate(gpkg_sql.geoms_to_blobs(geoms))]
    gone = [13, 3, 4, 5, 6, 7, 8, 99]

    def work() -> None:
        con = gpkg_sql.connect(layer)
        con.execute("begin immediate")
        gpkg_sql.insert_features(con, "pts", ["geom", "code"], rows, geoms)
        gpkg_sql.delete_features(con, "pts", "geom", gone)
        con.execute("commit")
        con.close()

    in_worker(work)
    con = gpkg_sql.connect(other)
    con.execute("begin immediate")
    for row in rows:
        con.execute("insert into pts (geom, code) values (?, ?)", row)
    for fid in gone:
        con.execute("delete from pts where fid=?", (fid,))
    con.execute("commit")
    con.close()
    assert _state(layer) == _state(other)
    assert read_layer(layer, "pts")["code"].tolist() == ["a", "b", "n6", "n7", "n8", "n9"]


def test_read_table_makes_the_frame_pandas_read_sql_makes(tmp_path: Any) -> None:
    """store.read_table builds its frame a column at a time (so a worker hands the GIL
    over between columns): the same columns, types and values as pandas.read_sql_query."""
    import threading

    import pandas as pd

    from geodata import store

    path = tmp_path / "t.gpkg"
    con = sqlite3.connect(path)
    con.execute("create table t (fid integer primary key, n integer, x real, s text, "
                "maybe text, blank text, mixed real)")
    con.executemany("insert into t (n, x, s, maybe, blank, mixed) values (?,?,?,?,?,?)",
                    [(i, i / 3, f"排污口{i}", None if i % 2 else "有", None,
                      None if i % 3 else float(i)) for i in range(5000)])
    con.execute("create table empty (fid integer primary key, a text, b integer)")
    con.commit()
    con.close()
    for table in ("t", "empty"):
        want = pd.read_sql_query(f'select * from "{table}"', sqlite3.connect(path)) \
            .drop(columns=["fid"])
        pd.testing.assert_frame_equal(store.read_table(path, table), want)
        got: dict[str, Any] = {}

        def run(table: str = table, got: dict[str, Any] = got) -> None:  # in a worker
            got["frame"] = store.read_table(path, table)

        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
        pd.testing.assert_frame_equal(got["frame"], want)


#: (fid, new geometry) updates of every kind: the same point written again (1), to null
#: (2), null to empty (3), moved (4), empty to a polygon (5), a polygon to a multipolygon
#: (6), a multipolygon to a point (7); 99 does not exist
_UPDATES = [(1, shapely.Point(118.5, 24.9)), (2, None), (3, shapely.Point()),
            (4, shapely.Point(118.55, 24.95)), (5, GEOMS[5]), (6, GEOMS[8]),
            (7, shapely.Point(118.6, 24.7)), (99, shapely.Point(1, 1))]


def _layer_for_updates(layer: Path) -> None:
    """Rows 3-7 besides ``layer``'s two points: null, a point, empty, a polygon and a
    multipolygon geometry."""
    _insert_rows(layer, [None, shapely.Point(118.61, 24.81), shapely.Point(), GEOMS[5],
                         GEOMS[8]])


def _by_triggers(layer: Path, tmp_path: Path) -> Path:
    """A copy of ``layer`` with :data:`_UPDATES` made row by row, GDAL's triggers firing."""
    other = tmp_path / "by_triggers.gpkg"
    other.write_bytes(layer.read_bytes())
    con = gpkg_sql.connect(other)
    con.execute("begin immediate")
    for fid, geom in _UPDATES:
        con.execute("update pts set geom=?, code=? where fid=?",
                    (gpkg_sql.geom_to_blob(geom), f"u{fid}", fid))
    con.execute("commit")
    con.close()
    return other


def _update_in_bulk(layer: Path) -> None:
    con = gpkg_sql.connect(layer)
    con.execute("begin immediate")
    with gpkg_sql.geometry_updates(con, "pts", "geom") as updated:
        triggers = con.execute("select count(*) from sqlite_master where type='trigger' "
                               "and name like 'rtree_pts_geom_update%'").fetchone()[0]
        assert triggers <= 2  # the same-fid ones are suspended, the changed-fid ones kept
        for fid, geom in _UPDATES:
            con.execute("update pts set geom=?, code=? where fid=?",
                        (gpkg_sql.geom_to_blob(geom), f"u{fid}", fid))
            updated.append(fid)
    con.execute("commit")
    con.close()


def test_geometry_updates_match_the_gdal_triggers(layer: Path, tmp_path: Path) -> None:
    """R-tree rows remade in bulk at the end of ``geometry_updates``: the file is the one
    GDAL's update triggers make row by row, triggers included."""
    _layer_for_updates(layer)
    other = _by_triggers(layer, tmp_path)
    before = _state(layer)
    _update_in_bulk(layer)
    assert _state(layer) == _state(other)
    assert _state(layer)[2] == before[2]  # every trigger back, as it was
    boxes = {row[0] for row in _state(layer)[0]}
    assert boxes == {1, 4, 5, 6, 7}  # none for the null and the empty geometry


def test_geometry_updates_in_a_worker_in_slices_match_the_gdal_triggers(
        layer: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(gpkg_sql, "ROW_SLICE", 2)
    _layer_for_updates(layer)
    other = _by_triggers(layer, tmp_path)
    in_worker(lambda: _update_in_bulk(layer))
    assert _state(layer) == _state(other)


def test_geometry_updates_give_the_triggers_back_after_an_error(layer: Path) -> None:
    _layer_for_updates(layer)
    before = _state(layer)
    con = gpkg_sql.connect(layer)
    con.execute("begin immediate")
    with pytest.raises(ZeroDivisionError):
        with gpkg_sql.geometry_updates(con, "pts", "geom") as updated:
            con.execute("update pts set geom=? where fid=1",
                        (gpkg_sql.geom_to_blob(shapely.Point(1, 2)),))
            updated.append(1)
            _ = 1 / 0
    # a caller that goes on and commits keeps GDAL's triggers
    assert con.execute("select name, sql from sqlite_master where type='trigger' "
                       "order by name").fetchall() == before[2]
    con.execute("rollback")
    con.close()
    assert _state(layer) == before
    con = gpkg_sql.connect(layer)
    with pytest.raises(RuntimeError):  # outside a transaction
        with gpkg_sql.geometry_updates(con, "pts", "geom"):
            pass
    con.close()


def _bare_point_blob(wkb: bytes, flags: int = 0x01) -> bytes:
    """A GeoPackage blob without an envelope, as GDAL writes points."""
    return b"GP" + bytes([0, flags]) + (4490).to_bytes(4, "little") + wkb


@pytest.mark.parametrize("wkb", [
    shapely.to_wkb(shapely.Point(118.59, 24.91), byte_order=1),
    shapely.to_wkb(shapely.Point(118.59, 24.91), byte_order=0),
    shapely.to_wkb(shapely.Point(-1e-300, 5e-324), byte_order=1),
    shapely.to_wkb(shapely.Point(118.5, 24.9, 12.0), byte_order=1, flavor="iso"),
    shapely.to_wkb(shapely.Point(118.5, 24.9, 12.0), byte_order=0, flavor="iso"),
    shapely.to_wkb(shapely.Point(118.5, 24.9, 12.0), byte_order=1),  # EWKB's Z flag
    shapely.to_wkb(shapely.Point(), byte_order=1),  # NaN, NaN
    shapely.to_wkb(shapely.MultiPoint([(1, 2), (3, 5)]), byte_order=1),
    shapely.to_wkb(shapely.LineString([(0, 0), (2, 3)]), byte_order=0),
], ids=["le", "be", "tiny", "z iso le", "z iso be", "z ewkb", "empty", "multipoint",
        "line"])
def test_bounds_of_blobs_without_an_envelope_are_the_geometrys(wkb: bytes) -> None:
    """GDAL's point blobs carry no envelope: their boxes (what the R-tree triggers and an
    undo's R-tree refresh store) are read from the WKB's coordinates, as decoding it does."""
    blob = _bare_point_blob(wkb)
    geom = shapely.from_wkb(wkb)
    want = None if geom.is_empty else tuple(shapely.bounds(geom).tolist())
    assert gpkg_sql._bounds(blob) == want
    assert gpkg_sql._is_empty(blob) == (1 if want is None else 0)


def test_geometry_updates_of_gdals_point_blobs_match_the_gdal_triggers(
        layer: Path, tmp_path: Path) -> None:
    """An undo writes back the blobs it kept, GDAL's for a layer GDAL wrote: the R-tree
    made in bulk from them is the one the triggers make."""
    con = sqlite3.connect(layer)
    gdal_blobs = dict(con.execute("select fid, geom from pts").fetchall())
    con.close()
    assert all(b[3] & 0x0E == 0 for b in gdal_blobs.values())  # (no envelope: GDAL's)
    swaps = [(1, gdal_blobs[2]), (2, gdal_blobs[1])]
    other = tmp_path / "by_triggers.gpkg"
    other.write_bytes(layer.read_bytes())
    con = gpkg_sql.connect(other)
    con.execute("begin immediate")
    for fid, blob in swaps:
        con.execute("update pts set geom=? where fid=?", (blob, fid))
    con.execute("commit")
    con.close()
    con = gpkg_sql.connect(layer)
    con.execute("begin immediate")
    with gpkg_sql.geometry_updates(con, "pts", "geom") as updated:
        for fid, blob in swaps:
            con.execute("update pts set geom=? where fid=?", (blob, fid))
            updated.append(fid)
    con.execute("commit")
    con.close()
    assert _state(layer) == _state(other)
    box = _state(layer)[0][0]
    assert box[0] == 1 and box[1] == pytest.approx(118.6) and box[3] == pytest.approx(25.0)
