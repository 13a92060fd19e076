"""Site screening: overlap areas against independent geodesic computations, buffer
distances, and the report content for a site that touches several units."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

from models.screening import SiteError, screen_site
from models.workspace import Workspace
from tests.models.test_screening_support import EVIL, SITE, build_workspace

GEOD = Geod(ellps="GRS80")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return Workspace.open(build_workspace(tmp_path_factory.mktemp("scr") / "ws.gpkg"))


def _laea_area(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Overlap area computed independently: intersect in a local equal-area projection."""
    c = shapely.centroid(a)
    crs = CRS.from_proj4(f"+proj=laea +lat_0={c.y} +lon_0={c.x} +ellps=GRS80 +units=m")
    tr = Transformer.from_crs("EPSG:4490", crs, always_xy=True)
    pa, pb = (shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
              for g in (shapely.segmentize(a, 0.0005), shapely.segmentize(b, 0.0005)))
    return float(shapely.intersection(pa, pb).area)


def _geod_rect(lon0, lat0, lon1, lat1) -> float:
    area, _ = GEOD.polygon_area_perimeter([lon0, lon1, lon1, lon0], [lat0, lat0, lat1, lat1])
    return abs(area)


def test_overlap_areas_match_independent_computations(ws):
    rep = screen_site(ws, SITE, buffer_m=1000)
    units = {u["code"]: u for u in rep.units}
    assert set(units) == {"ZH35050210001", "ZH35050320001", "ZH35050230001"}
    frame = ws.layer("control_units").set_index("code")
    for code, u in units.items():
        expected = _laea_area(SITE, frame.geometry[code])
        assert u["overlap_m2"] == pytest.approx(expected, rel=1e-4), code
        assert u["overlap_mu"] == pytest.approx(expected / (10000 / 15), rel=1e-4)
    # hand-made rectangles with pyproj's Geod polygon area
    assert units["ZH35050210001"]["overlap_m2"] == pytest.approx(
        _geod_rect(118.59, 24.90, 118.60, 24.91), rel=1e-4)
    assert units["ZH35050230001"]["overlap_m2"] == pytest.approx(
        _geod_rect(118.59, 24.89, 118.61, 24.90), rel=1e-4)
    assert rep.site_area_m2 == pytest.approx(_geod_rect(118.59, 24.89, 118.61, 24.91), rel=1e-4)
    # shares add up to the whole site, and are overlap / site area
    assert sum(u["share"] for u in rep.units) == pytest.approx(1.0, abs=1e-3)
    assert units["ZH35050210001"]["share"] == pytest.approx(0.25, abs=2e-3)
    # a 2 km x 2.2 km site is about 4.48 km² = about 6715 亩
    assert rep.site_area_mu == pytest.approx(rep.site_area_m2 * 0.0015, rel=1e-6)


def test_protected_area_overlap_and_buffer_distance(ws):
    # the core zone overlaps the NE corner: 118.605–118.61 x 24.905–24.91
    rep = screen_site(ws, SITE, buffer_m=1500)
    core = next(p for p in rep.protected_areas if p["zone"] == "核心区")
    assert core["distance_m"] == 0.0
    assert core["overlap_m2"] == pytest.approx(_geod_rect(118.605, 24.905, 118.61, 24.91),
                                               rel=1e-4)
    near = next(p for p in rep.protected_areas if p["name_zh"] == "近旁湿地公园")
    # independent: shortest geodesic between the site's east edge (118.61) and the park's
    # west edge (118.62), sampled along their common latitudes
    lats = np.linspace(24.89, 24.91, 201)
    _, _, d = GEOD.inv(np.full_like(lats, 118.61), lats, np.full_like(lats, 118.62), lats)
    assert near["distance_m"] == pytest.approx(d.min(), abs=1.0)
    assert 1000 < near["distance_m"] < 1020
    # buffer decides whether it is listed
    assert "近旁湿地公园" in {p["name_zh"] for p in screen_site(ws, SITE, 1011).protected_areas}
    small = screen_site(ws, SITE, buffer_m=1000)
    assert "近旁湿地公园" not in {p["name_zh"] for p in small.protected_areas}
    # the bay is ~4 km away: not listed with a 1 km buffer, but the nearest bay is reported
    assert small.bays == []
    assert small.nearest_bay["name_zh"] == "测试湾"
    _, _, dbay = GEOD.inv(np.full_like(lats, 118.61), lats, np.full_like(lats, 118.65), lats)
    assert small.nearest_bay["distance_m"] == pytest.approx(dbay.min(), abs=1.0)
    assert [b["name_zh"] for b in screen_site(ws, SITE, 4100).bays] == ["测试湾"]


def test_outfalls_inside_and_nearby(ws):
    rep = screen_site(ws, SITE, buffer_m=1000)
    assert [o["code"] for o in rep.outfalls_inside] == ["PWK350503H0001"]
    assert [o["code"] for o in rep.outfalls_nearby] == ["PWK350503H0002"]
    _, _, d = GEOD.inv(118.61, 24.90, 118.613, 24.90)
    assert rep.outfalls_nearby[0]["distance_m"] == pytest.approx(d, abs=0.5)
    assert rep.outfalls_nearby[0]["lon"] == pytest.approx(118.613)
    assert [o["code"] for o in screen_site(ws, SITE, buffer_m=200).outfalls_nearby] == []


def test_report_content_for_a_site_touching_several_units(ws):
    rep = screen_site(ws, SITE, buffer_m=1500, source="test site")
    assert [c["code"] for c in rep.counties] == ["350502", "350503"]
    # units sorted by class; four dimensions grouped, identical texts listed once
    assert [u["unit_class"] for u in rep.units] == [1, 2, 3]
    assert set(rep.requirements) == {"kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq"}
    shared = [r for r in rep.requirements["pwwpfgk"] if r["text"] == "执行统一排放标准。"]
    assert shared and shared[0]["units"] == ["ZH35050320001", "ZH35050230001"]
    assert rep.requirements["pwwpfgk"][0]["units"] == ["ZH35050210001"]  # class 1 first
    assert rep.requirements["zykfxlyq"] == []
    # tasks of the zones touched (priority class, county 350503), not the untouched bay's
    assert [t["task_id"] for t in rep.tasks] == ["T-PRIO", "T-FZ"]
    assert rep.indicators[0]["indicator_id"] == "I-1"
    assert rep.indicators[0]["status"] == "not_met"
    # attention: priority unit and protected-area overlap are the first, high items
    levels = [a.level for a in rep.attention]
    assert levels[:2] == ["high", "high"]
    assert "优先保护单元" in rep.attention[0].zh
    assert "priority-protection" in rep.attention[0].en
    assert "核心区" in rep.attention[1].zh and EVIL in rep.attention[1].zh
    texts = " ".join(a.zh for a in rep.attention)
    assert "近旁湿地公园" in texts and "排污口" in texts and "2 个县级行政区" in texts
    assert "示例数据" in texts
    assert "不构成法律意见" in rep.disclaimer_zh and "not a legal verdict" in rep.disclaimer_en
    d = rep.to_dict()
    assert d["attention"][0]["level"] == "high"
    assert d["illustrative_layers"] == ["control_units", "outfalls"]
    assert d["sources"][0]["source"] == "test"


def test_site_outside_the_data_says_so(ws):
    far = shapely.box(119.5, 25.5, 119.51, 25.51)
    rep = screen_site(ws, far, buffer_m=1000)
    assert rep.units == [] and rep.counties == [] and rep.tasks == []
    assert any("不在任何管控单元内" in a.zh for a in rep.attention)
    assert rep.nearest_protected_area is None  # more than 50 km away


@pytest.mark.parametrize("geom, words", [
    (shapely.Point(118.6, 24.9), "polygon"),
    (shapely.Polygon(), "empty"),
    (shapely.box(118.6, 24.9, 118.6, 24.95), "area"),
    (shapely.box(100, 20, 125, 30), "larger"),
    (shapely.box(500000, 2700000, 500100, 2700100), "longitude"),
])
def test_bad_sites_are_refused_with_a_reason(ws, geom, words):
    with pytest.raises(SiteError, match=words):
        screen_site(ws, geom)


def test_self_intersecting_site_is_repaired(ws):
    bowtie = shapely.Polygon([(118.59, 24.89), (118.61, 24.91), (118.61, 24.89),
                              (118.59, 24.91)])
    rep = screen_site(ws, bowtie)
    assert rep.site_area_m2 == pytest.approx(_geod_rect(118.59, 24.89, 118.61, 24.91) / 2,
                                             rel=1e-3)


def test_bad_buffer_is_refused(ws):
    with pytest.raises(SiteError, match="buffer"):
        screen_site(ws, SITE, buffer_m=-5)
