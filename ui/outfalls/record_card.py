"""一口一档: the record card of one outfall -- attributes, monitoring charts with the GB 3838 /
GB 3097 class limits, the inspection history, and photos with thumbnails."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from geodata import schema
from geodata.messages import Message
from models.text_columns import row_of_code
from models.water_quality import class_limits
from ui.panels.common import epoch_seconds
from ui.panels.overview import display_value
from ui.turns import paint_after

if TYPE_CHECKING:  # the charts import it when first made
    import pyqtgraph as pg

#: (sample column, water_quality parameter, label zh, label en)
PARAMETERS = (("cod_mgl", "cod", "化学需氧量 COD (mg/L)", "COD (mg/L)"),
              ("nh3n_mgl", "nh3n", "氨氮 (mg/L)", "Ammonia N (mg/L)"),
              ("tp_mgl", "tp", "总磷 (mg/L)", "Total P (mg/L)"),
              ("tn_mgl", "tn", "总氮 (mg/L)", "Total N (mg/L)"),
              ("flow_m3d", "", "流量 (m³/d)", "Flow (m³/d)"),
              ("ph", "", "pH", "pH"))
THUMB = 160


def make_thumbnail(data: bytes, size: int = THUMB) -> bytes | None:
    """A JPEG thumbnail of an image file's bytes (None if Qt cannot read it)."""
    img = QImage.fromData(QByteArray(data))
    if img.isNull():
        return None
    small = img.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                       Qt.TransformationMode.SmoothTransformation)
    buf = QByteArray()
    from PySide6.QtCore import QBuffer, QIODevice

    dev = QBuffer(buf)
    dev.open(QIODevice.OpenModeFlag.WriteOnly)
    small.save(dev, "JPG", 85)
    return bytes(buf.data())


class RecordCard(QTabWidget):
    """Tabs 属性 / 监测 / 核查记录 / 照片 for the outfall set with :meth:`show_outfall`."""

    action_requested = Signal(str)  # confirm, move, set, note, photo, code

    def __init__(self, session: Any, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outfallRecordCard")
        self.session = session
        self.lang = lang
        self.code: str | None = None
        self._attr_labels: list[QLabel] = []  # the 属性 rows' values, kept (prepare_rows)
        self._rows_shown = 0  # how many of them are shown (the last, the coordinates)
        self._rows_in_fields = 0  # how many of them the fields' widget shows when shown
        self.attrs = QWidget()
        page = QVBoxLayout(self.attrs)
        # the fields' rows in a widget of their own, shown and hidden as one: the first
        # outfall shown after the window opened showed 14 rows one by one, each a layout
        # invalidated (~3 ms of that click's turn at 1M, bench/README.md, session 30)
        self.fields = QWidget()
        self.fields.setObjectName("cardFields")
        self.form = QFormLayout(self.fields)
        self.form.setContentsMargins(0, 0, 0, 0)
        # the actions in rows of three: in one row the English ones were wider than the
        # dock, and the last ("Assign official code…") sat behind a scroll bar
        buttons = QGridLayout()
        for i, (key, text) in enumerate((
                ("confirm", self.tr("确认位置")), ("move", self.tr("输入坐标…")),
                ("set", self.tr("修改属性…")), ("note", self.tr("添加备注…")),
                ("code", self.tr("赋正式编码…")))):
            b = QPushButton(text)
            b.setObjectName(f"card_{key}")
            b.clicked.connect(lambda _=False, k=key: self.action_requested.emit(k))
            buttons.addWidget(b, i // 3, i % 3)
        page.addLayout(buttons)
        page.addWidget(self.fields)
        page.addStretch(1)
        self.fields.setVisible(False)  # (no outfall shown)
        # the 监测 tab: "no data", or the charts; their plots are made once and given each
        # outfall's samples (a plot made anew -- its axes, view box and menus -- was ~25 ms
        # of pyqtgraph; six per click were 100-400 ms of the click's turn)
        # (the charts' widget itself is made at the first outfall with samples shown:
        # pyqtgraph, imported then, is 0.2-0.3 s of the window's start otherwise)
        self.charts: pg.GraphicsLayoutWidget | None = None
        self._no_data = QLabel(self.tr("无监测数据"))
        self._no_data.setObjectName("cardNoSamples")
        self._no_data.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_stack = QStackedWidget()
        self.chart_stack.addWidget(self._no_data)
        #: column → (its plot, its curve, its class-limit lines), made at the first outfall
        #: with samples; the lines are those of ``_limits_kind`` (sea or surface water)
        self._plots: dict[str, tuple[pg.PlotItem, pg.PlotDataItem, list[pg.InfiniteLine]]] = {}
        self._limits_kind: str | None = None
        #: the charts wait for their tab: filled when it is shown (no click's turn makes
        #: charts no one sees)
        self._charts_stale = True
        self.history = QTableWidget(0, 6)
        self.history.setHorizontalHeaderLabels(
            [self.tr("时间"), self.tr("人员"), self.tr("操作"), self.tr("字段"),
             self.tr("原值 → 新值"), self.tr("备注")])
        self.history.horizontalHeader().setStretchLastSection(True)
        photo_tab = self.photo_tab = QWidget()
        pl = QVBoxLayout(photo_tab)
        self.photos = QListWidget()
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(QSize(THUMB, THUMB))
        add = QPushButton(self.tr("添加照片…"))
        add.setObjectName("card_photo")
        add.clicked.connect(lambda: self.action_requested.emit("photo"))
        pl.addWidget(self.photos)
        pl.addWidget(add)
        # the 属性 rows in a scroll area: they scroll in a short dock, and a new outfall's
        # texts (each label's size hint changes) re-lay out this tab only.  Without it
        # every click's new texts went up as layout requests to the main window, whose
        # dock layout was done again after each click -- an animation object per dock,
        # the docks repainted (a ~10 ms turn after the click at 10k, bench/bench_clicks.py)
        self.attrs_scroll = QScrollArea()
        self.attrs_scroll.setObjectName("cardAttributes")
        self.attrs_scroll.setWidgetResizable(True)
        self.attrs_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.attrs_scroll.setWidget(self.attrs)
        self.addTab(self.attrs_scroll, self.tr("属性"))
        self.addTab(self.chart_stack, self.tr("监测"))
        self.addTab(self.history, self.tr("核查记录"))
        self.addTab(photo_tab, self.tr("照片"))
        self._value_labels: list[QWidget] = []
        #: 核查记录 and 照片 wait for their tab too: read from the file (~1.5 ms a click at
        #: 1M, a connection and its schema) only when shown (bench/bench_clicks.py)
        self._history_stale = self._photos_stale = True
        #: the 属性 texts of :attr:`code` still to set (:meth:`show_outfall_in_turns`)
        self._texts_due = False
        self.currentChanged.connect(lambda _i: self._fill_shown())
        #: (the counties frame, its names) for :meth:`_counties`
        self._counties_of: tuple[Any, dict[str, tuple[str, str]]] | None = None

    # -- content --------------------------------------------------------------------------
    def show_outfall(self, code: str | None) -> None:
        self.code = code
        self._texts_due = False
        self._fill_attributes()
        self._history_stale = self._photos_stale = True
        self._fill_shown()

    def _fill_shown(self) -> None:
        """The tab shown filled for the outfall, if it is 监测, 核查记录 or 照片 (属性 is
        filled at once); the others when they are shown."""
        self._fill_charts()
        shown = self.currentWidget()
        if shown is self.history and self._history_stale:
            self._fill_history()
        elif shown is self.photo_tab and self._photos_stale:
            self._fill_photos()

    def refresh(self, codes: list[str]) -> None:
        if self.code is not None and self.code in codes:
            self.show_outfall(self.code)

    def _record(self) -> dict[str, Any] | None:
        if self.code is None:  # (comparing a million codes with None took ~8 ms)
            return None
        frame = self.session.frame
        row = row_of_code(frame, self.code)
        if row is None:
            return None
        # a value per column: a row of the frame (``iloc``) finds one type for all its
        # values first (the categories of each column hashed: ~2 ms at the first click)
        return {name: frame.iat[row, i] for i, name in enumerate(frame.columns)}

    def _counties(self) -> dict[str, tuple[str, str]]:
        """County code -> (Chinese, English) name, kept while the workspace has the same
        counties layer (a reference layer no edit writes; an import replaces it, and the
        workspace then holds a new frame): made anew it was ~0.4 ms of every click."""
        frame = self.session.ws.layers.get("counties")
        if frame is None or "code" not in frame:
            return {}
        if self._counties_of is not None and self._counties_of[0] is frame:
            return self._counties_of[1]
        en = frame["name_en"] if "name_en" in frame else frame["name_zh"]
        names = {str(c): (str(z), str(e))
                 for c, z, e in zip(frame["code"], frame["name_zh"], en, strict=True)}
        self._counties_of = (frame, names)
        return names

    def _fill_attributes(self) -> None:
        """The 属性 tab: a row per schema field and the coordinates.  From one outfall to
        the next the rows' labels are kept and only their texts set (new labels for every
        field were a part of each click's turn, and of the repaint after it)."""
        rec = self._record()
        if rec is None:
            self._clear_attributes()
            return
        counties = self._counties()
        texts = []
        for f in schema.OUTFALL_FIELDS:
            v = rec.get(f.name)
            if v is None or v != v or v == "":
                texts.append("—")
            else:  # county name, vocabulary in the UI language (as in the side panel)
                texts.append(str(display_value(f.name, v, self.lang, counties)) or "—")
        g = rec.get(self.session.frame.geometry.name)
        if g is not None and not g.is_empty:
            texts.append(f"{g.x:.6f}, {g.y:.6f}")
        self.prepare_rows()
        for label, text in zip(self._attr_labels, texts, strict=False):  # (no point: one less)
            label.setText(text)
        if len(texts) < len(self._attr_labels):
            self._attr_labels[-1].clear()
        self._show_rows(len(texts))

    def prepare_rows(self) -> None:
        """Make the 属性 rows (a label per field and the coordinates), hidden until an
        outfall is shown; kept from then on, only their texts set.  The window has this
        done in an idle turn once it has settled: made by the first click on an outfall
        they were ~14 ms of that click's turn (each selectable label makes its text
        control and document; PySide6 makes their Python types the first time)."""
        if self._attr_labels:
            return
        names = [Message(f.label_zh, f.label_en).text(self.lang) for f in schema.OUTFALL_FIELDS]
        names.append(self.tr("经纬度 (CGCS2000)"))
        for name in names:
            # (a selectable label makes its text control at its first text: made here)
            label = QLabel("—")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(name, label)
            self._attr_labels.append(label)
        # every row shown within the fields' widget, which stays hidden until an outfall
        # is shown (_show_rows)
        self._rows_shown = 0
        self._rows_in_fields = len(self._attr_labels)

    def warm_rows(self) -> None:
        """Lay out and paint the 属性 rows once, offscreen, while no outfall is shown: their
        style, their texts' glyphs and the form's layout are then ready for the first
        outfall (that click's repaint did it all: ~14 ms at 10k outfalls)."""
        if self.code is not None or not self._attr_labels:
            return
        self._counties()  # (the county names, made once for the workspace's counties)
        self._show_rows(len(self._attr_labels))
        try:
            size = self.attrs.sizeHint()
            image = QImage(max(1, size.width()), max(1, size.height()),
                           QImage.Format.Format_ARGB32_Premultiplied)
            self.attrs.render(image)
        finally:
            self._show_rows(0)

    def show_outfall_in_turns(self, code: str | None) -> None:
        """:meth:`show_outfall` for a card brought to the front by a click on the map:
        the outfall is the card's at once (its actions act on it), its 属性 texts are set
        in the next turn of the event loop and the card painted in the one after.  That
        click's turn painted the map's ring and then the whole card, its tabs, buttons and
        ~14 rows, their texts set (12-17 ms at 1M outfalls, bench/README.md, issue 17,
        session 32).  Until then the dock's area keeps what was painted there."""
        self.code = code
        self._history_stale = self._photos_stale = True
        self._texts_due = True
        paint_after(self, self._texts_now)  # (put off already: the pending turn sets them)

    def _texts_now(self) -> None:
        if self._texts_due:  # (else shown since, at once)
            self.show_outfall(self.code)

    def _clear_attributes(self) -> None:
        for label in self._attr_labels:
            label.clear()
        self._show_rows(0)

    def _show_rows(self, n: int) -> None:
        """The first ``n`` 属性 rows shown, the others hidden (the buttons stay): the
        fields' widget shown or hidden, and within it only the rows whose state changes
        (the coordinates' row, for an outfall without a point)."""
        if n == self._rows_shown:
            return
        if n:
            for i in range(min(n, self._rows_in_fields), max(n, self._rows_in_fields)):
                self.form.setRowVisible(i, i < n)
            self._rows_in_fields = n
        self.fields.setVisible(n > 0)
        self._rows_shown = n

    def rows_shown(self) -> list[bool]:
        """Whether each 属性 row shows in the card (its tab in front)."""
        return [label.isVisibleTo(self.attrs) for label in self._attr_labels]

    def _fill_charts(self) -> None:
        """The 监测 tab for the outfall shown: when the tab is the one shown (else when it
        is next shown)."""
        if self.currentWidget() is not self.chart_stack:
            self._charts_stale = True
            return
        self._charts_stale = False
        samples = self.session.ws.table("outfall_samples")
        rows = samples[samples["outfall_code"] == self.code].sort_values("sample_date") \
            if self.code is not None and not samples.empty and "outfall_code" in samples \
            else samples.iloc[0:0]
        if rows.empty:
            self.chart_stack.setCurrentWidget(self._no_data)
            return
        import pyqtgraph as pg

        if self.charts is None:
            self.charts = pg.GraphicsLayoutWidget()
            self.chart_stack.addWidget(self.charts)
        rec = self._record() or {}
        kind = "sea" if rec.get("water_kind") == "sea" else "surface"
        x = epoch_seconds(rows["sample_date"])
        columns = [p for p in PARAMETERS if p[0] in rows]
        if [p[0] for p in columns] != list(self._plots):  # another table's columns
            self.charts.clear()
            self._plots, self._limits_kind = {}, None
            for i, (col, _param, zh, en) in enumerate(PARAMETERS):
                if col not in rows:
                    continue
                plot = self.charts.addPlot(row=i // 2, col=i % 2,
                                           axisItems={"bottom": pg.DateAxisItem()})
                plot.setTitle(Message(zh, en).text(self.lang))
                curve = plot.plot(pen=pg.mkPen("#1f6fb2", width=2), symbol="o",
                                  symbolSize=5)
                self._plots[col] = (plot, curve, [])
        for col, param, _zh, _en in columns:
            plot, curve, lines = self._plots[col]
            if kind != self._limits_kind:  # the class limits of this water's standard
                for line in lines:
                    plot.removeItem(line)
                lines[:] = [self._limit_line(name, lim, k) for k, (name, lim) in
                            enumerate(class_limits(kind, param) if param else ())]
                for line in lines:
                    plot.addItem(line)
            y = pd.to_numeric(rows[col], errors="coerce").to_numpy(dtype=float)
            curve.setData(x, y)
            if np.isfinite(y).any():
                plot.enableAutoRange()
        self._limits_kind = kind
        self.chart_stack.setCurrentWidget(self.charts)

    @staticmethod
    def _limit_line(name: str, lim: float, k: int) -> pg.InfiniteLine:
        """The ``k``-th class limit's dashed line, its label (I类 …) set along it a step
        left of the one before: limits close together against the samples' range (COD's
        15, 15, 20, 30, 40 mg/L under 200) put every label in one unreadable blot."""
        import pyqtgraph as pg

        return pg.InfiniteLine(pos=lim, angle=0,
                               pen=pg.mkPen("#c0392b", style=Qt.PenStyle.DashLine),
                               label=name, labelOpts={"position": 0.95 - 0.11 * k,
                                                      "color": "#c0392b"})

    def _fill_history(self) -> None:
        self._history_stale = False
        rows = self.session.history(self.code) if self.code else []
        self.history.setRowCount(len(rows))
        for i, r in enumerate(reversed(rows)):  # newest first
            action = r.get("action", "")
            saved = r.get("saved", True)
            cells = [str(r.get("at", "")), str(r.get("user", "")),
                     action + ("" if saved else self.tr("（未保存）")), str(r.get("field", "")),
                     f"{r.get('old_value') or ''} → {r.get('new_value') or ''}",
                     str(r.get("note", "") or "")]
            for j, c in enumerate(cells):
                self.history.setItem(i, j, QTableWidgetItem(c))

    def _fill_photos(self) -> None:
        self._photos_stale = False
        self.photos.clear()
        if self.code is None:
            return
        for p in self.session.photos(self.code):
            item = QListWidgetItem(p.filename)
            img = QImage.fromData(QByteArray(p.thumb or b""))
            if not img.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(img)))
            item.setToolTip(f"{p.filename}\n{p.added_at} {p.user}\n{p.note}")
            item.setData(Qt.ItemDataRole.UserRole, p.photo_id)
            self.photos.addItem(item)
