"""The HTML screening report, the report map SVG, and the Qt-free `screen`/`export` commands."""

from __future__ import annotations

import argparse
import json
import re
import xml.etree.ElementTree as ET

import pytest

from cli import reports as rc
from models.report_html import render_html, report_body_html
from models.report_map_svg import nice_length, render_map_svg
from models.screening import screen_site
from models.webmap import remote_loads
from models.workspace import Workspace
from tests.models.test_screening_support import EVIL, SITE, build_workspace

SITE_TEXT = "118.59,24.89; 118.61,24.89; 118.61,24.91; 118.59,24.91"


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("rep") / "ws.gpkg")


@pytest.fixture(scope="module")
def ws(ws_path):
    return Workspace.open(ws_path)


@pytest.fixture(scope="module")
def rep(ws):
    return screen_site(ws, SITE, buffer_m=1500, source="site.kml")


def test_map_svg_is_wellformed_with_furniture(ws, rep):
    svg = render_map_svg(ws, rep.site, rep.buffer_m, lang="zh")
    root = ET.fromstring(svg)  # well-formed XML, so Qt and browsers both read it
    assert root.tag.endswith("svg")
    texts = "".join(el.text or "" for el in root.iter() if el.tag.endswith("text"))
    for label in ("图例", "优先保护单元", "重点管控单元", "一般管控单元", "自然保护地", "北",
                  "拟选址范围", "缓冲区", "示例数据", "2 km"):
        assert label in texts, label
    # unit fills use the class colours; the site is drawn bold in the site colour
    assert 'fill="#4caf50"' in svg and 'fill="#f0643c"' in svg and 'fill="#d8c77a"' in svg
    assert 'stroke="#e91e63" stroke-width="3"' in svg
    assert "<pattern" not in svg and "clipPath" not in svg  # Qt SVG Tiny draws all of it
    en = render_map_svg(ws, rep.site, rep.buffer_m, lang="en")
    assert "Legend" in en and ">N<" in en and "Priority protection unit" in en


def test_scale_bar_lengths():
    assert nice_length(2600) == 2000 and nice_length(999) == 500 and nice_length(7.5) == 5


def test_html_report_is_self_contained_and_complete(ws, rep):
    svg = render_map_svg(ws, rep.site, rep.buffer_m)
    html = render_html(rep, svg, "zh")
    assert remote_loads(html) == [] and "<svg" in html  # map inlined
    assert not re.search(r"<(script|link|img)\b", html)
    for text in ("选址概况", "需关注事项", "涉及的环境管控单元", "空间布局约束", "污染物排放管控",
                 "环境风险防控", "资源开发效率要求", "ZH35050210001", "1,678.65", "25.0%",
                 "近旁湿地公园", "距离 1,010 m", "PWK350503H0001", "选址内", "T-PRIO",
                 "优良天数比例", "未达标", "不构成法律意见", "示例图层", "环境管控单元",
                 "生成时间", "site.kml"):
        assert text in html, text
    # data text is escaped everywhere
    assert EVIL not in html and "&lt;script&gt;alert" in html


def test_html_report_in_english(rep):
    body = report_body_html(rep, "en")
    for text in ("Items needing attention", "Priority protection unit", "Spatial layout",
                 "not a legal verdict", "Illustrative layers", "inside", "Good-air days"):
        assert text in body, text


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    p.add_argument("--lang", default="zh")
    sub = p.add_subparsers()
    rc.add_screen_parser(sub, rc.cmd_screen)
    e = sub.add_parser("export")
    e.add_argument("--out", required=True)
    e.add_argument("--json", action="store_true")
    e.add_argument("--workspace", default=None)
    rc.add_export_webmap_arguments(e)
    e.set_defaults(func=rc.cmd_export_webmap)
    return p


def _run(argv, capsys):
    args = _parser().parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_screen_command_html_and_json(ws_path, tmp_path, capsys):
    out = tmp_path / "report.html"
    code, stdout, err = _run(["screen", SITE_TEXT, "--workspace", str(ws_path), "--out",
                              str(out), "--buffer", "1500", "--json"], capsys)
    assert code == 0, err
    data = json.loads(stdout)
    assert data["out"] == str(out) and data["buffer_m"] == 1500
    assert [u["unit_class"] for u in data["units"]] == [1, 2, 3]
    assert data["attention"][0]["level"] == "high"
    assert "选址初筛" in out.read_text(encoding="utf-8")


def test_screen_command_text(ws_path, capsys):
    code, stdout, _ = _run(["--lang", "en", "screen", SITE_TEXT, "--workspace", str(ws_path)],
                           capsys)
    assert code == 0 and "ZH35050210001 [Priority protection unit]" in stdout


@pytest.mark.parametrize("argv, words", [
    (["screen", "118.59,24.89; 118.61,24.89"], "at least 3"),
    (["screen", "/no/such/site.shp"], "not found"),
    (["screen", SITE_TEXT, "--out", "r.docx"], ".html or .htm or .pdf"),
    (["screen", SITE_TEXT, "--buffer", "-1"], "buffer"),
    (["screen", "119.9,25.9; 119.95,25.9; 119.95,25.95", "--workspace", "/no/ws.gpkg"],
     "workspace not found"),
])
def test_screen_user_errors_exit_2_with_one_line(ws_path, capsys, argv, words):
    if "--workspace" not in argv:
        argv = argv + ["--workspace", str(ws_path)]
    code, stdout, err = _run(["--lang", "en"] + argv, capsys)
    assert code == 2 and stdout == ""
    assert err.startswith("ecozone: ") and err.count("\n") == 1 and words in err, err


def test_export_webmap_command(ws_path, tmp_path, capsys):
    out = tmp_path / "map.html"
    code, stdout, err = _run(["export", "--workspace", str(ws_path), "--out", str(out),
                              "--layers", "control_units,outfalls", "--json"], capsys)
    assert code == 0, err
    assert json.loads(stdout)["layers"] == ["control_units", "outfalls"]
    assert remote_loads(out.read_text(encoding="utf-8")) == []
    code, _, err = _run(["export", "--workspace", str(ws_path), "--out", str(out),
                         "--layers", "nope"], capsys)
    assert code == 2 and "unknown layer" in err
