"""The 指标 tab's chart: an indicator's baseline → target line with its measured values.

A module of its own so that pyqtgraph is imported when the first 指标 tab is made, not with
the window (its import is 0.2-0.3 s of the start: ``ui.qt_arrays``)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from geodata.messages import localized
from layers.zone_details import indicator_series
from ui.panels.common import tr


class IndicatorChart(pg.PlotWidget):
    """Baseline → target line with measured values for one indicator."""

    def __init__(self) -> None:
        super().__init__(background="w")
        self.setMinimumHeight(170)
        self.showGrid(x=True, y=True, alpha=0.25)
        self.getPlotItem().setMenuEnabled(False)
        self.legend = self.addLegend(offset=(8, 4))
        self.setObjectName("indicatorChart")

    def show_indicator(self, rec: dict, lang: str) -> None:  # type: ignore[type-arg]
        self.clear()
        self.legend.clear()
        pts = indicator_series(rec)
        name = localized(rec, "name", lang)
        unit = rec.get("unit") or ""
        self.setTitle(f"{name} {('(' + unit + ')') if unit else ''}", size="9pt")
        base = [p for p in pts if p[2] == "baseline"]
        target = [p for p in pts if p[2] == "target"]
        meas = [p for p in pts if p[2] == "measured"]
        if base and target:
            self.plot([base[0][0], target[0][0]], [base[0][1], target[0][1]],
                      pen=pg.mkPen((120, 120, 120), width=2, style=Qt.PenStyle.DashLine),
                      name=tr("基线→目标"))
        if base:
            self.plot([p[0] for p in base], [p[1] for p in base], pen=None, symbol="o",
                      symbolBrush=(117, 117, 117), symbolSize=10, name=tr("基线"))
        if target:
            self.plot([p[0] for p in target], [p[1] for p in target], pen=None, symbol="star",
                      symbolBrush=(46, 125, 50), symbolSize=14, name=tr("目标"))
        if meas:
            self.plot([p[0] for p in meas], [p[1] for p in meas], pen=pg.mkPen((21, 101, 192)),
                      symbol="s", symbolBrush=(21, 101, 192), symbolSize=9, name=tr("实测"))
        if not pts:
            self.setTitle(f"{name} — {tr('无可绘制的数值')}", size="9pt")
