"""A print layout on paper: page size, DPI of raster output, text as text, fonts embedded,
vectors in the PDF, and the page items where a user looks for them."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from layers.map_model import MapModel
from models.print_layout import LayoutError, PrintLayout
from tests.ui.printing.conftest import (
    fonts_all_embedded,
    pdf_page_size_pts,
    pdf_pages,
    pdf_text,
    poppler,
)
from ui.printing.export import export_layout
from ui.printing.layout_page import PageContext


@pytest.mark.parametrize("paper, orientation, pts", [
    ("A4", "landscape", (842, 595)), ("A3", "portrait", (842, 1191)),
    ("A0", "landscape", (3370, 2384)),
])
def test_pdf_page_size_in_points(tmp_path, print_ctx, paper, orientation, pts):
    out = tmp_path / "map.pdf"
    res = export_layout(PrintLayout(paper=paper, orientation=orientation, title="泉州"),
                        print_ctx, out)
    assert res["pages"] == 1 and pdf_pages(out) == 1
    w, h = pdf_page_size_pts(out)
    assert abs(w - pts[0]) <= 1 and abs(h - pts[1]) <= 1


def test_pdf_is_vector_with_searchable_text_and_embedded_fonts(tmp_path, print_ctx):
    out = tmp_path / "quanzhou.pdf"
    res = export_layout(PrintLayout(paper="A3", title="泉州市生态环境管控单元分布图",
                                    subtitle="2026 年版"), print_ctx, out)
    text = pdf_text(out)
    assert "泉州市生态环境管控单元分布图" in text and "2026 年版" in text
    assert "图例" in text and "优先保护单元" in text  # legend
    assert f"1:{res['scale']:,}" in text  # the scale as 1:n
    assert "118°30′E" in text and "25°00′N" in text  # graticule in degrees and minutes
    assert "北" in text  # north arrow
    assert "示例数据" in text  # illustrative layers are on the page
    assert "数据来源" in text and "制图日期" in text
    assert "晋江市" in text  # map labels are text too
    assert fonts_all_embedded(out) == []
    # polygons, lines and points are vectors: no page-sized picture in the file
    images = poppler("pdfimages", "-list", str(out)).splitlines()[2:]
    assert images == []


def test_png_and_tiff_carry_the_dpi(tmp_path, print_ctx):
    for name, dpi in (("map.png", 150), ("map.tif", 200)):
        out = tmp_path / name
        export_layout(PrintLayout(paper="A4", orientation="portrait", dpi=dpi,
                                  extent="bbox", bbox=(118.45, 24.6, 118.75, 24.9)),
                      print_ctx, out)
        img = QImage(str(out))
        assert (img.width(), img.height()) == (round(210 / 25.4 * dpi),
                                               round(297 / 25.4 * dpi))
        assert abs(img.dotsPerMeterX() - dpi / 0.0254) < 1.5
        assert abs(img.dotsPerMeterY() - dpi / 0.0254) < 1.5


def test_fixed_scale_and_feature_extent(tmp_path, print_ctx):
    out = tmp_path / "unit.pdf"
    res = export_layout(PrintLayout(extent="feature", feature_layer="control_units",
                                    feature_key="ZH35058220001", scale=25_000,
                                    title="ZH35058220001"), print_ctx, out)
    assert res["scale"] == 25_000
    text = pdf_text(out)
    assert "1:25,000" in text and "ZH35058220001" in text


def test_items_switched_off_leave_the_page(tmp_path, print_ctx):
    out = tmp_path / "bare.pdf"
    items = {k: False for k in ("legend", "graticule", "notice", "source", "date")}
    export_layout(PrintLayout(title="素图", items=items), print_ctx, out)
    text = pdf_text(out)
    assert "图例" not in text and "°" not in text and "示例数据" not in text
    assert "1:" in text  # the scale bar stays


def test_no_illustrative_notice_when_no_illustrative_layer_shows(qapp, tmp_path, bundled_ws):
    model = MapModel.from_workspace(bundled_ws)
    for name in ("control_units", "outfalls"):
        model.set_visible(name, False)
    ctx = PageContext.from_workspace(bundled_ws, model, "en")
    out = tmp_path / "real.pdf"
    export_layout(PrintLayout(title="Counties"), ctx, out)
    text = pdf_text(out)
    assert "Illustrative" not in text and "Legend" in text and "Counties" in text


def test_english_page(qapp, tmp_path, bundled_ws):
    ctx = PageContext.from_workspace(bundled_ws, lang="en")
    out = tmp_path / "en.pdf"
    export_layout(PrintLayout(title="Quanzhou zoning", orientation="portrait"), ctx, out)
    text = pdf_text(out)
    for word in ("Quanzhou zoning", "Legend", "Priority protection", "Sources:", "N",
                 "Illustrative data"):
        assert word in text


def test_bad_output_and_a_page_too_large_are_refused(tmp_path, print_ctx):
    with pytest.raises(LayoutError):
        export_layout(PrintLayout(), print_ctx, tmp_path / "map.jpg")
    with pytest.raises(LayoutError) as err:
        export_layout(PrintLayout(paper="A0", dpi=1200), print_ctx, tmp_path / "huge.png")
    assert "PDF" in err.value.text("en")
    assert not (tmp_path / "huge.png").exists() and not (tmp_path / "huge.png.part").exists()


def test_page_items_grow_with_the_paper(tmp_path, bundled_ws):
    """An A0 poster's legend is read from a step back: drawn ~2.8x A4's size."""
    import re

    ctx = PageContext.from_workspace(bundled_ws, lang="en")
    heights = {}
    for paper in ("A4", "A0"):
        out = tmp_path / f"{paper}.pdf"
        export_layout(PrintLayout(paper=paper, title="Quanzhou"), ctx, out)
        html = poppler("pdftotext", "-bbox", str(out), "-")
        m = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Legend<', html)
        heights[paper] = float(m.group(2)) - float(m.group(1))
    assert 2.4 < heights["A0"] / heights["A4"] < 3.2
