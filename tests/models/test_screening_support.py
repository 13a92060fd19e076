"""A small synthetic workspace for screening, report and web-map tests (no tests here).

Layout around (118.60 E, 24.90 N), all boxes in CGCS2000 lon/lat::

    county 350502 west of 118.60, county 350503 east of it (lat 24.80–25.00)
    U1 class 1 (优先保护)  118.55–118.60 x 24.90–24.95
    U2 class 2 (重点管控)  118.60–118.65 x 24.90–24.95
    U3 class 3 (一般管控)  118.55–118.65 x 24.85–24.90
    U4 class 2, sea       118.65–118.70 x 24.85–24.95   (under the bay)
    SITE                  118.59–118.61 x 24.89–24.91   touches U1, U2, U3
    PA_NEAR               118.62–118.63 x 24.89–24.91   ~1 km east of the site
    PA_CORE (核心区)       118.605–118.62 x 24.905–24.92 overlaps the site's NE corner
    BAY                   118.65–118.70 x 24.85–24.95   ~4 km east
    outfalls: one inside the site, one ~300 m east, one far away
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata import store

SITE = shapely.box(118.59, 24.89, 118.61, 24.91)
EVIL = "<script>alert('x')</script>古森林"


def _gdf(rows: list[dict], geoms: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:4490")


def unit(code: str, cls: int, county: str, box: tuple, domain: str = "land",
         name: str | None = None) -> tuple[dict, shapely.Geometry]:
    return ({"code": code, "name_zh": name or f"单元{code[-5:]}", "name_en": f"Unit {code[-5:]}",
             "unit_class": cls, "county_code": county, "domain": domain, "theme": f"theme{cls}",
             "kjbjys": f"{code} 空间布局约束：禁止新建{cls}类项目。",
             "pwwpfgk": "执行统一排放标准。" if cls != 1 else f"{code} 不得新增排污口。",
             "hjfxfk": f"{code} 风险防控要求。", "zykfxlyq": ""},
            shapely.box(*box))


def build_workspace(path: Path) -> Path:
    counties = _gdf([{"code": "350502", "name_zh": "鲤城区", "name_en": "Licheng"},
                     {"code": "350503", "name_zh": "丰泽区", "name_en": "Fengze"}],
                    [shapely.box(118.50, 24.80, 118.60, 25.00),
                     shapely.box(118.60, 24.80, 118.70, 25.00)])
    units = [unit("ZH35050210001", 1, "350502", (118.55, 24.90, 118.60, 24.95)),
             unit("ZH35050320001", 2, "350503", (118.60, 24.90, 118.65, 24.95)),
             unit("ZH35050230001", 3, "350502", (118.55, 24.85, 118.65, 24.90)),
             unit("ZH35050320002", 2, "350503", (118.65, 24.85, 118.70, 24.95), "sea")]
    control_units = _gdf([u[0] for u in units], [u[1] for u in units])
    pa = _gdf([{"name_zh": "近旁湿地公园", "name_en": "Nearby Wetland Park", "level": "省级",
                "kind": "湿地公园", "zone": None, "area_published_ha": 200.0,
                "county_code": "350503"},
               {"name_zh": EVIL, "name_en": "Evil <b>Forest</b>", "level": "国家级",
                "kind": "自然保护区", "zone": "核心区", "area_published_ha": 150.0,
                "county_code": "350503"}],
              [shapely.box(118.62, 24.89, 118.63, 24.91),
               shapely.box(118.605, 24.905, 118.62, 24.92)])
    bays = _gdf([{"name_zh": "测试湾", "name_en": "Test Bay", "wq_class": "第二类",
                  "wq_target": "优良水质比例≥90%", "target_year": 2025, "source": "test"}],
                [shapely.box(118.65, 24.85, 118.70, 24.95)])
    outfalls = _gdf([{"code": f"PWK350503H000{i}", "name_zh": f"排污口{i}",
                      "outfall_type": "工业排污口", "subtype": "工业废水排污口",
                      "water_kind": kind, "receiving_water": "测试湾", "remediation": "规范",
                      "remediation_status": "整治中", "review_status": "已核查",
                      "county_code": "350503"}
                     for i, kind in ((1, "sea"), (2, "river"), (3, "sea"))],
                    [shapely.Point(118.60, 24.895), shapely.Point(118.613, 24.90),
                     shapely.Point(118.68, 24.80)])
    land = _gdf([{"name": "land"}], [shapely.box(118.50, 24.80, 118.65, 25.00)])
    sea = _gdf([{"name": "sea"}], [shapely.box(118.65, 24.80, 118.75, 25.00)])
    tasks = pd.DataFrame([
        {"task_id": "T-PRIO", "section": "一、1.", "title_zh": "保护优先区域",
         "title_en": "Protect priority areas", "text_zh": "优先保护单元内…"},
        {"task_id": "T-FZ", "section": "二、2.", "title_zh": "丰泽区专项任务",
         "title_en": "Fengze task", "text_zh": "丰泽区…"},
        {"task_id": "T-BAY", "section": "三、3.", "title_zh": "测试湾整治",
         "title_en": "Test Bay clean-up", "text_zh": "测试湾…"}])
    indicators = pd.DataFrame([
        {"indicator_id": "I-1", "section": "一、", "name_zh": "优良天数比例",
         "name_en": "Good-air days", "target_value": 98.0, "baseline_value": 97.0,
         "comparison": ">=", "target_text_zh": "≥98%", "latest_value": None}])
    links = pd.DataFrame([
        {"zone_type": "unit_class", "zone_key": "1", "target_type": "task",
         "target_id": "T-PRIO", "sentence_zh": "优先保护单元…"},
        {"zone_type": "county", "zone_key": "350503", "target_type": "task",
         "target_id": "T-FZ", "sentence_zh": "丰泽区…"},
        {"zone_type": "bay", "zone_key": "测试湾", "target_type": "task",
         "target_id": "T-BAY", "sentence_zh": "测试湾…"},
        {"zone_type": "city", "zone_key": "350500", "target_type": "indicator",
         "target_id": "I-1", "sentence_zh": "全市…"}])
    meta = {"dataset": "测试工作空间", "dataset_version": "t1",
            "illustrative_layers": "control_units,outfalls",
            "illustrative_notice_zh": "示例数据：测试用。",
            "illustrative_notice_en": "Illustrative data: for tests.",
            "sources": json.dumps([{"layers": "counties", "source": "test", "licence": "MIT",
                                    "status": "real"}])}
    store.write_layers(path, {
        "land": land, "sea": sea, "counties": counties, "control_units": control_units,
        "bays": bays, "protected_areas": pa, "outfalls": outfalls, "tasks": tasks,
        "indicators": indicators, "zone_links": links,
        "metadata": pd.DataFrame({"key": list(meta), "value": list(meta.values())})})
    return path
