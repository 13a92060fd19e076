"""Chinese user names with a space, Chinese folders, long paths, odd characters (issue 19).

The main flows -- first run, the window, import, edit, screen, export, web map -- run as
a user on Chinese Windows would have them: the data folder (``ECOZONE_HOME``, i.e.
``%LOCALAPPDATA%\\EcoZone`` under ``C:\\Users\\张 三``) and the workspace under a folder
named like ``用户 张三/文档``, input files in Chinese folders, outputs named in Chinese.
Messages show paths the way they were typed (relative stays relative).  UNC paths
(``\\\\server\\share\\…``) cannot be mounted here; what the program does with them -- the
SQLite URI and the files beside the workspace -- is checked on their Windows form.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = "118.50,24.70\n118.52,24.70\n118.52,24.72\n118.50,24.72\n"


def run(*args: str, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ECOZONE_HOME=str(home), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=cwd, timeout=180)


def ok(res: subprocess.CompletedProcess[str]) -> str:
    assert res.returncode == 0, res.stderr
    assert "unexpected error" not in res.stderr and "Traceback" not in res.stderr
    return res.stdout


@pytest.fixture(scope="module")
def user(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("win") / "用户 张三"
    docs = base / "文档"
    (docs / "台账 2024").mkdir(parents=True)
    (docs / "台账 2024" / "新排污口 台账.csv").write_text(
        "编码,名称,经度,纬度,排口类型\n"
        "PWK350582H9001,安海湾测试排口（示例数据）,118.47,24.64,工业排污口\n"
        "PWK350582H9002,深沪湾测试排口（示例数据）,118.66,24.63,工业排污口\n",
        encoding="gbk")
    (docs / "选址 范围.txt").write_text(SITE, encoding="utf-8")
    return {"home": base / "AppData" / "Local" / "EcoZone", "docs": docs}


def test_main_flows_under_a_chinese_user_folder_with_a_space(user):
    home, docs = user["home"], user["docs"]
    # first run: the bundled data is copied into the user's folder
    info = json.loads(ok(run("info", "--json", home=home, cwd=docs)))
    assert info["workspace"] == str(home / "workspace.gpkg")
    assert (home / "workspace.gpkg").exists()
    # the window, first run included, offscreen; the log goes to the user's folder
    shot = docs / "截图 一.png"
    ok(run("screenshot", "--out", str(shot), "--size", "500x350", home=home, cwd=docs))
    assert shot.stat().st_size > 10_000
    assert (home / "logs" / "ecozone.log").exists()
    # a workspace of one's own in 文档
    ws = docs / "工作 空间.gpkg"
    shutil.copyfile(home / "workspace.gpkg", ws)
    # import a GBK ledger from a Chinese folder, then edit one of the new outfalls
    out = ok(run("import", "台账 2024/新排污口 台账.csv", "--workspace", "工作 空间.gpkg",
                 "--as", "outfalls", home=home, cwd=docs))
    assert "新增 2" in out
    moved = json.loads(ok(run("outfalls", "move", "PWK350582H9001", "118.48", "24.65",
                              "--workspace", str(ws), "--user", "张 三", "--json",
                              home=home, cwd=docs)))
    assert moved["saved"] and moved["user"] == "张 三"
    ok(run("outfalls", "set", "PWK350582H9002", "--status", "已核查", "--note", "现场核实 ✓",
           "--workspace", str(ws), home=home, cwd=docs))
    con = sqlite3.connect(ws)
    try:
        assert con.execute("select count(*) from outfalls where code like 'PWK350582H900%'"
                           ).fetchone()[0] == 2
    finally:
        con.close()
    assert not Path(str(ws) + ".lock").exists()  # released
    # screen a site file from a Chinese folder into an HTML and a PDF report
    (docs / "报告").mkdir()
    ok(run("screen", "选址 范围.txt", "--workspace", str(ws), "--out", "报告/选址 初筛.html",
           home=home, cwd=docs))
    assert "选址初筛" in (docs / "报告" / "选址 初筛.html").read_text(encoding="utf-8")
    ok(run("screen", "选址 范围.txt", "--workspace", str(ws), "--out", "报告/选址 初筛.pdf",
           home=home, cwd=docs))
    assert (docs / "报告" / "选址 初筛.pdf").read_bytes().startswith(b"%PDF")
    # export: the message shows the path as typed (relative stays relative)
    (docs / "导出 文件").mkdir()
    for name in ("县界.shp", "排污口 清单.csv", "排污口.xlsx", "海湾.geojson"):
        layer = {"县界.shp": "counties", "海湾.geojson": "bays"}.get(name, "outfalls")
        out = ok(run("export", "--workspace", "工作 空间.gpkg", "--layer", layer,
                     "--out", f"导出 文件/{name}", home=home, cwd=docs))
        assert out.strip() == f"已导出到 导出 文件/{name}"
        assert (docs / "导出 文件" / name).stat().st_size > 0
    csv_bytes = (docs / "导出 文件" / "排污口 清单.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and b"\r\n" in csv_bytes  # Excel: BOM, CRLF
    # ... and the exported CSV imports again (a round trip through Excel's format)
    again = ok(run("import", "导出 文件/排污口 清单.csv", "--workspace", str(ws), "--as",
                   "outfalls", "--dry-run", home=home, cwd=docs))
    assert "未变" in again
    # the offline web map
    web = json.loads(ok(run("export", "--workspace", str(ws), "--out", "一张图 网页.html",
                            "--layers", "counties,outfalls", "--json", home=home, cwd=docs)))
    assert web["out"] == "一张图 网页.html" and (docs / "一张图 网页.html").exists()


def test_long_paths_and_folder_names_with_hash_and_percent(tmp_path, bundled_path):
    # Windows allows # and % in folder names; SQLite URIs did not (the folder was cut at #)
    deep = tmp_path / "项目#2 a%20b"
    for level in range(5):
        deep = deep / f"level {level + 1} folder with a long name 第{level + 1}层"
    deep.mkdir(parents=True)
    ws = deep / "工作空间.gpkg"
    shutil.copyfile(bundled_path, ws)
    assert len(str(ws)) > 260  # over Windows' old MAX_PATH; Python and SQLite take it
    home = tmp_path / "home"
    info = json.loads(ok(run("info", "--workspace", str(ws), "--json", home=home, cwd=tmp_path)))
    assert info["workspace"] == str(ws)
    ok(run("outfalls", "set", "PWK350503H0001", "--note", "长路径", "--workspace", str(ws),
           home=home, cwd=tmp_path))
    out = ok(run("export", "--workspace", str(ws), "--layer", "counties", "--out",
                 str(deep / "县界.gpkg"), home=home, cwd=tmp_path))
    assert str(deep / "县界.gpkg") in out


def test_a_path_sqlite_cannot_open_is_a_one_line_error(tmp_path, bundled_path):
    deep = tmp_path
    for level in range(7):
        deep = deep / f"第{level + 1}层 很长的文件夹名称 用于检验超过二百六十个字符的路径"
    deep.mkdir(parents=True)
    ws = deep / "工作空间.gpkg"
    shutil.copyfile(bundled_path, ws)
    res = run("info", "--workspace", str(ws), "--lang", "en", home=tmp_path, cwd=tmp_path)
    if res.returncode == 0:
        pytest.skip("this SQLite opens paths of any length")
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert res.stderr.startswith(f"ecozone: cannot open workspace {ws} (")


def test_missing_workspace_message_shows_the_path_as_typed(tmp_path):
    res = run("info", "--workspace", "文档/不存在 的.gpkg", "--lang", "en", home=tmp_path,
              cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr == "ecozone: workspace not found: 文档/不存在 的.gpkg\n"


@pytest.mark.parametrize(("path", "uri"), [
    (r"C:\Users\张 三\文档\项目#2\ws.gpkg",
     "file:///C:/Users/%E5%BC%A0%20%E4%B8%89/%E6%96%87%E6%A1%A3/%E9%A1%B9%E7%9B%AE%232/"
     "ws.gpkg?mode=ro"),
    (r"\\server\share\环境局\ws.gpkg",
     "file:////server/share/%E7%8E%AF%E5%A2%83%E5%B1%80/ws.gpkg?mode=ro"),
    (r"\\?\C:\很长\ws.gpkg", "file:////%3F/C:/%E5%BE%88%E9%95%BF/ws.gpkg?mode=ro"),
])
def test_sqlite_uri_of_windows_drive_unc_and_long_paths(path, uri):
    from geodata.gpkg_sql import sqlite_uri

    assert sqlite_uri(path, windows=True) == uri


def test_files_beside_a_unc_workspace_stay_on_the_share():
    from geodata import recovery

    ws = PureWindowsPath(r"\\server\share\生态 环境\工作空间.gpkg")
    beside = recovery._beside_path(ws)  # type: ignore[arg-type]
    assert str(beside) == r"\\server\share\生态 环境\工作空间.gpkg.recovery.jsonl"
    assert str(ws.with_name(ws.name + ".lock")) == r"\\server\share\生态 环境\工作空间.gpkg.lock"
