"""12 counties × 3 inspectors pushing at once: shared by the test and bench/bench_sync.py.

Each county's first outfall is the built conflict: inspectors 0 and 1 set its review
status to two different values.  Every other edit of an inspector touches only the
outfalls ``i % 3 == k`` of their county (k = the inspector's number), so nothing else can
conflict.  All 36 syncs start together (a barrier) in threads.
"""

from __future__ import annotations

import random
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from geodata import gpkg_sql, outfall_store
from geodata.pg.connection import connect
from geodata.pg.users import add_user
from models.outfall_edits import Change, Edit
from models.outfall_session import to_batch
from models.sync import local
from models.sync.engine import sync
from models.sync.merge import GEOMETRY
from tests.sync.support import check_out, laptop_rows, server_audit, server_rows, user_url

COUNTIES = ("350502", "350503", "350504", "350505", "350521", "350524", "350525", "350526",
            "350527", "350581", "350582", "350583")
REVIEW = ("待核查", "已核查", "位置存疑")
REMEDIATION = ("未启动", "整治中", "已完成")


def name(county: str, k: int) -> str:
    return f"i{county}_{k}"


def prepare(db: str, tmp: Path, edits_each: int, seed: int = 36) -> dict[str, Any]:
    """Users, checkouts (one per county, copied for its other inspectors) and edits saved."""
    with psycopg.connect(db, autocommit=True) as con:  # 金门 has no outfalls in the bundle
        for i in range(1, 16):
            con.execute("INSERT INTO outfalls (code, name_zh, county_code, review_status, "
                        "remediation_status, geom) VALUES (%s, %s, '350527', '待核查', '未启动', "
                        "ST_SetSRID(ST_MakePoint(%s, 24.44), 4490))",
                        (f"PWK350527H{i:04d}", f"金门示例{i}", 118.3 + i * 0.001))
    with connect(db, autocommit=True) as con:
        for c in COUNTIES:
            for k in range(3):
                add_user(con, name(c, k), "inspector", c, name(c, k) + "-pw")
    rng = random.Random(seed)
    laptops: dict[str, Path] = {}
    expect: dict[tuple[str, str], Any] = {}
    conflict_codes = {}
    edits = 0
    for c in COUNTIES:
        first = check_out(db, name(c, 0), tmp / f"{name(c, 0)}.gpkg", county=c)
        for k in range(3):
            path = first if k == 0 else tmp / f"{name(c, k)}.gpkg"
            if k:
                shutil.copyfile(first, path)
                con = gpkg_sql.connect(path)
                try:
                    local.set_state(con, url=user_url(db, name(c, k)), user=name(c, k))
                finally:
                    con.close()
            laptops[name(c, k)] = path
        rows = laptop_rows(first)
        codes = sorted(rows)
        x = codes[0]
        conflict_codes[c] = x
        values = [v for v in REVIEW if v != rows[x]["review_status"]]
        for k in range(3):
            user = name(c, k)
            batches = []
            state = {code: dict(rows[code]) for code in codes}
            if k < 2:
                batches.append(_edit(user, state, x, "review_status", values[k]))
            mine = [code for i, code in enumerate(codes[1:], 1) if i % 3 == k]
            for _ in range(edits_each - (1 if k < 2 else 0)):
                code = rng.choice(mine)
                roll = rng.random()
                if roll < 0.2:
                    lon, lat = state[code][GEOMETRY]
                    field, value = GEOMETRY, (lon + rng.uniform(-1e-4, 1e-4),
                                              lat + rng.uniform(-1e-4, 1e-4))
                elif roll < 0.6:
                    field = "review_status"
                    value = rng.choice([v for v in REVIEW if v != state[code][field]])
                else:
                    field = "remediation_status"
                    value = rng.choice([v for v in REMEDIATION if v != state[code][field]])
                batches.append(_edit(user, state, code, field, value))
                expect[(code, field)] = value
            outfall_store.commit_batches(laptops[user], batches)
            edits += len(batches)
    return {"laptops": laptops, "expect": expect, "conflicts": conflict_codes, "edits": edits}


def _edit(user: str, state: dict[str, dict[str, Any]], code: str, field: str,
          value: Any) -> Any:
    old = state[code][field]
    e = Edit("move" if field == GEOMETRY else "set",
             (Change(code, field, tuple(old) if field == GEOMETRY else old, value),))
    state[code][field] = list(value) if field == GEOMETRY else value
    return to_batch(e.stamped(user))


def push_all_at_once(laptops: dict[str, Path]) -> tuple[dict[str, Any], float]:
    barrier = threading.Barrier(len(laptops))
    reports: dict[str, Any] = {}

    def run(user: str, path: Path) -> None:
        barrier.wait()
        try:
            reports[user] = sync(path, password=user + "-pw")
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            reports[user] = exc

    threads = [threading.Thread(target=run, args=item) for item in laptops.items()]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return reports, time.monotonic() - start


def check(db: str, prepared: dict[str, Any], reports: dict[str, Any]) -> dict[str, Any]:
    """Assert the outcome; returns figures."""
    from models.sync.merge import same

    failed = {u: r for u, r in reports.items() if isinstance(r, Exception)}
    assert not failed, failed
    found = sorted((c["code"], c["field"]) for r in reports.values() for c in r.conflicts_new)
    built = sorted((x, "review_status") for x in prepared["conflicts"].values())
    assert found == built, (found, built)
    server = server_rows(db, None)
    wrong = [(code, f, v, server[code].get(f)) for (code, f), v in prepared["expect"].items()
             if not same(f, list(v) if f == GEOMETRY else v, server[code].get(f))]
    assert not wrong, wrong[:5]
    audit = server_audit(db)
    assert len(audit) == prepared["edits"] == len({(r[0], r[1]) for r in audit})
    return {"edits": prepared["edits"], "conflicts": len(found)}
