"""What a checkout keeps beside its layers, in its own GeoPackage.

A checkout is a normal workspace (it opens in EcoZone and QGIS) with five more tables:

- ``sync_state`` (key, value): server URL *without password*, login role, county, last
  sync time, and the id of a push not yet known to have arrived;
- ``sync_base`` (code, version, data): each outfall's values as the server had them at
  the last sync, and that server version: the *base* of the three-way merge;
- ``sync_conflicts``: open conflicts (code, field, kind, base, mine, theirs, who, when,
  distance for moves) until resolved;
- ``sync_batches``: edit batches (audit rows) the server has, pushed or pulled;
- ``sync_photos``: photos the server has.

All reads and writes here take an open :func:`geodata.gpkg_sql.connect` connection, so a
sync writes its whole outcome in one SQLite transaction.
"""

from __future__ import annotations

import json
import struct
import uuid
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from geodata import gil_slices, gpkg_sql
from geodata.outfall_store import ensure_review_tables, point_blob
from models.sync.merge import FIELDS, GEOMETRY, display
from models.sync.versions import Versions

STATE, BASE, CONFLICTS, BATCHES, PHOTOS = ("sync_state", "sync_base", "sync_conflicts",
                                          "sync_batches", "sync_photos")
DIRTY = "sync_dirty"

# Any write to an outfall (EcoZone's edits, QGIS editing the file, our own pulls) notes its
# code, so a sync reads only those rows instead of comparing all 100k with their bases.
# A layer replaced wholesale (an import) loses these triggers: ``tracking_ok`` notices and
# the next sync compares everything once and reinstalls them.
_TRIGGERS = {
    "sync_dirty_insert": f'AFTER INSERT ON "outfalls" BEGIN INSERT OR IGNORE INTO "{DIRTY}" '
                         "(code) VALUES (NEW.code); END",
    "sync_dirty_update": f'AFTER UPDATE ON "outfalls" BEGIN INSERT OR IGNORE INTO "{DIRTY}" '
                         f'(code) VALUES (NEW.code); INSERT OR IGNORE INTO "{DIRTY}" (code) '
                         "VALUES (OLD.code); END",
    "sync_dirty_delete": f'AFTER DELETE ON "outfalls" BEGIN INSERT OR IGNORE INTO "{DIRTY}" '
                         "(code) VALUES (OLD.code); END",
}

_DDL = (
    f'CREATE TABLE IF NOT EXISTS "{STATE}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
    '"key" TEXT UNIQUE NOT NULL, "value" TEXT)',
    f'CREATE TABLE IF NOT EXISTS "{BASE}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
    "code TEXT UNIQUE NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL)",
    f'CREATE TABLE IF NOT EXISTS "{CONFLICTS}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
    'code TEXT NOT NULL, "field" TEXT NOT NULL, kind TEXT NOT NULL, base TEXT, mine TEXT, '
    'theirs TEXT, who TEXT, "when" TEXT, distance_m REAL, theirs_row TEXT, '
    'detected_at TEXT, UNIQUE (code, "field"))',
    f'CREATE TABLE IF NOT EXISTS "{BATCHES}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
    "batch TEXT UNIQUE NOT NULL, status TEXT, push_id TEXT)",
    f'CREATE TABLE IF NOT EXISTS "{PHOTOS}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
    "photo_id TEXT UNIQUE NOT NULL)",
    f'CREATE TABLE IF NOT EXISTS "{DIRTY}" (code TEXT PRIMARY KEY NOT NULL)',
)
_DESCRIPTIONS = {STATE: "sync state 同步状态", BASE: "sync base values 同步基准",
                 CONFLICTS: "sync conflicts 同步冲突", BATCHES: "batches on the server",
                 PHOTOS: "photos on the server"}

Row = dict[str, Any]


def ensure_tables(con: Any) -> None:
    """Create the sync tables (inside the caller's transaction)."""
    ensure_review_tables(con)
    for ddl in _DDL:
        con.execute(ddl)
    install_tracking(con)
    for table, text in _DESCRIPTIONS.items():
        con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                    "description, last_change, srs_id) VALUES (?, 'attributes', ?, ?, "
                    "strftime('%Y-%m-%dT%H:%M:%fZ','now'), 0)", (table, table, text))


def is_checkout(path: Path | str) -> bool:
    con = gpkg_sql.connect(path, readonly=True)
    try:
        return con.execute("SELECT 1 FROM sqlite_master WHERE name=?", (STATE,)).fetchone() \
            is not None
    finally:
        con.close()


def tracking_ok(con: Any) -> bool:
    """Whether the change-tracking triggers are in place on the outfalls table."""
    found = {str(r[0]) for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='outfalls'")}
    has_table = con.execute("SELECT 1 FROM sqlite_master WHERE name=?", (DIRTY,)).fetchone()
    return bool(has_table) and set(_TRIGGERS) <= found


def install_tracking(con: Any) -> None:
    con.execute(f'CREATE TABLE IF NOT EXISTS "{DIRTY}" (code TEXT PRIMARY KEY NOT NULL)')
    for name, body in _TRIGGERS.items():
        con.execute(f'CREATE TRIGGER IF NOT EXISTS "{name}" {body}')


def dirty_codes(con: Any) -> list[str]:
    """Codes written since they last matched their base (all codes if tracking was lost:
    then it is reinstalled, inside the caller's transaction)."""
    if not tracking_ok(con):
        install_tracking(con)
        return sorted(
            {str(c) for (c,) in gil_slices.fetched(con.execute('SELECT code FROM "outfalls"'))}
            | {str(c) for (c,) in gil_slices.fetched(con.execute(f'SELECT code FROM "{BASE}"'))})
    return [str(c) for (c,) in gil_slices.fetched(con.execute(f'SELECT code FROM "{DIRTY}"'))]


def prune_dirty(con: Any) -> None:
    """Forget the codes whose rows match their base again (after a push or a pull)."""
    from models.sync.merge import changed

    codes = dirty_codes(con)
    base = read_base(con, codes)
    current = read_current(con, codes)
    clean = [c for c in codes if (c in base) == (c in current)
             and (c not in base or current[c] == base[c][1]
                  or not changed(base[c][1], current[c]))]
    gil_slices.executemany(con, f'DELETE FROM "{DIRTY}" WHERE code=?', [(c,) for c in clean])


# -- state ----------------------------------------------------------------------------------
def get_state(con: Any) -> dict[str, str]:
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name=?", (STATE,)).fetchone():
        return {}
    return {str(k): str(v) for k, v in con.execute(f'SELECT "key", "value" FROM "{STATE}"')
            if v is not None}


def set_state(con: Any, **values: str | None) -> None:
    for k, v in values.items():
        if v is None:
            con.execute(f'DELETE FROM "{STATE}" WHERE "key"=?', (k,))
        else:
            con.execute(f'INSERT INTO "{STATE}" ("key", "value") VALUES (?, ?) ON CONFLICT '
                        '("key") DO UPDATE SET "value"=excluded."value"', (k, str(v)))


def workspace_id(con: Any) -> str:
    state = get_state(con)
    if "workspace_id" not in state:
        set_state(con, workspace_id=uuid.uuid4().hex)
        state = get_state(con)
    return state["workspace_id"]


# -- rows -----------------------------------------------------------------------------------
def blob_xy(blob: bytes | None) -> list[float] | None:
    """[lon, lat] of a GeoPackage point blob, read from its bytes (no geometry object: a
    sync reads every outfall of the checkout)."""
    if blob is None:
        return None
    flags = blob[3]
    if flags & 0x10:
        return None
    start = 8 + (0, 32, 48, 48, 64, 0, 0, 0)[(flags >> 1) & 0x07]
    order = "<" if blob[start] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", blob, start + 1)
    if kind == 1:  # a 2D point: x, y follow the type
        x, y = struct.unpack_from(order + "2d", blob, start + 5)
        return None if x != x else [x, y]
    geom = gpkg_sql.blob_to_geom(blob)
    if geom is None or geom.is_empty:
        return None
    return [float(geom.x), float(geom.y)]


def _columns(con: Any, table: str) -> list[str]:
    return [str(r[1]) for r in con.execute(f'PRAGMA table_info("{table}")')]


def local_fields(con: Any) -> list[str]:
    cols = set(_columns(con, "outfalls"))
    return [f for f in FIELDS if f in cols]


def read_current(con: Any, codes: Iterable[str] | None = None) -> dict[str, Row]:
    """code → row (fields and ``geometry``) of the workspace's outfalls."""
    fields = local_fields(con)
    gcol = gpkg_sql.geometry_column(con, "outfalls")
    sel = ", ".join(f'"{f}"' for f in ["code", *fields, gcol])
    out: dict[str, Row] = {}

    def add(rows: Iterable[tuple[Any, ...]]) -> None:
        for r in rows:
            row = dict(zip(fields, r[1:-1], strict=True))
            row[GEOMETRY] = blob_xy(r[-1])
            out[str(r[0])] = row

    if codes is None:
        add(gil_slices.fetched(con.execute(f'SELECT {sel} FROM "outfalls"')))
        return out
    wanted = list(codes)
    for i in gil_slices.paced(range(0, len(wanted), 900), 1):  # one query of 900 at a time
        chunk = wanted[i:i + 900]
        add(con.execute(f'SELECT {sel} FROM "outfalls" WHERE code IN '
                        f'({",".join("?" * len(chunk))})', chunk))
    return out


def read_base(con: Any, codes: Iterable[str] | None = None) -> dict[str, tuple[int, Row]]:
    """code → (server version, row as the server had it at the last sync); only ``codes``
    if given."""
    if codes is None:
        return {str(c): (int(v), json.loads(d)) for c, v, d in gil_slices.fetched(
            con.execute(f'SELECT code, version, data FROM "{BASE}"'))}
    wanted = list(codes)
    out: dict[str, tuple[int, Row]] = {}
    for i in gil_slices.paced(range(0, len(wanted), 900), 1):  # one query of 900 at a time
        chunk = wanted[i:i + 900]
        out.update({str(c): (int(v), json.loads(d)) for c, v, d in con.execute(
            f'SELECT code, version, data FROM "{BASE}" WHERE code IN '
            f'({",".join("?" * len(chunk))})', chunk)})
    return out


def read_versions(con: Any) -> Versions:
    """The server version of each code of the base (no values)."""
    return Versions.read(con.execute(f'SELECT code, version FROM "{BASE}"'))


def write_base(con: Any, rows: Mapping[str, tuple[int, Row]]) -> None:
    gil_slices.executemany(
        con, f'INSERT INTO "{BASE}" (code, version, data) VALUES (?, ?, ?) ON CONFLICT (code) '
        "DO UPDATE SET version=excluded.version, data=excluded.data",
        ((c, int(v), json.dumps(r, ensure_ascii=False)) for c, (v, r) in rows.items()))


def delete_base(con: Any, codes: Iterable[str]) -> None:
    gil_slices.executemany(con, f'DELETE FROM "{BASE}" WHERE code=?', [(c,) for c in codes])


def update_local(con: Any, updates: Mapping[str, Mapping[str, Any]]) -> None:
    """Write field values (and moves) into the workspace's outfalls."""
    gcol = gpkg_sql.geometry_column(con, "outfalls")
    cols = set(_columns(con, "outfalls"))
    # moves inside the sync's transaction: their R-tree rows made in bulk at the end
    # (gpkg_sql.geometry_updates; GDAL's triggers cost ~130 us a move at 1M outfalls)
    bulk = con.in_transaction
    with gpkg_sql.geometry_updates(con, "outfalls", gcol) if bulk else nullcontext([]) \
            as updated:
        moved = []
        for code, values in gil_slices.paced(updates.items(), gil_slices.DB_SLICE // 4):
            for f, v in values.items():
                if f == GEOMETRY:
                    blob = None if v is None else point_blob(float(v[0]), float(v[1]))
                    con.execute(f'UPDATE "outfalls" SET "{gcol}"=? WHERE code=?',
                                (blob, code))
                    moved.append(code)
                elif f in cols:
                    con.execute(f'UPDATE "outfalls" SET "{f}"=? WHERE code=?', (v, code))
        if bulk and moved:
            updated += [fid for (fid,) in gil_slices.fetched(con.execute(
                'SELECT fid FROM "outfalls" WHERE code IN (SELECT value FROM json_each(?))',
                (gil_slices.json_list(moved),)))]


def insert_local(con: Any, rows: Mapping[str, Row]) -> None:
    gcol = gpkg_sql.geometry_column(con, "outfalls")
    fields = local_fields(con)
    names = ", ".join(f'"{c}"' for c in ["code", *fields, gcol])
    marks = ", ".join("?" * (len(fields) + 2))
    for code, row in gil_slices.paced(rows.items(), gil_slices.DB_SLICE // 4):
        xy = row.get(GEOMETRY)
        blob = None if xy is None else point_blob(float(xy[0]), float(xy[1]))
        con.execute(f'INSERT INTO "outfalls" ({names}) VALUES ({marks})',
                    [code, *[row.get(f) for f in fields], blob])


def delete_local(con: Any, codes: Iterable[str]) -> None:
    gil_slices.executemany(con, 'DELETE FROM "outfalls" WHERE code=?', [(c,) for c in codes])


# -- conflicts ------------------------------------------------------------------------------
def open_conflicts(con: Any) -> list[dict[str, Any]]:
    cols = ["code", "field", "kind", "base", "mine", "theirs", "who", "when", "distance_m",
            "theirs_row", "detected_at"]
    sel = ", ".join(f'"{c}"' for c in cols)
    return [dict(zip(cols, r, strict=True)) for r in
            con.execute(f'SELECT {sel} FROM "{CONFLICTS}" ORDER BY code, "field"')]


def conflict_keys(con: Any) -> set[tuple[str, str]]:
    return {(str(c), str(f)) for c, f in con.execute(f'SELECT code, "field" FROM "{CONFLICTS}"')}


def record_conflict(con: Any, code: str, field: str, kind: str, base: Any, mine: Any,
                    theirs: Any, who: str | None, when: str | None,
                    distance: float | None = None, theirs_row: Row | None = None,
                    now: str = "") -> None:
    """Keep a conflict (or update the one already open on that code and field: its base and
    mine stay what they were, theirs is the server's latest)."""
    con.execute(
        f'INSERT INTO "{CONFLICTS}" (code, "field", kind, base, mine, theirs, who, "when", '
        "distance_m, theirs_row, detected_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
        'ON CONFLICT (code, "field") DO UPDATE SET theirs=excluded.theirs, who=excluded.who, '
        '"when"=excluded."when", distance_m=excluded.distance_m, '
        "theirs_row=excluded.theirs_row",
        (code, field, kind, display(field, base), display(field, mine),
         display(field, theirs), who, when, distance,
         None if theirs_row is None else json.dumps(theirs_row, ensure_ascii=False), now))


def drop_conflict(con: Any, code: str, field: str) -> None:
    con.execute(f'DELETE FROM "{CONFLICTS}" WHERE code=? AND "field"=?', (code, field))


# -- audit rows and photos ------------------------------------------------------------------
_AUDIT = ("at", "user", "outfall_code", "action", "field", "old_value", "new_value", "note")


def unsynced_audit(con: Any) -> list[dict[str, Any]]:
    """Audit rows of batches the server does not have yet, oldest first, each with its
    ``batch`` (a stable id also for old rows without one) and ``seq`` within the batch."""
    wsid = workspace_id(con)
    sel = ", ".join(f'i."{c}"' for c in ("fid", *_AUDIT, "batch"))
    rows = con.execute(
        f'SELECT {sel} FROM "inspections" i LEFT JOIN "{BATCHES}" b ON b.batch = i.batch '
        "WHERE b.batch IS NULL ORDER BY i.fid")
    out: list[dict[str, Any]] = []
    seq: dict[str, int] = {}
    for r in gil_slices.fetched(rows):
        rec = dict(zip(("fid", *_AUDIT, "batch"), r, strict=True))
        rec["batch"] = rec["batch"] or f"{wsid}-{rec['fid']}"
        seq[rec["batch"]] = seq.get(rec["batch"], 0) + 1
        rec["seq"] = seq[rec["batch"]]
        out.append(rec)
    return out


def unsynced_batches(con: Any) -> int:
    """How many edits (batches of audit rows) the server does not have yet."""
    (n,) = con.execute(
        f'SELECT count(DISTINCT coalesce(i.batch, i.fid)) FROM "inspections" i '
        f'LEFT JOIN "{BATCHES}" b ON b.batch = i.batch WHERE b.batch IS NULL').fetchone()
    return int(n)


def mark_batches(con: Any, batches: Iterable[str], status: str, push_id: str | None) -> None:
    gil_slices.executemany(con, f'INSERT OR IGNORE INTO "{BATCHES}" (batch, status, push_id) '
                           "VALUES (?, ?, ?)", [(b, status, push_id) for b in batches])


def insert_audit(con: Any, rows: Iterable[Mapping[str, Any]]) -> int:
    """Add audit rows pulled from the server (others' edits) to ``inspections``."""
    rows = list(rows)
    if not rows:
        return 0
    (next_id,) = con.execute('SELECT coalesce(max(id), 0) + 1 FROM "inspections"').fetchone()
    gil_slices.executemany(
        con, 'INSERT INTO "inspections" (id, "at", "user", outfall_code, "action", "field", '
        "old_value, new_value, note, batch) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(int(next_id) + i, *(r.get(c) for c in _AUDIT), r["batch"])
         for i, r in enumerate(rows)])
    return len(rows)


def unsynced_photos(con: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Photos the server lacks (with data), and photo ids the server has but the laptop
    removed."""
    cols = ("photo_id", "outfall_code", "added_at", "user", "filename", "mime", "note",
            "data", "thumb")
    sel = ", ".join(f'p."{c}"' for c in cols)
    add = [dict(zip(cols, r, strict=True)) for r in con.execute(
        f'SELECT {sel} FROM "photos" p LEFT JOIN "{PHOTOS}" s ON s.photo_id = p.photo_id '
        "WHERE s.photo_id IS NULL")]
    removed = [str(r[0]) for r in con.execute(
        f'SELECT s.photo_id FROM "{PHOTOS}" s LEFT JOIN "photos" p ON p.photo_id = s.photo_id '
        "WHERE p.photo_id IS NULL")]
    return add, removed


def mark_photos(con: Any, added: Iterable[str], removed: Iterable[str]) -> None:
    con.executemany(f'INSERT OR IGNORE INTO "{PHOTOS}" (photo_id) VALUES (?)',
                    [(p,) for p in added])
    con.executemany(f'DELETE FROM "{PHOTOS}" WHERE photo_id=?', [(p,) for p in removed])
