"""The 指标 tab: indicators that apply, on track or not, and a baseline → target chart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QSplitter, QTableWidget, QVBoxLayout, QWidget

from geodata import schema
from geodata.messages import Message, localized
from layers.zone_details import ZoneDetails, clean, indicator_series
from ui.panels.common import table, text, tr

STATUS_COLORS = {"met": QColor(200, 237, 204), "not_met": QColor(255, 205, 210),
                 "unknown": QColor(238, 238, 238)}


def _status_text(status: str) -> str:
    return {"met": tr("达标"), "not_met": tr("未达标"), "unknown": tr("待评估")}[status]


def indicators_tab(d: ZoneDetails, lang: str) -> QWidget:
    rows, statuses = [], []
    for item, status, _reason in d.indicators:
        r = item.record
        name = localized(r, "name", lang)
        base = clean(r.get("baseline_value"))
        base_txt = text(base) + (f" ({int(r['baseline_year'])})"
                                 if base is not None and clean(r.get("baseline_year")) else "")
        target = clean(r.get("target_value"))
        target_txt = (f"{r.get('comparison')} {text(target)}" if target is not None
                      else (r.get("target_text_zh") or "—"))
        if clean(r.get("target_year")):
            target_txt += f" ({int(r['target_year'])})"
        latest = clean(r.get("actual_value"))
        latest_txt = text(latest) + (f" ({int(r['actual_year'])})"
                                     if latest is not None and clean(r.get("actual_year")) else "")
        if "measured_value" in r:  # measured from the workspace data (models/plan_progress)
            latest_txt = _measured_text(r, lang)
        rows.append([name, r.get("unit") or "", base_txt, target_txt, latest_txt,
                     _status_text(status)])
        statuses.append(status)
    t: QTableWidget = table([tr("指标"), tr("单位"), tr("基线"), tr("目标"), tr("最新值"),
                             tr("进展")], rows, stretch=0)
    t.setObjectName("indicatorsTable")
    t.setWordWrap(True)
    from PySide6.QtWidgets import QHeaderView
    t.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
    t.setColumnWidth(3, 150)
    t.resizeRowsToContents()
    for r, st in enumerate(statuses):
        t.item(r, 5).setBackground(QBrush(STATUS_COLORS[st]))
    _measured_tooltips(t, [item.record for item, _s, _r in d.indicators], lang)
    from ui.panels.indicator_chart import IndicatorChart  # pyqtgraph: once a tab is made

    chart = IndicatorChart()
    records = [item.record for item, _s, _r in d.indicators]

    def on_row(row: int) -> None:
        if 0 <= row < len(records):
            chart.show_indicator(records[row], lang)

    t.currentCellChanged.connect(lambda row, *_: on_row(row))
    # start on the first indicator that has numbers to draw
    first = next((i for i, rec in enumerate(records) if len(indicator_series(rec)) >= 2), 0)
    if records:
        t.selectRow(first)
        on_row(first)
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(2, 2, 2, 2)
    met = statuses.count("met")
    lay.addWidget(QLabel(tr("适用指标 %1 项，达标 %2 项").replace("%1", str(len(rows)))
                         .replace("%2", str(met))))
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(t)
    split.addWidget(chart)
    split.setSizes([360, 220])
    lay.addWidget(split, 1)
    w.chart = chart  # type: ignore[attr-defined]
    return w


def _measured_text(rec: dict, lang: str) -> str:  # type: ignore[type-arg]
    value = rec.get("measured_value")
    if value is None:
        return "—"
    shown = f"{value:.1f}" if isinstance(value, float) else \
        str(schema.value_in("wq_class", value, lang))  # a water class: 劣四类
    return f"{shown}{rec.get('measured_unit') or ''} ({Message('测算', 'measured').text(lang)})"


def _measured_tooltips(t: QTableWidget, records: list, lang: str) -> None:  # type: ignore[type-arg]
    """The basis of a measured value (which rows) and the target as read, on hover."""
    for row, rec in enumerate(records):
        if "measured_value" in rec:
            basis = localized(rec, "measured_basis", lang, fallback=False) or ""
            target = localized(rec, "measured_target", lang, fallback=False) or ""
            label = Message("依据：", "Basis: ").text(lang)
            for col in (3, 4):
                t.item(row, col).setToolTip(f"{target}\n{label}{basis}")
