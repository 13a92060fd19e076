"""Direct SQL access to a GeoPackage for transactional edits.

Edits (outfall review, imports) must land in one SQLite transaction together with their
audit rows, which GDAL's layer API cannot give us across several tables.  So edits go
through sqlite3 directly, with:

- the GeoPackage geometry blob encoding (header + envelope + WKB), one geometry at a time
  (:func:`geom_to_blob`) or a whole column in a few numpy calls (:func:`geoms_to_blobs`),
- the SQL functions GDAL's R-tree triggers call (``ST_IsEmpty``, ``ST_MinX`` …).  A
  GeoPackage written by GDAL carries triggers that keep ``rtree_<table>_<column>`` in step
  with the features; they fail with "no such function" on a plain sqlite3 connection, and
- :func:`insert_features`, :func:`delete_features` and :func:`geometry_updates`, which do
  those triggers' work in bulk for many rows.

The connection uses WAL-free rollback journaling (the GeoPackage default) with
``synchronous=FULL`` so that a commit is durable before we report success.
"""

from __future__ import annotations

import os
import re
import sqlite3
import struct
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geodata import gil_slices

_EMPTY_FLAG = 0x10
_ENVELOPE_LEN = (0, 32, 48, 48, 64, 0, 0, 0)
_LE_4D = struct.Struct("<4d")
_BE_4D = struct.Struct(">4d")
# a WKB point: its type (uint32) and x, y, read in the WKB's own byte order
_LE_POINT = struct.Struct("<I2d")
_BE_POINT = struct.Struct(">I2d")
#: WKB type codes of a point: 2D, Z, M, ZM (ISO); EWKB's Z/M flags are not in GeoPackages
_POINT_TYPES = frozenset((1, 1001, 2001, 3001))


def geom_to_blob(geom: shapely.Geometry | None, srs_id: int = 4490) -> bytes | None:
    """Encode a shapely geometry as a GeoPackage geometry blob (little endian, XY envelope)."""
    if geom is None:
        return None
    wkb = shapely.to_wkb(geom, byte_order=1, include_srid=False, output_dimension=2)
    if shapely.is_empty(geom):
        flags = 0x01 | _EMPTY_FLAG  # little endian, no envelope, empty
        return b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id) + wkb
    minx, miny, maxx, maxy = shapely.bounds(geom).tolist()
    flags = 0x01 | (1 << 1)  # little endian, envelope [minx, maxx, miny, maxy]
    header = b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id)
    return header + struct.pack("<4d", minx, maxx, miny, maxy) + wkb


def _join_rows(prefix: np.ndarray, wkbs: np.ndarray) -> list[bytes]:
    """``prefix[i] + wkbs[i]`` for every row; ``prefix`` is an (n, k) uint8 array.

    The bytes are assembled in one numpy buffer.  When every WKB has the same length (points
    always do), the rows come out of a fixed-width void view without a Python loop;
    otherwise the buffer is cut at the row offsets.
    """
    n, k = prefix.shape
    data = np.frombuffer(b"".join(wkbs.tolist()), dtype=np.uint8)
    lengths = np.fromiter(map(len, wkbs), dtype=np.int64, count=n)
    if (lengths == lengths[0]).all():
        rows = np.empty((n, k + int(lengths[0])), dtype=np.uint8)
        rows[:, :k] = prefix
        rows[:, k:] = data.reshape(n, int(lengths[0]))
        return rows.view(f"V{rows.shape[1]}").ravel().tolist()
    ends = np.cumsum(lengths + k)
    starts = ends - lengths - k
    buf = np.empty(int(ends[-1]), dtype=np.uint8)
    head = (starts[:, None] + np.arange(k)).ravel()
    body = np.ones(len(buf), dtype=bool)
    body[head] = False
    buf[head] = prefix.ravel()
    buf[body] = data
    raw = buf.tobytes()
    return [raw[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def geoms_to_blobs(geoms: Any, srs_id: int = 4490) -> list[bytes | None]:
    """:func:`geom_to_blob` for a whole column: byte for byte the same blobs, in a few
    vectorised calls (one ``shapely.to_wkb``, one ``shapely.bounds``, numpy for the headers).

    ``geoms`` is anything ``numpy.asarray`` turns into shapely geometries or ``None``
    (a list, an object array, a GeoSeries' ``.array``).  Returns a list (``None`` for None).
    """
    arr = np.asarray(geoms, dtype=object).ravel()
    out = np.full(len(arr), None, dtype=object)
    if not len(arr):
        return []
    wkb = shapely.to_wkb(arr, byte_order=1, include_srid=False, output_dimension=2)
    empty = shapely.is_empty(arr)  # False for None
    full = ~shapely.is_missing(arr) & ~empty
    srs = np.frombuffer(struct.pack("<i", srs_id), dtype=np.uint8)
    idx = np.flatnonzero(full)
    if len(idx):
        prefix = np.empty((len(idx), 40), dtype=np.uint8)
        prefix[:, :4] = np.frombuffer(b"GP" + bytes([0, 0x01 | (1 << 1)]), dtype=np.uint8)
        prefix[:, 4:8] = srs
        env = shapely.bounds(arr[idx])[:, [0, 2, 1, 3]]  # [minx, maxx, miny, maxy]
        prefix[:, 8:] = np.ascontiguousarray(env, dtype="<f8").view(np.uint8)
        out[idx] = _join_rows(prefix, wkb[idx])
    idx = np.flatnonzero(empty)
    if len(idx):
        prefix = np.empty((len(idx), 8), dtype=np.uint8)
        prefix[:, :4] = np.frombuffer(b"GP" + bytes([0, 0x01 | _EMPTY_FLAG]), dtype=np.uint8)
        prefix[:, 4:8] = srs
        out[idx] = _join_rows(prefix, wkb[idx])
    return out.tolist()


def _envelope_len(flags: int) -> int:
    return _ENVELOPE_LEN[(flags >> 1) & 0x07]


def blob_to_geom(blob: bytes | None) -> shapely.Geometry | None:
    """Decode a GeoPackage geometry blob to a shapely geometry."""
    if blob is None:
        return None
    flags = blob[3]
    start = 8 + _envelope_len(flags)
    return shapely.from_wkb(bytes(blob[start:]))


def blobs_to_geoms(blobs: Sequence[bytes | None]) -> np.ndarray:
    """:func:`blob_to_geom` of each blob, as a shapely array (None for a missing blob):
    the headers cut off in Python, the WKB decoded in one call a slice of 16k, the GIL
    handed over between slices in a worker."""
    def part(piece: Sequence[bytes | None]) -> np.ndarray:
        wkb = [None if b is None else bytes(b[8 + _envelope_len(b[3]):]) for b in piece]
        return shapely.from_wkb(np.asarray(wkb, dtype=object))

    parts = gil_slices.in_worker_slices(part, list(blobs), gil_slices.SMALL_SLICE)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _bounds(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None:
        return None
    flags = blob[3]
    if flags & _EMPTY_FLAG:
        return None
    if _ENVELOPE_LEN[(flags >> 1) & 0x07]:  # the trigger functions: keep this path short
        minx, maxx, miny, maxy = (_LE_4D if flags & 0x01 else _BE_4D).unpack_from(blob, 8)
        return minx, miny, maxx, maxy
    if len(blob) >= 29:  # GDAL writes points without an envelope: the point is its box
        kind, x, y = (_LE_POINT if blob[8] == 1 else _BE_POINT).unpack_from(blob, 9)
        if kind in _POINT_TYPES:
            # (decoding it with shapely was ~30 us a row, three calls that each take and
            # let go of the GIL: an undo's R-tree refresh of 1 000 outfalls held a waiting
            # GUI thread 15-20 ms, bench/README.md, issue 17, session 33)
            return None if x != x or y != y else (x, y, x, y)  # (NaN: POINT EMPTY)
    geom = blob_to_geom(blob)
    if geom is None or shapely.is_empty(geom):
        return None
    b = shapely.bounds(geom).tolist()
    return b[0], b[1], b[2], b[3]


def _is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    return 1 if _bounds(blob) is None else 0


def _coord(index: int):  # type: ignore[no-untyped-def]
    def func(blob: bytes | None) -> float | None:
        b = _bounds(blob)
        return None if b is None else b[index]

    return func


def _bulk_triggers(con: sqlite3.Connection, table: str, gcol: str, event: str = "insert"
                   ) -> tuple[dict[str, str], str | None, bool]:
    """GDAL's per-row ``event`` ('insert' or 'delete') triggers on ``table`` that
    :func:`insert_features` and :func:`delete_features` do in bulk instead.

    Returns ``({name: sql}, R-tree table or None, whether the feature count trigger is one
    of them)``.  A trigger of the expected name whose text is not what GDAL writes is left
    alone (it then fires row by row, which is slow but right).
    """
    found = dict(con.execute("select name, sql from sqlite_master where type='trigger' and "
                             "tbl_name=?", (table,)).fetchall())
    out: dict[str, str] = {}
    rtree_name = f"rtree_{table}_{gcol}"
    rtree = None
    sql = found.get(f"{rtree_name}_{event}") or ""
    expected = (f'INSERT OR REPLACE INTO "{rtree_name}"' if event == "insert" else
                f'DELETE FROM "{rtree_name}" WHERE id = OLD."')
    if expected in sql and f"AFTER {event.upper()}" in sql.upper():
        out[f"{rtree_name}_{event}"], rtree = sql, rtree_name
    counter = f"trigger_{event}_feature_count_{table}"
    sql = found.get(counter) or ""
    sign = "+" if event == "insert" else "-"
    counted = f"feature_count = feature_count {sign} 1" in sql and "gpkg_ogr_contents" in sql
    if counted:
        out[counter] = sql
    return out, rtree, counted


def _primary_key(con: sqlite3.Connection, table: str) -> str:
    return next((str(r[1]) for r in con.execute(f'pragma table_info("{table}")') if r[5] == 1),
                "fid")


def insert_features(con: sqlite3.Connection, table: str, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]], geoms: Any) -> list[int]:
    """Insert ``rows`` (values for ``columns``; the first column is the geometry column and
    holds the blobs of ``geoms``) and return their new fids.  Must run in a transaction.

    A GeoPackage written by GDAL updates its R-tree and ``gpkg_ogr_contents`` from AFTER
    INSERT triggers, row by row; the R-tree one calls five of the Python SQL functions
    above per row.  At 100k rows that is ~5 s of a ~6 s insert.  So, inside the caller's
    transaction (all or nothing with it), those two triggers are dropped, the rows go in
    with ``executemany`` under fids counted from the table's last one, the R-tree rows
    (from ``shapely.bounds``, the same doubles as the blob envelopes the trigger would
    read) and the feature count are written in bulk, and the triggers are re-created from
    their own SQL text.
    """
    if not con.in_transaction:
        raise RuntimeError("insert_features must run inside a transaction")
    if not rows:
        return []
    pk = _primary_key(con, table)
    last = con.execute(f'select max("{pk}") from "{table}"').fetchone()[0] or 0
    if con.execute("select 1 from sqlite_master where name='sqlite_sequence'").fetchone():
        seq = con.execute("select seq from sqlite_sequence where name=?", (table,)).fetchone()
        last = max(last, int(seq[0]) if seq and seq[0] is not None else 0)
    fids = list(range(int(last) + 1, int(last) + 1 + len(rows)))
    triggers, rtree, counted = _bulk_triggers(con, table, str(columns[0]))
    for name in triggers:
        con.execute(f'drop trigger "{name}"')
    col_sql = ", ".join(f'"{c}"' for c in [pk, *columns])
    sql = (f'insert into "{table}" ({col_sql}) values '
           f'({", ".join("?" for _ in range(len(columns) + 1))})')
    # in a worker a slice at a time, paced: one executemany of a 100k import's rows held
    # the window's GUI thread off the GIL 10-16 ms at a time (each row's step lets go of it
    # and takes it back at once: gil_slices.hand_over; bench_gaps ``gil_holders``)
    for part in gil_slices.slices(len(rows), ROW_SLICE):
        con.executemany(sql, gil_slices.paced(
            ((fid, *row) for fid, row in zip(fids[part], rows[part], strict=True)),
            ROW_SLICE))
    if rtree:
        arr = np.asarray(geoms, dtype=object).ravel()
        keep = ~shapely.is_missing(arr) & ~shapely.is_empty(arr)
        b = shapely.bounds(arr[keep])
        _executemany_in_slices(con, f'insert or replace into "{rtree}" values (?, ?, ?, ?, ?)',
                               [np.asarray(fids)[keep], b[:, 0], b[:, 2], b[:, 1], b[:, 3]])
    if counted:
        con.execute("update gpkg_ogr_contents set feature_count = feature_count + ? "
                    "where lower(table_name) = lower(?)", (len(rows), table))
    for sql in triggers.values():
        con.execute(sql)
    return fids


#: rows a worker writes per ``executemany`` before it hands the GIL over (a few ms): each
#: row's step releases and re-takes the GIL, and a waiting GUI thread never gets it in
#: between (``geodata.gil_slices.hand_over``; the R-tree rows of 100k outfalls held it
#: 20-75 ms at a time; 2 048 rows still 8-15 ms at a time at 1M outfalls)
ROW_SLICE = 1_024


def _executemany_in_slices(con: sqlite3.Connection, sql: str,
                           columns: Sequence[Any]) -> None:
    """``executemany`` of the rows made of ``columns`` (numpy arrays or lists, one value
    a row each), a slice at a time: a slice's values are made Python values only as it
    is written."""
    for part in gil_slices.slices(len(columns[0]), ROW_SLICE):
        # paced too: a slice of R-tree deletes (~45 us a row) was 14-46 ms in which the
        # GUI thread, woken at every row's step, never got the GIL (bench_gaps' holders)
        con.executemany(sql, gil_slices.paced(zip(
            *(c[part].tolist() if isinstance(c, np.ndarray) else c[part] for c in columns),
            strict=True), ROW_SLICE))


def delete_features(con: sqlite3.Connection, table: str, gcol: str,
                    fids: Sequence[int]) -> None:
    """Delete the features ``fids`` of ``table`` (undoing an import).  Must run in a
    transaction.

    The counterpart of :func:`insert_features`: GDAL's AFTER DELETE triggers (R-tree entry,
    feature count) cost ~45 us a row, ~5 s for 100k rows; done in bulk with the triggers
    suspended it is ~1.5 s.  Same result: R-tree entries go for the rows that had a
    geometry, the count drops by the rows that existed.
    """
    if not con.in_transaction:
        raise RuntimeError("delete_features must run inside a transaction")
    if not fids:
        return
    pk = _primary_key(con, table)
    triggers, rtree, counted = _bulk_triggers(con, table, gcol, "delete")
    for name in triggers:
        con.execute(f'drop trigger "{name}"')
    deleted, located = 0, []
    # below SQLite's limit on bound variables; in a worker smaller, the GIL handed over
    # between them (a chunk's rows are read a step each, which starves the GUI thread)
    step = ROW_SLICE if gil_slices.in_worker() else 10_000
    for start in range(0, len(fids), step):
        if start and gil_slices.in_worker():
            gil_slices.hand_over()
        chunk = list(fids[start:start + step])
        marks = ", ".join("?" for _ in chunk)
        if rtree:
            located += con.execute(f'select "{pk}" from "{table}" where "{pk}" in ({marks}) '
                                   f'and "{gcol}" is not null', chunk).fetchall()
        deleted += con.execute(f'delete from "{table}" where "{pk}" in ({marks})',
                               chunk).rowcount
    if rtree:
        _executemany_in_slices(con, f'delete from "{rtree}" where id = ?',
                               [[fid for (fid,) in located]])
    if counted:
        con.execute("update gpkg_ogr_contents set feature_count = feature_count - ? "
                    "where lower(table_name) = lower(?)", (deleted, table))
    for sql in triggers.values():
        con.execute(sql)


def _same_fid_geometry_triggers(con: sqlite3.Connection, table: str, gcol: str,
                                 rtree: str) -> dict[str, str]:
    """GDAL's triggers that keep ``rtree`` in step when a row's geometry is updated under
    the same fid (``_update1``/``2`` of older GDAL, ``_update2``/``6``/``7`` of newer):
    {name: sql}.  Whatever they do, they leave the R-tree holding the new geometry's
    bounds under that fid, or no row when the new geometry is null or empty.  Triggers
    for a changed fid, and any trigger not of this shape, are left alone."""
    found = con.execute("select name, sql from sqlite_master where type='trigger' and "
                        "tbl_name=? and name like ?", (table, f"{rtree}_update%")).fetchall()
    pk = _primary_key(con, table).upper()
    out = {}
    for name, sql in found:
        flat = re.sub(r'[\s"`\[\]]', "", sql or "").upper()
        if (f"AFTERUPDATEOF{gcol.upper()}ON" in flat and rtree.upper() in flat
                and f"OLD.{pk}=NEW.{pk}" in flat):
            out[str(name)] = str(sql)
    return out


@contextmanager
def geometry_updates(con: sqlite3.Connection, table: str, gcol: str) -> Iterator[list[int]]:
    """For many ``UPDATE``s of ``table``'s geometry inside a transaction: GDAL's R-tree
    triggers for a geometry updated under the same fid are suspended, the caller adds the
    fids it updated to the list this yields, and at the end the R-tree rows of those fids
    are made in bulk from the stored blobs (the triggers' work: the new bounds, or no row
    for a null or empty geometry) and the triggers re-created from their own SQL text.

    The triggers call the Python SQL functions above ~9 times a row and take and let go
    of the GIL each time: a re-import of 100k outfalls into 1M spent 12.9 s of its
    13.2 s of updates in them (0.26 s without), and a waiting GUI thread hardly got the
    GIL in between.  Without an R-tree this only yields the list."""
    if not con.in_transaction:
        raise RuntimeError("geometry_updates must run inside a transaction")
    rtree = f"rtree_{table}_{gcol}"
    has_rtree = con.execute("select 1 from sqlite_master where name=?", (rtree,)).fetchone()
    triggers = _same_fid_geometry_triggers(con, table, gcol, rtree) if has_rtree else {}
    for name in triggers:
        con.execute(f'drop trigger "{name}"')
    fids: list[int] = []
    try:
        yield fids
        if triggers:
            _refresh_rtree(con, table, gcol, rtree, fids)
    finally:
        # also after an error: the caller's rollback would restore them, but a caller
        # that went on to commit must not lose them
        if con.in_transaction:
            have = {n for (n,) in con.execute(
                "select name from sqlite_master where type='trigger' and tbl_name=?",
                (table,))}
            for name, sql in triggers.items():
                if name not in have:
                    con.execute(sql)


def _refresh_rtree(con: sqlite3.Connection, table: str, gcol: str, rtree: str,
                   fids: Sequence[int]) -> None:
    """The R-tree rows of ``fids`` made again from the rows' stored geometry blobs (a
    slice at a time, the GIL handed over between slices in a worker)."""
    import json

    pk = _primary_key(con, table)
    unique = list(dict.fromkeys(int(f) for f in fids))
    for part in gil_slices.slices(len(unique), ROW_SLICE):
        chunk = json.dumps(unique[part])
        rows = con.execute(f'select "{pk}", "{gcol}" from "{table}" where "{pk}" in '
                           "(select value from json_each(?))", (chunk,)).fetchall()
        # one statement a fid: an R-tree finds ``id = ?`` at once, but ``id IN (...)`` of
        # a thousand ids took ~10x as long
        con.executemany(f'delete from "{rtree}" where id = ?',
                        gil_slices.paced(((f,) for f in unique[part]), ROW_SLICE))
        boxes = []
        for fid, blob in rows:
            b = _bounds(blob)
            if b is not None:
                boxes.append((fid, b[0], b[2], b[1], b[3]))
        con.executemany(f'insert into "{rtree}" values (?, ?, ?, ?, ?)',
                        gil_slices.paced(boxes, ROW_SLICE))


def sqlite_uri(path: Path | str, mode: str = "ro", *, windows: bool | None = None) -> str:
    """An SQLite ``file:`` URI for ``path`` that opens exactly that file.

    A path pasted into ``f"file:{path}"`` breaks on folder names Windows users have: ``#``
    and ``?`` end the path, ``%20`` is decoded to a space, and a UNC path
    (``\\\\server\\share\\…``) reads as a host name.  Here the path is percent-encoded
    (UTF-8, so Chinese names and spaces pass), a drive path becomes ``file:///C:/…`` and a UNC
    path ``file:////server/share/…`` (empty authority, as SQLite requires).  ``windows``
    (default: this platform) lets tests check the Windows forms anywhere.
    """
    text = os.fspath(path)
    if os.name == "nt" if windows is None else windows:
        text = text.replace("\\", "/")
    quoted = urllib.parse.quote(text, safe="/:")
    if re.match(r"^[A-Za-z]:", text):
        quoted = "///" + quoted
    elif text.startswith("//"):
        quoted = "//" + quoted
    return f"file:{quoted}?mode={mode}"


def connect(path: Path | str, readonly: bool = False,
            timeout: float = 5.0, check_same_thread: bool = True) -> sqlite3.Connection:
    """Open a GeoPackage for SQL edits with the GDAL trigger functions registered.

    The connection is in autocommit mode (``isolation_level=None``): callers open their
    own ``BEGIN IMMEDIATE`` so that a transaction is exactly what they say it is.
    ``check_same_thread=False``: a connection handed from thread to thread by its owner,
    who never uses it from two at once.
    """
    uri = sqlite_uri(path, "ro" if readonly else "rw")
    # ``timeout``: how long a write waits for readers of the file to let go (SQLite's
    # busy handler) before it gives up with "database is locked"
    con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout,
                          check_same_thread=check_same_thread)
    con.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    con.create_function("ST_MinX", 1, _coord(0), deterministic=True)
    con.create_function("ST_MinY", 1, _coord(1), deterministic=True)
    con.create_function("ST_MaxX", 1, _coord(2), deterministic=True)
    con.create_function("ST_MaxY", 1, _coord(3), deterministic=True)
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    return con


def geometry_column(con: sqlite3.Connection, table: str) -> str:
    row = con.execute(
        "select column_name from gpkg_geometry_columns where table_name=?", (table,)
    ).fetchone()
    if row is None:
        raise KeyError(f"{table} is not a spatial layer of this GeoPackage")
    return str(row[0])
