"""The 排污口 tab: outfalls inside the zone, counts by type and remediation, click to select."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QTableWidget, QVBoxLayout, QWidget

from geodata import schema
from layers.map_model import MapModel
from layers.zone_details import ZoneDetails
from ui.panels.common import table, tr

MAX_ROWS = 2000


def _label(field: str, value: str, lang: str) -> str:
    return str(schema.value_in(field, value, lang))


def outfalls_tab(d: ZoneDetails, model: MapModel, lang: str,
                 on_select: Callable[[str], None]) -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(2, 2, 2, 2)
    n = len(d.outfalls)
    lay.addWidget(QLabel(tr("区域内排污口 %1 个").replace("%1", str(n))))
    summary = []
    for field, title in (("outfall_type", tr("类型")), ("remediation", tr("整治类型")),
                         ("remediation_status", tr("整治状态"))):
        for key, count in sorted(d.outfall_counts.get(field, {}).items(), key=lambda kv: -kv[1]):
            summary.append([title, _label(field, key, lang), count])
    s: QTableWidget = table([tr("分类"), tr("类别"), tr("数量")], summary, stretch=1, wrap=False)
    s.setObjectName("outfallSummary")
    s.setMaximumHeight(min(40 + 24 * len(summary), 260))
    lay.addWidget(s)
    layer = model.get("outfalls")
    rows = []
    idx = d.outfalls[:MAX_ROWS]
    if layer is not None and len(idx):
        f = layer.frame.iloc[idx]
        for _, r in f.iterrows():
            rows.append([r.get("code"), r.get("name_zh"),
                         _label("outfall_type", str(r.get("outfall_type")), lang),
                         _label("remediation", str(r.get("remediation")), lang),
                         _label("remediation_status", str(r.get("remediation_status")), lang)])
    t = table([tr("编码"), tr("名称"), tr("类型"), tr("整治"), tr("状态")], rows, stretch=1,
              wrap=False)
    t.setObjectName("outfallsTable")
    keys = d.outfall_keys[:MAX_ROWS]  # the outfalls by code: what leaves the panel
    t.cellClicked.connect(lambda row, _c: on_select(keys[row]) if row < len(keys) else None)
    lay.addWidget(t, 1)
    if n > MAX_ROWS:
        lay.addWidget(QLabel(tr("仅列出前 %1 个").replace("%1", str(MAX_ROWS))))
    return w
