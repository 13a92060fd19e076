"""Moving a point feature by dragging it on the map (the canvas's "move_point" tool).

Like QGIS's Move Feature tool, a drag moves a point only while the tool is chosen and
only in layers the owner has made draggable (outfall review turns its layer on unless the
workspace is read-only), so panning never moves anything by accident.  During the drag
the map shows a dashed line from the old position to the cursor and a ghost marker; the
canvas emits ``feature_dragged`` on release.  Escape, or a drag shorter than
:data:`MIN_DRAG_PX`, moves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from layers.hit_test import Hit, Hits

MIN_DRAG_PX = 3.0
LINE = QColor(216, 27, 96)


@dataclass
class PointDrag:
    layer: str
    key: str  # the dragged feature's stable key (its code)
    origin: tuple[float, float]  # lon, lat of the point when the drag began
    press: QPointF  # screen position of the press
    pos: QPointF  # current cursor position

    @property
    def moved(self) -> bool:
        d = self.pos - self.press
        return abs(d.x()) + abs(d.y()) > MIN_DRAG_PX

    def paint(self, p: QPainter, origin: QPointF) -> None:
        """Dashed line from the old position (re-projected by the caller) to the cursor."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(LINE, 1.8, Qt.PenStyle.DashLine))
        p.drawLine(origin, self.pos)
        p.setPen(QPen(QColor(255, 255, 255), 2.0))
        p.setBrush(QColor(LINE.red(), LINE.green(), LINE.blue(), 170))
        p.drawEllipse(self.pos, 7.0, 7.0)
        p.setPen(QPen(QColor(255, 255, 255), 1.5))
        p.drawLine(self.pos + QPointF(-11, 0), self.pos + QPointF(11, 0))
        p.drawLine(self.pos + QPointF(0, -11), self.pos + QPointF(0, 11))


def draggable_hit(found: Sequence[Hit], draggable: set[str], point_layers: set[str]) -> Hit | None:
    """The nearest hit in a draggable point layer, or None."""
    layers = draggable & point_layers
    cands = found.nearest_of(layers) if isinstance(found, Hits) else \
        [h for h in found if h.layer in layers]
    return min(cands, key=lambda h: h.distance_px) if cands else None
