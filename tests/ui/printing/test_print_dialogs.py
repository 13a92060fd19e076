"""文件 ▸ 打印布局… and 图集… in the real window: live preview, layouts saved by name,
export, and the atlas made in the background with progress and cancel."""

from __future__ import annotations

import shutil
import time

import pytest
from PySide6.QtCore import QEventLoop, QTimer

from models import print_layout as pl
from tests.ui.printing.conftest import pdf_pages, pdf_text


def spin_until(cond, timeout_s: float = 60.0) -> float:
    """Run the event loop (as the application does) until ``cond()``; return the longest
    gap between two 10-ms timer ticks, i.e. how long the GUI was blocked."""
    loop = QEventLoop()
    state = {"last": time.perf_counter(), "gap": 0.0, "t0": time.perf_counter()}

    def tick() -> None:
        now = time.perf_counter()
        state["gap"] = max(state["gap"], now - state["last"])
        state["last"] = now
        if cond() or now - state["t0"] > timeout_s:
            loop.quit()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    loop.exec()
    timer.stop()
    assert cond(), "timed out"
    return state["gap"]


@pytest.fixture
def print_win(qtbot, tmp_path, bundled_path):
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.language import set_language
    from ui.main import MainWindow, make_app
    from ui.screenshot import wait_until_rendered

    path = tmp_path / "ws.gpkg"
    shutil.copy(bundled_path, path)  # layouts are saved into the workspace
    make_app()
    set_language("zh")
    w = MainWindow(Workspace.open(path), "zh", settings=None)
    install_features(w, interactive=False)
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    w.canvas.full_extent()
    wait_until_rendered(w, 20)
    yield w
    w.canvas.renderer.wait(5000)


def test_print_dialog_preview_save_and_export(print_win, tmp_path):
    from ui.printing.print_dialog import PrintDialog

    texts = [a.text() for a in print_win.m_file.actions()]
    assert "打印布局…" in texts and "图集…" in texts
    print_win.features.a_print.trigger()
    dlg = print_win.findChildren(PrintDialog)[-1]
    spin_until(lambda: dlg.preview.pixmap() is not None and not dlg.preview.pixmap().isNull())
    first = dlg.preview.pixmap().toImage()
    dlg.title.setText("晋江市管控单元")
    dlg.paper.setCurrentText("A3")
    dlg.orient.setCurrentIndex(dlg.orient.findData("portrait"))
    spin_until(lambda: dlg.preview.pixmap().toImage() != first
               and dlg.preview.pixmap().height() > dlg.preview.pixmap().width())
    assert dlg.status.text().startswith("比例尺 1:")
    # saved by name in the workspace, and reused
    assert dlg.save_layout("晋江 A3") is True
    assert pl.list_layouts(print_win.ws.path) == ["晋江 A3"]
    dlg.title.setText("改过")
    dlg.names.setCurrentIndex(dlg.names.findText("晋江 A3"))
    dlg._load_selected(dlg.names.currentIndex())
    assert dlg.title.text() == "晋江市管控单元" and dlg.paper.currentText() == "A3"
    out = tmp_path / "layout.pdf"
    done = []
    dlg.exported.connect(done.append)
    dlg.export(str(out))
    spin_until(lambda: done)
    assert done == [str(out)] and "晋江市管控单元" in pdf_text(out)
    dlg.close()


def test_print_dialog_extent_by_the_selected_feature(print_win):
    from ui.printing import _selected

    print_win.selection.select("control_units", "ZH35058220001", "test")
    assert _selected(print_win) == ("control_units", "ZH35058220001")
    print_win.features.a_print.trigger()
    from ui.printing.print_dialog import PrintDialog

    dlg = print_win.findChildren(PrintDialog)[-1]
    dlg.extent.setCurrentIndex(dlg.extent.findData("feature"))
    spec = dlg.layout_spec()
    assert (spec.extent, spec.feature_layer, spec.feature_key) == (
        "feature", "control_units", "ZH35058220001")
    dlg.close()


def test_atlas_runs_in_the_background_and_cancels(print_win, tmp_path):
    from ui.printing.atlas_dialog import AtlasDialog

    print_win.features.a_atlas.trigger()
    dlg = print_win.findChildren(AtlasDialog)[-1]
    dlg.county.setCurrentIndex(dlg.county.findData("350582"))
    dlg.cls.setCurrentIndex(dlg.cls.findData("2"))
    assert dlg.filter_text() == "county_code=350582 and unit_class=2"
    assert dlg.count.text() == "选中 8 个要素"
    out = tmp_path / "jj.pdf"
    dlg.start(str(out))
    gap = spin_until(lambda: dlg.thread is None)
    assert gap < 1.0  # the window kept handling events while pages were drawn
    assert "已生成" in dlg.status.text() and pdf_pages(out) == 10
    # the whole city, cancelled after a few pages: no file left behind
    dlg.county.setCurrentIndex(0)
    dlg.cls.setCurrentIndex(0)
    big = tmp_path / "all.pdf"
    dlg.start(str(big))
    spin_until(lambda: dlg.bar.value() >= 2)
    dlg.cancel()
    spin_until(lambda: dlg.thread is None)
    assert dlg.status.text() == "已取消，未留下文件"
    assert not big.exists() and not (tmp_path / "all.pdf.part").exists()
    dlg.close()


def test_a_selected_bay_is_printed_by_its_name(print_win):
    from ui.printing import _selected

    bays = print_win.model.get("bays")
    row = int((bays.frame["name_zh"] == "安海湾").to_numpy().nonzero()[0][0])
    print_win.selection.select("bays", bays.key_at(row), "test")
    assert _selected(print_win) == ("bays", "安海湾")
