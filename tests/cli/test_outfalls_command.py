"""``ecozone outfalls check|set|move`` through cli.outfalls (as cli.main wires it)."""

from __future__ import annotations

import argparse
import json

import pytest

from cli.outfalls import add_outfalls_parser
from geodata import outfall_store
from geodata.workspace_lock import WorkspaceLock
from tests.models import outfall_testdata as td


def run(argv, capsys):
    parser = argparse.ArgumentParser(prog="ecozone")
    sub = parser.add_subparsers(dest="command")
    add_outfalls_parser(sub)
    args = parser.parse_args(argv)
    code = args.func(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def gpkg(tmp_path):
    return str(td.build(tmp_path / "ws.gpkg"))


def test_check_json_lists_findings_with_reasons(gpkg, capsys):
    code, out, _ = run(["outfalls", "check", "--json", "--workspace", gpkg], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["in_protected_area"] == 1
    f = next(x for x in data["findings"] if x["check"] == "in_protected_area")
    assert f["code"] == td.CODES[0] and f["reason"]["zh"] and f["reason"]["en"]


def test_set_writes_change_and_audit(gpkg, capsys):
    code, out, err = run(["outfalls", "set", td.CODES[1], "--status", "已核查", "--remediation",
                          "close", "--note", "现场核实", "--user", "李四", "--json",
                          "--workspace", gpkg], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["saved"] and {c["field"] for c in data["changes"]} == {"review_status", "remediation"}
    rows = outfall_store.read_audit(gpkg, td.CODES[1])
    assert {(r["field"], r["new_value"], r["user"], r["note"]) for r in rows} == {
        ("review_status", "已核查", "李四", "现场核实"), ("remediation", "取缔", "李四", "现场核实")}


def test_move_accepts_dms_and_gcj02(gpkg, capsys):
    code, out, err = run(["outfalls", "move", td.CODES[7], "118°36'30\"E", "24°43'12\"N",
                          "--crs", "gcj02", "--json", "--workspace", gpkg], capsys)
    assert code == 0, err
    x, y = outfall_store.read_positions(gpkg)[td.CODES[7]]
    assert abs(x - 118.608333) > 0.003 and abs(y - 24.72) < 0.01  # GCJ-02 offset removed


@pytest.mark.parametrize("argv, words", [
    (["set", "PWK350582H9999", "--status", "已核查"], "unknown outfall code"),
    (["set", td.CODES[0], "--status", "ok"], "已核查"),
    (["set", td.CODES[0], "--remediation", "bulldoze"], "取缔"),
    (["set", td.CODES[0]], "nothing to set"),
    (["move", td.CODES[0], "abc", "24.8"], "longitude"),
    (["move", td.CODES[0], "118.5", "24.8", "--crs", "mars"], "gcj02"),
])
def test_user_errors_exit_2_with_one_line(gpkg, capsys, argv, words):
    code, _out, err = run(["outfalls", *argv, "--workspace", gpkg, "--lang", "en"], capsys)
    assert code == 2
    assert err.count("\n") == 1 and words in err


def test_edit_refused_while_a_window_holds_the_workspace(gpkg, capsys, monkeypatch):
    import geodata.workspace_lock as wl

    lock = WorkspaceLock(gpkg)
    assert lock.acquire() is None
    monkeypatch.setattr(wl.WorkspaceLock, "_stale", staticmethod(lambda holder: False))
    monkeypatch.setattr(wl, "_my_pid", lambda: 1)  # we are "another" process now
    code, _, err = run(["outfalls", "set", td.CODES[0], "--status", "已核查", "--workspace",
                        gpkg, "--lang", "en"], capsys)
    assert code == 2 and "being edited" in err
    assert outfall_store.read_audit(gpkg) == []
