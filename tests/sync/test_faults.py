"""Syncs cut at random moments, retried until done (issue 13, "Faults").

Two inspectors of 晋江 edit (one the review status and position, the other the
remediation status, so their changes merge without conflicts) and sync through a loopback
proxy that drops the connection after a random number of bytes: during login, inside the
push transaction, with COMMIT's reply on its way, during the pull.  Each cut sync is retried
(more cuts possible) until it succeeds.  At the end every edit is on the server exactly
once, no audit row is doubled, and server and both laptops hold the same outfalls.

``ECOZONE_SYNC_FAULT_RUNS`` sets the number of edit-and-sync rounds (default 200 under
``CI=true``, 60 otherwise).  A second test kills the server itself
(``pg_ctl stop -m immediate``) in the middle of syncs.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter

import pytest

from geodata.pg.connection import ServerError
from models.sync.engine import sync
from models.sync.merge import GEOMETRY
from tests.sync.cutting_proxy import CuttingProxy
from tests.sync.support import (
    PASSWORDS,
    check_out,
    differences,
    edit,
    laptop_rows,
    local_audit,
    server_audit,
    server_rows,
)

RUNS = int(os.environ.get("ECOZONE_SYNC_FAULT_RUNS",
                          "200" if os.environ.get("CI") == "true" else "60"))


def _retarget(path, port):
    """Point a checkout's stored server URL at the proxy's port."""
    from geodata import gpkg_sql
    from models.sync import local

    con = gpkg_sql.connect(path)
    try:
        url = local.get_state(con)["url"]
        host = url.split("@", 1)[1].split("/", 1)[0]
        local.set_state(con, url=url.replace(host, f"127.0.0.1:{port}"))
    finally:
        con.close()


def _edit_round(rng, path, user, codes):
    code = rng.choice(codes)
    if user == "jj1":
        if rng.random() < 0.3:
            lon, lat = laptop_rows(path)[code][GEOMETRY]
            return edit(path, user, [(code, GEOMETRY, (lon + rng.uniform(-1e-4, 1e-4),
                                                        lat + rng.uniform(-1e-4, 1e-4)))])
        field, values = "review_status", ("待核查", "已核查", "位置存疑")
    else:
        field, values = "remediation_status", ("未启动", "整治中", "已完成")
    current = laptop_rows(path)[code][field]
    return edit(path, user, [(code, field, rng.choice([v for v in values if v != current]))])


def _sync_until_done(path, user, proxy, rng, typical):
    attempts = 0
    while True:
        attempts += 1
        # cut somewhere within what a whole sync carries, 2 times in 3
        proxy.cut_after = rng.randint(1, typical[0]) if rng.random() < 0.67 else None
        try:
            sync(path, password=PASSWORDS[user])
        except ServerError as exc:
            assert exc.transient, exc.message.en  # a cut is a cut, never a refusal
            assert attempts < 50
            continue
        typical[0] = max(2000, proxy.last_bytes)
        return attempts


def test_cut_connections_every_edit_arrives_once(pg_server, city_db, tmp_path):
    rng = random.Random(1313)
    proxy = CuttingProxy(pg_server.port)
    try:
        laptops = {u: check_out(city_db, u, tmp_path / f"{u}.gpkg") for u in ("jj1", "jj2")}
        for path in laptops.values():
            _retarget(path, proxy.port)
        codes = sorted(laptop_rows(laptops["jj1"]))[:40]
        typical = [20000]  # bytes of the last whole sync
        made, attempts, started = [], 0, time.monotonic()
        for i in range(RUNS):
            user = ("jj1", "jj2")[i % 2]
            made.append(_edit_round(rng, laptops[user], user, codes))
            attempts += _sync_until_done(laptops[user], user, proxy, rng, typical)
        for user in ("jj1", "jj2", "jj1"):  # settle: everyone has everything
            sync(laptops[user], password=PASSWORDS[user])
        elapsed = time.monotonic() - started
    finally:
        proxy.close()
    print(f"fault runs={RUNS} syncs={attempts} cuts={proxy.cuts} seconds={elapsed:.1f}")
    assert proxy.cuts >= RUNS // 2  # the connection really was cut, many times

    audit = server_audit(city_db)
    assert max(Counter((r[0], r[1]) for r in audit).values()) == 1  # no duplicate audit rows
    arrived = Counter(r[0] for r in audit)
    assert sorted(arrived) == sorted(e.batch for e in made)  # every edit, exactly once
    assert all(n == 1 for n in arrived.values())
    by_batch = {e.batch: e for e in made}
    for r in audit:  # with the edit's own time and user
        e = by_batch[r[0]]
        assert r[5] == e.user and r[6].isoformat(timespec="seconds") == \
            __import__("datetime").datetime.fromisoformat(e.at).isoformat(timespec="seconds")
    server = server_rows(city_db)
    for path in laptops.values():
        assert differences(laptop_rows(path), server) == []
        assert len(local_audit(path)) == len(audit)


@pytest.mark.slow
def test_server_killed_mid_sync_converges(pg_server, city_db, tmp_path):
    """``pg_ctl stop -m immediate`` at a random moment of a sync, restart, retry."""
    rng = random.Random(4490)
    w = check_out(city_db, "jj1", tmp_path / "jj1.gpkg")
    codes = sorted(laptop_rows(w))[:40]
    made = []
    kills = 0
    for _ in range(6):
        for _ in range(10):
            made.append(_edit_round(rng, w, "jj1", codes))
        stage = rng.choice((0.02, 0.1, 0.5))  # connecting, pushing, pulling
        timers = []

        def kill_at(fraction, _message, stage=stage, timers=timers):
            if fraction == stage and not timers:
                timers.append(threading.Timer(rng.uniform(0.0, 0.02),
                                              pg_server.stop_immediate))
                timers[0].start()

        try:
            sync(w, password=PASSWORDS["jj1"], progress=kill_at)
        except ServerError as exc:
            assert exc.transient, exc.message.en
            kills += 1
        for t in timers:
            t.join()
        pg_server.resume()
        sync(w, password=PASSWORDS["jj1"])
    audit = server_audit(city_db)
    assert sorted(r[0] for r in audit) == sorted(e.batch for e in made)
    assert max(Counter((r[0], r[1]) for r in audit).values()) == 1
    assert differences(laptop_rows(w), server_rows(city_db)) == []
    print(f"server kills that cut a sync: {kills} of 6")
    assert kills >= 2  # the kills really landed inside syncs (not only between them)
