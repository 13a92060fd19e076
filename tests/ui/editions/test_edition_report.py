"""The change report in both languages: HTML self-contained, PDF with embedded CJK fonts,
the maps, the matrix and the lists, marked 示例数据."""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    sys.path.insert(0, str(ROOT))
    from bench.edition_revision import make_revision
    from geodata import store
    from geodata.io.workspace_import import import_file
    from models.editions import compare_editions

    tmp = tmp_path_factory.mktemp("report")
    ws = tmp / "ws.gpkg"
    shutil.copyfile(store.bundled_path(), ws)
    revised, _ = make_revision(store.read_layer(ws, "control_units"),
                               store.read_layer(ws, "outfalls"))
    src = tmp / "2023.gpkg"
    revised.to_file(src, layer="control_units", driver="GPKG")
    import_file(src, ws, "control_units", keep_edition="2021版", edition="2023版")
    return compare_editions(ws, "2023版", "2021版")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_report(comparison, tmp_path, lang):
    from models import edition_output as edition_commands

    out = tmp_path / f"r_{lang}.html"
    edition_commands.write(comparison, out, lang)
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert html.count("<svg") >= 1 + 2 * 6  # the map of changes and the pairs in detail
    assert "示例数据" in html
    if lang == "zh":
        assert "分类面积转移矩阵" in html and "变化详图" in html and "管控趋严" in html
    else:
        assert "Class matrix" in html and "Changes in detail" in html
        assert "Outfalls now in a stricter unit" in html
    assert "<u>" in html  # the changed requirement, marked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_report(comparison, tmp_path, lang):
    from models import edition_output as edition_commands
    from ui.reports.edition_pdf import write_pdf

    out = tmp_path / f"r_{lang}.pdf"
    pages = write_pdf(comparison, edition_commands.map_svg(comparison, lang), out, lang,
                      "2026-12-01", edition_commands.detail_svgs(comparison, lang))
    assert pages >= 5 and out.stat().st_size > 100_000
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    rows = [r for r in fonts.splitlines()[2:] if r.strip()]
    assert rows and all(" yes " in r for r in rows)  # every font embedded
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    # Noto CJK maps some glyphs to Kangxi radicals (⽰ for 示) in the text layer
    text = unicodedata.normalize("NFKC", text)
    assert "示例数据" in text
    if lang == "zh":
        assert "环境管控单元版本对比报告" in text and "ZH35058120105" in text
    else:
        assert "Control units: comparison of two editions" in text and "Page 1 of" in text


def test_xlsx_every_change_bilingual_headers(comparison, tmp_path):
    from openpyxl import load_workbook

    from models import edition_output as edition_commands

    out = tmp_path / "changes.xlsx"
    edition_commands.write(comparison, out, "zh")
    wb = load_workbook(out)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    assert "示例数据" in str(sheets["概况 Summary"][1][0])
    for title in ("分类调整 Reclassified", "边界调整 Redrawn", "受影响排污口 Outfalls",
                  "行政区统计 By county"):
        head = sheets[title][0]
        assert all(isinstance(h, str) and any("\u4e00" <= ch <= "\u9fff" for ch in h)
                   and any(ch.isascii() and ch.isalpha() for ch in h) for h in head), head
    r = comparison.result
    assert len(sheets["分类调整 Reclassified"]) - 1 == len(r.reclassified)
    assert len(sheets["受影响排污口 Outfalls"]) - 1 == len(r.affected_outfalls)
    assert len(sheets["拆分 Split"]) - 1 == len(r.split) == 1
    req = sheets["准入要求 Requirements"][1]
    assert "{+" in req[5] and req[2].startswith("空间布局约束")
