"""Small files and a small workspace for driving the import dialog."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geodata import schema
from geodata.store import write_layers

#: five outfalls, 经度/纬度 in 度分秒, as Excel in China saves a "CSV" (GBK, no BOM)
CSV_ROWS = ["排污口编码,排污口名称,经度,纬度,受纳水体"] + [
    f"PWK350582H00{11 + i},石狮排口{i + 1},118°3{i}′12.5″E,24°4{i}′30.2″N,深沪湾"
    for i in range(5)]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Two control units and two outfalls (none with the codes of the files below)."""
    path = tmp_path / "ws.gpkg"
    cu = {f.name: ["", ""] for f in schema.CONTROL_UNIT_FIELDS}
    cu.update(code=["ZH35058220003", "ZH35058210001"], name_zh=["安海湾重点管控单元", "紫帽山优先保护单元"],  # noqa: E501
              unit_class=[2, 1], county_code=["350582", "350582"])
    units = gpd.GeoDataFrame(cu, geometry=[shapely.box(118.45, 24.70, 118.55, 24.78),
                                           shapely.box(118.50, 24.80, 118.60, 24.88)],
                             crs="EPSG:4490")
    units["unit_class"] = units["unit_class"].astype("int64")
    of = {f.name: ["", ""] for f in schema.OUTFALL_FIELDS}
    of.update(code=["PWK350582H0001", "PWK350582H0002"], name_zh=["深沪湾排口", "围头湾排口"])
    outfalls = gpd.GeoDataFrame(of, geometry=[shapely.Point(118.66, 24.63),
                                              shapely.Point(118.55, 24.55)], crs="EPSG:4490")
    write_layers(path, {"control_units": units, "outfalls": outfalls})
    return path


@pytest.fixture
def gbk_csv(tmp_path: Path) -> Path:
    path = tmp_path / "石狮排污口.csv"
    path.write_bytes(("\r\n".join(CSV_ROWS) + "\r\n").encode("gbk"))
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    return path


def geojson_units(path: Path, n: int = 3) -> Path:
    """Control units with the national field names, WGS84 GeoJSON."""
    features = []
    for i in range(n):
        x, y = 118.3 + (i % 50) * 0.01, 24.8 + (i // 50) * 0.01
        features.append({"type": "Feature",
                         "properties": {"HJZHGKDYBM": f"ZH3505823{i:04d}",
                                        "HJZHGKDYMC": f"一般管控单元{i}", "ZHGKDYFL": "一般管控单元"},  # noqa: E501
                         "geometry": shapely.geometry.mapping(shapely.box(x, y, x + 0.008,
                                                                          y + 0.008))})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path
