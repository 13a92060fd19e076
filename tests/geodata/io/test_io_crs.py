from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import CRS, Transformer

from geodata.chinese_crs import wgs84_to_bd09, wgs84_to_gcj02
from geodata.io.crs_detect import infer_candidates
from geodata.io.messages import ImportRefused
from geodata.io.readers import read_any

LON, LAT = 118.5878, 24.9087  # Quanzhou


def _shp(tmp: Path, x: float, y: float, prj: str | None) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    p = tmp / "pts.shp"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(x, y)]), p)
    p.with_suffix(".prj").unlink(missing_ok=True)
    if prj:
        p.with_suffix(".prj").write_text(prj)
    return p


def _xy(epsg: int) -> tuple[float, float]:
    return Transformer.from_crs(4490, epsg, always_xy=True).transform(LON, LAT)


@pytest.mark.parametrize("epsg,form", [(4549, "WKT1_ESRI"), (4549, "WKT1_GDAL"),
                                       (4528, "WKT1_ESRI"), (4548, "WKT2_2019"),
                                       (4527, "WKT1_ESRI"), (4490, "WKT1_ESRI")])
def test_prj_forms(tmp_path: Path, epsg: int, form: str) -> None:
    x, y = _xy(epsg)
    r = read_any(_shp(tmp_path, x, y, CRS.from_epsg(epsg).to_wkt(form)))
    g = r.frame.geometry.iat[0]
    assert (g.x, g.y) == pytest.approx((LON, LAT), abs=1e-7)


def test_zone_prefix_missing_from_prj(tmp_path: Path) -> None:
    x, y = _xy(4528)  # eastings 40 xxx xxx, .prj of CM 120E without prefix
    r = read_any(_shp(tmp_path, x, y, CRS.from_epsg(4549).to_wkt("WKT1_ESRI")))
    assert (r.frame.geometry.iat[0].x, r.frame.geometry.iat[0].y) == pytest.approx((LON, LAT))
    assert any("带号" in str(n) for n in r.notes.items)


def test_zone_prefix_in_prj_but_not_in_data(tmp_path: Path) -> None:
    x, y = _xy(4549)
    r = read_any(_shp(tmp_path, x, y, CRS.from_epsg(4528).to_wkt("WKT1_ESRI")))
    assert (r.frame.geometry.iat[0].x, r.frame.geometry.iat[0].y) == pytest.approx((LON, LAT))


def test_xian80_is_noted_as_approximate(tmp_path: Path) -> None:
    x, y = Transformer.from_crs(4490, 2385, always_xy=True).transform(LON, LAT)
    r = read_any(_shp(tmp_path, x, y, CRS.from_epsg(2385).to_wkt("WKT1_ESRI")))
    g = r.frame.geometry.iat[0]
    assert abs(g.x - LON) < 0.002 and abs(g.y - LAT) < 0.002
    assert any("100" in str(n) for n in r.notes.items)


def test_no_prj_is_refused_with_candidates(tmp_path: Path) -> None:
    x, y = _xy(4549)
    with pytest.raises(ImportRefused) as exc:
        read_any(_shp(tmp_path, x, y, None))
    assert exc.value.candidates[0] == "EPSG:4549"
    assert "EPSG:4549" in exc.value.text("en")
    r = read_any(_shp(tmp_path, x, y, None), crs="EPSG:4549")
    assert r.frame.geometry.iat[0].x == pytest.approx(LON)


def test_candidates_for_zone_prefixed_eastings() -> None:
    x, y = _xy(4528)
    cands = infer_candidates((x - 10, y - 10, x + 10, y + 10))
    assert cands[0].crs == "EPSG:4528" and cands[0].in_quanzhou


@pytest.mark.parametrize("source,forward", [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_gcj02_bd09_converted(tmp_path: Path, source: str, forward) -> None:  # type: ignore[no-untyped-def]
    gx, gy = forward(LON, LAT)
    p = tmp_path / "web.csv"
    p.write_text(f"名称,经度,纬度\n点,{gx},{gy}\n", encoding="utf-8")
    r = read_any(p, crs=source)
    g = r.frame.geometry.iat[0]
    assert np.hypot((g.x - LON) * 101_000, (g.y - LAT) * 111_000) < 0.2  # metres
    plain = read_any(p).frame.geometry.iat[0]
    assert np.hypot((plain.x - LON) * 101_000, (plain.y - LAT) * 111_000) > 400


def test_declared_degrees_but_metres_is_refused(tmp_path: Path) -> None:
    x, y = _xy(3857)
    p = tmp_path / "m.geojson"
    p.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
                 f'"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}]}}')
    with pytest.raises(ImportRefused) as exc:
        read_any(p)
    assert "EPSG:3857" in exc.value.candidates
