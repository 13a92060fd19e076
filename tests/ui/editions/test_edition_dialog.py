"""The 版本对比 dialog from the 工具 menu: editions listed, two compared, results shown,
changes and an edition put on the map, the report saved — in both languages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


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


@pytest.fixture
def revision_file(tmp_path) -> Path:
    sys.path.insert(0, str(ROOT))
    from bench.edition_revision import make_revision
    from geodata import store

    units = store.read_layer(store.bundled_path(), "control_units")
    outfalls = store.read_layer(store.bundled_path(), "outfalls")
    revised, _ = make_revision(units, outfalls)
    out = tmp_path / "修订版.gpkg"
    revised.to_file(out, layer="control_units", driver="GPKG")
    return out


def test_menu_opens_dialog_compares_and_maps(window, qtbot, revision_file, tmp_path):
    from geodata.io.workspace_import import import_file

    assert "版本对比…" in [a.text() for a in window.m_tools.actions()]
    import_file(revision_file, window.ws.path, "control_units", keep_edition="2021版",
                edition="2023版")
    from ui.editions.dialog import EditionsDialog

    window.features.a_editions.trigger()  # the menu entry opens the dialog
    dlg = window.findChildren(EditionsDialog)[-1]
    qtbot.addWidget(dlg)
    assert dlg.editions.rowCount() == 2
    assert [dlg.editions.item(r, 0).text() for r in range(2)] == ["2021版", "2023版"]
    assert dlg.old_box.currentData() == "2021版" and dlg.new_box.currentData() == "2023版"
    ec = dlg.run_compare()
    assert ec is not None and "示例数据" in dlg.status.text()
    summary = {dlg.summary.item(r, 0).text(): dlg.summary.item(r, 1).text()
               for r in range(dlg.summary.rowCount())}
    assert summary["拆分"] == "1" and summary["合并"] == "1" and summary["编码变更"] == "2"
    assert dlg.matrix.rowCount() == 5 and dlg.county_box.count() > 2
    assert dlg.outfalls.rowCount() == len(ec.result.affected_outfalls) > 0
    assert "<u>" in dlg.requirements.toHtml() or "新建项目须同步" in dlg.requirements.toPlainText()

    # split view: the two editions side by side, around the chosen change
    assert dlg.old_view.renderer().isValid() and dlg.new_view.renderer().isValid()
    dlg.changes.setCurrentCell(1, 0)
    assert dlg.new_view.renderer().isValid()

    dlg.show_changes()
    layer = window.model.get("edition_changes")
    assert layer is not None and len(layer) == len(ec.result.changes) and layer.illustrative
    view = window.canvas.view
    dlg.zoom_to_change(0)
    assert window.canvas.view != view  # the map went to the change
    dlg.show_edition()
    assert window.model.get("edition_units") is not None
    dlg.clear_map()
    assert window.model.get("edition_changes") is None and window.model.get("edition_units") is None

    for suffix in ("html", "xlsx", "gpkg"):
        assert dlg.save_to(tmp_path / f"r.{suffix}").stat().st_size > 0
    assert "示例数据" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_dialog_in_english_with_a_file(window, qtbot, revision_file):
    from ui.editions.dialog import EditionsDialog

    dlg = EditionsDialog(window.ws.path, "en", window)
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Compare editions"
    assert dlg.editions.item(0, 0).text() == "current"
    dlg.set_file(revision_file)
    assert dlg.new_box.currentData() == "__file__"
    ec = dlg.run_compare()
    assert ec is not None and ec.new.file == revision_file
    assert "area reclassified" in dlg.status.text()
    assert [dlg.tabs.tabText(i) for i in range(3)] == ["Summary", "Side by side", "Class matrix"]
    assert dlg.changes.item(0, 0).text() in {"Units merged", "Unit split", "Code changed",
                                             "Requirements changed", "Unit removed",
                                             "Boundary extended", "Boundary withdrawn",
                                             "Class stricter"}


def test_menu_entry_in_english(window):
    window.set_language("en")
    assert "Compare editions…" in [a.text() for a in window.m_tools.actions()]
    dlg = window.features.open_editions()
    assert dlg.windowTitle() == "Compare editions"
    dlg.close()


def test_compare_button_runs_in_the_background(window, qtbot, revision_file):
    from PySide6.QtCore import QEventLoop, QTimer

    from ui.editions.dialog import EditionsDialog

    dlg = EditionsDialog(window.ws.path, "zh", window)
    qtbot.addWidget(dlg)
    dlg.set_file(revision_file)
    loop = QEventLoop()
    got = []
    dlg.compared.connect(lambda ec: (got.append(ec), loop.quit()))
    QTimer.singleShot(60_000, loop.quit)
    dlg.compare_button.click()
    assert not dlg.compare_button.isEnabled() and "正在对比" in dlg.status.text()
    loop.exec()  # spin the event loop as the application does (QTest.qWait keeps the GIL)
    assert got and got[0].result.counts()["split"] == 1
    qtbot.waitUntil(lambda: dlg.compare_button.isEnabled(), timeout=5000)
    assert dlg.summary.rowCount() > 0
