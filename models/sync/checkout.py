"""``server init`` (the city loads its inventory) and ``checkout`` (a laptop takes a copy).

A checkout is a normal workspace GeoPackage, written under a temporary name and renamed
into place when complete (a cut checkout leaves no half file): every layer and table the
city loaded (base layers, control units, plans, tasks, indicators …), the outfalls of the
whole city or of one county, their audit rows and photos, and the sync tables of
:mod:`models.sync.local` with each outfall's base values and server version.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyogrio

from geodata import gil_slices, gpkg_sql, store
from geodata.messages import Message
from geodata.pg import layers, schema
from geodata.pg.connection import ServerError, redact_url
from models.sync import local
from models.sync.engine import now_iso
from models.sync.push import fetch_rows


def init_server(con: Any, source: Path | None, explicit: bool) -> dict[str, Any]:
    """Migrate the database and, if its inventory is empty, load ``source`` into it."""
    ran = schema.migrate(con)
    (n,) = con.execute("SELECT count(*) FROM outfalls").fetchone()
    loaded: dict[str, int] = {}
    if n and explicit:
        raise ServerError(Message(
            f"服务器已有 {n} 个排污口，未导入 {source}（清单只初始化一次）",
            f"the server already holds {n} outfalls; {source} was not loaded "
            "(the inventory is initialised once)"))
    if not n and source is not None:
        store.check_workspace(source)
        loaded = layers.load_workspace(con, source)
    return {"migrations_applied": ran, "migrations": schema.applied(con), "loaded": loaded,
            "outfalls": int(con.execute("SELECT count(*) FROM outfalls").fetchone()[0])}


def _require_schema(con: Any, url: str) -> None:
    if 1 not in schema.applied(con):
        raise ServerError(Message(
            f"{redact_url(url)} 不是 EcoZone 清单数据库（请先运行 server init）",
            f"{redact_url(url)} is not an EcoZone inventory database (run server init first)"))


def checkout(con: Any, url: str, out: Path, county: str | None) -> dict[str, Any]:
    """Write the checkout GeoPackage ``out`` of the whole city or of ``county``."""
    from geodata.pg.users import whoami

    out = Path(out)
    if out.exists():
        raise ServerError(Message(f"{out} 已存在；请换一个文件名（检出不会覆盖文件）",
                                  f"{out} already exists; choose another name (a checkout "
                                  "never overwrites a file)"))
    if not out.parent.is_dir():
        raise ServerError(Message(f"文件夹不存在：{out.parent}",
                                  f"folder not found: {out.parent}"))
    _require_schema(con, url)
    part = out.with_name(out.stem + ".part.gpkg")  # GDAL wants the .gpkg extension
    part.unlink(missing_ok=True)
    try:
        with con.transaction():
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            user = whoami(con)
            if county:
                (n,) = con.execute("SELECT count(*) FROM ecozone_layers").fetchone()
                known = con.execute("SELECT 1 FROM outfalls WHERE county_code=%s LIMIT 1",
                                    (county,)).fetchone()
                if not known and n:
                    raise ServerError(Message(f"服务器上没有区县 {county} 的排污口",
                                              f"the server has no outfalls of county {county}"))
            counts = _write_layers(con, part, county)
            base, audit, photos = _read_sync_data(con, county)
        _write_sync_tables(part, url, user, county, base, audit, photos)
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
    return {"out": str(out), "server": redact_url(url), "user": user.name, "role": user.kind,
            "county": county, "layers": counts, "outfalls": len(base),
            "audit_rows": len(audit), "photos": len(photos)}


def _write_layers(con: Any, part: Path, county: str | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, kind in layers.layer_names(con):
        if name in ("inspections",):
            continue  # written by the review tables' own DDL below
        spatial = kind == "features"
        where, params = ("WHERE county_code = %s", (county,)) \
            if county and name == "outfalls" else ("", ())
        frame = layers.read_layer(con, name, spatial, where, params)
        opts: dict[str, Any] = {"layer_options": {"GEOMETRY_NAME": "geom"}} if spatial else {}
        if spatial:
            opts["promote_to_multi"] = False
        pyogrio.write_dataframe(frame, part, layer=name, driver="GPKG", **opts)
        counts[name] = len(frame)
    return counts


def _read_sync_data(con: Any, county: str | None
                    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    where, params = ("WHERE county_code = %s", (county,)) if county else ("", ())
    codes = [str(c) for (c,) in gil_slices.fetched(
        con.execute(f"SELECT code FROM outfalls {where}", params))]
    base: dict[str, Any] = {}
    for i in range(0, len(codes), 20000):
        base.update(fetch_rows(con, codes[i:i + 20000]))
    cols = ("at", "user", "outfall_code", "action", "field", "old_value", "new_value", "note",
            "batch")
    sel = ", ".join(f'"{c}"' for c in cols)
    audit = []
    for r in gil_slices.fetched(
            con.execute(f"SELECT {sel} FROM inspections {where} ORDER BY id", params)):
        rec = dict(zip(cols, r, strict=True))
        if rec["at"] is not None:
            rec["at"] = rec["at"].isoformat(timespec="seconds")
        audit.append(rec)
    pcols = ("photo_id", "outfall_code", "added_at", "user", "filename", "mime", "note",
             "data", "thumb")
    psel = ", ".join(f'"{c}"' for c in pcols)
    photos = [dict(zip(pcols, r, strict=True)) for r in
              con.execute(f"SELECT {psel} FROM photos {where} ORDER BY fid", params)]
    return base, audit, photos


def _write_sync_tables(part: Path, url: str, user: Any, county: str | None,
                       base: dict[str, Any], audit: list[dict[str, Any]],
                       photos: list[dict[str, Any]]) -> None:
    con = gpkg_sql.connect(part)
    try:
        con.execute("BEGIN IMMEDIATE")
        local.ensure_tables(con)
        local.write_base(con, {c: (t["version"], t["row"]) for c, t in base.items()})
        local.insert_audit(con, audit)
        local.mark_batches(con, {a["batch"] for a in audit}, "pulled", None)
        con.executemany(
            'INSERT INTO "photos" (photo_id, outfall_code, added_at, user, filename, mime, '
            "note, data, thumb) VALUES (?,?,?,?,?,?,?,?,?)",
            [tuple(p.values()) for p in photos])
        local.mark_photos(con, [p["photo_id"] for p in photos], [])
        now = now_iso()
        local.set_state(con, url=redact_url(url), user=user.name, role=user.kind,
                        county=county or "", checked_out=now, last_sync=now)
        local.workspace_id(con)
        con.execute("COMMIT")
    finally:
        con.close()
    store.check_workspace(part)
