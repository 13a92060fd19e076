"""Paths and pixmap fragments from numpy arrays without pyqtgraph give what pyqtgraph's
gave (the map's images depend on them), and the window's start imports no pyqtgraph."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

from ui.qt_arrays import PixmapFragments, path_from_arrays


def _elements(path):
    return [(path.elementAt(i).type, path.elementAt(i).x, path.elementAt(i).y)
            for i in range(path.elementCount())]


@pytest.mark.parametrize("n", [1, 2, 7, 5000])
def test_a_path_is_the_one_pyqtgraph_made(qapp, n):
    import pyqtgraph as pg

    rng = np.random.default_rng(n)
    x, y = rng.uniform(-500, 2500, n), rng.uniform(-300, 1300, n)
    connect = (rng.random(n) > 0.2).astype(np.int32)
    ours = path_from_arrays(x, y, connect)
    theirs = pg.arrayToQPath(x, y, connect=connect, finiteCheck=False)
    assert _elements(ours) == _elements(theirs)
    assert ours.fillRule() == theirs.fillRule()
    # the first point starts a subpath, a 0 in connect starts the next one
    types = [t for t, _x, _y in _elements(ours)]
    assert types[0] == ours.ElementType.MoveToElement
    assert types[1:] == [ours.ElementType.LineToElement if c else ours.ElementType.MoveToElement
                         for c in connect[:-1]]


def test_an_empty_path(qapp):
    assert path_from_arrays(np.zeros(0), np.zeros(0), np.zeros(0, np.int32)).isEmpty()


def test_pixmap_fragments_draw_as_pyqtgraph_drew_them(qapp):
    from pyqtgraph.Qt import internals

    sprite = QPixmap(8, 8)
    sprite.fill(QColor(200, 30, 30, 255))
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 200, (300, 2))

    def fill(arr):
        arr[:, 0], arr[:, 1] = xy[:, 0], xy[:, 1]
        arr[:, 2:4] = 0.0
        arr[:, 4:6] = 8.0
        arr[:, 6:8] = 1.0
        arr[:, 8] = 0.0
        arr[:, 9] = 1.0

    def image(draw):
        img = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        draw(p)
        p.end()
        return bytes(img.constBits())

    ours = PixmapFragments(len(xy))
    fill(ours.array)
    theirs = internals.PrimitiveArray(QPainter.PixmapFragment, 10)
    theirs.resize(len(xy))
    fill(theirs.ndarray())
    a = image(lambda p: ours.draw(p, sprite))
    b = image(lambda p: p.drawPixmapFragments(*theirs.drawargs(), sprite))
    assert a == b and any(a)


def test_the_window_modules_import_no_pyqtgraph():
    """pyqtgraph is imported by the charts when one is first made, not by the window."""
    code = ("import sys; import cli.window, models.workspace, ui.main, ui.features, "
            "ui.outfalls, ui.sync, ui.render_worker, ui.paint_process; "
            "print(sorted(m for m in sys.modules if m.startswith('pyqtgraph')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env={**__import__("os").environ,
                                           "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
