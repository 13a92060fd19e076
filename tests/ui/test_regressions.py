"""Process-level checks: the PySide6 none_dealloc crash, the screenshot command, settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NONE_LOOP = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QPointF
from PySide6.QtGui import QGuiApplication, QImage, QPainter
app = QGuiApplication([])
p = QPointF()
for i in range(100_000):
    p.setX(float(i))          # returns None: 6.12.0 on 3.11 drops a ref to None each call
img = QImage(64, 64, QImage.Format.Format_ARGB32)
painter = QPainter(img)
for i in range(100_000):
    painter.drawPoint(i % 64, (i // 64) % 64)
painter.end()
print("ok")
"""


def test_100k_none_returning_calls_do_not_crash():
    """Regression for PySide6 6.12.0 + CPython 3.11 'Fatal Python error: none_dealloc'."""
    r = subprocess.run([sys.executable, "-c", NONE_LOOP], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"


def test_screenshot_command_writes_png_with_selection(tmp_path, ui_workspace_path, ui_ws):
    code = ui_ws.layers["control_units"]["code"].iloc[0]
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ECOZONE_HOME=str(tmp_path))
    r = subprocess.run([sys.executable, str(ROOT / "app.py"), "--workspace",
                        str(ui_workspace_path), "screenshot", "--out", str(out), "--size",
                        "1200x800", "--select", code, "--lang", "en"],
                       capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (1200, 800)


def test_settings_remember_visible_layers_and_extent(qtbot, ui_ws, tmp_path):
    from PySide6.QtCore import QSettings

    from ui.main import MainWindow, make_app
    from ui.screenshot import wait_until_rendered

    make_app()
    settings = QSettings(str(tmp_path / "ecozone.ini"), QSettings.Format.IniFormat)
    w = MainWindow(ui_ws, "zh", settings)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    wait_until_rendered(w, 10)
    w.model.set_visible("control_units", False)
    w.canvas.set_view(w.canvas.view.zoomed(4.0), render_now=True)
    bbox = w.canvas.view.bbox
    w.close()
    w2 = MainWindow(ui_ws, "zh", settings)
    qtbot.addWidget(w2)
    w2.resize(1200, 800)
    w2.show()
    qtbot.wait(50)
    assert not w2.model.get("control_units").visible
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    assert abs(w2.canvas.view.cx - cx) < (bbox[2] - bbox[0]) * 0.05
    assert abs(w2.canvas.view.cy - cy) < (bbox[3] - bbox[1]) * 0.05
    w2._reset_layout()
    assert w2.model.get("control_units").visible
    w2.add_bookmark("泉州湾")
    from ui.settings import bookmarks
    assert bookmarks(settings)[-1]["name"] == "泉州湾"
    w2.close()


def test_measure_tool_geodesic_distance_and_area(qtbot):
    from ui.measure_tool import Measurement

    m = Measurement()
    m.add(118.0, 25.0)
    m.add(118.0, 25.01)
    assert abs(m.length_m() - 1108.0) < 5  # 0.01° of latitude ≈ 1.108 km at 25°N
    a = Measurement(area=True)
    for lon, lat in ((118.0, 25.0), (118.01, 25.0), (118.01, 25.01), (118.0, 25.01)):
        a.add(lon, lat)
    area = a.area_m2()
    assert 1.1e6 < area < 1.13e6
    assert "亩" in a.text() and "km²" in a.text()
