"""Direct SQL access to a GeoPackage for transactional edits.

Edits (outfall review, imports) must land in one SQLite transaction together with their
audit rows, which GDAL's layer API cannot give us across several tables.  So edits go
through sqlite3 directly, with:

- the GeoPackage geometry blob encoding (header + envelope + WKB), and
- the SQL functions GDAL's R-tree triggers call (``ST_IsEmpty``, ``ST_MinX`` …).  A
  GeoPackage written by GDAL carries triggers that keep ``rtree_<table>_<column>`` in step
  with the features; they fail with "no such function" on a plain sqlite3 connection.

The connection uses WAL-free rollback journaling (the GeoPackage default) with
``synchronous=FULL`` so that a commit is durable before we report success.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import shapely

_EMPTY_FLAG = 0x10


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


def _envelope_len(flags: int) -> int:
    return {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0x07, 0)


def blob_to_geom(blob: bytes | None) -> shapely.Geometry | None:
    """Decode a GeoPackage geometry blob to a shapely geometry."""
    if blob is None:
        return None
    flags = blob[3]
    start = 8 + _envelope_len(flags)
    return shapely.from_wkb(bytes(blob[start:]))


def _bounds(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None:
        return None
    flags = blob[3]
    if flags & _EMPTY_FLAG:
        return None
    env = _envelope_len(flags)
    if env:
        fmt = "<4d" if flags & 0x01 else ">4d"
        minx, maxx, miny, maxy = struct.unpack(fmt, bytes(blob[8:40]))
        return minx, miny, maxx, maxy
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


def connect(path: Path | str, readonly: bool = False) -> sqlite3.Connection:
    """Open a GeoPackage for SQL edits with the GDAL trigger functions registered.

    The connection is in autocommit mode (``isolation_level=None``): callers open their
    own ``BEGIN IMMEDIATE`` so that a transaction is exactly what they say it is.
    """
    uri = f"file:{Path(path)}?mode={'ro' if readonly else 'rw'}"
    con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0)
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
