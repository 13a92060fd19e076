"""Every kind of conflict against a real server, and the open window told of a pull."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from geodata import gpkg_sql
from models.sync import local
from models.sync.engine import build_payload, sync
from models.sync.merge import GEOMETRY, ROW
from models.sync.push import push
from models.sync.resolve import list_conflicts, resolve
from tests.sync.support import (
    PASSWORDS,
    check_out,
    differences,
    edit,
    laptop_rows,
    server_audit,
    server_rows,
    user_url,
)


@pytest.fixture
def city(city_db, tmp_path):
    a = check_out(city_db, "jj1", tmp_path / "a.gpkg")
    b = check_out(city_db, "jj2", tmp_path / "b.gpkg")
    codes = sorted(laptop_rows(a))
    return city_db, a, b, codes


def s(path, user):
    return sync(path, password=PASSWORDS[user])


def write(path, fn):
    con = gpkg_sql.connect(path)
    try:
        con.execute("BEGIN IMMEDIATE")
        fn(con)
        con.execute("COMMIT")
    finally:
        con.close()


def test_both_moved_conflict_shows_both_positions_and_distance(city):
    db, a, b, codes = city
    x = codes[3]
    lon, lat = laptop_rows(a)[x][GEOMETRY]
    edit(a, "jj1", [(x, GEOMETRY, (lon + 0.001, lat))])
    edit(b, "jj2", [(x, GEOMETRY, (lon, lat + 0.001))])
    s(a, "jj1")
    rep = s(b, "jj2")
    (c,) = rep.conflicts_new
    assert c["field"] == GEOMETRY and c["kind"] == "move"
    (row,) = list_conflicts(b)
    assert row["mine"] == f"{lon:.7f},{lat + 0.001:.7f}"
    assert row["theirs"] == f"{lon + 0.001:.7f},{lat:.7f}"
    assert 145 < row["distance_m"] < 155
    resolve(b, x, GEOMETRY, "theirs", "jj2")
    s(b, "jj2")
    s(a, "jj1")
    assert differences(laptop_rows(b), server_rows(db)) == []
    assert laptop_rows(b)[x][GEOMETRY] == pytest.approx([lon + 0.001, lat])


def test_edited_here_deleted_there_is_a_conflict(city):
    db, a, _b, codes = city
    x = codes[5]
    edit(a, "jj1", [(x, "review_status", "位置存疑")])
    with psycopg.connect(db, autocommit=True) as con:
        con.execute("DELETE FROM outfalls WHERE code=%s", (x,))
    rep = s(a, "jj1")
    assert [(c["code"], c["field"], c["kind"]) for c in rep.conflicts_new] == \
        [(x, ROW, "deleted_theirs")]
    assert x in laptop_rows(a)  # kept until resolved
    (row,) = list_conflicts(a)
    assert row["who"] == "postgres"
    resolve(a, x, ROW, "mine", "jj1")  # keep it: pushed back as an outfall
    s(a, "jj1")
    assert server_rows(db)[x]["review_status"] == "位置存疑"
    assert differences(laptop_rows(a), server_rows(db)) == []


def test_deleted_here_edited_there_is_a_conflict(city):
    db, a, b, codes = city
    x = codes[6]
    edit(b, "jj2", [(x, "review_status", "位置存疑")])
    s(b, "jj2")
    write(a, lambda con: local.delete_local(con, [x]))
    rep = s(a, "jj1")
    assert [(c["code"], c["kind"]) for c in rep.conflicts_new] == [(x, "deleted_mine")]
    assert x in server_rows(db)  # not deleted silently
    resolve(a, x, ROW, "theirs", "jj1")
    assert laptop_rows(a)[x]["review_status"] == "位置存疑"
    s(a, "jj1")
    assert differences(laptop_rows(a), server_rows(db)) == []


def test_unchanged_deletion_is_pulled_and_pushed(city):
    db, a, b, codes = city
    with psycopg.connect(db, autocommit=True) as con:
        con.execute("DELETE FROM outfalls WHERE code=%s", (codes[7],))
    write(a, lambda con: local.delete_local(con, [codes[8]]))
    rep = s(a, "jj1")
    assert rep.conflicts_new == [] and rep.removed == 1
    assert codes[7] not in laptop_rows(a) and codes[8] not in server_rows(db)
    s(b, "jj2")
    assert differences(laptop_rows(b), server_rows(db)) == []


def test_two_new_outfalls_with_one_code_conflict(city):
    db, a, b, codes = city
    new = "PWK350582H9999"
    row = dict(laptop_rows(a)[codes[0]])
    for path, name in ((a, "甲"), (b, "乙")):
        mine = {**row, "name_zh": name}
        write(path, lambda con, mine=mine: local.insert_local(con, {new: mine}))
    first = s(a, "jj1")
    assert first.conflicts_new == []
    rep = s(b, "jj2")
    assert [(c["code"], c["kind"]) for c in rep.conflicts_new] == [(new, "new_both")]
    assert server_rows(db)[new]["name_zh"] == "甲"
    resolve(b, new, ROW, "mine", "jj2")
    s(b, "jj2")
    assert server_rows(db)[new]["name_zh"] == "乙"
    s(a, "jj1")
    assert laptop_rows(a)[new]["name_zh"] == "乙"


def test_a_repeated_push_is_applied_once(city):
    db, a, _b, codes = city
    edit(a, "jj1", [(codes[9], "review_status", "位置存疑")])
    con = gpkg_sql.connect(a, readonly=True)
    try:
        payload = build_payload(con, str(uuid.uuid4()))
    finally:
        con.close()
    url = user_url(db, "jj1")
    with psycopg.connect(url, password=PASSWORDS["jj1"], autocommit=True) as pg:
        first = push(pg, payload)
        again = push(pg, payload)
    assert not first["replayed"] and again["replayed"]
    assert again["applied"] == first["applied"]
    assert len(server_audit(db)) == 1


def test_pull_updates_the_open_workspace_through_the_change_flow(city):
    from models.workspace import Workspace

    db, a, b, codes = city
    ws = Workspace.open(b)
    seen, replaced = [], []
    ws.features_changed.connect(lambda layer, keys: seen.append((layer, keys)))
    ws.layer_replaced.connect(replaced.append)
    edit(a, "jj1", [(codes[10], "review_status", "位置存疑")])
    s(a, "jj1")
    sync(b, password=PASSWORDS["jj2"], ws=ws)
    assert seen == [("outfalls", [codes[10]])] and replaced == []
    frame = ws.layer("outfalls")
    assert frame.loc[frame["code"] == codes[10], "review_status"].tolist() == ["位置存疑"]
    with psycopg.connect(db, autocommit=True) as con:  # a row added on the server
        con.execute("INSERT INTO outfalls (code, county_code, geom) VALUES "
                    "('PWK350582H9998', '350582', ST_SetSRID(ST_MakePoint(118.6, 24.8), 4490))")
    sync(b, password=PASSWORDS["jj2"], ws=ws)
    assert replaced == ["outfalls"]
    assert "PWK350582H9998" in ws.keys("outfalls")


def test_crash_after_the_server_committed_then_more_edits(city):
    """The laptop dies after the server committed a push but before it heard back; the
    inspector edits the same field again, then syncs: the stored result is applied, the
    new edit pushed at once, no false conflict with their own earlier value, each audit
    row once."""
    db, a, _b, codes = city
    x = codes[11]
    edit(a, "jj1", [(x, "review_status", "位置存疑")])
    con = gpkg_sql.connect(a)
    try:
        con.execute("BEGIN IMMEDIATE")
        payload = build_payload(con, str(uuid.uuid4()))
        local.set_state(con, pending_push=payload.push_id)  # what sync writes before sending
        con.execute("COMMIT")
    finally:
        con.close()
    with psycopg.connect(user_url(db, "jj1"), password=PASSWORDS["jj1"], autocommit=True) as pg:
        push(pg, payload)  # committed on the server; the laptop never learns it
    edit(a, "jj1", [(x, "review_status", "已核查")])
    rep = s(a, "jj1")
    assert rep.replayed and rep.conflicts_new == [] and rep.conflicts_open == 0
    assert server_rows(db)[x]["review_status"] == "已核查"
    assert sorted(r[4] for r in server_audit(db)) == ["位置存疑", "已核查"]
    assert differences(laptop_rows(a), server_rows(db)) == []


def test_conflicts_listed_on_the_command_line_in_both_languages(city, capsys):
    import app

    db, a, _b, codes = city
    x = codes[12]
    edit(a, "jj1", [(x, "review_status", "位置存疑")])
    with psycopg.connect(db, autocommit=True) as con:
        con.execute("DELETE FROM outfalls WHERE code=%s", (x,))
    s(a, "jj1")
    capsys.readouterr()
    assert app.main(["conflicts", "--workspace", str(a), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "open conflicts: 1"
    assert f"{x}\trow\t\tchanged here\tdeleted on the server\tpostgres" in out
    assert app.main(["conflicts", "--workspace", str(a)]) == 0
    assert "本机已修改\t服务器上已删除" in capsys.readouterr().out
