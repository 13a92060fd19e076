"""'What applies here' on the bundled Quanzhou workspace (the foundation's acceptance points)."""

from __future__ import annotations

from models.query import what_applies


def _task_ids(rep):
    return {t["task_id"] for t in rep.tasks}


def test_anhai_bay_point_names_the_bay_and_its_remediation_task(bundled_ws):
    rep = what_applies(bundled_ws, 118.47, 24.60)
    assert [b["name_zh"] for b in rep.bays] == ["安海湾"]
    assert rep.county is not None
    task16 = next(t for t in rep.tasks if t["task_id"] == "QZ-16")
    assert "安海湾" in task16["text_zh"]
    # the link back to the bay carries the plan's own sentence
    assert any(r["zone_type"] == "bay" and "安海湾" in r["sentence_zh"] for r in task16["reasons"])


def test_quanzhou_bay_point(bundled_ws):
    rep = what_applies(bundled_ws, 118.75, 24.83)
    assert "泉州湾" in [b["name_zh"] for b in rep.bays]


def test_shenhu_bay_point_reports_the_ancient_forest_reserve(bundled_ws):
    rep = what_applies(bundled_ws, 118.70, 24.64)
    assert "深沪湾" in [b["name_zh"] for b in rep.bays]
    reserves = rep.protected_areas + rep.nearby_protected_areas
    forest = [p for p in reserves if "海底古森林" in p["name_zh"]]
    assert forest, "the 深沪湾海底古森林遗迹 reserve must appear inside or in the distance report"
    assert forest[0]["distance_m"] < 5000


def test_every_point_on_land_has_a_county_and_exactly_one_land_unit(bundled_ws):
    # units partition the land: a point on land in the city lies in one land unit
    for lon, lat in [(118.59, 24.91), (118.2, 25.3), (118.35, 24.95), (118.53, 24.78)]:
        rep = what_applies(bundled_ws, lon, lat)
        assert rep.county is not None, (lon, lat)
        land_units = [u for u in rep.units if u["domain"] == "land"]
        assert len(land_units) == 1, (lon, lat, [u["code"] for u in rep.units])
        u = land_units[0]
        assert u["class_zh"] in ("优先保护单元", "重点管控单元", "一般管控单元")
        assert all(u[k] for k in ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq"))


def test_indicators_carry_their_section_and_a_status(bundled_ws):
    rep = what_applies(bundled_ws, 118.47, 24.60)
    assert rep.indicators
    for ind in rep.indicators:
        assert ind["section"]
        assert ind["status"] in ("met", "not_met", "unknown")


def test_outfalls_within_radius_are_sorted_by_distance(bundled_ws):
    rep = what_applies(bundled_ws, 118.70, 24.64, radius_m=3000)
    d = [o["distance_m"] for o in rep.outfalls]
    assert d == sorted(d)
    assert all(x <= 3000 for x in d)


def test_point_outside_the_data_says_so(bundled_ws):
    rep = what_applies(bundled_ws, 110.0, 30.0)
    assert not rep.inside_data
    assert rep.tasks == [] and rep.units == []


def test_shishi_measures_apply_in_shishi_only(bundled_ws):
    jinjiang = what_applies(bundled_ws, 118.59, 24.80)  # 晋江 inland
    shishi = what_applies(bundled_ws, 118.65, 24.73)  # 石狮 city
    assert jinjiang.county["code"] == "350582" and shishi.county["code"] == "350581"
    assert not [t for t in jinjiang.tasks if t["plan"] == "shishi_14fyp"]
    assert [t for t in shishi.tasks if t["plan"] == "shishi_14fyp"]
    assert [i for i in shishi.indicators if i["plan"] == "shishi_14fyp"]
