"""The wizard with files as offices and patrols send them (issue 14): a workbook whose
coordinate sheet is not the first, and a patrol KML of outfalls without codes."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import shapely

from geodata import store
from tests.geodata.io.test_io_office_sheets import _book
from tests.ui.importing.test_import_dialog import go_next, make_dialog, shot


def test_workbook_sheet_with_coordinates_is_preselected(qtbot, workspace, tmp_path):
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(_book(tmp_path, ".xls"))
    layers = dlg.file_page.layers
    assert [layers.item(i).text() for i in range(layers.count())] == ["封面", "排污口清单", "说明"]
    assert layers.currentItem().text() == "排污口清单"
    go_next(qtbot, dlg, 1)
    go_next(qtbot, dlg, 2)
    assert dlg.session.mapping["code"] == "排污口编码"
    go_next(qtbot, dlg, 3)
    sp = dlg.summary_page
    assert sp.counts["imported"].text() == "3" and sp.counts["rejected"].text() == "1"
    row = [sp.rejected.text(0, c) for c in range(5)]
    assert row[1:3] == ["10", "经度"] and row[4] == "PWK350581H0004"  # spreadsheet row, code
    shot(dlg, "import_office_xls_step4.png")


def test_patrol_kml_without_codes_through_the_wizard(qtbot, workspace, tmp_path):
    kml = tmp_path / "巡查.kml"
    frame = gpd.GeoDataFrame({"Name": ["祥芝渔港北侧排口", "蚶江无名涵管"]},
                             geometry=[shapely.Point(118.6105, 24.7702),
                                       shapely.Point(118.6211, 24.7813)], crs="EPSG:4326")
    pyogrio.write_dataframe(frame, kml, driver="KML")
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(kml)
    go_next(qtbot, dlg, 1)
    go_next(qtbot, dlg, 2)
    assert "code" not in dlg.session.mapping  # nothing to map: Next still goes on
    go_next(qtbot, dlg, 3)
    sp = dlg.summary_page
    assert sp.counts["imported"].text() == "2" and sp.counts["rejected"].text() == "0"
    notes = [sp.notes.text(r, 0) for r in range(sp.notes.rowCount())]
    assert any("临时编码" in n for n in notes)
    go_next(qtbot, dlg, 4)
    codes = set(store.read_layer(workspace, "outfalls")["code"])
    assert {"待编码-350500-0001", "待编码-350500-0002"} <= codes


def test_cad_drawing_asks_among_crs_candidates(qtbot, workspace, tmp_path):
    """A DXF through the wizard: the same candidates the command line lists, as data."""
    from tests.geodata.io.test_io_gdal_formats import _dxf

    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(_dxf(tmp_path / "总平面图.dxf"))
    dlg.file_page.r_new.setChecked(True)
    dlg.file_page.new_name.setText("cad_site")
    go_next(qtbot, dlg, 1)
    page = dlg.encoding_page
    assert [c.crs for c in dlg.session.crs_candidates][:2] == ["EPSG:4528", "EPSG:2364"]
    assert page.crs_combo.itemText(1).startswith("EPSG:4528") and "落在泉州" in \
        page.crs_combo.itemText(1)
    page.crs_combo.setCurrentIndex(1)
    go_next(qtbot, dlg, 2)
    go_next(qtbot, dlg, 3)
    go_next(qtbot, dlg, 4)
    got = store.read_layer(workspace, "cad_site")
    assert len(got) == 3 and "祥芝渔港排口" in set(got["Text"].dropna())


def test_a_dwg_is_told_to_be_saved_as_dxf(qtbot, workspace, tmp_path):
    from ui.importing.pages import FILE_FILTER

    assert "*.dwg" in FILE_FILTER and "*.gdbtable" in FILE_FILTER and "*.ods" in FILE_FILTER
    dwg = tmp_path / "总平面图.dwg"
    dwg.write_bytes(b"AC1032" + bytes(64))
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(dwg)
    dlg.next()
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=10_000)
    assert dlg.currentId() == 0 and "DXF" in dlg.file_page.status.text()
