"""Importing outfalls that have no code: match them, or give them provisional codes.

Called by :mod:`geodata.io.workspace_import` inside its transaction, before rows are sorted
into new / updated / unchanged (the pattern and the rules are in
:mod:`geodata.io.provisional_codes`):

1. a row without a code that names an outfall already in the workspace at the same place
   (same name, within 5 m) *is* that outfall: it takes its code, its position and, for
   the fields the file leaves empty, its values, so re-importing a patrol file changes
   nothing and never undoes a reviewer's move;
2. every other such row gets a new provisional code, and on writing an audit row
   (action ``import``) that keeps where it came from: the file and its row number.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sqlite3
from typing import Any

import numpy as np
import shapely

from geodata import gpkg_sql, outfall_store
from geodata.io import provisional_codes as pc
from geodata.io.messages import Message, msg
from geodata.io.validation import Prepared


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (services, some containers)
        return "unknown"


def _county_areas(con: sqlite3.Connection) -> tuple[list[str], shapely.STRtree | None]:
    """County codes and an STRtree of their boundaries, if the workspace has counties."""
    try:
        gcol = gpkg_sql.geometry_column(con, "counties")
        rows = con.execute(f'select code, "{gcol}" from counties').fetchall()
    except (sqlite3.Error, KeyError, ValueError, IndexError, TypeError):
        return [], None
    codes = [str(c) for c, _ in rows]
    geoms = [gpkg_sql.blob_to_geom(g) for _, g in rows]
    if not rows or any(g is None for g in geoms):
        return [], None
    return codes, shapely.STRtree(geoms)


def _counties(con: sqlite3.Connection, frame: Any, index: np.ndarray) -> list[str]:
    """The county of each row: its county code, else the county it lies in, else the city."""
    given = [pc.county_of(v) for v in (frame["county_code"].to_numpy()[index]
                                       if "county_code" in frame else [None] * len(index))]
    need = [k for k, c in enumerate(given) if c is None]
    if need:
        codes, tree = _county_areas(con)
        if tree is not None:
            pts = np.asarray(frame.geometry.array, dtype=object)[index[need]]
            inside, area = tree.query(pts, predicate="intersects")
            for p, a in zip(inside.tolist(), area.tolist(), strict=True):
                if given[need[p]] is None:
                    given[need[p]] = pc.county_of(codes[a])
            # an outfall on the shore may be picked a little offshore: the nearest county
            (near, area) = tree.query_nearest(pts, max_distance=pc.NEAREST_COUNTY_DEG)
            for p, a in zip(near.tolist(), area.tolist(), strict=True):
                if given[need[p]] is None:
                    given[need[p]] = pc.county_of(codes[a])
    return [c or pc.CITY_CODE for c in given]


def _taken(con: sqlite3.Connection, existing: dict[str, dict[str, Any]]) -> list[str]:
    """Every provisional code ever given: in the layer, and in the audit log."""
    taken = [c for c in existing if pc.is_provisional(c)]
    try:
        for (code, old, new) in con.execute(
                f'select outfall_code, old_value, new_value from "{outfall_store.AUDIT_TABLE}" '
                f"where outfall_code like '{pc.PREFIX}-%' or old_value like '{pc.PREFIX}-%' "
                f"or new_value like '{pc.PREFIX}-%'"):
            taken += [str(v) for v in (code, old, new) if v]
    except sqlite3.Error:
        pass  # no audit log yet
    return taken


def resolve(con: sqlite3.Connection, prep: Prepared, existing: dict[str, dict[str, Any]],
            gcol: str, cols: list[str]) -> list[int]:
    """Give each row without a code the code of the outfall it is, or a provisional one.

    Changes ``prep.frame`` in place; returns the rows given new provisional codes.
    """
    index = np.flatnonzero(prep.uncoded)
    if not len(index):
        return []
    frame = prep.frame
    names = frame["name_zh"].to_numpy(dtype=object)[index] if "name_zh" in frame else \
        np.full(len(index), "", dtype=object)
    points = np.asarray(frame.geometry.array, dtype=object)[index]
    rows = [(str(n) if n is not None else "", float(p.x), float(p.y))
            for n, p in zip(names, points, strict=True)]
    old = []
    for code, rec in existing.items():
        g = gpkg_sql.blob_to_geom(rec.get(gcol))
        if g is not None and not g.is_empty and g.geom_type == "Point":
            old.append((code, rec.get("name_zh"), float(g.x), float(g.y)))
    matched = pc.match_by_name_and_position(rows, old)
    code_col = frame.columns.get_loc("code")
    geom_col = frame.columns.get_loc(frame.geometry.name)
    fresh = []
    for i, code in zip(index.tolist(), matched, strict=True):
        if code is None:
            fresh.append(i)
            continue
        rec = existing[code]
        frame.iat[i, code_col] = code
        frame.iat[i, geom_col] = gpkg_sql.blob_to_geom(rec[gcol])
        for c in cols:  # what the file leaves empty, the outfall keeps
            v = frame.at[i, c]
            if c != "code" and (v is None or (isinstance(v, float) and v != v) or v == ""):
                frame.at[i, c] = rec.get(c)
    if fresh:
        counties = _counties(con, frame, np.asarray(fresh))
        for i, code in zip(fresh, pc.allocate(counties, _taken(con, existing)), strict=True):
            frame.iat[i, code_col] = code
    return fresh


def notes(given: list[str], matched: int) -> list[Message]:
    """What the import says about the outfalls that had no code."""
    out = []
    if given:
        out.append(msg(f"{len(given)} 个排污口在文件中没有编码，已给临时编码（待编码-县区代码-序号，"
                       f"如 {given[0]}），合规检查将标记“缺少编码”，赋予正式编码后消除",
                       f"{len(given)} outfalls have no code in the file and were given "
                       f"provisional codes (待编码-county-serial, e.g. {given[0]}); the "
                       "compliance check flags them 'missing code' until they get their "
                       "real codes"))
    if matched:
        out.append(msg(f"{matched} 个无编码的排污口与工作区中同名且相距 5 米内的排污口相同，"
                       "未重复添加",
                       f"{matched} outfalls without a code are ones already in the workspace "
                       "(same name, within 5 m); not added again"))
    return out


def audit_imported(con: sqlite3.Connection, prep: Prepared, fresh: list[int], source: str,
                   batch: int) -> None:
    """One audit row per outfall given a provisional code: where it came from."""
    if not fresh:
        return
    outfall_store.ensure_review_tables(con)
    at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    user = _user()
    codes = prep.frame["code"].to_numpy(dtype=object)
    outfall_store.write_audit(con, [
        outfall_store.AuditRow(at, user, str(codes[i]), "import", "code", "", str(codes[i]),
                               f"导入自 {source} 第 {int(prep.row_numbers[i])} 行（文件中无编码，"
                               f"已给临时编码） / imported from {source} row "
                               f"{int(prep.row_numbers[i])} (no code in the file; provisional "
                               "code given)", f"import-{batch}")
        for i in fresh])


def audit_undone(con: sqlite3.Connection, codes: list[str], batch: int) -> None:
    """The audit log is append-only: an undone import says so for each provisional code."""
    gone = [c for c in codes if pc.is_provisional(c)]
    if not gone:
        return
    outfall_store.ensure_review_tables(con)
    at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    user = _user()
    outfall_store.write_audit(con, [
        outfall_store.AuditRow(at, user, c, "undo", "code", c, "",
                               f"撤销导入批次 {batch} / import batch {batch} undone",
                               f"import-{batch}-undo") for c in gone])
