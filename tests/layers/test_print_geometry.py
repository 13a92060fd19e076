"""Scale, graticule and atlas selection for printed maps (Qt-free)."""

from __future__ import annotations

import pytest

from layers.atlas import apply_filter, atlas_features, feature_facts, parse_filter
from layers.map_model import MapModel
from layers.mercator import to_mercator
from layers.print_geometry import (
    dm_label,
    format_scale,
    frame_view,
    graticule,
    nice_scale_up,
    scale_bar_length,
    scale_denominator,
)
from models.print_layout import LayoutError


def _extent(lon0, lat0, lon1, lat1):
    x0, y0 = to_mercator(lon0, lat0)
    x1, y1 = to_mercator(lon1, lat1)
    return float(x0), float(y0), float(x1), float(y1)


def test_fitted_scale_is_rounded_up_to_a_nice_number_and_shows_the_extent():
    ext = _extent(118.4, 24.6, 118.8, 24.9)
    view = frame_view(ext, 3000, 2000, 300)
    n = scale_denominator(view, 300)
    assert round(n) in (150_000, 200_000, 250_000, 300_000)
    x0, y0, x1, y1 = view.bbox
    assert x0 <= ext[0] and y0 <= ext[1] and x1 >= ext[2] and y1 >= ext[3]
    assert nice_scale_up(237_812) == 250_000 and nice_scale_up(100_000) == 100_000


def test_fixed_scale_is_exact_at_any_dpi():
    ext = _extent(118.5, 24.7, 118.6, 24.8)
    for dpi in (96, 300, 600):
        assert round(scale_denominator(frame_view(ext, 1000, 800, dpi, scale=50_000), dpi)) \
            == 50_000
    assert format_scale(50_000) == "1:50,000"


def test_scale_bar_is_a_round_length_within_the_width():
    view = frame_view(_extent(118.4, 24.6, 118.8, 24.9), 3000, 2000, 300)
    metres, px = scale_bar_length(view, 600)
    assert px <= 600 and str(int(metres))[0] in "125"


def test_graticule_in_degrees_and_minutes():
    view = frame_view(_extent(118.4, 24.6, 118.8, 24.9), 3000, 2000, 300)
    g = graticule(view)
    assert g.step_minutes in (5, 10, 15)
    assert all(0 <= sx <= 3000 for _lon, sx in g.lons)
    labels = [dm_label(lon, "lon", g.step_minutes) for lon, _ in g.lons]
    assert "118°30′E" in labels
    assert dm_label(24.75, "lat") == "24°45′N"
    assert dm_label(118.0, "lon", 60) == "118°E"


def test_filter_parsing_and_errors():
    assert [c.field for c in parse_filter("county_code=350582 and unit_class=2")] == \
        ["county_code", "unit_class"]
    assert parse_filter("county_code=350582,350583")[0].values == ("350582", "350583")
    with pytest.raises(LayoutError) as err:
        parse_filter("county_code")
    assert "field=value" in err.value.text("en")


@pytest.fixture(scope="module")
def model(bundled_ws):
    return MapModel.from_workspace(bundled_ws)


def test_atlas_filter_selects_jinjiang_key_control_units(model):
    feats = atlas_features(model, "unit", "county_code=350582 and unit_class=2")
    assert feats and all(f.key.startswith("ZH3505822") for f in feats)
    units = model.get("control_units").frame
    want = units[(units.county_code == "350582") & (units.unit_class == 2)]
    assert sorted(f.key for f in feats) == sorted(want.code)
    assert [f.key for f in feats] == sorted(f.key for f in feats)
    assert len(atlas_features(model, "unit")) == len(units)
    frame = model.get("control_units").frame
    assert apply_filter(frame, parse_filter("unit_class!=2"), "control_units").sum() == \
        (frame.unit_class != 2).sum()
    with pytest.raises(LayoutError) as err:
        atlas_features(model, "unit", "colour=red")
    assert "colour" in err.value.text("en") and "county_code" in err.value.text("en")


def test_unit_facts_have_the_access_list_tasks_indicators_and_outfalls(model, bundled_ws):
    feats = atlas_features(model, "unit", "code=ZH35050220001")
    secs = feature_facts(model, bundled_ws.tables, "unit", feats[0].index, "zh")
    heads = [s.heading for s in secs]
    assert heads[0] == "基本信息" and heads[1] == "生态环境准入清单"
    assert any(h.startswith("范围内排污口") for h in heads)
    assert any(h.startswith("适用任务") for h in heads)
    assert any(h.startswith("适用指标") for h in heads)
    access = secs[1].paragraphs
    assert [p.split("：")[0] for p in access] == ["空间布局约束", "污染物排放管控",
                                                 "环境风险防控", "资源开发效率要求"]
    basic = dict(secs[0].rows)
    assert basic["单元编码"] == "ZH35050220001" and basic["面积"].endswith("km²")
    outfalls = next(s for s in secs if s.heading.startswith("范围内排污口"))
    assert [r[0] for r in outfalls.rows[:3]] == ["未启动", "整治中", "已完成"]
    en = feature_facts(model, bundled_ws.tables, "unit", feats[0].index, "en")
    assert en[1].heading == "Environmental access list"
    assert en[1].paragraphs[0].startswith("Spatial layout constraints: ")


@pytest.mark.parametrize("by", ["county", "bay", "protected_area", "outfall"])
def test_every_coverage_gives_pages_and_facts(model, bundled_ws, by):
    feats = atlas_features(model, by, lang="en")
    assert feats
    secs = feature_facts(model, bundled_ws.tables, by, feats[0].index, "en")
    assert secs and secs[0].rows


def test_a_bay_page_counts_the_outfalls_discharging_into_it(model, bundled_ws):
    """Outfalls sit on the shore, outside the bay polygon: the page counts those whose
    receiving water is the bay (as the 统计 dock does), by remediation status."""
    outfalls = bundled_ws.layer("outfalls")
    for feat in atlas_features(model, "bay", lang="zh"):
        name = str(model.get("bays").frame["name_zh"].iloc[feat.index])
        mine = outfalls[outfalls["receiving_water"].astype(str) == name]
        secs = feature_facts(model, bundled_ws.tables, "bay", feat.index, "zh")
        sec = next(s for s in secs if s.heading.startswith("排入该海湾的排污口"))
        assert sec.heading == f"排入该海湾的排污口（{len(mine)} 个）"
        by_status = dict(sec.rows)
        for status, n in mine["remediation_status"].astype(str).value_counts().items():
            assert by_status[status] == str(n)
