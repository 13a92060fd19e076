"""The PDF screening report: A4, Chinese fonts embedded, text extractable, map drawn."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import unicodedata

import pytest
from PySide6.QtGui import QColor, QImage

from cli import reports as rc
from cli.reports import cmd_screen
from models.screening import screen_site
from models.workspace import Workspace
from tests.models.test_screening_support import SITE, build_workspace

POPPLER = shutil.which("pdffonts") and shutil.which("pdftoppm") and shutil.which("pdftotext")
SITE_TEXT = "118.59,24.89; 118.61,24.89; 118.61,24.91; 118.59,24.91"


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("pdf") / "ws.gpkg")


@pytest.fixture(scope="module")
def pdf_path(ws_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdfout") / "report.pdf"
    p = argparse.ArgumentParser()
    p.add_argument("--lang", default="zh")
    rc.add_screen_parser(p.add_subparsers(), cmd_screen)
    args = p.parse_args(["screen", SITE_TEXT, "--workspace", str(ws_path), "--out", str(out),
                         "--buffer", "1500"])
    assert args.func(args) == 0
    return out


def test_pdf_is_a4_with_pages(pdf_path):
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/MediaBox [0 0 595" in data  # A4: 595 x 842 pt


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_every_font_is_embedded_and_chinese_text_extracts(pdf_path):
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts, "no fonts in the PDF"
    for line in fonts:
        assert line.split()[-5] == "yes", f"font not embedded: {line}"
    assert any("CJK" in line or "YaHei" in line for line in fonts)
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    # Qt's ToUnicode map sends glyphs that Noto CJK shares between a Kangxi radical and the
    # ideograph (⽬/目) to the radical; the page renders right, copy/search needs NFKC
    text = unicodedata.normalize("NFKC", text).replace(" ", "").replace("\n", "")
    for words in ("建设项目选址生态环境分区管控初筛报告", "优先保护单元", "空间布局约束",
                  "ZH35050210001", "不构成法律", "图例", "第1/", "近旁湿地公园"):
        assert words in text, words


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_first_page_shows_the_map(pdf_path, tmp_path, qapp):
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path),
                    str(tmp_path / "page")], check=True)
    img = QImage(str(next(tmp_path.glob("page*.png"))))
    assert img.width() == pytest.approx(496, abs=2)  # A4 at 60 dpi
    colours = {QColor(img.pixel(x, y)).name() for x in range(0, img.width(), 3)
               for y in range(0, img.height() // 2, 3)}

    def near(hex_: str, tol: int = 40) -> bool:
        c = QColor(hex_)
        return any(abs(QColor(n).red() - c.red()) + abs(QColor(n).green() - c.green())
                   + abs(QColor(n).blue() - c.blue()) < tol for n in colours)

    # class colours at 55 % over the land colour, and the pink site outline
    assert near("#9dce92") and near("#f3a184") and near("#e6d9a9") and near("#e91e63", 80)


def test_pdf_in_english(ws_path, tmp_path):
    from models.report_map_svg import render_map_svg, with_font
    from ui.reports.pdf import write_pdf
    from ui.reports.qt_app import cjk_family

    ws = Workspace.open(ws_path)
    rep = screen_site(ws, SITE, 500)
    pages = write_pdf(rep, with_font(render_map_svg(ws, rep.site, 500, lang="en"),
                                     cjk_family()), tmp_path / "en.pdf", "en")
    assert pages >= 2 and (tmp_path / "en.pdf").stat().st_size > 20_000


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_pdf_in_english_has_the_units_english_texts_and_theme(bundled_ws, tmp_path):
    import shapely

    from ui.reports.pdf import write_pdf

    site = shapely.box(118.467, 24.597, 118.473, 24.603)  # in 安海湾's sea unit only
    rep = screen_site(bundled_ws, site, 200)
    write_pdf(rep, "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
              tmp_path / "en.pdf", "en")
    text = subprocess.run(["pdftotext", str(tmp_path / "en.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Aquaculture" in flat and "Sea-use projects in Anhai Bay" in flat
    assert "安海湾用海项目" not in flat.replace(" ", "")


def test_pdf_command_json_and_bad_folder(ws_path, tmp_path, capsys):
    p = argparse.ArgumentParser()
    p.add_argument("--lang", default="zh")
    rc.add_screen_parser(p.add_subparsers(), cmd_screen)
    out = tmp_path / "r.pdf"
    args = p.parse_args(["screen", SITE_TEXT, "--workspace", str(ws_path), "--out", str(out),
                         "--json"])
    assert args.func(args) == 0
    assert json.loads(capsys.readouterr().out)["out"] == str(out)
    args = p.parse_args(["screen", SITE_TEXT, "--workspace", str(ws_path), "--out",
                         str(tmp_path / "nope" / "r.pdf"), "--lang", "en"])
    assert args.func(args) == 2
    assert "does not exist" in capsys.readouterr().err
    args = p.parse_args(["screen", SITE_TEXT, "--workspace", str(ws_path), "--out",
                         str(tmp_path / "nope" / "r.pdf")])  # issue 14: in the user's language
    assert args.func(args) == 2
    assert "不存在" in capsys.readouterr().err
