"""A stacked bar chart (pyqtgraph) whose bars can be clicked.

One ``BarGraphItem`` per series, stacked with ``y0``; a click is mapped back to (category,
series) from the view coordinates, so it needs no item per bar.  A few shared brushes only
(docs/ARCHITECTURE.md: distinct brushes per item are what makes pyqtgraph slow).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

BAR_WIDTH = 0.7


class StackedBarChart(QWidget):
    """Horizontal bars, one row per category (top to bottom), stacked per series, with a
    legend line above; ``bar_clicked(category, series)``.  Horizontal, so that county and
    bay names read in full in a narrow dock."""

    bar_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(180)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.showGrid(x=True, alpha=0.25)
        item.vb.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.legend)
        lay.addWidget(self.plot, 1)
        self._values = np.zeros((0, 0))
        self.categories: list[str] = []
        self.plot.scene().sigMouseClicked.connect(self._on_click)

    def set_bars(self, title: str, categories: Sequence[str],
                 series: Sequence[tuple[str, Sequence[float], str]]) -> None:
        """Draw ``series`` = (label, one value per category, colour) stacked left to right."""
        item = self.plot.getPlotItem()
        item.clear()
        self.categories = list(categories)
        n = len(categories)
        self._values = np.array([[float(v) for v in s[1]] for s in series]).reshape(len(series), n)
        y = n - 1 - np.arange(n, dtype=float)  # first category on top
        base = np.zeros(n)
        for (_label, _vals, colour), vals in zip(series, self._values, strict=True):
            item.addItem(pg.BarGraphItem(x0=base.copy(), y=y, width=vals, height=BAR_WIDTH,
                                         brush=pg.mkBrush(QColor(colour)),
                                         pen=pg.mkPen("w", width=0.5)))
            base += vals
        item.getAxis("left").setTicks([[(n - 1 - i, _short(c)) for i, c in enumerate(categories)]])
        top = float(base.max()) if n else 1.0
        item.vb.setRange(yRange=(-0.6, max(n, 1) - 0.4), xRange=(0, max(top, 1.0) * 1.05),
                         padding=0)
        self.legend.setText(f"<b>{escape(title)}</b>&nbsp;&nbsp;" + "&nbsp;&nbsp;".join(
            f"<span style='color:{c}'>&#9632;</span>&nbsp;{escape(label)}"
            for label, _v, c in series))

    # -- clicks ------------------------------------------------------------------------
    def bar_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(category, series) of the bar segment at view coordinates (x, y), or None."""
        n = self._values.shape[1]
        row = int(round(y))
        i = n - 1 - row
        if not (0 <= i < n) or abs(y - row) > BAR_WIDTH / 2 or x < 0:
            return None
        tops = np.cumsum(self._values[:, i])
        j = int(np.searchsorted(tops, x, side="right"))
        if j >= len(tops) or self._values[j, i] <= 0:
            return None
        return i, j

    def _on_click(self, ev) -> None:  # noqa: ANN001
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        p = vb.mapSceneToView(ev.scenePos())
        hit = self.bar_at(p.x(), p.y())
        if hit is not None:
            self.bar_clicked.emit(*hit)

    def bar_point(self, category: int, series: int) -> QPoint:
        """Coordinates in ``self.plot`` of the middle of one bar segment (for tests)."""
        left = float(self._values[:series, category].sum())
        mid = left + float(self._values[series, category]) / 2
        row = self._values.shape[1] - 1 - category
        scene = self.plot.getPlotItem().vb.mapViewToScene(QPointF(mid, row))
        return self.plot.mapFromScene(scene)


def _short(name: str) -> str:
    """Names without the English suffix (axis labels stay short)."""
    for suffix in (" District", " County", " City", " (Quanzhou part)"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
