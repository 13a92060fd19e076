"""The 监测 tab of an outfall: samples table and a chart of COD and ammonia over time."""

from __future__ import annotations

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

from ui.panels.common import epoch_seconds, table, tr

COLUMNS = (("sample_date", "日期"), ("flow_m3d", "流量 m³/d"), ("ph", "pH"),
           ("cod_mgl", "COD mg/L"), ("nh3n_mgl", "氨氮"), ("tp_mgl", "总磷"),
           ("tn_mgl", "总氮"))


def samples_tab(samples: pd.DataFrame) -> QWidget:
    cols = [c for c, _ in COLUMNS if c in samples.columns]
    heads = {"sample_date": tr("日期"), "flow_m3d": tr("流量 m³/d"), "nh3n_mgl": tr("氨氮"),
             "tp_mgl": tr("总磷"), "tn_mgl": tr("总氮"), "ph": "pH", "cod_mgl": "COD mg/L"}
    t = table([heads[c] for c in cols], samples[cols].astype(object).values.tolist(), wrap=False)
    t.setObjectName("samplesTable")
    chart = pg.PlotWidget(background="w", axisItems={"bottom": pg.DateAxisItem()})
    chart.setMinimumHeight(160)
    chart.showGrid(x=True, y=True, alpha=0.25)
    chart.addLegend(offset=(8, 4))
    if "sample_date" in samples.columns:
        x = epoch_seconds(samples["sample_date"])
        for col, color, name in (("cod_mgl", (198, 40, 40), "COD"),
                                 ("nh3n_mgl", (21, 101, 192), tr("氨氮"))):
            if col in samples.columns:
                chart.plot(x, samples[col].to_numpy(dtype=float),
                           pen=pg.mkPen(color, width=2), symbol="o", symbolSize=6,
                           symbolBrush=color, name=name)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(chart)
    split.addWidget(t)
    return split
