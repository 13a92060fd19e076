"""``python app.py stats`` as a script user meets it: JSON, files, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest

from tests.models import stats_testdata
from tests.test_cli import run


@pytest.fixture(scope="module")
def small_ws(tmp_path_factory):
    return stats_testdata.workspace(tmp_path_factory.mktemp("ws") / "small.gpkg").path


def test_stats_json_on_the_bundled_workspace(tmp_path):
    res = run("stats", "--json", env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert list(data) == ["outfalls_by_county", "units_by_county", "bays", "indicator_progress"]
    assert sum(r["total"] for r in data["outfalls_by_county"]) == 855
    anhai = next(b for b in data["bays"] if b["bay"] == "安海湾")
    assert anhai["wq_class"] == "劣四类" and anhai["wq_on_track"] is False
    key = next(p for p in data["indicator_progress"]
               if p["indicator"] == "重点海湾入海排污口分类整治")
    assert key["section"] == "二、(四)17." and key["unit"] == "%" and key["on_track"] is False
    assert "示例数据" in key["basis"]


def test_stats_county_by_name_in_english(small_ws, tmp_path):
    res = run("stats", "--workspace", str(small_ws), "--county", "晋江市", "--json", "--lang",
              "en", env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    [row] = data["outfalls_by_county"]
    assert row == {"county_code": "350582", "county": "Jinjiang City", "total": 3,
                   "by_type": {"工业排污口": 0, "城镇污水处理厂排污口": 1, "农业排口": 0,
                               "其他排口": 1, "奇怪类型": 1},
                   "by_remediation": {"取缔": 0, "合并": 0, "规范": 2, "（空）": 1},
                   "by_remediation_status": {"未启动": 0, "整治中": 1, "已完成": 1, "（空）": 1},
                   "by_review_status": {"待核查": 0, "已核查": 3, "位置存疑": 0}}
    [units] = data["units_by_county"]
    assert units["by_class"]["2"] == {"count": 0, "area_km2": 0.0}
    assert units["by_class"]["1"]["count"] == 1
    not_measurable = [p for p in data["indicator_progress"] if p["measured"] is None]
    assert any(p["basis"].startswith("not measurable from the workspace data")
               for p in not_measurable)


def test_stats_text_summary(small_ws, tmp_path):
    res = run("stats", "--workspace", str(small_ws), env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "示例数据" in res.stdout and "350581 石狮市: 4 / 2" in res.stdout


def test_stats_xlsx_and_pdf(small_ws, tmp_path):
    xlsx = tmp_path / "统计 表.xlsx"
    res = run("stats", "--workspace", str(small_ws), "--out", str(xlsx), env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "排污口·整治状态" in openpyxl.load_workbook(xlsx).sheetnames
    pdf = tmp_path / "stats.pdf"
    res = run("stats", "--workspace", str(small_ws), "--out", str(pdf), "--lang", "en",
              env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        assert "Zoning statistics and plan progress" in text
        assert "Illustrative data" in text and "Jinjiang City" in text
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert any("CJK" in r for r in rows)
        assert all(r.split()[-5] == "yes" for r in rows)  # every font embedded ("emb")


@pytest.mark.parametrize(("args", "message"), [
    (("--county", "999999"), "--county 999999"),
    (("--out", "x.docx"), ".xlsx"),
    (("--out", "/no/such/folder/s.xlsx"), "/no/such/folder"),
])
def test_stats_bad_input_is_one_line_exit_2(tmp_path, args, message):
    res = run("stats", *args, env_home=tmp_path)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and message in res.stderr
    assert "Traceback" not in res.stderr


def test_stats_pdf_in_chinese_says_illustrative(small_ws, tmp_path):
    import unicodedata

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    pdf = tmp_path / "统计.pdf"
    res = run("stats", "--workspace", str(small_ws), "--out", str(pdf), env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    # Noto CJK maps some ideographs to their radicals in the text layer (⽰/示): NFKC
    text = unicodedata.normalize("NFKC", text).replace(" ", "").replace("\n", "")
    for words in ("示例数据", "生态环境分区管控统计与规划进展", "晋江市",
                  "重点海湾入海排污口分类整治", "工作空间数据无法测算"):
        assert words in text, words
