"""Scale bar and north arrow, drawn over the map in screen space."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen, QPolygonF

from layers.mercator import ground_resolution
from layers.viewport import Viewport
from ui.painter import map_font


def nice_length(max_m: float) -> float:
    """The largest 1-2-5 × 10^k metres not above ``max_m``."""
    if max_m <= 0:
        return 1.0
    k = 10 ** math.floor(math.log10(max_m))
    for m in (5, 2, 1):
        if m * k <= max_m:
            return m * k
    return k


def format_length(m: float) -> str:
    return f"{m / 1000:g} km" if m >= 1000 else f"{m:g} m"


def draw_scale_bar(p: QPainter, view: Viewport, x: float, y: float, max_px: float = 160) -> None:
    """A two-segment scale bar with its left end at (x, y) (bottom-left anchor)."""
    gres = ground_resolution(view.res, view.cy)
    length_m = nice_length(max_px * gres)
    px = length_m / gres
    font = map_font(8.5)
    fm = QFontMetricsF(font)
    text = format_length(length_m)
    box = QRectF(x - 6, y - 28, px + fm.horizontalAdvance(text) + 20, 34)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 215))
    p.drawRoundedRect(box, 4, 4)
    h = 6.0
    p.setPen(QPen(QColor(40, 40, 40), 1))
    p.setBrush(QBrush(QColor(40, 40, 40)))
    p.drawRect(QRectF(x, y - h - 4, px / 2, h))
    p.setBrush(QBrush(QColor(255, 255, 255)))
    p.drawRect(QRectF(x + px / 2, y - h - 4, px / 2, h))
    p.setFont(font)
    p.setPen(QColor(30, 30, 30))
    p.drawText(QPointF(x, y - h - 8), "0")
    p.drawText(QPointF(x + px + 6, y - 4), text)
    p.restore()


def draw_north_arrow(p: QPainter, cx: float, cy: float, size: float = 34) -> None:
    """A north arrow centred at (cx, cy).  Web Mercator keeps north up everywhere."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 215))
    p.drawEllipse(QPointF(cx, cy + 4), size * 0.62, size * 0.62)
    r = size / 2
    left = QPolygonF([QPointF(cx, cy - r), QPointF(cx - r * 0.5, cy + r * 0.7),
                      QPointF(cx, cy + r * 0.35)])
    right = QPolygonF([QPointF(cx, cy - r), QPointF(cx + r * 0.5, cy + r * 0.7),
                       QPointF(cx, cy + r * 0.35)])
    p.setPen(QPen(QColor(40, 40, 40), 1))
    p.setBrush(QColor(40, 40, 40))
    p.drawPolygon(left)
    p.setBrush(QColor(255, 255, 255))
    p.drawPolygon(right)
    p.setFont(map_font(9, True))
    p.setPen(QColor(30, 30, 30))
    p.drawText(QRectF(cx - 10, cy + r * 0.55, 20, 16), Qt.AlignmentFlag.AlignCenter, "N")
    p.restore()
