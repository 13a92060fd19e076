"""numpy arrays handed to Qt's painting in one piece: paths from vertex arrays and arrays
of pixmap fragments.

What the map draws needs only these two from pyqtgraph, whose import is 0.19-0.26 s of the
window's start even with Qt loaded (its Qt shim copies every attribute of QtCore, QtGui
and QtWidgets, which has PySide6 make all its lazily made types, and loads QtSvg,
QtOpenGLWidgets and QtTest): here they are without it, so the window imports pyqtgraph only
for its charts, when one is first shown (issue 17).

Paths go through ``QDataStream >> QPainterPath``, Qt's own serialisation of a path: a
count, then per element its type (0 move to, 1 line to) and x, y as big-endian doubles,
then the index of the element the path's current subpath starts at and the fill rule.  One
bulk conversion in C++, not a Python call per vertex.
"""

from __future__ import annotations

import sys
from typing import Any, cast

import numpy as np
import shiboken6
from PySide6.QtCore import QByteArray, QDataStream
from PySide6.QtGui import QPainter, QPainterPath, QPixmap

#: one path element as QDataStream reads it
ELEMENT = np.dtype([("c", ">i4"), ("x", ">f8"), ("y", ">f8")])
HEADER = 4  # the element count (int32)
TRAILER = 8  # the current subpath's start and the fill rule (two int32)

_views_leak: bool | None = None


def _memoryview_leaks() -> bool:
    """Whether a memoryview of a QByteArray keeps a reference to it for ever (PySide6 built
    without the limited API; the wheels from Qt are not): then the bytes are filled in a
    Python buffer and copied once into a QByteArray instead."""
    global _views_leak
    if _views_leak is None:
        probe: Any = QByteArray()  # (the stubs do not say it is a buffer)
        before = sys.getrefcount(probe)
        memoryview(probe)
        _views_leak = sys.getrefcount(probe) > before
    return _views_leak


def path_from_arrays(x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> QPainterPath:
    """A path through the points ``(x[i], y[i])``: point ``i + 1`` is joined to point ``i``
    when ``connect[i]`` is 1, and starts a new subpath when it is 0 (the first point always
    starts one).  The coordinates must be finite.  Odd-even fill, as a path read from a
    stream has; callers set the rule they draw with."""
    n = len(x)
    path = QPainterPath()
    if n == 0:
        return path
    path.reserve(n)  # the elements' room made once, not grown as the stream is read
    size = HEADER + n * ELEMENT.itemsize + TRAILER
    store: Any  # a bytearray or a QByteArray, both buffers
    if _memoryview_leaks():
        store = bytearray(size)
    else:
        store = QByteArray()
        store.resize(size)  # contents uninitialised: every byte is written below
    buf = np.frombuffer(store, dtype=np.uint8)
    buf[:HEADER].view(">i4")[0] = n
    buf[size - TRAILER:].view(">i4")[:] = 0
    elements = buf[HEADER:size - TRAILER].view(ELEMENT)
    elements["x"] = x
    elements["y"] = y
    elements["c"][0] = 0
    elements["c"][1:] = connect[:-1]
    del buf, elements  # no view left on the buffer while Qt reads it
    stream = QDataStream(store if isinstance(store, QByteArray) else QByteArray(bytes(store)))
    stream >> path
    return path


class PixmapFragments:
    """An array of ``QPainter.PixmapFragment`` as an (n, 10) float64 array, drawn in one
    ``drawPixmapFragments`` call (PySide6 takes a pointer to the first and the count).
    Columns: x, y, sourceLeft, sourceTop, width, height, scaleX, scaleY, rotation, opacity.
    """

    def __init__(self, n: int) -> None:
        self.array = np.empty((n, 10), dtype=np.float64)

    def draw(self, painter: QPainter, pixmap: QPixmap) -> None:
        n = len(self.array)
        if n == 0:
            return
        # the array outlives the call (self holds it): Qt reads the fragments in place
        first = cast(QPainter.PixmapFragment,
                     shiboken6.wrapInstance(self.array.ctypes.data, QPainter.PixmapFragment))
        painter.drawPixmapFragments(first, n, pixmap)
