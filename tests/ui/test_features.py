"""The feature parts are reachable from the window's menus, in both languages."""

from __future__ import annotations

import pytest


@pytest.fixture
def window(qtbot, tmp_path):
    import shutil

    from geodata import store
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.language import set_language
    from ui.main import MainWindow, make_app

    make_app()
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(store.bundled_path(), path)
    set_language("zh")
    win = MainWindow(Workspace.open(path), "zh", None)
    qtbot.addWidget(win)
    install_features(win)
    yield win
    set_language("zh")


def _texts(menu):
    return [a.text() for a in menu.actions()]


def test_menus_offer_import_exports_screening_and_welcome(window):
    assert "导入数据…" in _texts(window.m_file)
    assert "导出地图…" in _texts(window.m_file)
    assert "导出离线网页地图…" in _texts(window.m_file)
    assert "选址初筛…" in _texts(window.m_tools)
    assert "欢迎与数据说明" in _texts(window.m_help)
    assert window.features.review is not None  # outfall inventory and record card installed


def test_menu_entries_switch_to_english(window):
    window.set_language("en")
    assert "Import data…" in _texts(window.m_file)
    assert "Site screening…" in _texts(window.m_tools)


def test_reload_after_import_updates_the_workspace_layer(window):
    before = window.ws.layer("outfalls")
    window.features.reload_layer("outfalls")
    assert window.ws.layer("outfalls") is not before
    assert len(window.ws.layer("outfalls")) == len(before)


def test_site_drawn_on_the_map_goes_to_screening(window, qtbot):
    window.features.draw_site()
    m = window.canvas.measurement
    for lon, lat in [(118.59, 24.89), (118.61, 24.89), (118.61, 24.91), (118.59, 24.91)]:
        m.add(lon, lat)
    dlg = window.features.open_screening()
    qtbot.addWidget(dlg)
    assert dlg.polygon is not None
    assert dlg.polygon.bounds == (118.59, 24.89, 118.61, 24.91)
    dlg.run()
    assert dlg.report is not None and dlg.report.to_dict()["counties"]


def test_map_export_writes_the_chosen_paper_as_pdf(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    out = tmp_path / "view.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("A3 纵向", True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (150, True))
    window.resize(1200, 800)
    window.features.export_map()
    assert out.exists() and out.read_bytes()[:5] == b"%PDF-"
