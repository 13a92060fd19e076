"""The 统计 dock: counts, areas, bays and plan progress of the city, a county, the map
extent or the selected zone, with clickable stacked bars.

The numbers come from :func:`models.stats_report.build` (Qt-free; the command line and the
exports use the same).  The panel listens to the workspace (``features_changed``,
``layer_replaced``), to the map view and to the selection, and recomputes after a short
pause (debounced): at a million outfalls a recomputation takes a fraction of a second, so it
runs on the GUI thread (bench/bench_stats.py).  Clicking a bar selects its features through
the window's one selection model: ``selection.select(layer, keys, "stats")``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from geodata.messages import Message, in_language
from layers.mercator import to_lonlat
from models import stats_report
from models.statistics import (
    GROUP_TITLES,
    OUTFALL_GROUPS,
    AreaCache,
    Scope,
    class_label,
    matches,
    outfall_keys,
    point_xy,
    value_label,
)
from models.stats_svg import CLASS_COLOURS, PALETTE, STATUS_COLOURS
from ui.background import Runner
from ui.panels.common import table
from ui.statistics.chart import StackedBarChart
from ui.statistics.size import PANEL_SIZE

CONTEXT = "StatisticsPanel"
ZONE_LAYERS = ("counties", "control_units", "bays", "protected_areas")
DEBOUNCE_MS = 250
#: from this many outfalls on, the dock computes on a worker thread (bench/bench_stats.py)
BACKGROUND_ROWS = 200_000
#: ... and while this many control units are measured for the first time (about a second
#: at 20 000 units)
BACKGROUND_UNITS = 5_000
CHANNEL = "statistics"
PROGRESS_STATUS_COLUMN = 3  # 进展, in StatsReport.progress_table
ON_TRACK = {True: QColor(200, 237, 204), False: QColor(255, 205, 210), None: QColor(238, 238, 238)}


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class StatisticsPanel(QWidget):
    """Tables and charts of one scope; ``report`` is the last computed StatsReport."""

    def __init__(self, ws: Any, selection: Any, lang: str = "zh",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statisticsPanel")
        self.ws, self.selection, self.lang = ws, selection, lang
        self.report: stats_report.StatsReport | None = None
        self.scope = Scope()
        self.view: Any = None
        self.last_ms = 0.0
        self._areas = AreaCache()
        self._xy: tuple[Any, Any] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer)
        self._runner = Runner(self)
        self._build()
        ws.features_changed.connect(self._on_features_changed)
        ws.layer_replaced.connect(self._on_layer_replaced)
        selection.changed.connect(self._on_selection)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(*PANEL_SIZE)  # wide enough for the county names beside the bars

    # -- widgets -----------------------------------------------------------------------
    def _build(self) -> None:
        self.county_box = QComboBox()
        self.county_box.setObjectName("statsCounty")
        self.follow_box = QComboBox()
        self.follow_box.setObjectName("statsFollow")
        self.group_box = QComboBox()
        self.group_box.setObjectName("statsGroup")
        for box in (self.county_box, self.follow_box, self.group_box):
            box.currentIndexChanged.connect(lambda _i: self.schedule(0))
        self.scope_label = QLabel()
        self.scope_label.setWordWrap(True)
        self.badge = QLabel()
        self.badge.setStyleSheet("background: #FFF3CD; color: #856404; border: 1px solid "
                                 "#E0C97F; border-radius: 3px; padding: 1px 6px;")
        self.outfall_chart = StackedBarChart()
        self.outfall_chart.bar_clicked.connect(self._outfall_bar)
        self.unit_chart = StackedBarChart()
        self.unit_chart.bar_clicked.connect(self._unit_bar)
        self.bay_chart = StackedBarChart()
        self.bay_chart.bar_clicked.connect(self._bay_bar)
        self.outfall_table = QTableWidget()
        self.unit_table = QTableWidget()
        self.bay_table = QTableWidget()
        self.progress_table = QTableWidget()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("statsTabs")
        for chart, tbl, extra in ((self.outfall_chart, self.outfall_table, self.group_box),
                                  (self.unit_chart, self.unit_table, None),
                                  (self.bay_chart, self.bay_table, None)):
            page = QWidget()
            lay = QVBoxLayout(page)
            lay.setContentsMargins(2, 2, 2, 2)
            if extra is not None:
                lay.addWidget(extra)
            split = QSplitter(Qt.Orientation.Vertical)
            split.addWidget(chart)
            split.addWidget(tbl)
            split.setSizes([300, 160])
            lay.addWidget(split, 1)
            self.tabs.addTab(page, "")
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(2, 2, 2, 2)
        self.progress_note = QLabel()
        self.progress_note.setWordWrap(True)
        lay.addWidget(self.progress_note)
        lay.addWidget(self.progress_table, 1)
        self.tabs.addTab(page, "")
        self.progress_table.setObjectName("statsProgress")
        self.progress_table.cellDoubleClicked.connect(self._progress_row)
        top = QHBoxLayout()
        top.addWidget(self.county_box, 1)
        top.addWidget(self.follow_box, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.scope_label)
        lay.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.tabs, 1)
        self.retranslate(self.lang)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        for box in (self.county_box, self.follow_box, self.group_box):
            box.blockSignals(True)
        keep = (self.county_box.currentData(), self.follow_box.currentIndex(),
                self.group_box.currentIndex())
        self.county_box.clear()
        self.county_box.addItem(tr("全市"), None)
        counties = self.ws.layers.get("counties")
        if counties is not None:
            for code, zh, en in zip(counties["code"], counties["name_zh"],
                                    counties.get("name_en", counties["name_zh"]), strict=True):
                self.county_box.addItem(str(in_language(lang, zh, en)), str(code))
        self.county_box.setCurrentIndex(max(0, self.county_box.findData(keep[0])))
        self.follow_box.clear()
        self.follow_box.addItems([tr("不限地图范围"), tr("跟随当前地图范围"), tr("跟随所选区域")])
        self.follow_box.setCurrentIndex(max(0, keep[1]))
        self.group_box.clear()
        for fld in OUTFALL_GROUPS:
            self.group_box.addItem(GROUP_TITLES[fld].text(lang), fld)
        self.group_box.setCurrentIndex(max(0, keep[2]) if keep[2] >= 0 else
                                       list(OUTFALL_GROUPS).index("remediation_status"))
        for box in (self.county_box, self.follow_box, self.group_box):
            box.blockSignals(False)
        for i, text in enumerate((tr("排污口"), tr("管控单元"), tr("海湾"), tr("规划进展"))):
            self.tabs.setTabText(i, text)
        self.badge.setText(tr("示例数据") + " — " + tr("并非官方成果"))
        self.progress_note.setText(tr("规划指标按工作空间的全部数据测算（不随所选范围变化）；"
                                      "双击一行在地图上选中测算所依据的排污口。"))
        if self.report is not None:
            self._show()

    # -- what to count -----------------------------------------------------------------
    def follow(self) -> str:
        return ("none", "extent", "zone")[max(0, self.follow_box.currentIndex())]

    def current_scope(self) -> Scope:
        """The scope the controls and the map say: county, then extent or zone."""
        county = self.county_box.currentData()
        follow = self.follow()
        if follow == "extent" and self.view is not None:
            x0, y0, x1, y1 = self.view.bbox
            lon0, lat0 = to_lonlat(x0, y0)
            lon1, lat1 = to_lonlat(x1, y1)
            return Scope(county, shapely.box(float(lon0), float(lat0), float(lon1), float(lat1)),
                         Message("当前地图范围", "Current map extent"))
        if follow == "zone":
            zone = self._zone()
            if zone is not None:
                layer, key, geom, name = zone
                if layer == "counties":
                    return Scope(key, None, name)
                water = name.zh if layer == "bays" else None
                return Scope(county, geom, Message("所选：", "Selected: ") + name, water)
        return Scope(county)

    def _zone(self) -> tuple[str, str, Any, Message] | None:
        cur = self.selection.current
        if cur.layer not in ZONE_LAYERS or len(cur.keys) != 1:
            return None
        frame = self.ws.layers.get(cur.layer)
        if frame is None:
            return None
        hit = np.asarray(self.ws.keys(cur.layer) == cur.keys[0], dtype=bool)
        if not hit.any():
            return None
        row = frame[hit].iloc[0]
        zh = str(row.get("name_zh") or cur.keys[0])
        en = str(row.get("name_en") or zh)
        key = str(row.get("code") or cur.keys[0])  # a county is known by its code here
        return cur.layer, key, row.geometry, Message(zh, en)

    # -- updates -------------------------------------------------------------------------
    def schedule(self, delay_ms: int = DEBOUNCE_MS) -> None:
        self._timer.start(delay_ms)

    def set_view(self, view: Any) -> None:
        self.view = view
        if self.follow() == "extent":
            self.schedule()

    def _on_selection(self, _sel: Any, source: str) -> None:
        if source != "stats" and self.follow() == "zone":
            self.schedule()

    def _on_features_changed(self, layer: str, keys: list, fields: Any = None) -> None:
        if layer == "outfalls" and (fields is None or "geometry" in fields):
            self._xy = None  # a move changes coordinates; re-read them (cheap)
        units = self.ws.layers.get("control_units")
        if layer == "control_units" and units is not None:
            self._areas.refresh(units, keys)  # only the edited units are measured again
        self.schedule()

    def _on_layer_replaced(self, layer: str) -> None:
        if layer == "outfalls":
            self._xy = None
        if layer == "control_units":
            self._areas.invalidate()
        self.schedule()

    def _on_timer(self) -> None:
        if not self.isVisible():  # a hidden dock computes nothing; showing it schedules again
            return
        outfalls = self.ws.layers.get("outfalls")
        units = self.ws.layers.get("control_units")
        if (outfalls is not None and len(outfalls) >= BACKGROUND_ROWS) or (
                units is not None and len(units) >= BACKGROUND_UNITS
                and not self._areas.cached(units)):
            self._start_background()
        else:
            self.recompute()

    def recompute(self) -> None:
        """Build the report of the current scope now (on this thread) and show it."""
        self._timer.stop()
        self._runner.cancel(CHANNEL)  # a background result still on its way is stale now
        self._finish(self._compute(self.current_scope()))

    def _compute(self, scope: Scope) -> tuple[Scope, Any, float]:
        t = time.perf_counter()
        outfalls = self.ws.layers.get("outfalls")
        xy = self._xy
        if xy is None and outfalls is not None and len(outfalls):
            xy = point_xy(outfalls)
            self._xy = xy
        report = stats_report.build(self.ws, scope, self._areas, xy)
        return scope, report, (time.perf_counter() - t) * 1000

    def _start_background(self) -> None:
        """Compute on the window's kind of worker (ui.background): a million outfalls take
        about half a second, a second more the first time the units are measured.  A newer
        request on the channel supersedes this one; its result is then dropped."""
        scope = self.current_scope()
        self.scope_label.setText(tr("正在统计…"))
        self._runner.submit(lambda _token: self._compute(scope), self._finish,
                            channel=CHANNEL, on_error=lambda _exc: self.schedule())

    def _finish(self, result: tuple[Scope, Any, float]) -> None:
        self.scope, self.report, self.last_ms = result
        self._show()

    # -- showing -------------------------------------------------------------------------
    def _names(self, codes: Any) -> list[str]:
        assert self.report is not None
        return [self.report.stats.county_name(str(c), self.lang) for c in codes]

    def _show(self) -> None:
        rep, lang = self.report, self.lang
        assert rep is not None
        from models.stats_export import scope_text

        self.scope_label.setText(tr("范围：") + scope_text(rep, lang))
        self.badge.setVisible(rep.illustrative)
        fld = self.group_box.currentData() or "remediation_status"
        t = rep.stats.outfalls.get(fld)
        if t is not None:
            series = [(value_label(fld, str(c), lang), t[c].tolist(),
                       STATUS_COLOURS.get(str(c), PALETTE[i % len(PALETTE)]))
                      for i, c in enumerate(t.columns)]
            self.outfall_chart.set_bars(GROUP_TITLES[fld].text(lang) + tr("（个）"),
                                        self._names(t.index), series)
            _fill(self.outfall_table, rep.outfall_table(fld, lang))
        area = rep.stats.unit_area_km2
        if len(area):
            series = [(class_label(int(c), lang), area[c].tolist(),
                       CLASS_COLOURS.get(int(c), "#999"))
                      for c in area.columns]
            self.unit_chart.set_bars(tr("管控单元面积（km²）"), self._names(area.index), series)
            _fill(self.unit_table, rep.units_table(lang))
        if rep.bays:
            states = list(rep.bays[0].by_remediation_status)
            series = [(value_label("remediation_status", v, lang),
                       [b.by_remediation_status.get(v, 0) for b in rep.bays],
                       STATUS_COLOURS.get(v, PALETTE[i % len(PALETTE)]))
                      for i, v in enumerate(states)]
            self.bay_chart.set_bars(tr("入海排污口整治状态（个）"),
                                    [b.name.text(lang) for b in rep.bays], series)
            _fill(self.bay_table, rep.bay_table(lang))
        _fill(self.progress_table, rep.progress_table(lang))
        for r, p in enumerate(rep.progress_sorted()):
            item = self.progress_table.item(r, PROGRESS_STATUS_COLUMN)
            if item is not None:
                item.setBackground(QBrush(ON_TRACK[p.on_track]))

    # -- clicks: select the features behind a bar -----------------------------------------
    def _outfall_bar(self, i: int, j: int) -> None:
        rep = self.report
        fld = self.group_box.currentData() or "remediation_status"
        if rep is None or fld not in rep.stats.outfalls:
            return
        t = rep.stats.outfalls[fld]
        keys = outfall_keys(self.ws.layers["outfalls"], self.scope, fld, str(t.columns[j]),
                            str(t.index[i]), self._xy)
        self.selection.select("outfalls", keys, "stats")

    def _bay_bar(self, i: int, j: int) -> None:
        rep = self.report
        if rep is None:
            return
        bay = rep.bays[i]
        status = list(bay.by_remediation_status)[j]
        outfalls = self.ws.layers["outfalls"]
        scope = Scope(self.scope.county, self.scope.region, self.scope.label, bay.name.zh)
        keys = outfall_keys(outfalls, scope, "remediation_status", status, None, self._xy)
        sea = set(outfalls["code"].to_numpy()[matches(outfalls["water_kind"], ("sea",))])
        self.selection.select("outfalls", [k for k in keys if k in sea], "stats")

    def _progress_row(self, row: int, _col: int = 0) -> None:
        """Double-click on a measured indicator: select the outfalls it was measured on."""
        rep = self.report
        if rep is None or not (0 <= row < len(rep.progress)):
            return
        p = rep.progress_sorted()[row]
        outfalls = self.ws.layers.get("outfalls")
        if p.population is None or outfalls is None or len(p.population) != len(outfalls):
            return
        self.selection.select("outfalls", outfalls["code"].to_numpy()[p.population].tolist(),
                              "stats")

    def _unit_bar(self, i: int, j: int) -> None:
        rep = self.report
        if rep is None:
            return
        units = self.ws.layers["control_units"]
        code, cls = str(rep.stats.unit_count.index[i]), int(rep.stats.unit_count.columns[j])
        keep = matches(units["county_code"], (code,)) & \
            (pd.to_numeric(units["unit_class"], errors="coerce") == cls).to_numpy()
        if self.scope.region is not None:
            keep &= shapely.intersects(units.geometry.values, self.scope.region)
        self.selection.select("control_units", units["code"][keep].astype(str).tolist(),
                              "stats")


def _fill(widget: QTableWidget, frame: Any) -> None:
    """Replace the table's content with ``frame`` (headers as they are)."""
    src = table([str(c) for c in frame.columns], frame.astype(object).values.tolist(), wrap=False)
    widget.clear()
    widget.setColumnCount(src.columnCount())
    widget.setRowCount(src.rowCount())
    widget.setHorizontalHeaderLabels([str(c) for c in frame.columns])
    for r in range(src.rowCount()):
        for c in range(src.columnCount()):
            widget.setItem(r, c, src.takeItem(r, c))
    widget.verticalHeader().setVisible(False)
    widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    widget.resizeColumnsToContents()
