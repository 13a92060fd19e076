"""A local XYZ tile folder shows under the vector layers and lines up (Web Mercator)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from layers.mercator import to_mercator
from tests.ui.conftest import wait_rendered


def test_xyz_tiles_render_as_basemap(qtbot, win, tmp_path):
    tile = QImage(256, 256, QImage.Format.Format_RGB32)
    tile.fill(QColor(255, 0, 255))
    for z, x, y in ((8, 212, 109), (8, 211, 109), (8, 212, 110), (8, 213, 109)):
        d = tmp_path / str(z) / str(x)
        d.mkdir(parents=True, exist_ok=True)
        tile.save(str(d / f"{y}.png"))
    for name in [la.name for la in win.model.layers]:
        win.model.set_visible(name, False)
    win.set_basemap(str(tmp_path))
    x, y = to_mercator(118.6, 24.9)
    from layers.viewport import Viewport

    win.canvas.set_view(Viewport(float(x), float(y), 611.5, win.canvas.width(),
                                 win.canvas.height()), render_now=True)
    wait_rendered(qtbot, win)
    img = win.canvas.grab().toImage()
    c = img.pixelColor(win.canvas.width() // 2, win.canvas.height() // 2)
    assert (c.red(), c.green(), c.blue()) == (255, 0, 255)
    win._close_basemap()
    wait_rendered(qtbot, win)
    c = win.canvas.grab().toImage().pixelColor(win.canvas.width() // 2, win.canvas.height() // 2)
    assert (c.red(), c.green(), c.blue()) != (255, 0, 255)
