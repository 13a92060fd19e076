"""The screening dialog: typed coordinates or a map polygon -> report -> HTML/PDF."""

from __future__ import annotations

import shapely

from models.workspace import Workspace
from tests.models.test_screening_support import SITE, build_workspace
from ui.reports.screening_dialog import ScreeningDialog


def test_typed_coordinates_give_a_report_and_files(qtbot, tmp_path):
    ws = Workspace.open(build_workspace(tmp_path / "ws.gpkg"))
    dlg = ScreeningDialog(ws)
    qtbot.addWidget(dlg)
    got = []
    dlg.screened.connect(got.append)
    dlg.coords.setPlainText("118.59,24.89\n118.61,24.89\n118.61°,24.91\n118°35'24\" 24°54'36\"")
    dlg.buffer.setValue(1500)
    dlg.run_button.click()
    assert got and got[0].buffer_m == 1500 and len(got[0].units) == 3
    text = dlg.browser.toPlainText()
    assert "优先保护单元" in text and "近旁湿地公园" in text and "不构成法律意见" in text
    assert dlg.save_pdf_button.isEnabled()
    assert dlg.save(tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "<svg" in dlg.save(tmp_path / "r.html").read_text(encoding="utf-8")


def test_polygon_from_the_map_and_errors(qtbot, tmp_path):
    ws = Workspace.open(build_workspace(tmp_path / "ws.gpkg"))
    dlg = ScreeningDialog(ws, lang="en")
    qtbot.addWidget(dlg)
    assert dlg.run() is None and "draw, load or type" in dlg.status.text()
    dlg.set_polygon(shapely.box(118.595, 24.895, 118.6, 24.9))
    rep = dlg.run()
    assert rep is not None and rep.source == "drawn on the map"
    assert [u["unit_class"] for u in rep.units] == [3]
    assert not dlg.load_file(tmp_path / "missing.kml")
    assert "not found" in dlg.status.text()
    assert dlg.load_file(_geojson(tmp_path)) and dlg.run().source == "site.geojson"


def _geojson(tmp_path):
    import geopandas as gpd

    path = tmp_path / "site.geojson"
    gpd.GeoDataFrame(geometry=[SITE], crs="EPSG:4326").to_file(path, driver="GeoJSON")
    return path
