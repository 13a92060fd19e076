"""Reading a site polygon from files and coordinate lists, with clear refusals."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Transformer

from models.site_input import SiteInputError, read_site

SITE = shapely.box(118.59, 24.89, 118.61, 24.91)


def _same(geom, other=SITE):
    return shapely.equals_exact(shapely.normalize(geom), shapely.normalize(other), 1e-7) or \
        shapely.symmetric_difference(geom, other).area < 1e-12


def _write(tmp_path, name, geoms, driver, crs="EPSG:4326"):
    path = tmp_path / name
    frame = gpd.GeoDataFrame({"name": ["选址"] * len(geoms)}, geometry=geoms, crs=crs)
    pyogrio.write_dataframe(frame if driver != "DXF" else frame[["geometry"]], path,
                            driver=driver)
    return path


@pytest.mark.parametrize("name, driver", [("site.geojson", "GeoJSON"),
                                          ("site.shp", "ESRI Shapefile"),
                                          ("site.kml", "KML"), ("site.gpkg", "GPKG")])
def test_polygon_files(tmp_path, name, driver):
    site = read_site(_write(tmp_path, name, [SITE], driver))
    assert _same(site.polygon)
    assert site.source == name


def test_kmz_with_a_closed_line(tmp_path):
    kml = _write(tmp_path, "doc.kml", [SITE.exterior], "KML")
    kmz = tmp_path / "site.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(kml, "doc.kml")
    assert _same(read_site(kmz).polygon)


def test_dxf_closed_polyline_in_gauss_kruger(tmp_path):
    tr = Transformer.from_crs("EPSG:4490", "EPSG:4548", always_xy=True)  # CM 117E
    gk = shapely.transform(shapely.segmentize(SITE, 0.001).exterior,
                           lambda xy: __import__("numpy").column_stack(
                               tr.transform(xy[:, 0], xy[:, 1])))
    path = _write(tmp_path, "site.dxf", [gk], "DXF", crs=None)
    # a DXF declares no CRS: refused with candidates, read once the CRS is given
    with pytest.raises(SiteInputError, match="site.dxf.*--crs"):
        read_site(path)
    site = read_site(path, crs="EPSG:4548")
    assert shapely.symmetric_difference(site.polygon, SITE).area < 1e-9
    assert any("CGCS2000" in en for _zh, en in site.notes)


def test_multiple_polygons_are_merged(tmp_path):
    a, b = shapely.box(118.59, 24.89, 118.60, 24.91), shapely.box(118.60, 24.89, 118.61, 24.91)
    assert _same(read_site(_write(tmp_path, "two.geojson", [a, b], "GeoJSON")).polygon)


def test_points_only_file_is_refused(tmp_path):
    path = _write(tmp_path, "pts.geojson", [shapely.Point(118.6, 24.9)], "GeoJSON")
    with pytest.raises(SiteInputError, match=r"pts.geojson: no polygon.*Point"):
        read_site(path)


def test_missing_file(tmp_path):
    with pytest.raises(SiteInputError, match="not found"):
        read_site(tmp_path / "nope.shp")


def test_decimal_coordinate_list():
    text = "118.59, 24.89\n118.61, 24.89\n118.61 24.91\n24.91 118.59\n118.59,24.89\n"
    site = read_site(text)
    assert _same(site.polygon)  # swapped pair detected, closing vertex optional
    assert site.source == "4 vertices"


def test_dms_coordinate_list_on_one_line():
    text = ("118°35'24\"E 24°53'24\"N; 118°36'36\"E 24°53'24\"N; "
            "118度36分36秒, 24度54分36秒; 118°35′24″ 24°54′36″")
    assert _same(read_site(text).polygon)


def test_coordinate_file_with_header(tmp_path):
    path = tmp_path / "site.csv"
    path.write_text("经度,纬度\n118.59,24.89\n118.61,24.89\n118.61,24.91\n118.59,24.91\n",
                    encoding="utf-8")
    site = read_site(path)
    assert _same(site.polygon) and site.source == "site.csv"


def test_wkt_text():
    assert _same(read_site(SITE.wkt).polygon)


def test_bad_line_is_named():
    with pytest.raises(SiteInputError) as err:
        read_site("118.59,24.89\n118.61,24.89\nabc,def\n118.59,24.91")
    assert "line 3 'abc,def'" in err.value.en and "第 3 行" in err.value.zh


def test_too_few_vertices():
    with pytest.raises(SiteInputError, match="at least 3"):
        read_site("118.59,24.89\n118.61,24.89\n118.59,24.89")
