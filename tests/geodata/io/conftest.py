from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geodata import schema
from geodata.store import write_layers

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A tiny workspace: two control units and two outfalls in EPSG:4490."""
    path = tmp_path / "ws.gpkg"
    cu = {f.name: ["", ""] for f in schema.CONTROL_UNIT_FIELDS}
    cu.update(code=["ZH35058220003", "ZH35058210001"], name_zh=["安海湾重点管控单元", "紫帽山优先保护单元"],
              unit_class=[2, 1], county_code=["350582", "350582"])
    units = gpd.GeoDataFrame(cu, geometry=[shapely.box(118.45, 24.70, 118.55, 24.78),
                                           shapely.box(118.50, 24.80, 118.60, 24.88)],
                             crs="EPSG:4490")
    units["unit_class"] = units["unit_class"].astype("int64")
    of = {f.name: ["", ""] for f in schema.OUTFALL_FIELDS}
    of.update(code=["PWK350582H0001", "PWK350582H0002"], name_zh=["深沪湾排口", "围头湾排口"],
              receiving_water=["深沪湾", "围头湾"])
    outfalls = gpd.GeoDataFrame(of, geometry=[shapely.Point(118.66, 24.63),
                                              shapely.Point(118.55, 24.55)], crs="EPSG:4490")
    write_layers(path, {"control_units": units, "outfalls": outfalls})
    return path
