"""Saving, recovery, export and import never rename over or delete a file they hold open
(issue 19: Windows refuses both; Linux allows them, so only a test can tell).

Each flow runs inside :func:`tests.windows.file_rules.windows_file_rules`, which makes this
process refuse such a rename or delete the way Windows does.  A flow passes when it
finishes with no refusal and did rename or delete files along the way (so the rule was
really exercised).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.windows.file_rules import windows_file_rules

CODE = "PWK350503H0001"
SITE = "118.50,24.70; 118.52,24.70; 118.52,24.72; 118.50,24.72"


def test_the_helper_refuses_what_windows_refuses(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("a")
    b.write_text("b")
    with windows_file_rules() as rules:
        with open(a, "rb"), pytest.raises(PermissionError):
            os.replace(b, a)
        os.replace(b, a)  # closed: allowed
        con = sqlite3.connect(f"file:{tmp_path / 'x.db'}?mode=rwc", uri=True)
        con.execute("create table t(x)")
        with pytest.raises(PermissionError):
            (tmp_path / "x.db").unlink()
        con.close()
        (tmp_path / "x.db").unlink()
        fd = os.open(tmp_path / "c.txt", os.O_WRONLY | os.O_CREAT)
        with pytest.raises(PermissionError):
            shutil.move(str(tmp_path / "c.txt"), str(tmp_path / "d.txt"))
        os.close(fd)
        shutil.move(str(tmp_path / "c.txt"), str(tmp_path / "d.txt"))
    # replace, unlink, and move's rename then its fallback copy-and-delete
    assert len(rules.refused) == 4
    assert os.replace.__name__ == "replace" and sqlite3.connect.__name__ == "connect"


@pytest.fixture
def ws_path(tmp_path, bundled_path) -> Path:
    path = tmp_path / "工作 空间.gpkg"
    shutil.copyfile(bundled_path, path)
    return path


def test_first_run_saving_and_recovery(ws_path, monkeypatch):
    from geodata import outfall_store, store
    from geodata.workspace_lock import WorkspaceLock
    from models import outfall_edits as oe
    from models.outfall_session import EditSession
    from models.workspace import Workspace

    with windows_file_rules() as rules:
        first, created = store.ensure_workspace(None)  # copies the bundled data (.part)
        assert created and first.exists()
        ws = Workspace.open(ws_path)
        lock = WorkspaceLock(ws_path)
        assert lock.acquire() is None
        session = EditSession(ws, user="张 三")
        done = session.apply(oe.set_fields(ws.layer("outfalls"), [CODE],
                                           {"review_status": "已核查"}, note="现场核实"))
        assert not session.pending
        session.undo(done)
        # a save refused (read-only share, full disk): the edit waits in the journal ...
        real_commit = outfall_store.commit_batches

        def refuse(*_a, **_k):
            raise outfall_store.SaveError(
                outfall_store.Message("磁盘已满", "disk full"), "disk_full")

        monkeypatch.setattr(outfall_store, "commit_batches", refuse)
        session.apply(oe.add_note(ws.layer("outfalls"), [CODE], "待保存"))
        session.apply(oe.move(ws.layer("outfalls"), CODE, 118.61, 24.91))
        assert len(session.pending) == 2 and session.journal.exists()
        monkeypatch.setattr(outfall_store, "commit_batches", real_commit)
        # ... and the next session offers it, keeps one, replays it, and clears the journal
        again = EditSession(Workspace.open(ws_path), user="张 三")
        waiting = again.recoverable()
        assert len(waiting) == 2
        again.pending.append(waiting[1])
        again.discard_recovery()  # rewrites the journal with what is kept (tmp -> journal)
        again.pending.clear()
        again.recover(again.recoverable())
        assert not again.pending and not again.journal.exists()
        lock.release()
        assert not lock.path.exists()
    assert rules.refused == []
    assert rules.checked.get("replace", 0) >= 2 and rules.checked.get("unlink", 0) >= 2


def test_exports_write_over_their_previous_output(ws_path, tmp_path, qapp):
    from cli.reports import _write_pdf
    from geodata.io.writers import export_layer
    from layers.mercator import to_mercator
    from models.outfall_table import OutfallTable, export_rows
    from models.report_html import write_html_report
    from models.screening import screen_site
    from models.site_input import read_site
    from models.webmap import export_webmap
    from models.workspace import Workspace
    from ui.reports.map_export import export_view, workspace_renderer

    out = tmp_path / "导出 文件"
    out.mkdir()
    ws = Workspace.open(ws_path)
    rep = screen_site(ws, read_site(SITE).polygon, buffer_m=500)
    table = OutfallTable.from_frame(ws.layer("outfalls"))
    x0, y0 = (float(v) for v in to_mercator(118.55, 24.85))
    x1, y1 = (float(v) for v in to_mercator(118.68, 24.95))
    with windows_file_rules() as rules:
        for _twice in range(2):  # the second time each output exists already
            for name, layer in (("县界.shp", "counties"), ("县界.gpkg", "counties"),
                                ("海湾.geojson", "bays"), ("海湾.kml", "bays"),
                                ("海湾.kmz", "bays"), ("排污口.csv", "outfalls"),
                                ("排污口.xlsx", "outfalls"), ("排污口.fgb", "outfalls")):
                export_layer(ws_path, layer, out / name)
            for name in ("清单.csv", "清单.xlsx"):
                export_rows(table, table.view(None, "code")[:50], out / name)
            write_html_report(ws, rep, out / "报告.html")
            _write_pdf(ws, rep, out / "报告.pdf", "zh")
            export_webmap(ws, out / "一张图.html", ["counties", "outfalls"])
            for name in ("地图.png", "地图.pdf"):
                export_view(workspace_renderer(ws), (x0, y0, x1, y1), out / name, dpi=72,
                            title="测试（示例数据）", notice="示例数据")
    assert rules.refused == []
    assert rules.checked.get("replace", 0) >= 8 and rules.checked.get("unlink", 0) >= 1
    assert not list(out.glob("*.part")) and not list(out.glob("*.tmp"))


def test_imports_and_their_undo(ws_path, tmp_path):
    from geodata.io.workspace_import import import_file, undo_import
    from geodata.io.writers import export_layer

    src = tmp_path / "台账 文件"
    src.mkdir()
    (src / "新排污口.csv").write_text(
        "编码,名称,经度,纬度\nPWK350582H9201,测试排口（示例数据）,118.47,24.64\n", encoding="gbk")
    export_layer(ws_path, "bays", src / "海湾.shp")
    shutil.make_archive(str(src / "海湾"), "zip", src, base_dir=None)
    export_layer(ws_path, "outfalls", src / "排污口.xlsx")
    with windows_file_rules() as rules:
        rep = import_file(src / "新排污口.csv", ws_path, "outfalls")
        undo_import(ws_path, rep.batch_id)
        import_file(src / "海湾.zip", ws_path, "海湾副本", file_layer="海湾", dry_run=True)
        rep = import_file(src / "海湾.shp", ws_path, "海湾副本")
        undo_import(ws_path, rep.batch_id)
        import_file(src / "排污口.xlsx", ws_path, "outfalls", dry_run=True)
    assert rules.refused == []


def test_the_command_line_under_the_rules(ws_path, tmp_path, capsys):
    import cli

    (tmp_path / "t.csv").write_text("名称,经度,纬度\n甲,118.6,24.9\n", encoding="utf-8")
    with windows_file_rules() as rules:
        for argv in (["outfalls", "set", CODE, "--note", "命令行", "--workspace", str(ws_path)],
                     ["import", str(tmp_path / "t.csv"), "--workspace", str(ws_path), "--as",
                      "采样点"],
                     ["export", "--workspace", str(ws_path), "--layer", "采样点", "--out",
                      str(tmp_path / "采样点.csv")],
                     ["screen", SITE, "--workspace", str(ws_path), "--out",
                      str(tmp_path / "r.html")]):
            assert cli.main(argv) == 0, capsys.readouterr().err
    assert rules.refused == []


@pytest.mark.parametrize("name", ["报告.html", "一张图.html", "县界.geojson", "报告.pdf"])
def test_an_output_open_in_another_program_is_named_and_no_part_file_stays(
        ws_path, tmp_path, capsys, name):
    # the browser, Excel or QGIS has the previous output open: Windows refuses to replace it
    import cli

    out = tmp_path / name
    out.write_bytes(b"old")
    argv = {"报告.html": ["screen", SITE, "--out", str(out)],
            "报告.pdf": ["screen", SITE, "--out", str(out)],
            "一张图.html": ["export", "--out", str(out), "--layers", "counties"],
            "县界.geojson": ["export", "--layer", "counties", "--out", str(out)]}[name]
    with windows_file_rules() as rules, open(out, "rb"):  # held as another program would
        code = cli.main([*argv, "--workspace", str(ws_path), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and rules.refused, err
    assert err.count("\n") == 1 and "may be open in another program" in err and str(out) in err
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, ws_path.name])
