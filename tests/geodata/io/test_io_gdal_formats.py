"""More formats through GDAL (issue 14): File Geodatabase (folder and zipped), MapInfo TAB
and MIF/MID in GBK, SpatiaLite and plain SQLite, DXF in Gauss-Krüger without a CRS, a lone
.dbf with coordinate columns; DWG refused with a way out.  Each file is made here with GDAL
(or by hand where GDAL writes no such file) the way a bureau's tool would write it."""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Transformer

from cli.import_export import add_import_parser, cmd_import
from geodata.io.formats import supported_suffixes
from geodata.io.messages import ImportRefused
from geodata.io.readers import read_any
from geodata.io.workspace_import import import_file
from geodata.store import read_layer

NAMES = ["深沪湾排口", "祥芝渔港排口"]
LONLAT = [(118.6612, 24.6305), (118.7301, 24.7905)]


def _outfalls(crs: str = "EPSG:4490") -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame({"排污口编码": ["PWK350581H0101", "PWK350581H0102"],
                              "排污口名称": NAMES, "受纳水体": ["深沪湾", "泉州湾"]},
                             geometry=[shapely.Point(x, y) for x, y in LONLAT], crs="EPSG:4490")
    return frame.to_crs(crs)


def _same_points(frame: gpd.GeoDataFrame) -> None:
    got = [v for g in frame.geometry for v in (g.x, g.y)]
    assert got == pytest.approx([v for p in LONLAT for v in p], abs=1e-7)


def _gdb(tmp_path: Path) -> Path:
    gdb = tmp_path / "石狮排污口.gdb"
    pyogrio.write_dataframe(_outfalls("EPSG:4549"), gdb, layer="排污口", driver="OpenFileGDB")
    line = gpd.GeoDataFrame({"名称": ["岸线"]}, geometry=[shapely.LineString(LONLAT)],
                            crs="EPSG:4490")
    pyogrio.write_dataframe(line, gdb, layer="岸线", driver="OpenFileGDB", append=True)
    return gdb


def test_file_geodatabase_folder(tmp_path: Path, workspace: Path) -> None:
    gdb = _gdb(tmp_path)
    with pytest.raises(ImportRefused) as exc:  # two feature classes: the user chooses
        read_any(gdb)
    assert set(exc.value.candidates) == {"排污口", "岸线"} and not exc.value.crs_candidates
    r = read_any(gdb, layer="排污口")  # CGCS2000 / 3-degree GK CM 120E, transformed
    _same_points(r.frame)
    assert r.frame["排污口名称"].tolist() == NAMES
    # a file picked inside the folder (what a file dialog gives) means the folder
    inner = next(p for p in gdb.iterdir() if p.suffix == ".gdbtable")
    assert read_any(inner, layer="排污口").frame["排污口名称"].tolist() == NAMES
    rep = import_file(gdb, workspace, "outfalls", file_layer="排污口")
    assert rep.new == ["PWK350581H0101", "PWK350581H0102"]
    assert read_layer(workspace, "outfalls").set_index("code").loc[
        "PWK350581H0101", "name_zh"] == "深沪湾排口"


def test_zipped_file_geodatabase(tmp_path: Path) -> None:
    gdb = _gdb(tmp_path)
    zipped = tmp_path / "石狮排污口.gdb.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for p in gdb.iterdir():
            zf.write(p, f"石狮排污口.gdb/{p.name}")
    r = read_any(zipped, layer="排污口")
    _same_points(r.frame)
    assert r.frame["排污口名称"].tolist() == NAMES


@pytest.mark.parametrize("name", ["排污口.tab", "排污口.mif"])
def test_mapinfo_in_gbk(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    pyogrio.write_dataframe(_outfalls(), path, driver="MapInfo File",
                            layer_options={"ENCODING": "CP936"})
    data = path.with_suffix(".dat" if name.endswith(".tab") else ".mid").read_bytes()
    assert "深沪湾排口".encode("gbk") in data  # GBK on disk, as MapInfo writes it in China
    header = path.read_bytes()
    assert b"WindowsSimpChinese" in header
    r = read_any(path)
    _same_points(r.frame)
    assert r.frame["排污口名称"].tolist() == NAMES
    assert r.frame["受纳水体"].tolist() == ["深沪湾", "泉州湾"]


@pytest.mark.parametrize("spatialite", [True, False])
def test_spatialite_and_sqlite(tmp_path: Path, spatialite: bool) -> None:
    path = tmp_path / ("排污口.sqlite")
    opts = {"SPATIALITE": "YES"} if spatialite else {}
    pyogrio.write_dataframe(_outfalls(), path, driver="SQLite", layer="outfalls",
                            dataset_options=opts)
    r = read_any(path)
    _same_points(r.frame)
    assert r.frame["排污口名称"].tolist() == NAMES


def _dxf(path: Path) -> Path:
    """A CAD drawing as a surveyor's office saves it: R2000 ASCII DXF, GBK text ($DWGCODEPAGE
    ANSI_936), coordinates in 3-degree Gauss-Krüger zone 40 with the zone number (no CRS)."""
    t = Transformer.from_crs(4490, 4528, always_xy=True)
    (x1, y1), (x2, y2) = (t.transform(*p) for p in LONLAT)
    codes = ["0", "SECTION", "2", "HEADER", "9", "$ACADVER", "1", "AC1015", "9",
             "$DWGCODEPAGE", "3", "ANSI_936", "0", "ENDSEC", "0", "SECTION", "2", "ENTITIES",
             "0", "POINT", "8", "排污口", "10", f"{x1:.3f}", "20", f"{y1:.3f}", "30", "0.0",
             "0", "TEXT", "8", "排污口", "10", f"{x2:.3f}", "20", f"{y2:.3f}", "30", "0.0",
             "40", "2.5", "1", "祥芝渔港排口",
             "0", "LWPOLYLINE", "8", "用地红线", "90", "4", "70", "1",
             "10", f"{x1:.3f}", "20", f"{y1:.3f}", "10", f"{x1 + 500:.3f}", "20", f"{y1:.3f}",
             "10", f"{x1 + 500:.3f}", "20", f"{y1 + 400:.3f}", "10", f"{x1:.3f}", "20",
             f"{y1 + 400:.3f}", "0", "ENDSEC", "0", "EOF"]
    path.write_bytes(("\r\n".join(codes) + "\r\n").encode("gbk"))
    return path


def test_dxf_offers_crs_candidates_and_imports_with_one(tmp_path: Path) -> None:
    path = _dxf(tmp_path / "排污口图.dxf")
    with pytest.raises(ImportRefused) as exc:
        read_any(path)
    first = exc.value.crs_candidates[0]
    assert (first.crs, first.in_quanzhou) == ("EPSG:4528", True)  # zone 40, with prefix
    assert "CAD" in exc.value.text("en") and "\n" not in exc.value.text("zh")
    r = read_any(path, crs=first.crs)
    pts = r.frame.geometry[r.frame.geometry.geom_type == "Point"]
    _same_points(gpd.GeoDataFrame(geometry=pts.reset_index(drop=True)))
    assert "祥芝渔港排口" in set(r.frame["Text"].dropna()) and "用地红线" in set(r.frame["Layer"])


def test_dxf_refusal_on_the_command_line(tmp_path: Path, workspace: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = _dxf(tmp_path / "图.dxf")
    parser = argparse.ArgumentParser()
    add_import_parser(parser.add_subparsers(dest="cmd"))
    rc = cmd_import(parser.parse_args(["import", str(path), "--into", str(workspace),
                                       "--json"]))
    out, err = capsys.readouterr()
    assert rc == 2 and err.count("\n") == 1 and "EPSG:4528" in err and "--crs" in err
    doc = json.loads(out)
    assert doc["crs_candidates"][0] == {"crs": "EPSG:4528", "name": doc["crs_candidates"][0][
        "name"], "in_quanzhou": True}


def test_dwg_gets_a_way_out(tmp_path: Path) -> None:
    path = tmp_path / "总平面图.dwg"
    path.write_bytes(b"AC1032" + bytes(200))
    with pytest.raises(ImportRefused) as exc:
        read_any(path)
    assert "DXF" in exc.value.text("zh") and "Save As DXF" in exc.value.text("en")
    assert "\n" not in exc.value.text("zh")


def test_lone_dbf_with_coordinate_columns(tmp_path: Path) -> None:
    path = tmp_path / "排污口.dbf"
    table = pd.DataFrame({"名称": NAMES, "经度": [p[0] for p in LONLAT],
                          "纬度": [p[1] for p in LONLAT]})
    pyogrio.write_dataframe(table, path, driver="ESRI Shapefile", encoding="GBK")
    assert not path.with_suffix(".shp").exists()
    r = read_any(path)
    _same_points(r.frame)
    assert r.frame["名称"].tolist() == NAMES and r.row_numbers.tolist() == [1, 2]


def test_wizard_and_command_line_accept_the_same_list() -> None:
    from geodata.io import import_session

    for suffix in (".gdb", ".tab", ".mif", ".sqlite", ".dxf", ".xls", ".ods", ".dbf"):
        assert suffix in supported_suffixes()
    assert {".gdb", ".xls", ".ods", ".sqlite"} <= import_session.LAYERED_SUFFIXES
