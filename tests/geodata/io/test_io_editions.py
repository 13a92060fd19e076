"""Importing control units as a new edition keeps the old one, lists both, and undoes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from geodata import editions_store, schema
from geodata.io.messages import ImportRefused
from geodata.io.workspace_import import import_file, undo_import
from geodata.store import read_layer
from models.editions import find, list_editions, load

ROOT = Path(__file__).resolve().parents[3]


def revision(tmp_path: Path) -> Path:
    """The fixture's units revised: 安海湾 unit 2 -> 1 (new code), 紫帽山 dropped, one new."""
    cu = {f.name: ["", ""] for f in schema.CONTROL_UNIT_FIELDS}
    cu.update(code=["ZH35058210005", "ZH35058230009"], name_zh=["安海湾优先保护单元", "新单元"],
              unit_class=[1, 3], county_code=["350582", "350582"], kjbjys=["禁止围填海。", ""])
    frame = gpd.GeoDataFrame(cu, geometry=[shapely.box(118.45, 24.70, 118.55, 24.78),
                                           shapely.box(118.60, 24.80, 118.70, 24.88)],
                             crs="EPSG:4490")
    path = tmp_path / "units_2023.gpkg"
    frame.to_file(path, layer="units", driver="GPKG")
    return path


def test_keep_edition_list_load_and_undo(tmp_path: Path, workspace: Path) -> None:
    before = read_layer(workspace, "control_units")
    assert [e.name for e in list_editions(workspace)] == ["当前版本"]  # never named
    rep = import_file(revision(tmp_path), workspace, "control_units", keep_edition="2021版",
                      edition="2023版")
    assert sorted(rep.removed) == ["ZH35058210001", "ZH35058220003"]
    editions = list_editions(workspace)
    assert [(e.name, e.is_current, e.feature_count) for e in editions] == [
        ("2021版", False, 2), ("2023版", True, 2)]
    assert editions[1].source.endswith("units_2023.gpkg")
    # the current layer is the new edition; the kept one reads back as it was
    assert sorted(read_layer(workspace, "control_units")["code"]) == \
        ["ZH35058210005", "ZH35058230009"]
    kept = load(workspace, find(workspace, "2021版"))
    assert sorted(kept["code"]) == sorted(before["code"])
    assert find(workspace, "current").name == "2023版"
    # both layers open as GeoPackage layers (what QGIS reads), the editions table too
    layers = dict(pyogrio.list_layers(workspace))
    assert layers["control_unit_editions"] is not None and "editions" in layers
    assert len(pyogrio.read_dataframe(workspace, layer="control_unit_editions")) == 2
    # with a spatial index like control_units' (QGIS draws only what is in view with it)
    assert rtree_rows(workspace) == 2
    inside = pyogrio.read_dataframe(workspace, layer="control_unit_editions",
                                    bbox=(118.44, 24.69, 118.56, 24.79))
    assert list(inside["code"]) == ["ZH35058220003"]

    undo_import(workspace, rep.batch_id or 0)
    assert sorted(read_layer(workspace, "control_units")["code"]) == sorted(before["code"])
    assert [e.name for e in list_editions(workspace)] == ["当前版本"]
    assert len(pyogrio.read_dataframe(workspace, layer="control_unit_editions")) == 0
    assert rtree_rows(workspace) == 0


def rtree_rows(workspace: Path) -> int:
    import sqlite3

    con = sqlite3.connect(workspace)
    try:
        return int(con.execute("select count(*) from rtree_control_unit_editions_geom")
                   .fetchone()[0])
    finally:
        con.close()


def test_edition_names_checked(tmp_path: Path, workspace: Path) -> None:
    src = revision(tmp_path)
    import_file(src, workspace, "control_units", keep_edition="2021版")
    with pytest.raises(ImportRefused) as exc:
        import_file(src, workspace, "control_units", keep_edition="2021版")
    assert "已有名为“2021版”" in exc.value.text("zh")
    with pytest.raises(ImportRefused) as exc:
        import_file(src, workspace, "control_units", keep_edition="current")
    assert "current edition" in exc.value.text("en")
    with pytest.raises(ImportRefused):
        import_file(src, workspace, "outfalls", keep_edition="x")
    # a second revision keeps the first one's units as another edition
    import_file(src, workspace, "control_units", keep_edition="2023版", edition="2024版")
    assert [(e.name, e.is_current, e.feature_count) for e in list_editions(workspace)] == [
        ("2021版", False, 2), ("2023版", False, 2), ("2024版", True, 2)]
    assert sorted(load(workspace, find(workspace, "2023版"))["code"]) == \
        ["ZH35058210005", "ZH35058230009"]
    assert rtree_rows(workspace) == 4


def test_dry_run_keeps_nothing(tmp_path: Path, workspace: Path) -> None:
    rep = import_file(revision(tmp_path), workspace, "control_units", keep_edition="2021版",
                      dry_run=True)
    assert len(rep.removed) == 2 and rep.batch_id is None
    assert [e.name for e in list_editions(workspace)] == ["当前版本"]
    assert editions_store.LAYER not in dict(pyogrio.list_layers(workspace))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)


def test_cli_import_editions_compare(tmp_path: Path, workspace: Path) -> None:
    src = revision(tmp_path)
    # a file compared without importing it
    p = run("compare", str(src), "--workspace", str(workspace), "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    for key in ("added", "removed", "reclassified", "redrawn", "requirements_changed",
                "class_matrix", "affected_outfalls"):
        assert key in doc
    assert [a["code"] for a in doc["added"]] == ["ZH35058230009"]
    assert [r["code"] for r in doc["removed"]] == ["ZH35058210001"]
    assert [(r["code_before"], r["code"], r["class_before"], r["class_after"])
            for r in doc["reclassified"]] == [("ZH35058220003", "ZH35058210005", 2, 1)]
    assert [(r["code"], r["dimension"]) for r in doc["requirements_changed"]] == \
        [("ZH35058210005", "kjbjys")]

    p = run("import", str(src), "--into", str(workspace), "--as", "control_units",
            "--keep-edition", "2021版", "--edition", "2023版", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["kept_edition"] == "2021版"
    p = run("editions", "--workspace", str(workspace), "--json")
    assert [e["name"] for e in json.loads(p.stdout)["editions"]] == ["2021版", "2023版"]
    p = run("compare", "2023版", "--against", "2021版", "--workspace", str(workspace),
            "--out", str(tmp_path / "changes.gpkg"), "--json")
    assert p.returncode == 0, p.stderr
    changes = pyogrio.read_dataframe(tmp_path / "changes.gpkg", layer="edition_changes")
    assert {"added", "removed", "stricter"} <= set(changes["kind"])
    assert set(changes.geometry.geom_type) == {"MultiPolygon"}
    assert {"edition_old", "edition_new", "kind_zh", "kind_en", "area_km2"} <= set(changes.columns)

    p = run("compare", "2019版", "--workspace", str(workspace), "--lang", "en")
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    assert "neither an edition" in p.stderr and "2021版" in p.stderr
    p = run("compare", "2023版", "--workspace", str(workspace))
    assert p.returncode == 2 and "不能与自身对比" in p.stderr
    p = run("compare", "2021版", "--workspace", str(workspace), "--out", str(tmp_path / "x.doc"))
    assert p.returncode == 2 and ".xlsx" in p.stderr
