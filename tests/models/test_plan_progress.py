"""Measured plan indicators on hand-built cases, and the bay summary against groupby."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import store
from models import bay_summary, plan_progress
from models.statistics import Scope
from models.workspace import Workspace
from tests.models import stats_testdata


def _by_id(rows: list[plan_progress.Progress]) -> dict[str, plan_progress.Progress]:
    return {p.indicator_id: p for p in rows}


def _with_status(status: str | None) -> dict:
    lay = stats_testdata.layers()
    lay["outfalls"]["remediation_status"] = status
    return lay


def test_every_indicator_is_listed_measured_or_not():
    ws = stats_testdata.workspace()
    rows = plan_progress.measure(ws.layers, ws.tables)
    ids = {p.indicator_id.split("/")[0] for p in rows}
    assert ids == set(ws.table("indicators")["indicator_id"])
    not_measurable = [p for p in rows if not p.measurable]
    assert not_measurable and all(p.measured is None and p.on_track is None for p in not_measurable)
    assert all(p.basis.zh.startswith("工作空间数据无法测算") for p in not_measurable)
    assert all(p.basis.en.startswith("not measurable from the workspace data")
               for p in not_measurable)
    pm25 = next(p for p in rows if p.indicator_id == "SS-T1-06")  # the plan reports 16 (完成)
    assert "16" in pm25.basis.zh and "完成" in pm25.basis.zh


def test_key_bays_share_on_the_hand_built_inventory():
    ws = stats_testdata.workspace()
    rows = _by_id(plan_progress.measure(ws.layers, ws.tables, ("outfalls",)))
    overall = rows["QZ-I45"]
    # sea outfalls into the key bays: H0001 (已完成), H0002, H0003, H0004 (已完成),
    # and H0003 of 350582
    assert overall.measured == pytest.approx(100 * 2 / 5)
    assert overall.on_track is False and overall.unit == "%"
    assert "5" in overall.basis.zh and "2" in overall.basis.zh and "示例数据" in overall.basis.zh
    assert rows["QZ-I45/安海湾"].measured == pytest.approx(100 / 3)
    assert rows["QZ-I45/泉州湾"].measured == pytest.approx(50.0)
    # a bay without outfalls: not measured, not "on track", and it says why
    shenhu = rows["QZ-I45/深沪湾"]
    assert shenhu.measured is None and shenhu.on_track is None
    assert "无" in shenhu.basis.zh
    assert "no sea outfalls discharging into Shenhu Bay" in shenhu.basis.en
    assert overall.population is not None and int(overall.population.sum()) == 5


def test_all_completed_is_on_track_and_none_completed_is_not():
    ws = stats_testdata.workspace()
    done = _by_id(plan_progress.measure(_with_status("已完成"), ws.tables))
    assert done["QZ-I45"].measured == 100.0 and done["QZ-I45"].on_track is True
    assert done["SS-I15"].measured == 100.0 and done["SS-I15"].on_track is True
    none = _by_id(plan_progress.measure(_with_status("未启动"), ws.tables))
    assert none["QZ-I45"].measured == 0.0 and none["QZ-I45"].on_track is False
    assert none["SS-I15"].measured == 0.0 and none["SS-I15"].on_track is False


def test_review_and_tracing_indicators():
    ws = stats_testdata.workspace()
    rows = _by_id(plan_progress.measure(ws.layers, ws.tables))
    # 近岸海域入海排污口排查: sea outfalls reviewed (已核查): H0001, H0003, 350582 H0003,
    # 350583 H0001 — 4 of 6
    assert rows["QZ-I43"].measured == pytest.approx(100 * 4 / 6)
    # 重点海湾溯源排查 (泉州湾、深沪湾): H0003 reviewed but no responsible party, H0004 in doubt
    assert rows["QZ-I42"].measured == 0.0
    # 晋江干流、主要支流 (晋江/东溪/西溪) river outfalls, reviewed with a party: both
    assert rows["QZ-I26"].measured == 100.0 and rows["QZ-I26"].on_track is True
    # 石狮 has no river outfall here: said, not invented
    assert rows["SS-I13"].measured is None and "石狮市入河排污口" in rows["SS-I13"].basis.zh


def test_anhai_water_class():
    ws = stats_testdata.workspace()
    rows = _by_id(plan_progress.measure(ws.layers, ws.tables))
    assert rows["QZ-I40"].measured == "劣四类" and rows["QZ-I40"].on_track is False
    lay = stats_testdata.layers()
    lay["bays"].loc[lay["bays"]["name_zh"] == "安海湾", "wq_class"] = "三类"
    better = _by_id(plan_progress.measure(lay, ws.tables))["QZ-I40"]
    assert better.measured == "三类" and better.on_track is True
    lay["bays"]["wq_class"] = ""
    unknown = _by_id(plan_progress.measure(lay, ws.tables))["QZ-I40"]
    assert unknown.measured is None and unknown.on_track is None


def test_no_indicator_table_means_no_rows():
    ws = stats_testdata.workspace()
    assert plan_progress.measure(ws.layers, {}) == []


def test_bundled_key_bays_match_groupby():
    ws = Workspace.open(store.bundled_path())
    rows = _by_id(plan_progress.measure(ws.layers, ws.tables, ws.illustrative_layers()))
    o = ws.layer("outfalls")
    sea = o[(o["water_kind"] == "sea") & o["receiving_water"].isin(plan_progress.KEY_BAYS)]
    expected = 100 * (sea["remediation_status"] == "已完成").mean()
    assert rows["QZ-I45"].measured == pytest.approx(expected)
    for bay, grp in sea.groupby("receiving_water"):
        assert rows[f"QZ-I45/{bay}"].measured == pytest.approx(
            100 * (grp["remediation_status"] == "已完成").mean())
    assert rows["QZ-I40"].measured == "劣四类"
    assert rows["QZ-I40"].to_json("en")["basis"].startswith("the bays layer records Anhai Bay")
    assert rows["QZ-I40"].to_json("en")["measured"] == "Worse than Class IV"


# -- bays --------------------------------------------------------------------------------------
def test_bay_summary_bundled_matches_groupby():
    ws = Workspace.open(store.bundled_path())
    o = ws.layer("outfalls")
    sea = o[o["water_kind"] == "sea"]
    samples = ws.table("outfall_samples")
    for b in bay_summary.summarise(ws.layers, ws.tables):
        grp = sea[sea["receiving_water"] == b.name.zh]
        assert b.outfalls == len(grp)
        assert b.by_remediation_status == {
            k: int((grp["remediation_status"] == k).sum()) for k in ("未启动", "整治中", "已完成")}
        mine = samples[samples["outfall_code"].isin(grp["code"])]
        assert b.monitored == mine["outfall_code"].nunique()
        assert b.latest_sample_date == (mine["sample_date"].max() if len(mine) else None)


def test_bay_summary_synthetic_and_county_scope():
    ws = stats_testdata.workspace()
    bays = {b.name.zh: b for b in bay_summary.summarise(ws.layers, ws.tables)}
    assert bays["安海湾"].outfalls == 3 and bays["安海湾"].wq_on_track is False
    assert bays["安海湾"].latest_sample_date == "2025-05-06" and bays["安海湾"].monitored == 1
    assert bays["深沪湾"].outfalls == 0 and bays["深沪湾"].completed_share is None
    assert bays["深沪湾"].latest_sample_date is None
    assert bays["泉州湾"].completed_share == pytest.approx(50.0)
    one = {b.name.zh: b for b in bay_summary.summarise(ws.layers, ws.tables,
                                                        Scope(county="350582"))}
    assert one["安海湾"].outfalls == 1 and one["泉州湾"].outfalls == 0
    j = bays["安海湾"].to_json("en")
    assert j["bay"] == "Anhai Bay" and j["wq_class"] == "Worse than Class IV"
    assert isinstance(pd.Series(j).to_dict(), dict)
