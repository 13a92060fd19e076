"""The command line's contract for the sync commands: 0, or 2 with one line on stderr in
the user's language, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import app
from geodata import store
from tests.pg_server import free_port
from tests.sync.support import JINJIANG, PASSWORDS, ROOT_DIR, check_out, user_url


def run(capsys, *argv):
    capsys.readouterr()
    code = app.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_bad_url_and_unreachable_server(capsys, tmp_path):
    code, _, err = run(capsys, "checkout", "--db", "ecozone-server", "--out",
                       str(tmp_path / "w.gpkg"), "--lang", "en")
    assert code == 2 and "postgresql://user@host:port/db" in one_line(err)
    port = free_port()
    code, _, err = run(capsys, "checkout", "--db", f"postgresql://jj1@127.0.0.1:{port}/x",
                       "--out", str(tmp_path / "w.gpkg"))
    assert code == 2 and "无法连接服务器" in one_line(err)


def test_wrong_password_is_one_line(capsys, city_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    code, _, err = run(capsys, "checkout", "--db", user_url(city_db, "jj1"), "--out",
                       str(tmp_path / "w.gpkg"), "--lang", "en")
    line = one_line(err)
    assert code == 2 and "password authentication failed" in line
    assert "not-the-password" not in line
    assert not (tmp_path / "w.gpkg").exists()


def test_refusals(capsys, city_db, tmp_path, monkeypatch):
    code, _, err = run(capsys, "server", "add-user", "wang", "--db", city_db, "--password", "x")
    assert code == 2 and "--county" in one_line(err)
    code, _, err = run(capsys, "server", "add-user", "bad name", "--county", JINJIANG,
                       "--db", city_db, "--password", "x", "--lang", "en")
    assert code == 2 and "not valid" in one_line(err)
    code, _, err = run(capsys, "server", "init", "--db", city_db, "--from",
                       str(store.bundled_path()), "--lang", "en")
    assert code == 2 and "already holds 855 outfalls" in one_line(err)

    plain = tmp_path / "plain.gpkg"
    shutil.copyfile(store.bundled_path(), plain)
    code, _, err = run(capsys, "sync", "--workspace", str(plain), "--lang", "en")
    assert code == 2 and "not a checkout" in one_line(err)

    w = check_out(city_db, "jj1", tmp_path / "w.gpkg")
    monkeypatch.setenv("PGPASSWORD", PASSWORDS["jj1"])
    code, _, err = run(capsys, "checkout", "--db", user_url(city_db, "jj1"), "--out", str(w))
    assert code == 2 and "已存在" in one_line(err)
    code, _, err = run(capsys, "conflicts", "resolve", "PWK350582H0001", "remediation_status",
                       "maybe", "--workspace", str(w))
    assert code == 2 and "mine" in one_line(err)
    code, _, err = run(capsys, "conflicts", "resolve", "PWK350582H0001", "remediation_status",
                       "mine", "--workspace", str(w), "--lang", "en")
    assert code == 2 and "no open conflict" in one_line(err)
    code, out, err = run(capsys, "conflicts", "--workspace", str(w), "--json")
    assert code == 0 and json.loads(out) == []


def test_sync_in_a_real_process(city_db, tmp_path):
    w = check_out(city_db, "jj1", tmp_path / "w.gpkg")
    env = dict(os.environ, PGPASSWORD=PASSWORDS["jj1"])
    r = subprocess.run([sys.executable, "app.py", "sync", "--workspace", str(w), "--json"],
                       cwd=ROOT_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["pushed"]["fields"] == 0 and data["conflicts"]["open"] == 0
    env.pop("PGPASSWORD")
    env["PGPASSFILE"] = str(tmp_path / "none")  # no password anywhere: refused, one line
    r = subprocess.run([sys.executable, "app.py", "sync", "--workspace", str(w)],
                       cwd=ROOT_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert one_line(r.stderr).startswith("ecozone: ")
