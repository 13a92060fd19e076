"""Import prepared rows into a workspace GeoPackage: all or nothing, previewable, undoable.

One SQLite transaction (through :mod:`geodata.gpkg_sql`, whose connection carries the
functions GDAL's R-tree triggers need) writes the rows, an ``import_batches`` row and, in
``import_undo``, the previous state of every row the batch touched.  ``undo_import`` puts
that state back in another single transaction.

control_units and outfalls are keyed by ``code``: re-importing a file updates changed rows
and leaves unchanged ones alone instead of duplicating them.  Any other layer name is
imported as a new layer as-is (a re-import replaces its rows, undoably).

Editions (:mod:`geodata.editions_store`): importing control units with ``keep_edition``
first keeps the current units as a named edition; the file is then a whole new edition, so
units missing from it are removed from ``control_units`` (undoably, like the rest).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geodata import editions_store, gil_slices, gpkg_sql
from geodata.collector import collector_paused
from geodata.io import uncoded_outfalls
from geodata.io.field_mapping import LAYER_FIELDS, suggest_mapping
from geodata.io.messages import ImportRefused, Message, Notes, msg
from geodata.io.read_result import Progress
from geodata.io.readers import read_any
from geodata.io.validation import Prepared, RowIssue, nothing_imported, prepare

KEYED_LAYERS = tuple(LAYER_FIELDS)
_DDL = (
    "create table if not exists import_batches (batch_id integer primary key autoincrement,"
    " layer text not null, source text, sha256 text, created text, status text not null,"
    " created_layer integer not null default 0, counts text)",
    "create table if not exists import_undo (batch_id integer not null, layer text not null,"
    " action text not null, code text, fid integer, previous text)",
)


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    layer: str
    source: str
    dry_run: bool
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[RowIssue] = field(default_factory=list)
    flagged: list[RowIssue] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)
    mapping: dict[str, str] = field(default_factory=dict)
    batch_id: int | None = None
    #: codes removed because the file is a whole new edition (``keep_edition``/``edition``)
    removed: list[str] = field(default_factory=list)
    kept_edition: str | None = None
    edition: str | None = None
    #: codes given to outfalls that had none in the file (待编码-county-serial)
    provisional: list[str] = field(default_factory=list)
    #: the counts as the batch stored them, when the lists above were not all kept (a
    #: report read back from the workspace: models/import_process.py)
    stored_counts: dict[str, int] | None = None

    def counts(self) -> dict[str, int]:
        """Rows imported, updated, unchanged, refused (a row with two bad fields counts
        once; each field's error stays listed in ``rejected``) and flagged."""
        if self.stored_counts is not None:
            return dict(self.stored_counts)
        return {"imported": len(self.new), "updated": len(self.updated),
                "unchanged": len(self.unchanged),
                "rejected": len({r.row for r in self.rejected}),
                "flagged": len(self.flagged)}

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {"layer": self.layer, "source": self.source, "dry_run": self.dry_run,
                "batch_id": self.batch_id, **self.counts(), "new_codes": self.new[:1000],
                "updated_codes": self.updated[:1000],
                "provisional_codes": self.provisional[:1000], "mapping": self.mapping,
                "rejections": [r.to_json(lang) for r in self.rejected[:1000]],
                "flags": [r.to_json(lang) for r in self.flagged[:1000]],
                "notes": [n.text(lang) for n in self.notes.items],
                **({"removed": len(self.removed), "removed_codes": self.removed[:1000],
                    "kept_edition": self.kept_edition, "edition": self.edition}
                   if self.kept_edition or self.edition else {})}


def layer_table_name(layer: str, source: Path) -> str:
    name = source.stem if layer == "any" else layer
    name = re.sub(r"[^0-9A-Za-z_\u4e00-\u9fff]", "_", name).strip("_") or "imported"
    return ("l_" + name) if name[0].isdigit() else name


def _table_columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in con.execute(f'pragma table_info("{table}")')]


def _table_exists(con: sqlite3.Connection, table: str) -> bool:
    return con.execute("select 1 from sqlite_master where type='table' and name=?",
                       (table,)).fetchone() is not None


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None or a == "" or b == "":
        return (a in (None, "")) and (b in (None, ""))
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return str(a) == str(b)


def _existing(con: sqlite3.Connection, table: str, gcol: str, cols: list[str]
              ) -> dict[str, dict[str, Any]]:
    """Every row of the layer by code (``str`` of the stored value; of rows sharing a code
    the last in fid order), as a record of ``fid``, the geometry blob and ``cols``."""
    sel = ", ".join(f'"{c}"' for c in ["fid", gcol, *cols])
    out = {}
    for row in gil_slices.fetched(con.execute(f'select {sel} from "{table}"')):
        rec = dict(zip(["fid", gcol, *cols], row, strict=True))
        out[str(rec["code"])] = rec
    return out


def _existing_of(con: sqlite3.Connection, table: str, gcol: str, cols: list[str],
                 codes: list[str]) -> dict[str, dict[str, Any]] | None:
    """:func:`_existing` restricted to ``codes`` (the file's): the same records for those
    codes, found by SQLite (``code IN json_each``, the layer's code index when it has one)
    instead of a Python record per row of the layer.  At a million outfalls the whole read
    was ~4 s of Python in the import's worker and freeing it held the GIL ~0.3 s in one
    piece: the window's longest stop during an import (issue 17, bench/bench_gaps.py).

    None when SQL would not find exactly those records: a code stored as other than text
    (``str()`` of a number or a blob is not what SQLite's text comparison sees), or a file
    code ``"None"`` (the key :func:`_existing` gives a row without a code)."""
    wanted = gil_slices.unique_in_order(codes)
    if "None" in wanted:
        return None
    odd = con.execute(f'select 1 from "{table}" where typeof("code") not in '
                      "('text', 'null') limit 1").fetchone()
    if odd is not None:
        return None
    names = ["fid", gcol, *cols]
    sel = ", ".join(f'"{c}"' for c in names)
    out: dict[str, dict[str, Any]] = {}
    # in fid order, as the whole read scans the table: of rows sharing a code the last wins
    # fetched a slice at a time: each row's step lets go of the GIL (gil_slices.fetched)
    for row in gil_slices.fetched(con.execute(
            f'select {sel} from "{table}" where "code" in '
            f'(select value from json_each(?)) order by "fid"',
            (gil_slices.json_list(wanted),))):
        rec = dict(zip(names, row, strict=True))
        out[str(rec["code"])] = rec
    return out


def _ensure_srs(con: sqlite3.Connection) -> None:
    if con.execute("select 1 from gpkg_spatial_ref_sys where srs_id=4490").fetchone():
        return
    from pyproj import CRS

    con.execute("insert into gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
                "organization_coordsys_id, definition) values (?,?,?,?,?)",
                ("China Geodetic Coordinate System 2000", 4490, "EPSG", 4490,
                 CRS.from_epsg(4490).to_wkt("WKT1_GDAL")))


def _create_layer(con: sqlite3.Connection, table: str, columns: list[str], frame: Any) -> None:
    _ensure_srs(con)
    defs = []
    for c in columns:
        kind = frame[c].dtype.kind
        defs.append(f'"{c}" ' + {"i": "INTEGER", "u": "INTEGER", "f": "REAL", "b": "BOOLEAN"}
                    .get(kind, "TEXT"))
    con.execute(f'create table "{table}" (fid integer primary key autoincrement, '
                f'geom GEOMETRY{"".join(", " + d for d in defs)})')
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
    con.execute("insert into gpkg_contents (table_name, data_type, identifier, last_change, "
                "srs_id) values (?, 'features', ?, ?, 4490)", (table, table, now))
    con.execute("insert into gpkg_geometry_columns (table_name, column_name, "
                "geometry_type_name, srs_id, z, m) values (?, 'geom', 'GEOMETRY', 4490, 0, 0)",
                (table,))


def _drop_layer(con: sqlite3.Connection, table: str) -> None:
    con.execute(f'drop table if exists "{table}"')
    for meta in ("gpkg_geometry_columns", "gpkg_contents"):
        con.execute(f"delete from {meta} where table_name=?", (table,))


def _rows(frame: Any, cols: list[str]) -> list[tuple[Any, ...]]:
    """(geometry blob, *values) per row, built column-wise: the blobs in one vectorised
    call (:func:`gpkg_sql.geoms_to_blobs`), NaN/NA as None."""
    blobs = gpkg_sql.geoms_to_blobs(frame.geometry.array)
    columns = [_objects(frame[c]).tolist() for c in cols]
    return list(zip(blobs, *columns, strict=True))


def _objects(column: Any) -> np.ndarray:
    """A column's values as Python objects, NaN/NA as None."""
    return column.astype(object).where(column.notna(), None).to_numpy(dtype=object)


#: rows of an import made into Python values and inserted per slice in a worker: the GUI
#: thread can hardly take the GIL inside one (see gil_slices.hand_over).  At 1M outfalls a
#: slice of 2 048 rows kept a waiting thread out for 8-15 ms 17-29 times in a 100k import,
#: 1 024 rows 4-12 times (a Qt-free probe), for about the same import time
ROW_SLICE = 1_024
#: rows of an import whose columns are made Python values in one call each (RowSlices)
COLUMN_SLICE = gil_slices.SMALL_SLICE


def _values_at(column: Any, index: list[int]) -> list[Any]:
    """``column.to_numpy()[index].tolist()``, in a worker a slice at a time (a text column's
    100k Python strings in one call held the GIL ~12 ms)."""
    picked = column.iloc[index]
    out: list[Any] = []
    for part in gil_slices.slices(len(picked), gil_slices.SLICE // 4):
        out += picked.iloc[part].to_numpy().tolist()
    return out


class RowSlices(Sequence[tuple[Any, ...]]):
    """:func:`_rows` of ``frame``, made as they are iterated, a slice of ``ROW_SLICE`` rows
    at a time (in a worker with the GIL handed over between slices).  Made whole, 100k rows
    held the GIL in single calls of 10-70 ms (a text column to Python strings, the tuples)
    and again as one list was freed; fed to ``executemany`` a slice's rows are freed as
    they are written.  The same rows in the same order as :func:`_rows`."""

    def __init__(self, frame: Any, cols: list[str]) -> None:
        self.frame, self.cols = frame, cols

    def __len__(self) -> int:
        return len(self.frame)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        # each column made Python values COLUMN_SLICE rows at a time, one call a column
        # with the GIL handed over between them, and the rows zipped ROW_SLICE at a time
        # from those: made by pandas per ROW_SLICE rows (~0.5 ms of calls a column, 14
        # columns), a slice kept a waiting GUI thread out 12-18 ms on a slow machine
        for big in gil_slices.slices(len(self.frame), COLUMN_SLICE):
            part = self.frame.iloc[big]
            columns = []
            for c in self.cols:
                columns.append(_objects(part[c]))
                if gil_slices.in_worker():
                    gil_slices.hand_over()  # the GUI thread's turn
            geoms = part.geometry.array
            for rows in gil_slices.slices(len(part), ROW_SLICE):
                yield from zip(gpkg_sql.geoms_to_blobs(geoms[rows]),
                               *(col[rows].tolist() for col in columns), strict=True)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return _rows(self.frame.iloc[i], self.cols)
        n = len(self.frame)
        if not -n <= i < n:
            raise IndexError(i)
        i = i % n
        return _rows(self.frame.iloc[i:i + 1], self.cols)[0]


def _classify(prep: Prepared, existing: dict[str, dict[str, Any]], cols: list[str],
              gcol: str, report: ImportReport) -> tuple[list[tuple[str, int]], np.ndarray]:
    """Sort rows into new/updated/unchanged; returns (action, index) of rows to write and
    whether each row's geometry differs from the stored one (True for new rows)."""
    codes = gil_slices.to_list(prep.frame["code"].astype(str))
    known = np.fromiter((c in existing for c in codes), dtype=bool, count=len(codes))
    # the actions as small ints (an object array of 100k action strings made and compared
    # whole held the GIL ~10 ms a call)
    actions = np.where(known, -1, 0).astype(np.int8)
    moved = ~known
    at = np.flatnonzero(known)
    if len(at):
        # only rows already in the layer are compared, column by column: per row and
        # field in Python this was ~4 s of a 12 s re-import of 100k outfalls into 1M
        olds = [existing[codes[i]] for i in at.tolist()]
        old_geoms = gpkg_sql.blobs_to_geoms([old[gcol] for old in olds])
        new_geoms = gil_slices.take(np.asarray(prep.frame.geometry.array, dtype=object), at)
        same_geom = ~shapely.is_missing(old_geoms) & shapely.equals_exact(
            old_geoms, new_geoms, tolerance=1e-9)
        same = same_geom.copy()
        for c in cols:
            same &= _same_values([old[c] for old in olds], _column_at(prep.frame[c], at))
        actions[at] = np.where(same, 2, 1)
        moved[at] = ~same_geom
        gil_slices.let_go(old_geoms, olds)  # 100k geometries freed whole: ~20-40 ms
    names = ("insert", "update", "unchanged")
    by_action = {a: [codes[i] for i in np.flatnonzero(actions == k).tolist()]
                 for k, a in enumerate(names)}
    report.new += by_action["insert"]
    report.updated += by_action["update"]
    report.unchanged += by_action["unchanged"]
    return [(names[actions[i]], i) for i in np.flatnonzero(actions != 2).tolist()], moved


def _same_values(olds: list[Any], news: list[Any]) -> np.ndarray:
    """:func:`_same` of each pair, as a bool array: ``==`` of the two as object arrays
    first (in C; equal values are the same), :func:`_same` only for the pairs that differ
    (a number stored as text, a missing value)."""
    eq = np.zeros(len(olds), dtype=bool)
    # a slice at a time in a worker: 100k pairs compared in one call held the GIL ~20 ms
    for part in gil_slices.slices(len(olds), gil_slices.SMALL_SLICE):
        try:
            n = part.stop - part.start  # fromiter: a tuple value stays one item
            eq[part] = (np.fromiter(olds[part], dtype=object, count=n)
                        == np.fromiter(news[part], dtype=object, count=n))
        except (TypeError, ValueError):  # a value whose == is not True or False
            pass
    for i in np.flatnonzero(~eq).tolist():
        eq[i] = _same(olds[i], news[i])
    return eq


def _column_at(column: Any, rows: np.ndarray) -> list[Any]:
    """``column.tolist()`` at the positions ``rows``, a slice at a time in a worker."""
    out: list[Any] = []
    for part in gil_slices.slices(len(rows), gil_slices.SMALL_SLICE):
        out += column.iloc[rows[part]].tolist()
    return out


def _remove_missing(con: sqlite3.Connection, table: str, gcol: str, prep: Prepared,
                    existing: dict[str, dict[str, Any]], batch: int,
                    report: ImportReport) -> None:
    """A whole new edition: delete the units the file no longer has (undo re-inserts them)."""
    codes = set(prep.frame["code"].astype(str))
    gone = [c for c in existing if c not in codes]
    report.removed += gone
    if report.dry_run or not gone:
        return
    names = _table_columns(con, table)
    undo = []
    for code in gone:  # every field of the row, not only the file's, for the undo
        row = con.execute(f'select * from "{table}" where fid=?',
                          (existing[code]["fid"],)).fetchone()
        prev = {k: (v.hex() if isinstance(v, bytes) else v)
                for k, v in zip(names, row, strict=True)}
        undo.append((batch, table, "delete", code, prev["fid"], json.dumps(prev)))
    con.executemany("insert into import_undo values (?,?,?,?,?,?)", undo)
    gpkg_sql.delete_features(con, table, gcol, [existing[c]["fid"] for c in gone])
def _resolve_uncoded(con: sqlite3.Connection, prep: Prepared, existing: dict[str, Any],
                     gcol: str, cols: list[str], report: ImportReport) -> list[int]:
    """Outfalls without a code: the ones already there, and provisional codes for others."""
    if not prep.uncoded.any():
        return []
    fresh = uncoded_outfalls.resolve(con, prep, existing, gcol, cols)
    codes = prep.frame["code"].to_numpy(dtype=object)
    report.provisional = [str(codes[i]) for i in fresh]
    report.notes.items.extend(uncoded_outfalls.notes(
        report.provisional, int(prep.uncoded.sum()) - len(fresh)))
    return fresh


def _write_keyed(con: sqlite3.Connection, table: str, prep: Prepared, batch: int,
                 report: ImportReport, whole_edition: bool = False) -> None:
    gcol = gpkg_sql.geometry_column(con, table)
    have = set(_table_columns(con, table))
    cols = [c for c in prep.frame.columns if c != "geometry" and c in have]
    # Only a field with values is lost: a workspace made before a schema field was added
    # (e.g. the English access texts) takes a file without that field silently.
    missing = [c for c in prep.frame.columns
               if c != "geometry" and c not in have and prep.frame[c].notna().any()]
    if missing:
        report.notes.add(f"工作区图层缺少字段，未导入：{', '.join(missing)}",
                         f"the workspace layer lacks fields, not imported: {', '.join(missing)}")
    # the rows of the file's codes will do unless every row is looked at: a whole edition
    # removes the rows the file lacks, and outfalls without a code are matched against
    # all by name and position (uncoded_outfalls.resolve gives them codes first)
    subset = None
    if not whole_edition and not prep.uncoded.any():
        subset = _existing_of(con, table, gcol, cols,
                              gil_slices.to_list(prep.frame["code"].astype(str)))
    if subset is not None:
        existing = subset
    else:
        with collector_paused():  # a dict per row of the layer (geodata/collector.py)
            existing = _existing(con, table, gcol, cols)
    if whole_edition:
        _remove_missing(con, table, gcol, prep, existing, batch, report)
    fresh = _resolve_uncoded(con, prep, existing, gcol, cols, report)
    todo, moved = _classify(prep, existing, cols, gcol, report)
    if report.dry_run or not todo:
        gil_slices.let_go(existing)
        return
    uncoded_outfalls.audit_imported(con, prep, fresh, Path(report.source).name, batch)
    set_sql = ", ".join(f'"{c}"=?' for c in [gcol, *cols])
    index = [i for _, i in todo]
    frame = prep.frame if len(index) == len(prep.frame) else prep.frame.iloc[index]
    # the rows' values are made a slice at a time as executemany takes them (RowSlices):
    # 100k rows made and freed whole held the window's GIL for up to ~70 ms at a time
    codes = _values_at(prep.frame["code"].astype(str), index)
    inserts = [k for k, (action, _) in enumerate(todo) if action == "insert"]
    changed = [k for k, (action, _) in enumerate(todo) if action != "insert"]
    # positions as numpy arrays: a geometry array indexed by a list of 100k ints first
    # infers the list's type, one call holding the GIL ~20 ms
    at_insert = np.asarray(inserts, dtype=np.int64)
    with collector_paused():  # 100k rows' tuples: collections scanning them, GIL held
        fids = gpkg_sql.insert_features(
            con, table, [gcol, *cols],
            RowSlices(frame if len(inserts) == len(frame) else frame.iloc[at_insert], cols),
            frame.geometry.array[at_insert]) if inserts else []
    fid_of = gil_slices.dict_of(inserts, fids)

    def undo_rows() -> Iterator[tuple[Any, ...]]:  # in todo's order, as before
        for k, (action, _) in enumerate(todo):
            code = codes[k]
            if action == "insert":
                yield (batch, table, "insert", code, fid_of[k], None)
            else:
                old = existing[code]
                prev = {c: (v.hex() if isinstance(v, bytes) else v) for c, v in old.items()}
                yield (batch, table, "update", code, old["fid"], json.dumps(prev))

    # paced: each row's step lets go of the GIL and takes it back, and 100k of them in one
    # executemany kept the GUI thread from it for 20-130 ms at a time (a Qt-free probe)
    con.executemany("insert into import_undo values (?,?,?,?,?,?)",
                    gil_slices.paced(undo_rows(), gpkg_sql.ROW_SLICE))
    if changed:
        with gpkg_sql.geometry_updates(con, table, gcol) as updated:  # R-tree rows in bulk
            fids = [existing[codes[k]]["fid"] for k in changed]
            # the R-tree rows of the rows whose geometry changed (the others keep theirs)
            updated += [f for f, k in zip(fids, changed, strict=True) if moved[todo[k][1]]]
            updates = ((*row, fid) for fid, row in zip(
                fids, RowSlices(frame.iloc[np.asarray(changed, dtype=np.int64)], cols),
                strict=True))
            con.executemany(f'update "{table}" set {set_sql} where fid=?',
                            gil_slices.paced(updates, gpkg_sql.ROW_SLICE))
    # the stored records of 100k outfalls, freed whole as this returns: ~40 ms, GIL held
    gil_slices.let_go(existing, todo, codes)


def _write_as_is(con: sqlite3.Connection, table: str, prep: Prepared, batch: int,
                 report: ImportReport) -> bool:
    cols = [c for c in prep.frame.columns if c != "geometry"]
    created = not _table_exists(con, table)
    report.new = [str(r) for r in prep.row_numbers]
    if report.dry_run:
        return created
    if created:
        _create_layer(con, table, cols, prep.frame)
    else:
        gcol = gpkg_sql.geometry_column(con, table)
        have = _table_columns(con, table)
        for c in cols:
            if c not in have:
                con.execute(f'alter table "{table}" add column "{c}"')
        names = _table_columns(con, table)
        undo = []
        for row in con.execute(f'select * from "{table}"').fetchall():
            rec = {k: (v.hex() if isinstance(v, bytes) else v)
                   for k, v in zip(names, row, strict=False)}
            undo.append((batch, table, "delete", None, rec["fid"], json.dumps(rec)))
        con.executemany("insert into import_undo values (?,?,?,?,?,?)", undo)
        con.execute(f'delete from "{table}"')
        report.notes.add(f"已替换图层 {table} 的全部要素", f"all features of {table} replaced")
    gcol = gpkg_sql.geometry_column(con, table)
    gpkg_sql.insert_features(con, table, [gcol, *cols], _rows(prep.frame, cols),
                             prep.frame.geometry.array)
    return created


def _keep_edition(con: sqlite3.Connection, source: Path, report: ImportReport) -> None:
    try:
        editions_store.keep_current(con, report.kept_edition, report.edition, str(source),
                                    report.batch_id or 0, dry_run=report.dry_run)
    except editions_store.EditionError as exc:
        raise ImportRefused(exc.message) from None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_prepared(workspace: Path, layer: str, source: Path, prep: Prepared,
                   report: ImportReport) -> ImportReport:
    """Write (or for a dry run, only classify) in one transaction; fills ``report``."""
    con = gpkg_sql.connect(workspace, readonly=report.dry_run)
    try:
        if not report.dry_run:
            con.execute("begin immediate")
            for ddl in _DDL:
                con.execute(ddl)
            cur = con.execute("insert into import_batches (layer, source, sha256, created, "
                              "status) values (?,?,?,?, 'applied')",
                              (layer, str(source), _sha256(source) if source.is_file() else None,
                               dt.datetime.now().isoformat(timespec="seconds")))
            report.batch_id = int(cur.lastrowid or 0)
        editions = layer == editions_store.CURRENT_LAYER and bool(
            report.kept_edition or report.edition)
        if layer in KEYED_LAYERS:
            if not _table_exists(con, layer):
                raise ImportRefused(msg(f"工作区中没有图层 {layer}", f"the workspace has no layer {layer}"))
            if editions:
                _keep_edition(con, source, report)
            _write_keyed(con, layer, prep, report.batch_id or 0, report, whole_edition=editions)
            if layer == "outfalls" and not report.dry_run:
                # the index the review edits look codes up by: made here, in the import's
                # worker, not by the first edit's save on the GUI thread (~0.4 s at 1M)
                con.execute('CREATE INDEX IF NOT EXISTS idx_outfalls_code ON "outfalls" (code)')
            if editions:
                if not report.dry_run:
                    editions_store.finish(con)
                kept, new = report.kept_edition, report.edition
                report.notes.add(
                    f"整版导入：{'原单元保留为版本“' + kept + '”；' if kept else ''}"
                    f"{'新版本“' + new + '”；' if new else ''}删除文件中没有的单元 "
                    f"{len(report.removed)} 个",
                    f"whole edition: {'current units kept as ' + repr(kept) + '; ' if kept else ''}"
                    f"{'new edition ' + repr(new) + '; ' if new else ''}{len(report.removed)} "
                    "units missing from the file removed")
            created = False
        else:
            created = _write_as_is(con, layer, prep, report.batch_id or 0, report)
        if not report.dry_run:
            con.execute("update import_batches set counts=?, created_layer=? where batch_id=?",
                        (json.dumps(report.counts()), int(created), report.batch_id))
            con.execute("commit")
    except BaseException:
        if con.in_transaction:
            con.execute("rollback")
        raise
    finally:
        con.close()
    return report


def import_file(source: Path, workspace: Path, layer: str, *, file_layer: str | None = None,
                encoding: str = "auto", crs: str = "auto", mapping: dict[str, str] | None = None,
                dry_run: bool = False, progress: Progress | None = None,
                keep_edition: str | None = None, edition: str | None = None) -> ImportReport:
    """Read ``source``, check it and import it into ``workspace`` as ``layer``.

    ``keep_edition`` (control units only): keep the current units as an edition of that
    name first; ``edition``: the name of the imported edition.  Either makes the file a
    whole edition (units it lacks are removed from ``control_units``).

    Raises ImportRefused (nothing written) when the file cannot be read or no row survives.
    """
    source = Path(source)
    result = read_any(source, layer=file_layer, encoding=encoding, crs=crs, progress=progress)
    table = layer if layer in KEYED_LAYERS else layer_table_name(layer, source)
    if (keep_edition or edition) and table != editions_store.CURRENT_LAYER:
        raise ImportRefused(msg("只有管控单元（--as control_units）可以保留版本",
                                "editions are kept for control units only (--as control_units)"))
    if table in KEYED_LAYERS and mapping is None:
        suggested = suggest_mapping(list(result.frame.columns), table)
        mapping = {t: m.source for t, m in suggested.items()}
    prep = prepare(result, table, mapping)
    report = ImportReport(layer=table, source=str(source), dry_run=dry_run,
                          rejected=prep.rejected, flagged=prep.flagged, notes=result.notes,
                          mapping=dict(mapping or {}), kept_edition=keep_edition,
                          edition=edition)
    if len(prep.frame) == 0:
        raise nothing_imported(source.name, prep)
    return write_prepared(Path(workspace), table, source, prep, report)


def list_batches(workspace: Path) -> list[dict[str, Any]]:
    con = gpkg_sql.connect(workspace, readonly=True)
    try:
        if not _table_exists(con, "import_batches"):
            return []
        cur = con.execute("select * from import_batches order by batch_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def undo_import(workspace: Path, batch_id: int) -> Message:
    """Undo one import batch in a single transaction (only the latest on its layer)."""
    con = gpkg_sql.connect(workspace)
    try:
        con.execute("begin immediate")
        row = con.execute("select layer, status, created_layer from import_batches "
                          "where batch_id=?", (batch_id,)).fetchone() \
            if _table_exists(con, "import_batches") else None
        if row is None or row[1] != "applied":
            raise ImportRefused(msg(f"没有可撤销的导入批次 {batch_id}",
                                    f"no import batch {batch_id} to undo"))
        table, _, created = row
        later = con.execute("select batch_id from import_batches where layer=? and "
                            "batch_id>? and status='applied'", (table, batch_id)).fetchone()
        if later:
            raise ImportRefused(msg(f"须先撤销之后的批次 {later[0]}",
                                    f"undo the later batch {later[0]} first"))
        if created:
            _drop_layer(con, table)
        else:
            editions_store.undo(con, batch_id)
            cols = _table_columns(con, table)
            gcol = gpkg_sql.geometry_column(con, table)
            gone = [str(c) for (c,) in con.execute(
                "select code from import_undo where batch_id=? and action='insert'",
                (batch_id,)) if c]
            uncoded_outfalls.audit_undone(con, gone, batch_id)
            inserted: list[int] = []  # a run of inserted rows, deleted in bulk
            undo_rows = [*gil_slices.fetched(con.execute(
                "select action, fid, previous from import_undo where batch_id=? and "
                "layer=? order by rowid desc", (batch_id, table))), ("end", None, None)]
            # restored geometries' R-tree rows in bulk (gpkg_sql.geometry_updates): row by
            # row the triggers took ~9 s of undoing a re-import of 70k outfalls into 1M
            with gpkg_sql.geometry_updates(con, table, gcol) as updated:
                for action, fid, prev in undo_rows:
                    if action == "insert":
                        inserted.append(fid)
                        continue
                    gpkg_sql.delete_features(con, table, gcol, inserted)
                    inserted = []
                    if action == "end":
                        break
                    rec = json.loads(prev)
                    rec[gcol] = bytes.fromhex(rec[gcol]) if rec.get(gcol) else None
                    keep = [c for c in cols if c in rec]
                    if action == "update":
                        con.execute(f'update "{table}" set ' + ", ".join(f'"{c}"=?' for c in keep)
                                    + " where fid=?", [rec[c] for c in keep] + [fid])
                        updated.append(fid)
                    else:  # a row deleted by a replacing import
                        names = ", ".join(f'"{c}"' for c in keep)
                        con.execute(f'insert into "{table}" ({names}) values '
                                    f'({", ".join("?" for _ in keep)})', [rec[c] for c in keep])
            gil_slices.let_go(undo_rows)
        con.execute("update import_batches set status='undone' where batch_id=?", (batch_id,))
        con.execute("commit")
    except BaseException:
        if con.in_transaction:
            con.execute("rollback")
        raise
    finally:
        con.close()
    return msg(f"已撤销导入批次 {batch_id}（图层 {table}）",
               f"import batch {batch_id} undone (layer {table})")


ProgressCallback = Callable[[float, Message], "bool | None"]
