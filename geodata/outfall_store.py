"""Transactional writes of outfall review edits, with their audit rows, to the workspace.

Every save is one ``BEGIN IMMEDIATE … COMMIT`` on a :func:`geodata.gpkg_sql.connect`
connection: the outfall rows (attributes and point geometries, the R-tree kept in step by
GDAL's triggers), the ``inspections`` audit rows and the ``photos`` rows of all the batches
being saved.  SQLite's rollback journal makes that all-or-nothing, also across a crash or a
``SIGKILL``: after a kill the file holds either the state before the save or after it, so
an audit row never exists without its change and a change never without its audit row.

The two review tables are plain GeoPackage attribute tables (listed in ``gpkg_contents``
with ``data_type='attributes'``) so that QGIS opens them as they are.  Older workspaces are
migrated in place (a ``batch`` column added to ``inspections``; ``photos`` created).

Qt-free, and light to import (sqlite3 and geodata.gpkg_sql only).
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geodata import gpkg_sql
from geodata.io.messages import Message

OUTFALLS = "outfalls"
AUDIT_TABLE = "inspections"
PHOTO_TABLE = "photos"
GEOMETRY = "geometry"  # the pseudo field name of a point move in changes and audit rows

AUDIT_COLUMNS = ("id", "at", "user", "outfall_code", "action", "field", "old_value",
                 "new_value", "note", "batch")
PHOTO_COLUMNS = ("photo_id", "outfall_code", "added_at", "user", "filename", "mime",
                 "note", "data", "thumb")

_AUDIT_DDL = (
    f'CREATE TABLE "{AUDIT_TABLE}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
    'id INTEGER, "at" TEXT, "user" TEXT, outfall_code TEXT, "action" TEXT, "field" TEXT, '
    'old_value TEXT, new_value TEXT, note TEXT, batch TEXT)'
)
_PHOTO_DDL = (
    f'CREATE TABLE "{PHOTO_TABLE}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
    "photo_id TEXT UNIQUE, outfall_code TEXT, added_at TEXT, user TEXT, filename TEXT, "
    "mime TEXT, note TEXT, data BLOB, thumb BLOB)"
)


@dataclass(frozen=True)
class AuditRow:
    """One line of the audit log: who changed what on which outfall, from what to what."""

    at: str
    user: str
    outfall_code: str
    action: str
    field: str
    old_value: str
    new_value: str
    note: str
    batch: str


@dataclass(frozen=True)
class StoredChange:
    """A new value for one field of one outfall; ``field == GEOMETRY`` moves the point."""

    code: str
    field: str
    value: Any  # str / number / None; (lon, lat) for GEOMETRY


@dataclass(frozen=True)
class Photo:
    photo_id: str
    outfall_code: str
    added_at: str
    user: str
    filename: str
    mime: str
    note: str
    data: bytes
    thumb: bytes | None = None


@dataclass
class Batch:
    """What one edit writes: changes, audit rows, photos added and removed (by id)."""

    batch_id: str
    changes: list[StoredChange] = field(default_factory=list)
    audit: list[AuditRow] = field(default_factory=list)
    photos_add: list[Photo] = field(default_factory=list)
    photos_remove: list[str] = field(default_factory=list)


class SaveError(Exception):
    """A save that did not happen; ``kind`` is readonly, disk_full, busy, missing or other."""

    def __init__(self, message: Message, kind: str) -> None:
        super().__init__(message.en)
        self.message = message
        self.kind = kind


# -- geometry blobs -------------------------------------------------------------------------
def point_blob(lon: float, lat: float, srs_id: int = 4490) -> bytes:
    """GeoPackage blob of a 2D point (little endian, XY envelope), as gpkg_sql encodes it."""
    header = b"GP" + bytes([0, 0x01 | (1 << 1)]) + struct.pack("<i", srs_id)
    env = struct.pack("<4d", lon, lon, lat, lat)
    return header + env + struct.pack("<BIdd", 1, 1, lon, lat)


def blob_xy(blob: bytes | None) -> tuple[float, float] | None:
    geom = gpkg_sql.blob_to_geom(blob)
    if geom is None or geom.is_empty:
        return None
    return float(geom.x), float(geom.y)


# -- schema ---------------------------------------------------------------------------------
def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in con.execute(f'PRAGMA table_info("{table}")')]


def _register_attributes(con: sqlite3.Connection, table: str, description: str) -> None:
    con.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, "
        "last_change, srs_id) VALUES (?, 'attributes', ?, ?, "
        "strftime('%Y-%m-%dT%H:%M:%fZ','now'), 0)",
        (table, table, description))
    has_ogr = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                          "name='gpkg_ogr_contents'").fetchone()
    if has_ogr:  # NULL count: GDAL recounts on open
        con.execute("INSERT OR IGNORE INTO gpkg_ogr_contents (table_name, feature_count) "
                    "VALUES (?, NULL)", (table,))


def ensure_review_tables(con: sqlite3.Connection) -> None:
    """Create or migrate ``inspections`` and ``photos`` (call inside the write transaction)."""
    audit_cols = _columns(con, AUDIT_TABLE)
    if not audit_cols:
        con.execute(_AUDIT_DDL)
        _register_attributes(con, AUDIT_TABLE, "outfall review audit log 排污口核查记录")
    else:
        for col in AUDIT_COLUMNS:
            if col not in audit_cols:
                kind = "INTEGER" if col == "id" else "TEXT"
                con.execute(f'ALTER TABLE "{AUDIT_TABLE}" ADD COLUMN "{col}" {kind}')
        _register_attributes(con, AUDIT_TABLE, "outfall review audit log 排污口核查记录")
    con.execute(f'CREATE INDEX IF NOT EXISTS idx_{AUDIT_TABLE}_code ON "{AUDIT_TABLE}" '
                "(outfall_code)")
    con.execute(f'CREATE INDEX IF NOT EXISTS idx_{AUDIT_TABLE}_batch ON "{AUDIT_TABLE}" (batch)')
    if not _columns(con, PHOTO_TABLE):
        con.execute(_PHOTO_DDL)
        _register_attributes(con, PHOTO_TABLE, "outfall photos 排污口照片")
        con.execute(f'CREATE INDEX IF NOT EXISTS idx_{PHOTO_TABLE}_code ON "{PHOTO_TABLE}" '
                    "(outfall_code)")
    if _columns(con, OUTFALLS):
        con.execute(f'CREATE INDEX IF NOT EXISTS idx_{OUTFALLS}_code ON "{OUTFALLS}" (code)')


def _review_tables_ready(con: sqlite3.Connection) -> bool:
    cols = _columns(con, AUDIT_TABLE)
    return bool(cols) and "batch" in cols and bool(_columns(con, PHOTO_TABLE)) \
        and con.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                        (f"idx_{OUTFALLS}_code",)).fetchone() is not None


def review_tables_ready(path: Path | str) -> bool:
    """Whether the workspace file has the review tables and the code index that saves
    find outfalls by (else the first save makes them: the index over 1M codes is
    ~0.15-0.4 s).  False also when the file cannot be read."""
    try:
        con = _ro(path)
    except sqlite3.Error:
        return False
    try:
        return _review_tables_ready(con)
    except sqlite3.Error:
        return False
    finally:
        con.close()


#: the page cache of the connection that prepares a file (KiB; freed when it closes)
PREPARE_CACHE_KB = 256 * 1024


def prepare_review_tables(path: Path | str, busy_timeout: float = 5.0) -> bool:
    """Make the review tables and the code index in ``path`` if it lacks them (a file
    made elsewhere, never edited here), in a transaction of their own; True when it made
    them.  The window does this in a worker once it has settled, so that the first edit's
    save, which stays on the GUI thread for a small edit, is an ordinary save.  Raises
    :class:`SaveError` (a read-only file, a busy one …); the first save then makes them."""
    path = Path(path)
    if review_tables_ready(path):
        return False
    try:
        con = gpkg_sql.connect(path, timeout=busy_timeout)
    except sqlite3.Error as exc:
        raise _save_error(exc, path) from exc
    try:
        # room for the code index's pages (~30 MB at 1M outfalls) in the connection's
        # cache: a transaction whose cache spills takes the file's exclusive lock there
        # and then, and readers (the window's own) wait until it ends (0.8 s at 1M,
        # against ~0.1 s for the commit alone)
        con.execute(f"PRAGMA cache_size = -{PREPARE_CACHE_KB}")
        con.execute("BEGIN IMMEDIATE")
        made = not _review_tables_ready(con)  # a save may have made them meanwhile
        if made:
            ensure_review_tables(con)
        con.execute("COMMIT")
        return made
    except (sqlite3.Error, OSError) as exc:
        try:
            if con.in_transaction:
                con.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise _save_error(exc, path) from exc
    finally:
        con.close()


# -- errors ---------------------------------------------------------------------------------
def _save_error(exc: BaseException, path: Path) -> SaveError:
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc)
    where = str(path)
    if isinstance(exc, KeyError | ValueError):
        return SaveError(Message(f"无法保存到 {where}：{text}", f"cannot save to {where}: {text}"),
                         "other")
    if "READONLY" in name or "readonly" in text or "unable to open" in text \
            or isinstance(exc, PermissionError):
        return SaveError(Message(
            f"无法保存：工作空间 {where} 是只读的（或所在文件夹不可写）。",
            f"cannot save: the workspace {where} is read-only (or its folder is not writable)."),
            "readonly")
    if "FULL" in name or "disk is full" in text or getattr(exc, "errno", None) == 28:
        return SaveError(Message(f"无法保存：磁盘已满（{where}）。",
                                 f"cannot save: the disk is full ({where})."), "disk_full")
    if "BUSY" in name or "LOCKED" in name or "locked" in text:
        return SaveError(Message(f"无法保存：工作空间 {where} 正被其他程序写入，请稍后重试。",
                                 f"cannot save: another program is writing {where}; "
                                 "try again shortly."), "busy")
    if isinstance(exc, FileNotFoundError) or "CANTOPEN" in name:
        return SaveError(Message(f"无法保存：找不到工作空间 {where}。",
                                 f"cannot save: workspace {where} not found."), "missing")
    return SaveError(Message(f"无法保存到 {where}：{text}", f"cannot save to {where}: {text}"),
                     "other")


# -- writing --------------------------------------------------------------------------------
def _sql_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _apply_changes(con: sqlite3.Connection, changes: Sequence[StoredChange],
                   columns: set[str], geom_col: str) -> list[tuple[float, float]]:
    if _apply_by_column(con, changes, columns):
        return []
    moved: list[tuple[float, float]] = []
    for ch in changes:
        if ch.field == GEOMETRY:
            lon, lat = (float(v) for v in ch.value)
            cur = con.execute(f'UPDATE "{OUTFALLS}" SET "{geom_col}"=? WHERE code=?',
                              (point_blob(lon, lat), ch.code))
            moved.append((lon, lat))
        elif ch.field == "code":  # a new code (the outfall's key); its photos follow it
            new = str(ch.value)
            if con.execute(f'SELECT 1 FROM "{OUTFALLS}" WHERE code=?', (new,)).fetchone():
                raise ValueError(f"code {new} is already used by another outfall")
            cur = con.execute(f'UPDATE "{OUTFALLS}" SET code=? WHERE code=?', (new, ch.code))
            con.execute(f'UPDATE "{PHOTO_TABLE}" SET outfall_code=? WHERE outfall_code=?',
                        (new, ch.code))
        else:
            if ch.field not in columns:
                raise KeyError(f"outfalls has no editable field '{ch.field}'")
            cur = con.execute(f'UPDATE "{OUTFALLS}" SET "{ch.field}"=? WHERE code=?',
                              (_sql_value(ch.value), ch.code))
        if cur.rowcount != 1:
            raise ValueError(f"outfall {ch.code} not found in the workspace "
                             f"({cur.rowcount} rows)")
    return moved


def _apply_by_column(con: sqlite3.Connection, changes: Sequence[StoredChange],
                     columns: set[str]) -> bool:
    """Write a batch of attribute changes as one ``UPDATE … WHERE code IN (…)`` per field
    and value (确认位置 on 1 000 outfalls: one statement, not 1 000 — the save runs on the
    GUI thread, bench/bench_gaps.py; ~2 ms where a statement per outfall took ~6 ms and
    ``executemany`` ~5).  False, having written nothing, for what it does not handle
    (geometry, a new code, a field given twice for one outfall): :func:`_apply_changes`
    then writes row by row.  Each code must be exactly one row, as row by row."""
    groups: dict[tuple[str, Any], list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for ch in changes:
        if ch.field in (GEOMETRY, "code") or (ch.field, ch.code) in seen:
            return False
        seen.add((ch.field, ch.code))
        value = _sql_value(ch.value)
        if not isinstance(value, str | int | float | bytes | type(None)):
            return False
        groups.setdefault((ch.field, value), []).append(ch.code)
    for fld, _ in groups:
        if fld not in columns:
            raise KeyError(f"outfalls has no editable field '{fld}'")
    codes = list(dict.fromkeys(ch.code for ch in changes))
    rows, distinct = con.execute(
        f'SELECT count(*), count(DISTINCT code) FROM "{OUTFALLS}" WHERE code IN '
        "(SELECT value FROM json_each(?))", (json.dumps(codes),)).fetchone()
    if rows != len(codes) or distinct != len(codes):
        for code in codes:  # name the first code that is not exactly one row
            (n,) = con.execute(f'SELECT count(*) FROM "{OUTFALLS}" WHERE code=?',
                               (code,)).fetchone()
            if n != 1:
                raise ValueError(f"outfall {code} not found in the workspace ({n} rows)")
    for (fld, value), where in groups.items():
        con.execute(f'UPDATE "{OUTFALLS}" SET "{fld}"=? WHERE code IN '
                    "(SELECT value FROM json_each(?))", (value, json.dumps(where)))
    return True


def _grow_extent(con: sqlite3.Connection, points: list[tuple[float, float]]) -> None:
    """Keep gpkg_contents' extent covering moved points (QGIS uses it as the layer extent)."""
    if not points:
        return
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    con.execute(
        "UPDATE gpkg_contents SET min_x=min(coalesce(min_x, ?), ?), min_y=min(coalesce(min_y, "
        "?), ?), max_x=max(coalesce(max_x, ?), ?), max_y=max(coalesce(max_y, ?), ?) "
        "WHERE table_name=?",
        (min(xs), min(xs), min(ys), min(ys), max(xs), max(xs), max(ys), max(ys), OUTFALLS))


def write_audit(con: sqlite3.Connection, rows: Sequence[AuditRow]) -> None:
    """Append audit rows (inside the caller's write transaction; the table must exist)."""
    if not rows:
        return
    (next_id,) = con.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{AUDIT_TABLE}"').fetchone()
    con.executemany(
        f'INSERT INTO "{AUDIT_TABLE}" (id, "at", "user", outfall_code, "action", "field", '
        "old_value, new_value, note, batch) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(int(next_id) + i, r.at, r.user, r.outfall_code, r.action, r.field, r.old_value,
          r.new_value, r.note, r.batch) for i, r in enumerate(rows)])


def _write_photos(con: sqlite3.Connection, add: Sequence[Photo], remove: Sequence[str]) -> None:
    for pid in remove:
        con.execute(f'DELETE FROM "{PHOTO_TABLE}" WHERE photo_id=?', (pid,))
    con.executemany(
        f'INSERT OR REPLACE INTO "{PHOTO_TABLE}" (photo_id, outfall_code, added_at, user, '
        "filename, mime, note, data, thumb) VALUES (?,?,?,?,?,?,?,?,?)",
        [(p.photo_id, p.outfall_code, p.added_at, p.user, p.filename, p.mime, p.note,
          sqlite3.Binary(p.data), None if p.thumb is None else sqlite3.Binary(p.thumb))
         for p in add])


class Writer:
    """One write connection to a workspace file, kept from save to save.

    Opening a connection is cheap, but its first statement parses the file's schema: a
    workspace has ~190 objects (GDAL's triggers and R-trees, the plans' tables), ~2 ms,
    and closing it again ~0.6 ms: half of a small save's ~5 ms, in the turn of the edit
    on the GUI thread.  Between saves the connection holds no lock (autocommit), so other
    readers and writers of the file are not held up; SQLite notices their changes, schema
    included.  Used by one thread at a time (the edit session saves one batch at a time,
    on the GUI thread or its save worker).  A file replaced or moved since the last save
    (another inode) is opened afresh, and a connection that failed is not used again."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._con: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None

    def connection(self, busy_timeout: float) -> sqlite3.Connection:
        """The connection (opened now if need be), waiting ``busy_timeout`` s for the
        file's readers; raises ``FileNotFoundError`` for a file that is not there."""
        st = os.stat(self.path)  # raises for a missing file: never write to a deleted one
        identity = (st.st_dev, st.st_ino)
        if self._con is not None and identity != self._identity:
            self.close()
        if self._con is None:
            self._con = gpkg_sql.connect(self.path, timeout=busy_timeout,
                                         check_same_thread=False)
            self._identity = identity
        else:
            self._con.execute(f"PRAGMA busy_timeout = {max(0, int(busy_timeout * 1000))}")
        return self._con

    def close(self) -> None:
        con, self._con = self._con, None
        if con is not None:
            try:
                con.close()
            except sqlite3.Error:
                pass


def commit_batches(path: Path | str, batches: Sequence[Batch],
                   busy_timeout: float = 5.0, writer: Writer | None = None) -> None:
    """Write ``batches`` in one transaction, or nothing at all (raises :class:`SaveError`).
    ``busy_timeout``: seconds to wait for readers of the file (another program, the
    window's compliance check process) before the save fails with kind ``busy``.
    ``writer``: its connection is used and kept open (:class:`Writer`); without one a
    connection is opened and closed for this save."""
    if not batches:
        return
    path = Path(path)
    if not path.exists():
        raise _save_error(FileNotFoundError(str(path)), path)
    try:
        con = writer.connection(busy_timeout) if writer is not None \
            else gpkg_sql.connect(path, timeout=busy_timeout)
    except (sqlite3.Error, OSError) as exc:
        raise _save_error(exc, path) from exc
    broken = False
    try:
        con.execute("BEGIN IMMEDIATE")
        if not _review_tables_ready(con):
            ensure_review_tables(con)
        columns = set(_columns(con, OUTFALLS))
        geom_col = gpkg_sql.geometry_column(con, OUTFALLS)
        moved: list[tuple[float, float]] = []
        for b in batches:
            moved += _apply_changes(con, b.changes, columns, geom_col)
            _write_photos(con, b.photos_add, b.photos_remove)
            write_audit(con, b.audit)
        _grow_extent(con, moved)
        con.execute("UPDATE gpkg_contents SET last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                    "WHERE table_name IN (?, ?, ?)", (OUTFALLS, AUDIT_TABLE, PHOTO_TABLE))
        con.execute("COMMIT")
    except (sqlite3.Error, OSError, KeyError, ValueError) as exc:
        try:
            if con.in_transaction:
                con.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # a failed rollback leaves the hot journal; SQLite rolls back on next open
        failed = _save_error(exc, path)
        # the next save opens afresh after a fault of the file (a full disk, a lost
        # file …); not after a reader held it (the check process at 1M, ~1 s: the window
        # retries every BUSY_RETRY_MS) or an edit the file refused (a code not found)
        broken = isinstance(exc, sqlite3.Error | OSError) and failed.kind != "busy"
        raise failed from exc
    finally:
        if writer is None:
            con.close()
        elif broken:
            writer.close()


# -- reading --------------------------------------------------------------------------------
def _ro(path: Path | str) -> sqlite3.Connection:
    return sqlite3.connect(gpkg_sql.sqlite_uri(path), uri=True, timeout=5.0)


_shared = threading.local()


@contextmanager
def reading(path: Path | str) -> Iterator[None]:
    """The reads of ``path`` inside share one read-only connection (in this thread).

    A new connection parses the workspace's whole schema at its first statement (~200
    tables, indexes and R-tree triggers: ~2 ms); a click on an outfall reads its history
    and its photos, each through a connection of its own before.  Each read is still its
    own read transaction (autocommit), so it sees what was saved before it, as apart."""
    if getattr(_shared, "con", None) is not None:  # nested: the outer one's
        yield
        return
    try:
        con = _ro(path)
    except sqlite3.Error:  # each read meets (and reports) it on its own
        yield
        return
    _shared.con, _shared.path = con, str(path)
    try:
        yield
    finally:
        _shared.con = None
        con.close()


@contextmanager
def _reader(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A read-only connection: the one :func:`reading` shares, or one of its own."""
    con = getattr(_shared, "con", None)
    if con is not None and _shared.path == str(path):
        yield con
        return
    con = _ro(path)
    try:
        yield con
    finally:
        con.close()


def committed_batches(path: Path | str, batch_ids: Iterable[str]) -> set[str]:
    """Which of ``batch_ids`` have audit rows in the workspace (i.e. were saved)."""
    ids = list(dict.fromkeys(batch_ids))
    if not ids:
        return set()
    con = _ro(path)
    try:
        if "batch" not in _columns(con, AUDIT_TABLE):
            return set()
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = ",".join("?" * len(chunk))
            found |= {str(r[0]) for r in con.execute(
                f'SELECT DISTINCT batch FROM "{AUDIT_TABLE}" WHERE batch IN ({q})', chunk)}
        return found
    finally:
        con.close()


def read_audit(path: Path | str, code: str | None = None) -> list[dict[str, Any]]:
    """Audit rows, oldest first; only one outfall's if ``code`` is given."""
    with _reader(path) as con:
        cols = _columns(con, AUDIT_TABLE)
        if not cols:
            return []
        names = [c for c in AUDIT_COLUMNS if c in cols]
        sel = ", ".join(f'"{c}"' for c in names)
        sql = f'SELECT {sel} FROM "{AUDIT_TABLE}"'
        args: tuple[str, ...] = ()
        if code is not None:
            sql += " WHERE outfall_code=?"
            args = (code,)
        rows = con.execute(sql + " ORDER BY id, fid", args).fetchall()
        return [dict(zip(names, r)) for r in rows]


def read_photos(path: Path | str, code: str, with_data: bool = False) -> list[Photo]:
    """Photos of one outfall, oldest first (``data`` empty unless ``with_data``)."""
    with _reader(path) as con:
        if not _columns(con, PHOTO_TABLE):
            return []
        data = "data" if with_data else "x''"
        rows = con.execute(
            f"SELECT photo_id, outfall_code, added_at, user, filename, mime, note, {data}, thumb "
            f'FROM "{PHOTO_TABLE}" WHERE outfall_code=? ORDER BY fid', (code,)).fetchall()
        return [Photo(str(r[0]), str(r[1]), str(r[2] or ""), str(r[3] or ""), str(r[4] or ""),
                      str(r[5] or ""), str(r[6] or ""), bytes(r[7] or b""),
                      None if r[8] is None else bytes(r[8])) for r in rows]


def read_photo_data(path: Path | str, photo_id: str) -> bytes | None:
    con = _ro(path)
    try:
        row = con.execute(f'SELECT data FROM "{PHOTO_TABLE}" WHERE photo_id=?',
                          (photo_id,)).fetchone()
        return None if row is None else bytes(row[0])
    finally:
        con.close()


def read_positions(path: Path | str) -> dict[str, tuple[float, float] | None]:
    """code → (lon, lat) of every outfall as stored."""
    con = _ro(path)
    try:
        geom_col = gpkg_sql.geometry_column(con, OUTFALLS)
        return {str(c): blob_xy(g) for c, g in
                con.execute(f'SELECT code, "{geom_col}" FROM "{OUTFALLS}"')}
    finally:
        con.close()
