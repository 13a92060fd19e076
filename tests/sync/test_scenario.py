"""The issue's scenario, through the command line a user types (issue 13, "Done when").

The city inits the server from the bundled workspace; two inspectors of 晋江 check out;
both change one outfall's remediation status to different values, and one of them also
changes another outfall's remediation; both sync: exactly one conflict, with base, mine
and theirs; the other change is merged; after resolving, laptops and server agree, and the
server's ``inspections`` holds every edit once.
"""

from __future__ import annotations

import json
from collections import Counter

import app
from tests.sync.support import (
    JINJIANG,
    PASSWORDS,
    differences,
    laptop_rows,
    local_audit,
    server_audit,
    server_rows,
    user_url,
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = app.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def as_user(monkeypatch, user: str) -> None:
    """libpq's own PGPASSWORD: how a script logs in without EcoZone storing a password."""
    monkeypatch.setenv("PGPASSWORD", PASSWORDS[user])


def test_two_inspectors_of_jinjiang(pg_db, tmp_path, capsys, monkeypatch):
    code, out, err = run(capsys, "server", "init", "--db", pg_db, "--json")
    assert code == 0, err
    assert json.loads(out)["outfalls"] == 855
    for user in ("jj1", "jj2"):
        code, out, err = run(capsys, "server", "add-user", user, "--county", JINJIANG,
                             "--password", PASSWORDS[user], "--db", pg_db, "--json")
        assert code == 0, err
        assert json.loads(out) == {"name": user, "role": "inspector", "county": JINJIANG}

    laptops = {}
    for user in ("jj1", "jj2"):
        as_user(monkeypatch, user)
        w = tmp_path / f"{user}.gpkg"
        code, out, err = run(capsys, "checkout", "--db", user_url(pg_db, user), "--county",
                             JINJIANG, "--out", str(w), "--json")
        assert code == 0, err
        assert json.loads(out)["outfalls"] == 194
        laptops[user] = w

    a, b = laptops["jj1"], laptops["jj2"]
    # a checkout is a normal workspace: every layer and table of the bundled one, plus the
    # sync tables (attribute tables, so QGIS lists them too)
    from geodata import store

    bundled = dict(store.list_contents(store.bundled_path()))
    mine = dict(store.list_contents(a))
    assert {k: v for k, v in mine.items() if k in bundled} == bundled
    assert {"sync_state", "sync_base", "sync_conflicts"} <= set(mine)
    code, out, err = run(capsys, "info", "--workspace", str(a), "--json")
    assert code == 0, err
    rows = laptop_rows(a)
    x, y = sorted(rows)[:2]
    base_x = rows[x]["remediation_status"]
    mine_a, mine_b = [v for v in ("未启动", "整治中", "已完成") if v != base_x][:2]
    new_rem_y = "取缔" if rows[y]["remediation"] != "取缔" else "规范"
    for w, user, argv in ((a, "jj1", ["set", x, "--status", mine_a]),
                          (b, "jj2", ["set", x, "--status", mine_b]),
                          (a, "jj1", ["set", y, "--remediation", new_rem_y])):
        code, out, err = run(capsys, "outfalls", *argv, "--workspace", str(w), "--user", user)
        assert code == 0, err

    as_user(monkeypatch, "jj1")
    code, out, err = run(capsys, "sync", "--workspace", str(a), "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["pushed"]["fields"] == 2 and first["conflicts"]["open"] == 0

    as_user(monkeypatch, "jj2")
    code, out, err = run(capsys, "sync", "--workspace", str(b), "--json")
    assert code == 0, err
    second = json.loads(out)
    assert second["conflicts"]["open"] == 1
    # the other change is merged into jj2's laptop
    assert laptop_rows(b)[y]["remediation"] == new_rem_y

    code, out, err = run(capsys, "conflicts", "--workspace", str(b), "--json")
    assert code == 0, err
    conflicts = json.loads(out)
    assert len(conflicts) == 1
    c = conflicts[0]
    assert (c["code"], c["field"], c["base"], c["mine"], c["theirs"], c["who"]) == \
        (x, "remediation_status", base_x, mine_b, mine_a, "jj1")
    assert c["when"]
    # nothing was overwritten silently: each side still holds its own value
    assert laptop_rows(b)[x]["remediation_status"] == mine_b
    assert server_rows(pg_db)[x]["remediation_status"] == mine_a

    code, out, err = run(capsys, "conflicts", "resolve", x, "remediation_status", "mine",
                         "--workspace", str(b), "--user", "jj2")
    assert code == 0, err
    code, out, err = run(capsys, "sync", "--workspace", str(b), "--json")
    assert code == 0, err
    assert json.loads(out)["conflicts"]["open"] == 0
    as_user(monkeypatch, "jj1")
    code, out, err = run(capsys, "sync", "--workspace", str(a), "--json")
    assert code == 0, err

    server = server_rows(pg_db)
    assert server[x]["remediation_status"] == mine_b  # jj2 kept theirs, after seeing the conflict
    assert differences(laptop_rows(a), server) == []
    assert differences(laptop_rows(b), server) == []

    # every edit (and the resolution) on the server exactly once, with its own time
    audit = server_audit(pg_db)
    keys = Counter((r[0], r[1]) for r in audit)
    assert max(keys.values()) == 1
    local_batches = {r["batch"] for w in (a, b) for r in local_audit(w)}
    assert {r[0] for r in audit} == local_batches
    edits = [(r[2], r[3], r[4], r[5]) for r in audit if r[3] != "note"]
    assert sorted(edits) == sorted([
        (x, "remediation_status", mine_a, "jj1"), (x, "remediation_status", mine_b, "jj2"),
        (y, "remediation", new_rem_y, "jj1"), (x, "remediation_status", mine_b, "jj2")])
    for path in (a, b):  # both laptops hold the full history of the county
        assert len(local_audit(path)) == len(audit)
