"""A small workspace GeoPackage for the outfall review tests (no bundled data needed).

Layout (CGCS2000, around Quanzhou Bay):
- county 350582 is the box 118.40–118.80 E, 24.70–25.00 N; city = the same box;
- coastline: the meridian 118.60 E from 24.70 to 25.00 N;
- protected area 测试湿地公园 (实验区): box 118.50–118.55 E, 24.80–24.85 N;
- control unit ZH35058210001 (class 1): box 118.585–118.595 E, 24.80–24.85 N;
- outfalls: A inside the protected area, B inside the priority unit, C and D 10 m apart,
  E far from the coast (118.45), F outside the city, G with missing fields, H clean.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata import store

CRS = "EPSG:4490"
CODES = [f"PWK350582H{i:04d}" for i in range(1, 9)]
POINTS = {
    CODES[0]: (118.525, 24.825),   # A in protected area
    CODES[1]: (118.590, 24.825),   # B in priority unit
    CODES[2]: (118.601, 24.760),   # C
    CODES[3]: (118.60109, 24.760),  # D ~11 m east of C
    CODES[4]: (118.450, 24.950),   # E 15 km from the coast
    CODES[5]: (118.900, 24.760),   # F outside the city
    CODES[6]: (118.602, 24.900),   # G missing fields
    CODES[7]: (118.603, 24.720),   # H clean
}


def outfall_frame() -> gpd.GeoDataFrame:
    rows = []
    for i, code in enumerate(CODES):
        rows.append({
            "code": code, "name_zh": f"测试排口{i + 1}", "outfall_type": "工业排污口",
            "subtype": "工业废水排污口", "water_kind": "sea", "receiving_water": "泉州湾",
            "discharge_mode": "管道", "responsible_party": f"企业{i + 1}",
            "county_code": "350582", "remediation": "规范", "remediation_status": "未启动",
            "review_status": "待核查", "coord_source": "资料",
        })
    rows[6]["receiving_water"] = None
    rows[6]["responsible_party"] = ""
    geoms = [shapely.Point(*POINTS[c]) for c in CODES]
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=CRS)


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0, y0, x1, y1)


def build(path: Path) -> Path:
    county = gpd.GeoDataFrame({"code": ["350582"], "name_zh": ["晋江市"], "name_en": ["Jinjiang"]},
                              geometry=[box(118.4, 24.7, 118.8, 25.0)], crs=CRS)
    city = gpd.GeoDataFrame({"name_zh": ["泉州市"]}, geometry=[box(118.4, 24.7, 118.8, 25.0)],
                            crs=CRS)
    coast = gpd.GeoDataFrame({"name_zh": ["海岸线"]},
                             geometry=[shapely.LineString([(118.6, 24.7), (118.6, 25.0)])],
                             crs=CRS)
    pa = gpd.GeoDataFrame({"name_zh": ["测试湿地公园"], "name_en": ["Test Wetland Park"],
                           "level": ["省级"], "kind": ["湿地公园"], "zone": ["实验区"]},
                          geometry=[box(118.50, 24.80, 118.55, 24.85)], crs=CRS)
    units = gpd.GeoDataFrame({"code": ["ZH35058210001", "ZH35058230001"],
                              "name_zh": ["测试优先保护单元", "测试一般管控单元"],
                              "name_en": ["Test priority unit", "Test general unit"],
                              "unit_class": [1, 3]},
                             geometry=[box(118.585, 24.80, 118.595, 24.85),
                                       box(118.595, 24.70, 118.8, 25.0)], crs=CRS)
    samples = pd.DataFrame({
        "outfall_code": [CODES[0]] * 3, "sample_date": ["2024-01-10", "2024-04-10", "2024-07-10"],
        "flow_m3d": [100.0, 120.0, 90.0], "ph": [7.1, 7.3, 7.0], "cod_mgl": [18.0, 25.0, 35.0],
        "nh3n_mgl": [0.4, 1.2, 2.5], "tp_mgl": [0.1, 0.2, 0.3], "tn_mgl": [1.0, 1.5, 2.2]})
    inspections = pd.DataFrame({
        "id": pd.Series(dtype="int64"), "at": pd.Series(dtype="str"),
        "user": pd.Series(dtype="str"), "outfall_code": pd.Series(dtype="str"),
        "action": pd.Series(dtype="str"), "field": pd.Series(dtype="str"),
        "old_value": pd.Series(dtype="str"), "new_value": pd.Series(dtype="str"),
        "note": pd.Series(dtype="str")})
    store.write_layers(path, {"counties": county, "city": city, "coastline": coast,
                              "protected_areas": pa, "control_units": units,
                              "outfalls": outfall_frame(), "outfall_samples": samples,
                              "inspections": inspections})
    return path


def stored_status(path: Path | str, code: str) -> str:
    """The 核查状态 of outfall ``code`` as the file holds it (read with a connection of its
    own: what a save wrote, not what the window shows)."""
    con = sqlite3.connect(str(path))
    try:
        return con.execute('SELECT review_status FROM "outfalls" WHERE code=?',
                           (code,)).fetchone()[0]
    finally:
        con.close()
