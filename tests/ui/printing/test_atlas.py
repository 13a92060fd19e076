"""The atlas as a user gets it: a cover, an index with each feature's page, one page per
feature with its code and facts as text, fonts embedded; the filter; split files; cancel."""

from __future__ import annotations

import re

import pytest

from models.print_layout import LayoutError
from tests.ui.printing.conftest import fonts_all_embedded, pdf_page_size_pts, pdf_pages, pdf_text
from ui.printing.atlas_pages import AtlasSpec, Cancelled, run_atlas
from ui.printing.layout_page import PageContext

CODE = re.compile(r"ZH\d{11}")


@pytest.fixture(scope="module")
def full_atlas(qapp, tmp_path_factory, bundled_ws):
    """Every control unit of the bundled data: the annex a plan hands in."""
    out = tmp_path_factory.mktemp("atlas") / "units.pdf"
    ctx = PageContext.from_workspace(bundled_ws, lang="zh")
    res = run_atlas(ctx, bundled_ws.tables, AtlasSpec(by="unit"), out)
    return out, res


def test_full_atlas_page_count_is_features_plus_cover_and_index(full_atlas, bundled_ws):
    out, res = full_atlas
    n = len(bundled_ws.layer("control_units"))
    assert res["features"] == n == 277
    assert res["pages"] == pdf_pages(out) == n + 1 + res["index_pages"]
    assert res["facts_cut"] == []  # every unit's facts fit its page
    w, h = pdf_page_size_pts(out)
    assert abs(w - 842) <= 1 and abs(h - 595) <= 1


def test_every_unit_code_and_the_title_are_text(full_atlas, bundled_ws):
    out, _res = full_atlas
    text = pdf_text(out)
    assert "泉州市管控单元图集" in text and "目录" in text
    assert set(CODE.findall(text)) == set(bundled_ws.layer("control_units")["code"])
    assert fonts_all_embedded(out) == []


def test_index_gives_each_unit_its_page(full_atlas, tmp_path):
    out, res = full_atlas
    from tests.ui.printing.conftest import poppler

    first = 2 + res["index_pages"]
    index = pdf_text_pages(out, 2, 2)
    rows = re.findall(r"(ZH\d{11})", index)
    assert rows[0] == "ZH35050220001"
    # the unit listed first is on the first feature page, with its facts
    page = pdf_text_pages(out, first, first)
    assert "ZH35050220001" in page and "生态环境准入清单" in page
    for words in ("空间布局约束", "污染物排放管控", "环境风险防控", "资源开发效率要求",
                  "范围内排污口", "适用任务", "适用指标", "未启动", "整治中", "已完成"):
        assert words in page, words
    assert f"第 {first} 页 / 共 {res['pages']} 页" in page
    assert poppler("pdfinfo", str(out))


def pdf_text_pages(path, first: int, last: int) -> str:
    from tests.ui.printing.conftest import normalise, poppler

    return normalise(poppler("pdftotext", "-f", str(first), "-l", str(last), str(path), "-"))


def test_filter_chooses_jinjiang_key_control_units_in_english(qapp, tmp_path, bundled_ws):
    ctx = PageContext.from_workspace(bundled_ws, lang="en")
    out = tmp_path / "jinjiang.pdf"
    res = run_atlas(ctx, bundled_ws.tables, AtlasSpec(
        by="unit", filter="county_code=350582 and unit_class=2", orientation="portrait"), out)
    units = bundled_ws.layer("control_units")
    want = set(units[(units.county_code == "350582") & (units.unit_class == 2)].code)
    assert res["features"] == len(want) and res["index_pages"] == 1
    assert pdf_pages(out) == len(want) + 2
    text = pdf_text(out)
    assert want <= set(CODE.findall(text))  # (neighbours' codes label the maps too)
    assert set(CODE.findall(pdf_text_pages(out, 2, 2))) == want  # the index lists these
    for words in ("Quanzhou City atlas of control units", "Index", "Environmental access list",
                  "Tasks that apply", "Key control", "Illustrative data"):
        assert words in text, words
    w, h = pdf_page_size_pts(out)
    assert w < h  # portrait


@pytest.mark.parametrize("by", ["county", "bay", "protected_area", "outfall"])
def test_other_coverages(tmp_path, print_ctx, bundled_ws, by):
    flt = {"outfall": "county_code=350502 and remediation_status=整治中"}.get(by, "")
    out = tmp_path / f"{by}.pdf"
    res = run_atlas(print_ctx, bundled_ws.tables, AtlasSpec(by=by, filter=flt), out)
    assert res["pages"] == pdf_pages(out) == res["features"] + 1 + res["index_pages"]


def test_one_file_per_feature(tmp_path, print_ctx, bundled_ws):
    res = run_atlas(print_ctx, bundled_ws.tables, AtlasSpec(
        by="unit", filter="county_code=350502", split=True), tmp_path / "units")
    files = sorted((tmp_path / "units").glob("*.pdf"))
    assert len(files) == res["features"] == 4
    assert files[0].name == "ZH35050220001.pdf" and pdf_pages(files[0]) == 1


def test_cancel_leaves_no_file(tmp_path, print_ctx, bundled_ws):
    out = tmp_path / "cancelled.pdf"
    seen = []
    with pytest.raises(Cancelled):
        run_atlas(print_ctx, bundled_ws.tables, AtlasSpec(by="unit"), out,
                  progress=lambda d, n, k: seen.append(d), cancelled=lambda: len(seen) >= 3)
    assert seen == [1, 2, 3]
    assert list(tmp_path.iterdir()) == []


def test_bad_atlas_requests(tmp_path, print_ctx, bundled_ws):
    with pytest.raises(LayoutError) as err:
        run_atlas(print_ctx, bundled_ws.tables, AtlasSpec(by="unit", filter="code=nothing"),
                  tmp_path / "a.pdf")
    assert "selects no feature" in err.value.text("en")
    with pytest.raises(LayoutError):
        run_atlas(print_ctx, bundled_ws.tables, AtlasSpec(by="river"), tmp_path / "a.pdf")
    with pytest.raises(LayoutError):
        run_atlas(print_ctx, bundled_ws.tables, AtlasSpec(by="unit"), tmp_path / "a.png")
