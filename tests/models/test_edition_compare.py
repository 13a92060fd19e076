"""Comparison of two hand-built editions: one of each change the issue names."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata import schema
from models import text_diff
from models.edition_compare import compare
from models.geodesy import geodesic_area_m2

REQ = {"kjbjys": "1. 禁止新建化工项目。 2. 严格控制开发强度。",
       "pwwpfgk": "1. 污水应收尽收。 2. 总量控制。",
       "hjfxfk": "1. 编制应急预案。", "zykfxlyq": "1. 节约用水。"}
COUNTY = shapely.box(118.40, 24.70, 118.60, 24.90)


def units(rows: list[tuple[str, int, shapely.Geometry]], **texts: dict[str, str]
          ) -> gpd.GeoDataFrame:
    data = {f.name: [""] * len(rows) for f in schema.CONTROL_UNIT_FIELDS}
    data["code"] = [r[0] for r in rows]
    data["name_zh"] = [f"单元{r[0][-4:]}" for r in rows]
    data["unit_class"] = [r[1] for r in rows]
    data["county_code"] = ["350582"] * len(rows)
    data["domain"] = ["land"] * len(rows)
    for dim, text in REQ.items():
        data[dim] = [texts.get(r[0], {}).get(dim, text) for r in rows]
    return gpd.GeoDataFrame(data, geometry=[r[2] for r in rows], crs=schema.CRS)


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Geometry:
    return shapely.box(x0, y0, x1, y1)


A, B, C, D = "ZH35058220003", "ZH35058230002", "ZH35058220001", "ZH35058210001"
E, E2, F, G, D2 = ("ZH35058230003", "ZH35058230006", "ZH35058230004", "ZH35058230005",
                   "ZH35058210009")

OLD = units([(A, 2, box(118.40, 24.70, 118.45, 24.80)), (B, 3, box(118.45, 24.70, 118.50, 24.80)),
             (C, 2, box(118.50, 24.70, 118.55, 24.80)), (D, 1, box(118.55, 24.70, 118.60, 24.80)),
             (E, 3, box(118.40, 24.80, 118.60, 24.85)),
             (F, 3, box(118.40, 24.85, 118.50, 24.90)), (G, 3, box(118.50, 24.85, 118.60, 24.90))])
NEW = units([(A, 2, box(118.40, 24.70, 118.46, 24.80)),   # redrawn: takes a strip of B
             (B, 3, box(118.46, 24.70, 118.50, 24.80)),
             (C, 1, box(118.50, 24.70, 118.55, 24.80)),   # reclassified 2 -> 1
             (D2, 1, box(118.55, 24.70, 118.60, 24.80)),  # renamed, same geometry
             (E, 3, box(118.40, 24.80, 118.50, 24.85)),   # split ...
             (E2, 3, box(118.50, 24.80, 118.60, 24.85)),  # ... into two
             (F, 3, box(118.40, 24.85, 118.60, 24.90))],  # merged with G
            **{A: {"pwwpfgk": "1. 污水应收尽收。 2. 总量控制，新建项目实行倍量替代。"}})
OUTFALLS = gpd.GeoDataFrame(
    {"code": ["PWK350582R0001", "PWK350582R0002", "PWK350582R0003", "PWK350582R0004"],
     "name_zh": ["C 内", "划入 A 的条带", "A 原有", "D 内"],
     "county_code": ["350582"] * 4},
    geometry=[shapely.Point(118.52, 24.75), shapely.Point(118.455, 24.75),
              shapely.Point(118.42, 24.75), shapely.Point(118.57, 24.75)], crs=schema.CRS)
COUNTIES = pd.DataFrame({"code": ["350582"], "name_zh": ["晋江市"], "name_en": ["Jinjiang"]})


@pytest.fixture(scope="module")
def result():
    return compare(OLD, NEW, "2021版", "2023版", outfalls=OUTFALLS, counties=COUNTIES)


def test_split_unit(result) -> None:
    assert [(s["codes_before"], s["codes_after"]) for s in result.split] == [([E], [E, E2])]
    assert E2 not in {a["code"] for a in result.added}


def test_merged_unit(result) -> None:
    assert [(m["codes_before"], m["codes_after"]) for m in result.merged] == [([F, G], [F])]
    assert G not in {r["code"] for r in result.removed}


def test_reclassified_unit(result) -> None:
    rec = {r["code"]: r for r in result.reclassified}
    assert set(rec) == {C}
    assert (rec[C]["class_before"], rec[C]["class_after"], rec[C]["stricter"]) == (2, 1, True)


def test_renamed_code_same_geometry_is_a_rename(result) -> None:
    assert [(r["code_before"], r["code_after"]) for r in result.renamed] == [(D, D2)]
    assert not result.added and not result.removed


def test_redrawn_boundary(result) -> None:
    red = {r["code"]: r for r in result.redrawn}
    assert set(red) == {A, B}
    strip = geodesic_area_m2(box(118.45, 24.70, 118.46, 24.80)) / 1e6
    assert red[A]["area_after_km2"] - red[A]["area_before_km2"] == pytest.approx(strip, rel=1e-3)
    assert red[A]["gained_km2"] == pytest.approx(strip, rel=1e-3) and red[A]["lost_km2"] == 0
    assert red[B]["lost_km2"] == pytest.approx(strip, rel=1e-3)
    # the changed area is on the map and in the export, where it is
    gained = result.changes[(result.changes["kind"] == "gained")]
    assert len(gained) == 1
    assert shapely.equals_exact(shapely.normalize(gained.geometry.iloc[0]),
                                shapely.normalize(box(118.45, 24.70, 118.46, 24.80)), 1e-9)


def test_changed_requirement_marked(result) -> None:
    req = [(r["code"], r["dimension"]) for r in result.requirements_changed]
    assert req == [(A, "pwwpfgk")]
    r = result.requirements_changed[0]
    assert r["diff"] == "1. 污水应收尽收。 2. 总量控制{+，新建项目实行倍量替代+}。"
    assert "<u>" in text_diff.as_html(r["segments"]) and "倍量替代" in r["after"]


def test_class_matrix_adds_up_to_county_area(result) -> None:
    county_km2 = geodesic_area_m2(COUNTY) / 1e6
    m = result.matrix.by_county["350582"] / 1e6
    assert m.sum() == pytest.approx(county_km2, rel=1e-6)
    # rows are the old edition's class areas, columns the new one's
    old_cls = {c: sum(geodesic_area_m2(g) for g, k in zip(OLD.geometry, OLD.unit_class, strict=True)
                      if k == c) / 1e6 for c in (1, 2, 3)}
    new_cls = {c: sum(geodesic_area_m2(g) for g, k in zip(NEW.geometry, NEW.unit_class, strict=True)
                      if k == c) / 1e6 for c in (1, 2, 3)}
    for c in (1, 2, 3):
        assert m[c].sum() == pytest.approx(old_cls[c], rel=1e-6)
        assert m[:, c].sum() == pytest.approx(new_cls[c], rel=1e-6)
    # 2 -> 1 is unit C; 3 -> 2 is the strip of B that went into A
    assert m[2, 1] == pytest.approx(geodesic_area_m2(box(118.50, 24.70, 118.55, 24.80)) / 1e6,
                                    rel=1e-6)
    assert m[3, 2] == pytest.approx(geodesic_area_m2(box(118.45, 24.70, 118.46, 24.80)) / 1e6,
                                    rel=1e-6)
    doc = result.to_json()["class_matrix"]
    assert doc["by_county"]["350582"]["name_zh"] == "晋江市"
    assert np.isclose(np.sum(doc["total"]), county_km2, rtol=1e-4)


def test_affected_outfalls(result) -> None:
    hit = {o["code"]: o for o in result.affected_outfalls}
    assert set(hit) == {"PWK350582R0001", "PWK350582R0002"}
    assert (hit["PWK350582R0001"]["class_before"], hit["PWK350582R0001"]["class_after"]) == (2, 1)
    strip = hit["PWK350582R0002"]
    assert (strip["unit_before"], strip["unit_after"]) == (B, A)
    assert "倍量替代" in strip["requirements"]["pwwpfgk"]["after"]
    assert strip["requirements"]["pwwpfgk"]["before"] == REQ["pwwpfgk"]


def test_added_and_removed_units() -> None:
    a = (A, 2, box(118.40, 24.70, 118.45, 24.80))
    old = units([a, (B, 3, box(118.45, 24.70, 118.50, 24.80))])
    new = units([a, (C, 2, box(118.60, 24.70, 118.65, 24.80))])
    r = compare(old, new)
    assert [a["code"] for a in r.added] == [C] and [x["code"] for x in r.removed] == [B]
    m = r.matrix.total()
    assert m[3, 0] > 0 and m[0, 2] > 0  # zoned in one edition only
    assert set(r.changes["kind"]) == {"added", "removed"}


def test_identical_editions_have_no_change() -> None:
    r = compare(OLD, OLD.copy())
    assert r.counts()["unchanged"] == len(OLD)
    assert sum(v for k, v in r.counts().items() if k != "unchanged") == 0
    assert len(r.changes) == 0 and r.matrix.moved() == 0


def test_areas_equal_geodesic_areas() -> None:
    r = compare(OLD, OLD.copy())
    total = sum(geodesic_area_m2(g) for g in OLD.geometry)
    assert r.matrix.total().sum() == pytest.approx(total, rel=1e-6)


def test_text_diff_marks_characters_in_a_rewritten_clause() -> None:
    seg = text_diff.diff("1. 单位能耗下降 10%。 2. 节水。", "1. 单位能耗下降 12%。 2. 节水。")
    assert text_diff.as_text(seg) == "1. 单位能耗下降 1[-0-]{+2+}%。 2. 节水。"
    assert text_diff.diff("同样", " 同样 ") == []


def test_same_units_written_by_another_tool_are_unchanged() -> None:
    """One-part MultiPolygons and rings starting at another vertex are the same outline."""
    other = OLD.copy()
    other["geometry"] = [shapely.MultiPolygon([shapely.Polygon(
        list(g.exterior.coords)[2:-1] + list(g.exterior.coords)[:3])]) for g in OLD.geometry]
    r = compare(OLD, other)
    assert r.counts()["unchanged"] == len(OLD) and not r.redrawn and len(r.changes) == 0


def test_unit_without_geometry_counts_nothing() -> None:
    new = NEW.copy()
    new.loc[new["code"] == E2, "geometry"] = None
    r = compare(OLD, new)
    assert np.isfinite(r.matrix.total()).all()
    assert E2 in {a["code"] for a in r.added} and r.split == []


def test_regrouped_units() -> None:
    """Two units cut the other way: many to many."""
    old = units([(F, 3, box(118.40, 24.85, 118.50, 24.90)),
                 (G, 3, box(118.50, 24.85, 118.60, 24.90))])
    new = units([("ZH35058230021", 3, box(118.40, 24.85, 118.60, 24.875)),
                 ("ZH35058220021", 2, box(118.40, 24.875, 118.60, 24.90))])
    r = compare(old, new)
    assert [(g["codes_before"], g["codes_after"]) for g in r.regrouped] == \
        [([F, G], ["ZH35058220021", "ZH35058230021"])]
    assert not r.added and not r.removed
    m = r.matrix.total() / 1e6
    assert m[3, 2] == pytest.approx(geodesic_area_m2(box(118.40, 24.875, 118.60, 24.90)) / 1e6,
                                    rel=1e-6)
