"""Benchmark: the shared inventory on PostgreSQL/PostGIS (issue 13), JSON out.

    python bench/bench_sync.py [--outfalls 100000] [--edits 10000]
    python bench/bench_sync.py --concurrency [--edits-each 500]

Starts its own PostgreSQL 15 + PostGIS (tests/pg_server.py; as the ``postgres`` OS user
when run as root) on a free loopback port, then measures, in seconds:

- ``init``: ``server init --from`` a synthetic workspace of ``--outfalls`` outfalls
  (bench/make_workspace.py, with 1000 control units and the bundled base layers);
- ``checkout``: a checkout of the whole city (every layer, every outfall with its base);
- ``push``: one laptop saves ``--edits`` edits (review status, remediation status, moves)
  and syncs: the push of all of them plus its (empty) pull;
- ``pull``: a second laptop syncs and takes them all in.

``--concurrency`` instead runs the issue's 12 counties × 3 inspectors pushing 500 edits
each at the same moment (tests/sync/concurrency.py), on the bundled city.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from tests.pg_server import PgServer, missing_reason  # noqa: E402


def _timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - t, 2)


def _db(server: PgServer, name: str) -> str:
    with psycopg.connect(server.url(), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


def bench_city(server: PgServer, tmp: Path, n_outfalls: int, n_edits: int) -> dict:
    from bench.make_workspace import make_workspace
    from geodata import outfall_store
    from geodata.pg.connection import connect
    from models.outfall_edits import Change, Edit
    from models.outfall_session import to_batch
    from models.sync.checkout import checkout, init_server
    from models.sync.engine import sync
    from models.sync.merge import GEOMETRY
    from tests.sync.support import laptop_rows

    src = tmp / "city.gpkg"
    _, t_make = _timed(lambda: make_workspace(src, n_outfalls, 1000))
    url = _db(server, "bench_city")
    with connect(url, autocommit=True) as con:
        loaded, t_init = _timed(lambda: init_server(con, src, explicit=True))
    a, b = tmp / "a.gpkg", tmp / "b.gpkg"
    with connect(url, autocommit=True) as con:
        _, t_checkout = _timed(lambda: checkout(con, url, a, None))
        checkout(con, url, b, None)
    rows = laptop_rows(a)
    rng = random.Random(10)
    codes = rng.sample(sorted(rows), n_edits)
    batches = []
    for i, code in enumerate(codes):
        r = rows[code]
        if i % 5 == 0:
            lon, lat = r[GEOMETRY]
            ch = Change(code, GEOMETRY, (lon, lat), (lon + 1e-4, lat))
        elif i % 2:
            ch = Change(code, "review_status", r["review_status"],
                        "位置存疑" if r["review_status"] != "位置存疑" else "已核查")
        else:
            ch = Change(code, "remediation_status", r["remediation_status"],
                        "已完成" if r["remediation_status"] != "已完成" else "整治中")
        batches.append(to_batch(Edit("set", (ch,)).stamped("bench")))
    _, t_save = _timed(lambda: outfall_store.commit_batches(a, batches))
    pushed, t_push = _timed(lambda: sync(a))
    pulled, t_pull = _timed(lambda: sync(b))
    _, t_noop = _timed(lambda: sync(b))
    assert pushed.pushed_fields == n_edits and pulled.pulled == n_edits
    return {"outfalls": loaded["outfalls"], "edits": n_edits,
            "seconds": {"make_workspace": t_make, "init": t_init, "checkout": t_checkout,
                        "save_edits_locally": t_save, "push": t_push, "pull": t_pull,
                        "sync_nothing_to_do": t_noop},
            "checkout_mb": round(a.stat().st_size / 1e6, 1)}


def bench_concurrency(server: PgServer, tmp: Path, edits_each: int) -> dict:
    from tests.sync.concurrency import check, prepare, push_all_at_once
    from tests.sync.support import load_city

    url = _db(server, "bench_conc")
    load_city(url, users={})
    prepared, t_prepare = _timed(lambda: prepare(url, tmp, edits_each))
    reports, seconds = push_all_at_once(prepared["laptops"])
    figures = check(url, prepared, reports)
    return {"inspectors": 36, "edits_each": edits_each, **figures,
            "seconds": {"prepare": t_prepare, "all_push_and_pull_at_once": round(seconds, 2)}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outfalls", type=int, default=100_000)
    ap.add_argument("--edits", type=int, default=10_000)
    ap.add_argument("--concurrency", action="store_true")
    ap.add_argument("--edits-each", type=int, default=500)
    args = ap.parse_args(argv)
    reason = missing_reason()
    if reason:
        print(json.dumps({"skipped": reason}))
        return 2
    server = PgServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="ecozone-bench-sync-") as tmp:
            if args.concurrency:
                out = bench_concurrency(server, Path(tmp), args.edits_each)
            else:
                out = bench_city(server, Path(tmp), args.outfalls, args.edits)
    finally:
        server.stop()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
