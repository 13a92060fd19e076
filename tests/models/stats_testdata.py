# ruff: noqa: E501  (the outfall rows read as a table)
"""A small hand-built workspace for the statistics tests: every number is known by design.

Two counties (A = 350581 石狮市 with 3 units, B = 350582 晋江市 with 2), units that are
0.1° × 0.1° squares (areas from pyproj's Geod, not from the code under test), and outfalls
with every remediation status, blank and unknown values, one row of a county the county
layer lacks, and bays 安海湾 / 泉州湾 / 深沪湾 (深沪湾 without any outfall).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata import store
from models.workspace import Workspace

COUNTIES = {"350581": ("石狮市", "Shishi City"), "350582": ("晋江市", "Jinjiang City")}


def _square(x: float, y: float, size: float = 0.1) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


def layers() -> dict[str, gpd.GeoDataFrame]:
    counties = gpd.GeoDataFrame(
        {"code": list(COUNTIES), "name_zh": [v[0] for v in COUNTIES.values()],
         "name_en": [v[1] for v in COUNTIES.values()]},
        geometry=[_square(118.0, 24.5, 0.5), _square(118.5, 24.5, 0.5)], crs="EPSG:4490")
    units = gpd.GeoDataFrame(
        {"code": ["ZH35058110001", "ZH35058120001", "ZH35058130001", "ZH35058210001",
                  "ZH35058230001"],
         "name_zh": ["u1", "u2", "u3", "u4", "u5"], "unit_class": [1, 2, 3, 1, 3],
         "county_code": ["350581", "350581", "350581", "350582", "350582"],
         "domain": ["land"] * 5},
        geometry=[_square(118.0, 24.5), _square(118.1, 24.5), _square(118.2, 24.5, 0.2),
                  _square(118.5, 24.5), _square(118.6, 24.5)], crs="EPSG:4490")
    rows = [  # code, county, kind, water, type, remediation, status, review, party, x, y
        ("PWK350581H0001", "350581", "sea", "安海湾", "工业排污口", "规范", "已完成", "已核查", "甲厂", 118.05, 24.55),
        ("PWK350581H0002", "350581", "sea", "安海湾", "工业排污口", "取缔", "未启动", "待核查", "乙厂", 118.15, 24.55),
        ("PWK350581H0003", "350581", "sea", "泉州湾", "农业排口", "合并", "整治中", "已核查", "", 118.25, 24.55),
        ("PWK350581H0004", "350581", "sea", "泉州湾", "其他排口", "规范", "已完成", "位置存疑", "丙", 118.25, 24.65),
        ("PWK350582R0001", "350582", "river", "晋江", "城镇污水处理厂排污口", "规范", "已完成", "已核查", "丁", 118.55, 24.55),
        ("PWK350582R0002", "350582", "river", "西溪", "其他排口", "", None, "已核查", "戊", 118.65, 24.55),
        ("PWK350582H0003", "350582", "sea", "安海湾", "奇怪类型", "规范", "整治中", "已核查", "己", 118.65, 24.58),
        ("PWK350583H0001", "350583", "sea", "围头湾", "其他排口", "规范", "已完成", "已核查", "庚", 118.9, 24.9),
    ]
    cols = ["code", "county_code", "water_kind", "receiving_water", "outfall_type",
            "remediation", "remediation_status", "review_status", "responsible_party"]
    outfalls = gpd.GeoDataFrame(
        pd.DataFrame([r[:9] for r in rows], columns=cols),
        geometry=[shapely.Point(r[9], r[10]) for r in rows], crs="EPSG:4490")
    outfalls["name_zh"] = outfalls["code"]
    bays = gpd.GeoDataFrame(
        {"name_zh": ["泉州湾", "深沪湾", "安海湾"],
         "name_en": ["Quanzhou Bay", "Shenhu Bay", "Anhai Bay"],
         "wq_class": ["", "", "劣四类"], "wq_target": ["", "", "稳定消除劣四类"],
         "target_year": [2023, 2025, 2025]},
        geometry=[_square(118.7, 24.8), _square(118.5, 24.4), _square(118.3, 24.4)],
        crs="EPSG:4490")
    return {"counties": counties, "control_units": units, "outfalls": outfalls, "bays": bays}


def tables() -> dict[str, pd.DataFrame]:
    bundled = Workspace.open(store.bundled_path())
    samples = pd.DataFrame({"outfall_code": ["PWK350581H0001", "PWK350581H0001",
                                             "PWK350581H0003"],
                            "sample_date": ["2024-02-03", "2025-05-06", "2025-08-09"]})
    meta = pd.DataFrame({"key": ["illustrative_layers"], "value": ["control_units,outfalls"]})
    return {"indicators": bundled.table("indicators"), "outfall_samples": samples,
            "metadata": meta}


def workspace(path: Path | None = None) -> Workspace:
    """The small workspace in memory; with ``path``, also written as a GeoPackage."""
    lay, tab = layers(), tables()
    if path is not None:
        store.write_layers(path, {**lay, **tab})
        return Workspace.open(path)
    return Workspace(Path("synthetic.gpkg"), lay, tab)
