"""Helpers of the sync tests: a loaded city database, checkouts, quick edits, comparisons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from geodata import outfall_store, store
from geodata.pg.connection import connect
from geodata.pg.users import add_user
from models.outfall_edits import Change, Edit
from models.outfall_session import to_batch
from models.sync import local
from models.sync.checkout import checkout, init_server
from models.sync.merge import FIELDS, GEOMETRY, same

JINJIANG, SHISHI = "350582", "350581"
ROOT_DIR = Path(__file__).resolve().parents[2]
PASSWORDS = {"jj1": "Jj1-secret-密码", "jj2": "Jj2-secret-密码", "ss1": "Ss1-secret-密码",
             "pl1": "Pl1-secret-密码"}


def user_url(admin_url: str, user: str, port: int | None = None) -> str:
    """The same database as ``admin_url`` reached as ``user`` (optionally via ``port``)."""
    rest = admin_url.split("@", 1)[1]
    host, db = rest.split("/", 1)
    if port is not None:
        host = f"127.0.0.1:{port}"
    return f"postgresql://{user}@{host}/{db}"


def load_city(admin_url: str, users: dict[str, tuple[str, str | None]] | None = None) -> None:
    """``server init`` from the bundled data, plus the given users (name → (role, county))."""
    users = users if users is not None else {
        "jj1": ("inspector", JINJIANG), "jj2": ("inspector", JINJIANG),
        "ss1": ("inspector", SHISHI), "pl1": ("planner", None)}
    with connect(admin_url, autocommit=True) as con:
        init_server(con, store.bundled_path(), explicit=True)
        for name, (kind, county) in users.items():
            add_user(con, name, kind, county, PASSWORDS.get(name, name + "-pw"))


def check_out(admin_url: str, user: str, out: Path, county: str | None = JINJIANG) -> Path:
    url = user_url(admin_url, user)
    with connect(url, password=PASSWORDS.get(user, user + "-pw"), autocommit=True) as con:
        checkout(con, url, out, county)
    return out


def edit(path: Path, user: str, changes: list[tuple[str, str, Any]]) -> Edit:
    """Save one edit (as the EditSession would: one batch, its audit rows) to ``path``."""
    con = store_con(path)
    try:
        cur = local.read_current(con, [c for c, _f, _v in changes])
    finally:
        con.close()
    e = Edit("move" if changes[0][1] == GEOMETRY else "set",
             tuple(Change(c, f, cur[c].get(f) if f != GEOMETRY else tuple(cur[c][f]),
                          tuple(v) if f == GEOMETRY else v) for c, f, v in changes))
    e = e.stamped(user)
    outfall_store.commit_batches(path, [to_batch(e)])
    return e


def store_con(path: Path) -> Any:
    from geodata import gpkg_sql

    return gpkg_sql.connect(path, readonly=True)


def laptop_rows(path: Path) -> dict[str, dict[str, Any]]:
    con = store_con(path)
    try:
        return local.read_current(con)
    finally:
        con.close()


def server_rows(admin_url: str, county: str | None = JINJIANG) -> dict[str, dict[str, Any]]:
    from models.sync.push import fetch_rows

    with psycopg.connect(admin_url, autocommit=True) as con:
        where = "WHERE county_code = %s" if county else ""
        codes = [r[0] for r in con.execute(f"SELECT code FROM outfalls {where}",
                                           (county,) if county else ())]
        return {c: t["row"] for c, t in fetch_rows(con, codes).items()}


def differences(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> list[str]:
    out = [f"{c}: only on one side" for c in set(a) ^ set(b)]
    for code in set(a) & set(b):
        for f in [*FIELDS, GEOMETRY]:
            if not same(f, a[code].get(f), b[code].get(f)):
                out.append(f"{code}.{f}: {a[code].get(f)!r} != {b[code].get(f)!r}")
    return sorted(out)


def server_audit(admin_url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(admin_url, autocommit=True) as con:
        return con.execute("SELECT batch, seq, outfall_code, field, new_value, \"user\", \"at\" "
                           "FROM inspections ORDER BY id").fetchall()


def local_audit(path: Path) -> list[dict[str, Any]]:
    return outfall_store.read_audit(path)
