"""Counts and areas of models.statistics checked against independent computations.

Counts: pandas ``groupby`` on the stored strings.  Areas: pyproj's Geod on the GRS80
ellipsoid, polygon by polygon.  On the bundled data and on a small hand-built workspace.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geodata import store
from models import statistics as st
from models.workspace import Workspace
from tests.models import stats_testdata

GEOD = Geod(ellps="GRS80")


@pytest.fixture(scope="module")
def bundled() -> Workspace:
    return Workspace.open(store.bundled_path())


def _geod_km2(geom) -> float:  # noqa: ANN001
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def _expected_counts(outfalls: pd.DataFrame, fld: str) -> dict[tuple[str, str], int]:
    values = outfalls[fld].astype(object).where(outfalls[fld].notna(), "")
    values = values.map(lambda v: str(v).strip() or st.BLANK)
    grouped = pd.DataFrame({"c": outfalls["county_code"].astype(str), "v": values})
    return {k: int(n) for k, n in grouped.groupby(["c", "v"]).size().items()}


def _check_counts(stats: st.Statistics, outfalls: pd.DataFrame) -> None:
    for fld in st.OUTFALL_GROUPS:
        expected = _expected_counts(outfalls, fld)
        table = stats.outfalls[fld]
        got = {(str(c), str(v)): int(table.loc[c, v]) for c in table.index for v in table.columns
               if table.loc[c, v]}
        assert got == expected, fld
        assert int(table.to_numpy().sum()) == len(outfalls)


def _check_units(stats: st.Statistics, units: pd.DataFrame, areas_km2: np.ndarray) -> None:
    frame = pd.DataFrame({"c": units["county_code"].astype(str),
                          "k": units["unit_class"].astype(int), "a": areas_km2})
    for (c, k), grp in frame.groupby(["c", "k"]):
        assert stats.unit_count.loc[c, k] == len(grp)
        assert stats.unit_area_km2.loc[c, k] == pytest.approx(grp["a"].sum(), rel=1e-4)
    assert int(stats.unit_count.to_numpy().sum()) == len(units)


# -- the bundled data ------------------------------------------------------------------------
def test_bundled_city_counts_match_groupby(bundled):
    stats = st.compute(bundled.layers, illustrative=bundled.illustrative_layers())
    _check_counts(stats, bundled.layer("outfalls"))
    assert set(stats.illustrative) == {"outfalls", "control_units"}
    # every county of the layer has a row, in the layer's order, even one without data (金门县)
    assert list(stats.outfalls["outfall_type"].index) == list(bundled.layer("counties")["code"])


def test_bundled_unit_counts_and_geodesic_areas(bundled):
    units = bundled.layer("control_units")
    stats = st.compute(bundled.layers)
    geod = np.array([_geod_km2(g) for g in units.geometry])
    _check_units(stats, units, geod)
    # the total is the units' area, and the shares of each county add up to one
    assert stats.unit_area_km2.to_numpy().sum() == pytest.approx(geod.sum(), rel=1e-4)
    share = stats.unit_share()
    has_units = stats.unit_count.sum(axis=1) > 0
    assert np.allclose(share[has_units].sum(axis=1), 1.0)


def test_bundled_one_county_is_that_row_of_the_city(bundled):
    city = st.compute(bundled.layers)
    one = st.compute(bundled.layers, st.Scope(county="350582"))
    assert list(one.outfalls["remediation_status"].index) == ["350582"]
    for fld in st.OUTFALL_GROUPS:
        assert one.outfalls[fld].loc["350582"].to_dict() == \
            city.outfalls[fld].loc["350582"].to_dict()
    assert one.unit_count.loc["350582"].to_dict() == city.unit_count.loc["350582"].to_dict()


def test_bundled_extent_counts_points_inside_and_clips_units(bundled):
    box = shapely.box(118.45, 24.60, 118.70, 24.85)
    stats = st.compute(bundled.layers, st.Scope(region=box))
    outfalls = bundled.layer("outfalls")
    inside = outfalls[outfalls.geometry.within(box) | outfalls.geometry.touches(box)]
    _check_counts(stats, inside)
    units = bundled.layer("control_units")
    clipped = [_geod_km2(g.intersection(box)) for g in units.geometry]
    touching = units[np.array(clipped) > 0]
    total = float(stats.unit_area_km2.to_numpy().sum())
    assert total == pytest.approx(sum(clipped), rel=1e-4)
    assert int(stats.unit_count.to_numpy().sum()) == len(touching)


def test_outfall_keys_are_the_bar(bundled):
    outfalls = bundled.layer("outfalls")
    keys = st.outfall_keys(outfalls, st.Scope(), "remediation_status", "未启动", "350582")
    expected = outfalls[(outfalls["county_code"] == "350582")
                        & (outfalls["remediation_status"] == "未启动")]["code"]
    assert sorted(keys) == sorted(expected)
    assert len(keys) == st.compute(bundled.layers).outfalls["remediation_status"].loc[
        "350582", "未启动"]


# -- the hand-built workspace ------------------------------------------------------------------
def test_synthetic_counts_blank_unknown_and_foreign_county():
    ws = stats_testdata.workspace()
    stats = st.compute(ws.layers)
    _check_counts(stats, ws.layer("outfalls"))
    status = stats.outfalls["remediation_status"]
    assert list(status.columns) == ["未启动", "整治中", "已完成", st.BLANK]
    assert status.loc["350582"].to_dict() == {"未启动": 0, "整治中": 1, "已完成": 1, st.BLANK: 1}
    # a type outside HJ 1312-2023 is kept as its own column, not dropped
    assert stats.outfalls["outfall_type"].loc["350582", "奇怪类型"] == 1
    # an outfall of a county the layer lacks keeps its own row (named by its code)
    assert stats.outfalls["outfall_type"].loc["350583"].sum() == 1
    assert stats.county_name("350583") == "350583"
    assert stats.county_name("350581", "en") == "Shishi City"


def test_synthetic_unit_areas_are_the_squares():
    ws = stats_testdata.workspace()
    units = ws.layer("control_units")
    stats = st.compute(ws.layers)
    geod = np.array([_geod_km2(g) for g in units.geometry])
    _check_units(stats, units, geod)
    assert stats.unit_count.loc["350581"].to_dict() == {1: 1, 2: 1, 3: 1}
    # the 0.2° square is four times a 0.1° one (to the latitude's small change)
    assert stats.unit_area_km2.loc["350581", 3] == pytest.approx(4 * geod[0], rel=2e-3)
    share = stats.unit_share().loc["350581"]
    assert share.sum() == pytest.approx(1.0)
    assert share[3] == pytest.approx(geod[2] / geod[:3].sum(), rel=1e-4)


def test_synthetic_region_half_a_unit():
    ws = stats_testdata.workspace()
    half = shapely.box(118.0, 24.5, 118.05, 24.6)  # the west half of unit 1 only
    stats = st.compute(ws.layers, st.Scope(region=half))
    assert int(stats.unit_count.to_numpy().sum()) == 1
    assert stats.unit_area_km2.loc["350581", 1] == pytest.approx(_geod_km2(half), rel=1e-4)
    # the outfall at 118.05 lies on the region's edge: an edge counts as inside
    assert st.outfall_keys(ws.layer("outfalls"), st.Scope(region=half)) == ["PWK350581H0001"]
    assert int(stats.outfalls["outfall_type"].to_numpy().sum()) == 1


def test_a_unit_without_a_readable_class_is_counted_apart():
    lay = stats_testdata.layers()
    lay["control_units"]["unit_class"] = lay["control_units"]["unit_class"].astype(object)
    lay["control_units"].loc[0, "unit_class"] = "?"
    stats = st.compute(lay)
    assert list(stats.unit_count.columns) == [0, 1, 2, 3]
    assert stats.unit_count.loc["350581"].to_dict() == {0: 1, 1: 0, 2: 1, 3: 1}
    assert int(stats.unit_count.to_numpy().sum()) == 5
