"""Editions (版本) of the control units kept in the workspace GeoPackage.

Provinces revise their 三线一单 results every few years and in yearly dynamic updates
(动态更新).  The layer everything reads stays ``control_units`` (the current edition); an
import can first keep the current units as a named edition (e.g. ``2021版``):

- ``control_unit_editions``: one spatial layer holding every kept edition, the fields of
  ``control_units`` plus ``edition`` (its name).  In QGIS, filter on ``edition``.
- ``editions``: one row per edition — name, date, source, feature count, whether it is the
  current one (``is_current``), which import batch recorded it.  Registered in
  ``gpkg_contents`` as an attribute table so QGIS lists it.

Keeping an edition runs inside the import's transaction (all or nothing with it) and is
undone with it: the ``editions`` table's previous rows go into ``import_undo`` (layer
``editions``), the kept rows are known by the batch that kept them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from geodata import gpkg_sql
from geodata.messages import Message, msg

TABLE = "editions"
LAYER = "control_unit_editions"
CURRENT_LAYER = "control_units"
#: Names that always mean the current edition.
CURRENT_ALIASES = ("current", "当前", "当前版本")
#: The name shown for a current edition that was never named (e.g. the bundled data).
DEFAULT_CURRENT = msg("当前版本", "current")

_DDL = ("create table if not exists editions (name text primary key, date text, source text,"
        " feature_count integer, is_current integer not null default 0, recorded text,"
        " batch_id integer, layer text)")
_COLUMNS = ("name", "date", "source", "feature_count", "is_current", "recorded", "batch_id",
            "layer")


class EditionError(Exception):
    """An edition name that cannot be used; carries a bilingual reason."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message

    def text(self, lang: str = "zh") -> str:
        return self.message.text(lang)


def _exists(con: sqlite3.Connection, table: str) -> bool:
    return con.execute("select 1 from sqlite_master where type='table' and name=?",
                       (table,)).fetchone() is not None


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _rows(con: sqlite3.Connection) -> list[dict[str, Any]]:
    if not _exists(con, TABLE):
        return []
    cur = con.execute(f"select {', '.join(_COLUMNS)} from {TABLE} order by is_current, date,"
                      " recorded")
    return [dict(zip(_COLUMNS, r, strict=True)) for r in cur.fetchall()]


def _ensure_table(con: sqlite3.Connection) -> None:
    con.execute(_DDL)
    if not con.execute("select 1 from gpkg_contents where table_name=?", (TABLE,)).fetchone():
        con.execute("insert into gpkg_contents (table_name, data_type, identifier, "
                    "last_change) values (?, 'attributes', ?, ?)",
                    (TABLE, TABLE, dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))


def _ensure_layer(con: sqlite3.Connection) -> list[str]:
    """Create ``control_unit_editions`` like ``control_units`` (+ ``edition``) if missing,
    add any field ``control_units`` gained since; return the copied field names."""
    src = [(str(r[1]), str(r[2])) for r in con.execute(f'pragma table_info("{CURRENT_LAYER}")')]
    gcol = gpkg_sql.geometry_column(con, CURRENT_LAYER)
    fields = [(n, t) for n, t in src if n not in ("fid", gcol)]
    if not _exists(con, LAYER):
        srs = con.execute("select srs_id from gpkg_geometry_columns where table_name=?",
                          (CURRENT_LAYER,)).fetchone()[0]
        defs = "".join(f', "{n}" {t or "TEXT"}' for n, t in fields)
        con.execute(f'create table "{LAYER}" (fid integer primary key autoincrement, '
                    f'geom GEOMETRY, edition TEXT not null{defs})')
        con.execute(f'create index "{LAYER}_edition" on "{LAYER}" (edition)')
        con.execute("insert into gpkg_contents (table_name, data_type, identifier, "
                    "last_change, srs_id) values (?, 'features', ?, ?, ?)",
                    (LAYER, LAYER, dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     srs))
        con.execute("insert into gpkg_geometry_columns (table_name, column_name, "
                    "geometry_type_name, srs_id, z, m) values (?, 'geom', 'GEOMETRY', ?, 0, 0)",
                    (LAYER, srs))
        _copy_spatial_index(con, gcol)
    have = {str(r[1]) for r in con.execute(f'pragma table_info("{LAYER}")')}
    for n, t in fields:
        if n not in have:
            con.execute(f'alter table "{LAYER}" add column "{n}" {t or "TEXT"}')
    return [n for n, _ in fields]


def _copy_spatial_index(con: sqlite3.Connection, gcol: str) -> None:
    """Give the editions layer the R-tree index GDAL gave ``control_units`` (QGIS uses it
    to draw only what is in view): the same virtual table and triggers, renamed."""
    src_rtree = f"rtree_{CURRENT_LAYER}_{gcol}"
    if not _exists(con, src_rtree) or gcol != "geom":
        return  # a workspace without an index: the layer works without one too
    rtree = f"rtree_{LAYER}_geom"
    con.execute(f'create virtual table "{rtree}" using rtree(id, minx, maxx, miny, maxy)')
    rows = con.execute("select sql from sqlite_master where type='trigger' and tbl_name=? "
                       "and name like ?", (CURRENT_LAYER, f"{src_rtree}%")).fetchall()
    for (sql,) in rows:
        con.execute(sql.replace(src_rtree, rtree).replace(f'"{CURRENT_LAYER}"', f'"{LAYER}"')
                    .replace(f" {CURRENT_LAYER} ", f" {LAYER} "))
    if _exists(con, "gpkg_extensions"):
        con.execute("insert into gpkg_extensions (table_name, column_name, extension_name, "
                    "definition, scope) values (?, 'geom', 'gpkg_rtree_index', "
                    "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                    (LAYER,))


def _current_origin(con: sqlite3.Connection, before_batch: int | None = None
                    ) -> tuple[str | None, str | None]:
    """(date, source) of the current units: their editions row, else the last import into
    control_units, else the dataset's metadata."""
    for r in _rows(con):
        if r["is_current"]:
            return r["date"], r["source"]
    if _exists(con, "import_batches"):
        row = con.execute("select created, source from import_batches where layer=? and "
                          "status='applied' and batch_id<? order by batch_id desc limit 1",
                          (CURRENT_LAYER, before_batch or 1 << 62)).fetchone()
        if row:
            return (str(row[0])[:10] if row[0] else None), row[1]
    if _exists(con, "metadata"):
        meta = dict(con.execute("select key, value from metadata").fetchall())
        return meta.get("dataset_version"), meta.get("dataset")
    return None, None


def check_name(con: sqlite3.Connection, name: str) -> str:
    """``name`` stripped, or EditionError when it is empty, reserved or already used."""
    name = (name or "").strip()
    if not name:
        raise EditionError(msg("版本名称不能为空", "an edition name cannot be empty"))
    if name.lower() in CURRENT_ALIASES:
        raise EditionError(msg(f"“{name}”保留用于指代当前版本，请换一个名称",
                               f"'{name}' means the current edition; choose another name"))
    if any(r["name"] == name for r in _rows(con)):
        raise EditionError(msg(f"工作区中已有名为“{name}”的版本",
                               f"the workspace already has an edition named '{name}'"))
    return name


def keep_current(con: sqlite3.Connection, keep_as: str | None, new_name: str | None,
                 source: str, batch_id: int, dry_run: bool = False) -> None:
    """Inside the import's transaction, before the new units are written: copy the current
    control units into ``control_unit_editions`` as ``keep_as`` (if given) and record the
    incoming units as the current edition ``new_name``.  Undone by :func:`undo`."""
    if keep_as is not None:
        keep_as = check_name(con, keep_as)
    if new_name is not None:
        new_name = check_name(con, new_name)
        if new_name == keep_as:
            raise EditionError(msg("新版本与保留版本不能同名",
                                   "the new and the kept edition need different names"))
    if dry_run:
        return
    _ensure_table(con)
    before = _rows(con)
    con.execute("insert into import_undo values (?,?,?,?,?,?)",
                (batch_id, TABLE, "editions", keep_as, None, json.dumps(before)))
    if keep_as is not None:
        fields = _ensure_layer(con)
        gcol = gpkg_sql.geometry_column(con, CURRENT_LAYER)
        cols = ", ".join(f'"{c}"' for c in fields)
        n = con.execute(f'insert into "{LAYER}" (geom, edition, {cols}) select "{gcol}", ?, '
                        f'{cols} from "{CURRENT_LAYER}" order by fid', (keep_as,)).rowcount
        date, origin = _current_origin(con, batch_id)
        con.execute(f"delete from {TABLE} where is_current=1")
        con.execute(f"insert into {TABLE} ({', '.join(_COLUMNS)}) values (?,?,?,?,?,?,?,?)",
                    (keep_as, date, origin, n, 0, _now(), batch_id, LAYER))
    else:
        con.execute(f"delete from {TABLE} where is_current=1")
    con.execute(f"insert into {TABLE} ({', '.join(_COLUMNS)}) values (?,?,?,?,?,?,?,?)",
                (new_name or DEFAULT_CURRENT.zh, dt.date.today().isoformat(), source, None, 1,
                 _now(), batch_id, CURRENT_LAYER))


def finish(con: sqlite3.Connection) -> None:
    """After the import wrote its rows: the current edition's feature count."""
    if _exists(con, TABLE):
        n = con.execute(f'select count(*) from "{CURRENT_LAYER}"').fetchone()[0]
        con.execute(f"update {TABLE} set feature_count=? where is_current=1", (n,))


def undo(con: sqlite3.Connection, batch_id: int) -> None:
    """Inside the undo's transaction: drop what batch ``batch_id`` kept and put the
    ``editions`` table back as it was."""
    row = con.execute("select code, previous from import_undo where batch_id=? and layer=? "
                      "and action='editions'", (batch_id, TABLE)).fetchone() \
        if _exists(con, "import_undo") else None
    if row is None:
        return
    kept, previous = row
    if kept is not None and _exists(con, LAYER):
        con.execute(f'delete from "{LAYER}" where edition=?', (kept,))
    con.execute(f"delete from {TABLE}")
    for r in json.loads(previous):
        con.execute(f"insert into {TABLE} ({', '.join(_COLUMNS)}) values (?,?,?,?,?,?,?,?)",
                    [r.get(c) for c in _COLUMNS])


def list_editions(path: Path) -> list[dict[str, Any]]:
    """Every edition of the workspace, kept ones first (by date), the current one last.

    A workspace that never kept an edition has just the current one, named
    :data:`DEFAULT_CURRENT` and dated from its metadata or last import."""
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        rows = _rows(con)
        if not any(r["is_current"] for r in rows) and _exists(con, CURRENT_LAYER):
            date, origin = _current_origin(con)
            n = con.execute(f'select count(*) from "{CURRENT_LAYER}"').fetchone()[0]
            rows.append({"name": DEFAULT_CURRENT.zh, "date": date, "source": origin,
                         "feature_count": n, "is_current": 1, "recorded": None,
                         "batch_id": None, "layer": CURRENT_LAYER})
    finally:
        con.close()
    for r in rows:
        r["is_current"] = bool(r["is_current"])
    return rows
