"""The command line as a script user meets it: exit codes, JSON, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env_home: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, ECOZONE_HOME=str(env_home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_info_json_lists_layers_and_illustrative_flags(tmp_path):
    res = run("info", "--json", env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    by_name = {layer["name"]: layer for layer in info["layers"]}
    assert by_name["counties"]["count"] == 12
    assert by_name["control_units"]["count"] >= 150
    assert by_name["outfalls"]["count"] >= 800
    assert by_name["control_units"]["illustrative"] is True
    assert by_name["counties"]["illustrative"] is False
    assert info["crs"] == "EPSG:4490"
    # first run copied the bundled data into the user's folder
    assert (tmp_path / "workspace.gpkg").exists()


def test_query_json_at_anhai_bay(tmp_path):
    res = run("query", "118.47", "24.60", "--json", env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    assert rep["bays"][0]["name_zh"] == "安海湾"
    assert any(t["task_id"] == "QZ-16" for t in rep["tasks"])


def test_query_text_is_chinese_by_default_and_english_on_request(tmp_path):
    zh = run("query", "118.75", "24.83", env_home=tmp_path)
    en = run("query", "118.75", "24.83", "--lang", "en", env_home=tmp_path)
    assert zh.returncode == 0 and en.returncode == 0
    assert "泉州湾" in zh.stdout and "海湾" in zh.stdout
    assert "Bay" in en.stdout


def test_query_in_english_gives_the_units_english_access_texts_and_theme(tmp_path):
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    res = run("query", "118.47", "24.60", "--lang", "en", "--json", env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    unit = json.loads(res.stdout)["units"][0]
    assert (unit["theme"], unit["theme_en"]) == ("养殖", "Aquaculture")
    for dim in ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq"):
        assert unit[f"{dim}_en"].startswith("1. ") and not cjk.search(unit[f"{dim}_en"])
        assert cjk.search(unit[dim])  # the Chinese stays beside it
    assert "Anhai Bay" in unit["pwwpfgk_en"]
    en = run("query", "118.47", "24.60", "--lang", "en", env_home=tmp_path).stdout
    assert "  Theme: Aquaculture" in en and "Spatial layout: 1. Sea-use projects in Anhai" in en
    zh = run("query", "118.47", "24.60", env_home=tmp_path).stdout
    assert "  主导类型: 养殖" in zh and "空间布局约束: 1. 安海湾用海项目" in zh


def test_bad_coordinates_exit_2_with_one_line(tmp_path):
    res = run("query", "abc", "24.6", "--lang", "en", env_home=tmp_path)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0
    assert "longitude 'abc' is not a number" in res.stderr
    assert "Traceback" not in res.stderr
    # issue 14: in the user's language (Chinese by default), range errors too
    res = run("query", "abc", "24.6", env_home=tmp_path)
    assert res.returncode == 2 and res.stderr == "ecozone: 经度“abc”不是数字\n"
    res = run("query", "118.5", "124.6", env_home=tmp_path)
    assert res.returncode == 2 and res.stderr == "ecozone: 纬度 124.6 超出范围 [-90, 90]\n"


def test_missing_workspace_exit_2(tmp_path):
    res = run("info", "--workspace", str(tmp_path / "nope.gpkg"), env_home=tmp_path)
    assert res.returncode == 2
    assert "workspace not found" in res.stderr


def test_not_a_geopackage_exit_2(tmp_path):
    bad = tmp_path / "bad.gpkg"
    bad.write_text("hello")
    res = run("info", "--workspace", str(bad), env_home=tmp_path)
    assert res.returncode == 2
    assert "not a GeoPackage" in res.stderr


def test_point_outside_data_says_so(tmp_path):
    res = run("query", "110", "30", env_home=tmp_path)
    assert res.returncode == 0
    assert "不在本工作空间数据范围内" in res.stdout
