"""County isolation and passwords (issue 13, "Security").

The database decides who may write what, whatever client connects: an inspector of 石狮
cannot change a 晋江 outfall through sync (refused, reported per row) nor by SQL as that
role (0 rows); a planner cannot write at all; no password is written in plain text in the
workspace, the settings or any log.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import app
from models.sync.engine import sync
from tests.sync.support import (
    JINJIANG,
    PASSWORDS,
    SHISHI,
    check_out,
    edit,
    laptop_rows,
    server_audit,
    server_rows,
    user_url,
)


def login(db: str, user: str) -> psycopg.Connection:
    return psycopg.connect(user_url(db, user), password=PASSWORDS[user], autocommit=True)


def jinjiang_code(db: str) -> str:
    return sorted(server_rows(db, JINJIANG))[0]


def test_shishi_inspector_cannot_change_jinjiang_through_sync(city_db, tmp_path):
    w = check_out(city_db, "ss1", tmp_path / "ss.gpkg", county=None)  # the whole city
    x = jinjiang_code(city_db)
    shishi = sorted(server_rows(city_db, SHISHI))[0]
    before = server_rows(city_db)[x]
    edit(w, "ss1", [(x, "remediation_status", "已完成" if before["remediation_status"] !=
                     "已完成" else "未启动")])
    edit(w, "ss1", [(shishi, "review_status", "位置存疑")])
    rep = sync(w, password=PASSWORDS["ss1"])
    assert [r["code"] for r in rep.refused] == [x]
    reason = rep.refused[0]["reason"]
    assert JINJIANG in reason["zh"] and SHISHI in reason["zh"] and "ss1" in reason["en"]
    assert server_rows(city_db)[x] == before  # refused
    assert server_rows(city_db, SHISHI)[shishi]["review_status"] == "位置存疑"  # own: applied
    assert {r[2] for r in server_audit(city_db)} == {shishi}  # no audit row for 晋江
    # reported again on the next sync, never silently dropped or applied
    assert [r["code"] for r in sync(w, password=PASSWORDS["ss1"]).refused] == [x]


def test_shishi_inspector_cannot_change_jinjiang_by_sql(city_db):
    x = jinjiang_code(city_db)
    with login(city_db, "ss1") as con:
        cur = con.execute("UPDATE outfalls SET remediation_status='已完成' WHERE code=%s", (x,))
        assert cur.rowcount == 0
        cur = con.execute("DELETE FROM outfalls WHERE code=%s", (x,))
        assert cur.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("INSERT INTO inspections (outfall_code, batch, seq, county_code) "
                        "VALUES (%s, 'forged', 1, %s)", (x, SHISHI))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("INSERT INTO outfalls (code, county_code) VALUES "
                        "('PWK350582H9997', %s)", (JINJIANG,))
        # and it may change its own county's
        mine = sorted(server_rows(city_db, SHISHI))[0]
        cur = con.execute("UPDATE outfalls SET review_status='已核查' WHERE code=%s", (mine,))
        assert cur.rowcount == 1


def test_planner_cannot_write(city_db, tmp_path):
    x = jinjiang_code(city_db)
    with login(city_db, "pl1") as con:
        assert con.execute("SELECT count(*) FROM outfalls").fetchone()[0] == 855  # reads all
        for stmt in ("UPDATE outfalls SET remediation_status='已完成' WHERE code=%s",
                     "DELETE FROM outfalls WHERE code=%s"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(stmt, (x,))
    w = check_out(city_db, "pl1", tmp_path / "pl.gpkg", county=None)
    edit(w, "pl1", [(x, "review_status", "位置存疑")])
    rep = sync(w, password=PASSWORDS["pl1"])
    assert [r["code"] for r in rep.refused] == [x]
    assert "read-only" in rep.refused[0]["reason"]["en"]
    assert server_audit(city_db) == []


def test_no_password_in_plain_text(pg_server, city_db, tmp_path, capsys, monkeypatch):
    """Workspace, settings folder, logs (ours and the server's statement log) hold no
    password; the URL stored in the checkout has none either."""
    secret = "Zz-new-user-秘密-42"
    code = app.main(["server", "add-user", "jj9", "--county", JINJIANG, "--password", secret,
                     "--db", city_db])
    assert code == 0
    monkeypatch.setenv("PGPASSWORD", secret)
    w = tmp_path / "jj9.gpkg"
    url_with_password = user_url(city_db, "jj9").replace("jj9@", f"jj9:{secret}@")
    assert app.main(["checkout", "--db", url_with_password, "--county", JINJIANG,
                     "--out", str(w)]) == 0
    x = sorted(laptop_rows(w))[0]
    edit(w, "jj9", [(x, "review_status", "位置存疑")])
    assert app.main(["sync", "--workspace", str(w)]) == 0
    out, err = capsys.readouterr()
    needles = [secret.encode("utf-8"), PASSWORDS["jj1"].encode("utf-8")]
    home = Path(__import__("os").environ["ECOZONE_HOME"])
    files = [w, *(p for p in home.rglob("*") if p.is_file()), pg_server.log]
    files += [p for p in tmp_path.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        for n in needles:
            assert n not in data, f"password in plain text in {path}"
    assert secret not in out + err
    from models.sync.engine import read_state

    state = read_state(w)
    assert state["url"] == user_url(city_db, "jj9") and state["user"] == "jj9"
    # the server log saw the user created with a SCRAM verifier, not the password
    assert "SCRAM-SHA-256$4096:" in pg_server.server_log()


def test_an_admin_adds_people_and_an_inspector_cannot(city_db, capsys):
    from geodata.pg.connection import ServerError
    from geodata.pg.users import add_user

    with psycopg.connect(city_db, autocommit=True) as con:
        add_user(con, "boss", "admin", None, "Boss-pw-1")
    with psycopg.connect(user_url(city_db, "boss"), password="Boss-pw-1",
                         autocommit=True) as con:
        user = add_user(con, "jj7", "inspector", JINJIANG, "Jj7-pw")
    assert user.kind == "inspector"
    with login(city_db, "jj1") as con, pytest.raises(ServerError) as err:
        add_user(con, "jj8", "admin", None, "x")
    assert "not allowed" in err.value.message.en
