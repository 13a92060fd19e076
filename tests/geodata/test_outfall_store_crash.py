"""Kill a saving process (SIGKILL) at random moments, 200+ times: nothing is ever half-saved.

After each kill: the GeoPackage passes ``PRAGMA integrity_check``, the R-tree agrees with the
points, every outfall is at its position before the interrupted save or at one written by
it, and replaying the audit log from the original positions reproduces the stored positions
exactly (so no audit row exists without its change, and no change without its audit row).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata import outfall_store, store

ITERATIONS = 200
CHILD = Path(__file__).with_name("outfall_crash_child.py")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")]


def _workspace(path: Path) -> dict[str, str]:
    rng = np.random.default_rng(7)
    n = 120
    xy = np.round(np.column_stack([rng.uniform(118.4, 118.8, n), rng.uniform(24.7, 25.0, n)]), 7)
    codes = [f"PWK350582H{i:04d}" for i in range(1, n + 1)]
    frame = gpd.GeoDataFrame({"code": codes, "review_status": ["待核查"] * n},
                             geometry=shapely.points(xy), crs="EPSG:4490")
    store.write_layers(path, {"outfalls": frame, "inspections": pd.DataFrame(
        {"id": pd.Series(dtype="int64"), "note": pd.Series(dtype="str")})})
    # Migrate the audit table once up front, as opening a workspace in the window does: on a
    # loaded machine the first kill can land before the first save's migration commits,
    # and the checks below read the migrated columns.
    from geodata import gpkg_sql

    con = gpkg_sql.connect(path)
    try:
        con.execute("BEGIN IMMEDIATE")
        outfall_store.ensure_review_tables(con)
        con.execute("COMMIT")
    finally:
        con.close()
    return {c: f"{x:.7f},{y:.7f}" for c, (x, y) in zip(codes, xy.tolist())}


def _read_line(proc: subprocess.Popen[bytes]) -> str:
    line = proc.stdout.readline().decode().strip()  # type: ignore[union-attr]
    assert line, "crash helper exited"
    return line


def _stored(path: Path) -> tuple[dict[str, str], list[tuple], list[str]]:
    con = sqlite3.connect(path)  # read-write: a hot journal left by the kill is rolled back
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        pos, bad_rtree = {}, []
        for fid, code, blob in con.execute("select fid, code, geom from outfalls"):
            x, y = outfall_store.blob_xy(blob)
            pos[code] = f"{x:.7f},{y:.7f}"
            r = con.execute("select minx, maxx, miny, maxy from rtree_outfalls_geom where id=?",
                            (fid,)).fetchone()
            if r is None or not (r[0] <= x <= r[1] and r[2] <= y <= r[3]) or r[1] - r[0] > 1e-4:
                bad_rtree.append(code)
        cols = {r[1] for r in con.execute("pragma table_info(inspections)")}
        if "batch" not in cols:  # killed before the first save (which migrates) committed
            return pos, [], bad_rtree
        audit = con.execute("select id, outfall_code, old_value, new_value, batch from "
                            "inspections order by id").fetchall()
        return pos, audit, bad_rtree
    finally:
        con.close()


def test_sigkill_during_saves_never_leaves_half_an_edit(tmp_path):
    path = tmp_path / "crash.gpkg"
    replay = _workspace(path)
    last_id = 0
    rng = random.Random(2024)
    proc = subprocess.Popen([sys.executable, str(CHILD)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, cwd=tmp_path)
    t0 = time.monotonic()
    kills_mid_run = 0
    hot_journals = 0  # kills that interrupted a transaction mid-write
    try:
        assert _read_line(proc) == "ready"
        for it in range(ITERATIONS):
            before = dict(replay)
            proc.stdin.write(f"{path} {it}\n".encode())  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            pid, going = None, False
            while pid is None or not going:
                line = _read_line(proc)
                if line.startswith("pid "):
                    pid = int(line.split()[1])
                elif line == "go":
                    going = True
                else:
                    pytest.fail(f"iteration {it}: helper said {line!r}")
            time.sleep(rng.uniform(0.005, 0.080))
            os.kill(pid, signal.SIGKILL)
            dead = _read_line(proc)
            assert dead.startswith("dead "), dead
            status = int(dead.split()[1])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, \
                f"iteration {it}: the saver died by itself (status {status})"
            kills_mid_run += 1
            journal = path.with_name(path.name + "-journal")
            hot_journals += journal.exists() and journal.stat().st_size > 0

            pos, audit, bad_rtree = _stored(path)
            assert bad_rtree == [], f"iteration {it}: R-tree out of step for {bad_rtree[:3]}"
            written_now: dict[str, set[str]] = {}
            for row_id, code, old, new, _batch in audit:
                if row_id <= last_id:
                    continue
                assert replay[code] == old, f"iteration {it}: audit chain broken at {row_id}"
                replay[code] = new
                written_now.setdefault(code, set()).add(new)
                last_id = row_id
            assert pos == replay, f"iteration {it}: stored positions differ from the audit log"
            for code, p in pos.items():
                assert p == before[code] or p in written_now.get(code, ()), code
            # batches are whole: each batch's rows are consecutive ids
            ids_by_batch: dict[str, list[int]] = {}
            for row_id, *_rest, batch in audit:
                ids_by_batch.setdefault(batch, []).append(row_id)
            for ids in ids_by_batch.values():
                assert ids == list(range(ids[0], ids[0] + len(ids)))
    finally:
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait(timeout=10)
    assert kills_mid_run == ITERATIONS
    assert last_id > ITERATIONS  # saves really happened between the kills
    print(f"{ITERATIONS} kills ({hot_journals} mid-transaction), {last_id} audit rows, "
          f"{time.monotonic() - t0:.1f} s")
