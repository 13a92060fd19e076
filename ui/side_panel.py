"""Side panel (right dock): the selected zone in tabs, a pick list, or what applies here."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from geodata import schema
from geodata.messages import Message, localized
from layers.hit_test import Hit
from layers.map_model import MapModel
from layers.zone_details import FeatureNotFound, details, record
from models.info import layer_title
from models.query import PointReport
from ui.panels.common import KeyValues, key_values
from ui.panels.indicators import indicators_tab
from ui.panels.outfalls import outfalls_tab
from ui.panels.overview import overview_rows, overview_tab
from ui.panels.point import as_details, point_rows
from ui.panels.tasks import tasks_tab
from ui.turns import next_turn, paint_after


def tr(text: str) -> str:
    return QCoreApplication.translate("SidePanel", text)


class SidePanel(QWidget):
    #: (layer, key) the user picked in the panel's outfalls tab (select and zoom)
    select_requested = Signal(str, str)
    #: (layer, key) picked in the list of overlapping features (select, do not zoom)
    pick_requested = Signal(str, str)

    def __init__(self, model: MapModel, tables: dict[str, Any], lang: str = "zh",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self.model = model
        self.tables = tables
        self.lang = lang
        self.current: tuple[str, Any] | None = None
        #: a feature (and its overlaps) chosen while the panel was behind another dock's tab
        #: (the record card, raised by a click on an outfall): shown when the panel is
        self._stale = False
        #: whether selecting one feature of a layer brings another dock's tab over this
        #: panel in the same turn (set by the outfall review: a click on an outfall raises
        #: its record card).  The first such click found this panel still in front and
        #: built the zone details no one then saw (~45 ms of the click's turn).
        self.covered_for: Callable[[str], bool] = lambda _layer: False
        self._overview: KeyValues | None = None  # the 概况 tab, kept from click to click
        #: the widget painted with this panel (the dock's scroll area; set by the window):
        #: its paint is what waits for a later turn than a click's
        #: (:meth:`come_forward_next_turn`)
        self.paint_host: QWidget | None = None
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.badge = QLabel()
        self.badge.setObjectName("illustrativeBadge")
        self.badge.setStyleSheet("QLabel#illustrativeBadge { background: #FFF3CD; color: #856404;"
                                 " border: 1px solid #E0C97F; border-radius: 3px; padding: 2px 6px; }")
        self.city_box = QCheckBox()
        self.city_box.toggled.connect(lambda _on: self.refresh())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("panelTabs")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.choices = QListWidget()
        self.choices.itemActivated.connect(self._on_choice)
        self.choices.itemClicked.connect(self._on_choice)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addWidget(self.subtitle)
        lay.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.city_box)
        lay.addWidget(self.choices)
        lay.addWidget(self.tabs, 3)
        lay.addStretch(0)  # keeps the header at the top when no tabs are shown
        self.clear()

    # -- content -------------------------------------------------------------------------
    def _counties(self) -> dict[str, tuple[str, str]]:
        la = self.model.get("counties")
        if la is None:
            return {}
        f = la.frame
        return {str(c): (str(z), str(e)) for c, z, e in zip(f["code"], f["name_zh"],
                                                          f.get("name_en", f["name_zh"]))}

    def _name(self, rec: dict[str, Any]) -> str:
        return str(localized(rec, "name", self.lang) or "")

    def clear(self) -> None:
        self.current = None
        self._stale = False
        self._overlaps: Sequence[Hit] = []
        self.title.setText(tr("未选择要素"))
        self.subtitle.setText(tr("在地图上点击管控单元、排污口、海湾或自然保护地查看详情；点击空白处查看该位置适用的管控要求。"))
        self.badge.hide()
        self.city_box.hide()
        self.choices.hide()
        self._clear_tabs()
        self.tabs.hide()

    def _clear_tabs(self) -> None:
        """Take the tabs off and delete their pages, but the 概况 kept from feature to
        feature: ``QTabWidget.clear`` leaves each page a hidden child of the tab widget,
        and every zone clicked left three (with the tables of the tabs opened) for the
        window's life."""
        pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        self.tabs.clear()
        keep = getattr(self, "_overview", None)
        for page in pages:
            if page is not None and page is not keep:
                page.deleteLater()

    def _header(self, layer: str, rec: dict[str, Any]) -> None:
        code = rec.get("code")
        name = self._name(rec)
        self.title.setText(f"<b style='font-size:13pt'>{code or ''}</b> "
                           f"<span style='font-size:12pt'>{name}</span>")
        sub = layer_title(layer, self.lang)
        if layer == "control_units" and rec.get("unit_class") is not None:
            zh, en = schema.UNIT_CLASSES.get(int(rec["unit_class"]), ("", ""))
            sub += " · " + Message(zh, en).text(self.lang)
        if layer == "bays" and rec.get("wq_target"):
            sub += " · " + tr("水质目标") + ": " + str(rec.get("wq_target"))
        if layer == "protected_areas":
            sub += " · " + " ".join(str(schema.value_in(k, rec.get(k), self.lang) or "")
                                    for k in ("level", "kind", "zone"))
        self.subtitle.setText(sub)
        ill = self.model.get(layer)
        if ill is not None and ill.illustrative:
            self.badge.setText(tr("示例数据") + " — " + tr("并非官方成果"))
            self.badge.show()
        else:
            self.badge.hide()

    def feature_selected(self, layer: str, key: str, keep_choices: bool = False,
                         later: bool = False) -> None:
        """One feature was selected: shown now, or when the panel comes to the front if
        the selection brings another dock's tab over it (:attr:`covered_for`).

        ``later`` (a click on the map): made and painted in turns after the click's, as
        when the panel is brought to the front (:meth:`come_forward_next_turn`).  A zone's
        details are ~5-6 ms at 1M outfalls and their paint ~3: with the map's ring, one
        turn of 11-13 ms per zone clicked (bench/README.md, issue 17, session 32)."""
        if self.covered_for(layer):
            self._forget_choices(keep_choices)
            self.current, self._stale = ("feature", (layer, str(key))), True
            return
        if later and self.paint_host is not None and self.isVisible() and not self.behind():
            self._forget_choices(keep_choices)
            self.current, self._stale = ("feature", (layer, str(key))), True
            self.come_forward_next_turn()
            return
        self.show_feature(layer, key, keep_choices)

    def _forget_choices(self, keep_choices: bool) -> None:
        """The list of overlapping features goes with a new selection, unless it was
        picked from that list."""
        if not keep_choices:
            self.choices.hide()
            self._overlaps = []

    def show_feature(self, layer: str, key: str, keep_choices: bool = False) -> None:
        """Show feature ``key`` (code or fid) of ``layer``; a feature the map no longer
        has (deleted by an import's undo, say) clears the panel."""
        self._forget_choices(keep_choices)
        if self.behind():  # made when shown (showEvent): no one sees it meanwhile
            self.current, self._stale = ("feature", (layer, str(key))), True
            return
        self._stale = False
        include_city = self.city_box.isChecked()
        try:
            d = details(self.model, self.tables, layer, key, include_city=include_city)
        except FeatureNotFound:
            self.clear()
            return
        self.current = ("feature", (layer, str(key)))
        self._header(layer, d.record)
        lazy: list[tuple[Callable[[], QWidget], str]] = []  # the tabs after 概况
        if layer == "outfalls":
            self.city_box.hide()
            if d.samples is not None and not d.samples.empty:
                from ui.panels.samples import samples_tab

                # made when opened, as a zone's tabs: its chart (a pyqtgraph PlotWidget)
                # was ~40-60 ms of every click on a measured outfall
                samples = d.samples
                lazy.append((lambda: samples_tab(samples), f"{tr('监测')} ({len(d.samples)})"))
        else:
            self.city_box.show()
            lang = self.lang
            lazy += [
                (lambda: tasks_tab(d, lang), f"{tr('任务')} ({len(d.tasks)})"),
                (lambda: indicators_tab(d, lang), f"{tr('指标')} ({len(d.indicators)})"),
                (lambda: outfalls_tab(d, self.model, lang,
                                      lambda k: self.select_requested.emit("outfalls", k)),
                 f"{tr('排污口')} ({len(d.outfalls)})")]
        if self._same_tabs(len(lazy)):
            self._refill_tabs(layer, d.record, lazy)
            return
        keep = self.tabs.currentIndex()
        self._clear_tabs()
        # the same 概况 widget from feature to feature (its labels' texts set anew)
        self._overview = overview_tab(layer, d.record, self.lang, self._counties(),
                                      into=self._overview)
        self.tabs.addTab(self._overview, tr("概况"))
        for build, title in lazy:
            self._lazy_tab(build, title)
        if 0 <= keep < self.tabs.count():
            self.tabs.setCurrentIndex(keep)
        self.tabs.show()

    def _same_tabs(self, n_lazy: int) -> bool:
        """Whether the tabs shown are 概况 and ``n_lazy`` lazy tabs, as the next feature's."""
        tabs = self.tabs
        return self._overview is not None and tabs.count() == 1 + n_lazy \
            and tabs.widget(0) is self._overview \
            and all(hasattr(tabs.widget(i), "build") for i in range(1, tabs.count()))

    def _refill_tabs(self, layer: str, rec: dict[str, Any],
                     lazy: list[tuple[Callable[[], QWidget], str]]) -> None:
        """The next feature in the tabs there are: 概况's texts set, each lazy tab emptied
        and given the new feature's maker and title, the one shown made at once.  Taking
        the tabs off and adding them again (``QTabWidget.clear``, four ``addTab``) had the
        tab bar laid out and painted anew at each zone's click (~1.5 ms, and ~2.3 ms of
        its paint, at 1M)."""
        tabs = self.tabs
        # (given the 概况 shown, overview_tab sets its rows and returns it)
        self._overview = overview_tab(layer, rec, self.lang, self._counties(),
                                      into=self._overview)
        tabs.setTabText(0, tr("概况"))
        for i, (build, title) in enumerate(lazy, start=1):
            holder = tabs.widget(i)
            layout = holder.layout()
            while layout.count():
                item = layout.takeAt(0)
                made = item.widget() if item is not None else None
                if made is not None:
                    made.deleteLater()
            holder.build = build  # type: ignore[attr-defined]
            if tabs.tabText(i) != title:
                tabs.setTabText(i, title)
        if tabs.currentIndex() >= 1:
            self.tab_page(tabs.currentIndex())
        tabs.show()

    # -- made ahead: a zone's tabs before the first zone is clicked -----------------------
    #: the zones' layer whose tabs are made ahead (the one most clicked)
    AHEAD_LAYER = "control_units"

    def prepare_tabs(self) -> Callable[[], None] | None:
        """Make the tabs a control unit is shown in (概况 with its rows, and the three tabs
        made when opened), hidden, while nothing is shown: the first zone clicked then
        only sets their texts (:meth:`_refill_tabs`), where it made them (~10-15 ms of its
        turn).  In steps, each for an idle turn of its own: each returns the next (None:
        nothing more to do, or a feature was shown meanwhile and made its own tabs).

        The 概况 tab goes into the tab widget first, empty, and its rows are made in it
        a few per turn and polished there: rows made outside and the tab added after were
        all polished again as it was reparented into the styled window (6-10 ms of one
        turn), and made at once they were 11-16 ms of one (bench/README.md, issue 17,
        sessions 30 and 31)."""
        la = self.model.get(self.AHEAD_LAYER)
        if not self._nothing_shown() or self.tabs.count() or la is None or len(la) == 0:
            return None
        rec = record(self.model, self.AHEAD_LAYER, 0)
        rows = overview_rows(self.AHEAD_LAYER, rec, self.lang, self._counties())
        if self._overview is None:
            self._overview = KeyValues()
        self.tabs.addTab(self._overview, tr("概况"))
        steps = self._overview.set_rows_in_steps(rows, polish=True)
        next(steps)  # (the body installed)
        return lambda: self._overview_rows_ahead(steps)

    def _ahead_under_way(self) -> bool:
        """The tabs made ahead are still the panel's to make: nothing shown meanwhile.  A
        feature chosen while the panel was behind the record card (an outfall clicked:
        shown when the panel comes to the front) does not stop them: the first zone
        clicked after outfalls made its tabs in its turn (~30 ms at 10k outfalls,
        bench/bench_clicks.py's zone_loop, issue 17, session 32)."""
        return self._nothing_shown() and self._overview is not None \
            and self.tabs.count() >= 1 and self.tabs.widget(0) is self._overview \
            and not self.tabs.isVisible()

    def _nothing_shown(self) -> bool:
        """Nothing shown yet, or only chosen behind another dock's tab (made when the
        panel comes to the front)."""
        return self.current is None or (self._stale and not self.forward_pending()
                                        and self.behind())

    def _overview_rows_ahead(self, steps: Iterator[None]) -> Callable[[], None] | None:
        """The next rows of the 概况 tab made ahead (a turn each), then the other tabs."""
        if not self._ahead_under_way():
            return None  # a zone shown meanwhile: its own rows were made for it
        try:
            next(steps)
        except StopIteration:  # (the last rows made in this turn)
            return self._add_tabs_ahead
        return lambda: self._overview_rows_ahead(steps)

    def _add_tabs_ahead(self) -> Callable[[], None] | None:
        """The three tabs made when opened, added (empty holders: a turn of ~0.5 ms)."""
        if not self._ahead_under_way() or self.tabs.count() != 1:
            return None
        for title in (tr("任务"), tr("指标"), tr("排污口")):
            self._lazy_tab(QWidget, title)
        return self._paint_tabs_once

    def _paint_tabs_once(self) -> Callable[[], None] | None:
        """The tabs made ahead shown and hidden again: laid out (their rows measured, the
        labels' word-wrapped texts; ~6-8 ms here) -- then, in a turn of its own, painted
        once offscreen (:meth:`_render_tabs_once`)."""
        if not self._ahead_under_way():
            return None
        self.tabs.show()
        self.tabs.hide()
        return self._render_tabs_once

    def _render_tabs_once(self) -> None:
        """The tabs made ahead painted once offscreen (their style and the glyphs of their
        texts then ready for the first zone; ~4-5 ms here), still hidden after."""
        if not self._ahead_under_way():
            return
        self.tabs.show()
        try:
            size = self.tabs.sizeHint().expandedTo(self.tabs.minimumSizeHint())
            image = QImage(max(1, size.width()), max(1, size.height()),
                           QImage.Format.Format_ARGB32_Premultiplied)
            self.tabs.render(image)
        finally:
            self.tabs.hide()

    # -- lazy tabs: a click builds only the tab on show; the others when first opened ----
    def _lazy_tab(self, build, title: str) -> None:  # noqa: ANN001
        holder = QWidget()
        QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
        holder.build = build  # type: ignore[attr-defined]
        self.tabs.addTab(holder, title)

    def tab_page(self, index: int) -> QWidget:
        """The content widget of tab ``index``, built now if it was not yet."""
        holder = self.tabs.widget(index)
        build = getattr(holder, "build", None)
        if build is not None:
            holder.build = None  # type: ignore[attr-defined]
            holder.layout().addWidget(build())
        return holder

    def _on_tab_changed(self, index: int) -> None:
        if index >= 0:
            self.tab_page(index)

    def show_overlaps(self, found: Sequence[Hit]) -> None:
        """Several features lie under the click: list them above the tabs of the first
        (the first :data:`OVERLAPS_LISTED`, then a line saying how many more: a click at
        the full extent of a million outfalls lands on hundreds, whose list took the GUI
        thread ~50 ms and that no one reads -- zooming in picks one)."""
        self._overlaps = found  # (a hit test's Hits: each made when listed)
        if self._stale:  # listed with the feature, when the panel is shown
            return
        self.choices.blockSignals(True)
        self.choices.clear()
        listed: list[tuple[Hit, int]] = []  # the hits listed, with their rows
        left = 0  # hits after the last one listed
        for i, h in enumerate(found):
            if len(listed) == OVERLAPS_LISTED:
                left = len(found) - i
                break
            layer = self.model.get(h.layer)
            row = _row_of_hit(layer, h) if layer is not None else None
            if row is not None:
                listed.append((h, row))
        records = _label_records(self.model, listed)
        for (h, _row), rec in zip(listed, records, strict=True):
            code = rec.get("code")
            label = (f"{layer_title(h.layer, self.lang)}: "
                     f"{code + ' ' if isinstance(code, str) else ''}{self._name(rec)}")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, (h.layer, h.key))
            self.choices.addItem(item)
            if self.current == ("feature", (h.layer, h.key)):
                self.choices.setCurrentItem(item)
        if left:
            more = QListWidgetItem(tr("此处还有 %1 个要素，放大地图后可逐个选择")
                                   .replace("%1", str(left)))
            more.setFlags(Qt.ItemFlag.NoItemFlags)  # a note, not a choice
            self.choices.addItem(more)
        self.choices.blockSignals(False)
        self.choices.setMaximumHeight(min(26 + 22 * self.choices.count(), 120))
        self.choices.setToolTip(tr("此处有多个重叠要素，点击切换"))
        self.choices.show()

    def _on_choice(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data is None:  # the line counting the features not listed
            return
        layer, key = data
        self.pick_requested.emit(layer, str(key))

    def behind(self) -> bool:
        """Whether the panel is behind another dock's tab of a window on screen (a click
        on an outfall raises its record card over this panel: the zone details, tabs and
        overlap list made for it were ~15-25 ms of the click's turn, unseen).  Qt moves a
        tabbed dock that is not in front off the window rather than hiding it: nothing of
        it is visible, though ``isVisible()`` holds."""
        window = self.window()
        return window is not self and window.isVisible() and self.visibleRegion().isEmpty()

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if self._stale:  # on screen again: what was chosen meanwhile, in the next turn
            next_turn(self, self._catch_up)  # (after this paint: ui/turns.py)

    def _catch_up(self) -> None:
        if self._stale and not self.behind():
            self._stale = False
            self.refresh()

    def dock_shown(self, visible: bool) -> None:
        """The panel's dock came to the front (its tab chosen, or raised for a zone): what
        was chosen meanwhile, before it is painted (the paint's catch-up would show the
        old content for a frame first)."""
        if visible and self._stale and not self.forward_pending():
            self._stale = False
            self.refresh()

    def come_forward_next_turn(self) -> None:
        """For a click on the map (called before the panel's dock is raised, if it is):
        what was chosen is made in the next turn of the event loop and the panel, with
        :attr:`paint_host`, painted in the one after; the click's own turn paints the
        map's ring.  A zone clicked with the record card in front was one turn of ~20 ms
        at 1M outfalls: the ring, the zone's details and the panel's paint; with the panel
        in front, 11-13 ms (bench/README.md, issue 17, session 32).  Until then the dock's
        area keeps what was painted there (the last feature, or the record card).  The
        details are made ~4-6 ms at 1M, their paint ~3-5."""
        if self.paint_host is not None:
            # (stays stale if the card came back over the panel meanwhile: _catch_up)
            paint_after(self.paint_host, self._catch_up)

    def forward_pending(self) -> bool:
        """Whether what a click chose is still to be made and painted in later turns."""
        return self.paint_host is not None and not self.paint_host.updatesEnabled()

    def show_point(self, rep: PointReport) -> None:
        self.current = ("point", rep)
        self._stale = False
        self._overlaps = []
        self.choices.hide()
        self.city_box.hide()
        self.title.setText("<b style='font-size:13pt'>" + tr("此处适用") + "</b>")
        self.subtitle.setText(f"{rep.lon:.5f}°E, {rep.lat:.5f}°N (CGCS2000)")
        self.badge.setText(tr("示例数据") + " — " + tr("管控单元与排污口并非官方成果"))
        self.badge.setVisible(bool(rep.illustrative_layers))
        d = as_details(rep)
        self._clear_tabs()
        self.tabs.addTab(key_values(point_rows(rep, self.lang)), tr("概况"))
        lang = self.lang
        self._lazy_tab(lambda: tasks_tab(d, lang), f"{tr('任务')} ({len(d.tasks)})")
        self._lazy_tab(lambda: indicators_tab(d, lang), f"{tr('指标')} ({len(d.indicators)})")
        self.tabs.show()

    def refresh(self) -> None:
        """Rebuild the current content (after a language change or option toggle)."""
        cur = self.current
        if cur is None:
            self.clear()
        elif cur[0] == "feature":
            overlaps = getattr(self, "_overlaps", [])
            self.show_feature(*cur[1], keep_choices=bool(overlaps))
            if overlaps:
                self.show_overlaps(overlaps)
        elif cur[0] == "point":
            from models.query import what_applies  # noqa: F401 - report is kept, not re-run
            self.show_point(cur[1])

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.city_box.setText(tr("包含全市通用任务与指标"))
        self.refresh()


#: features listed when a click lands on several (the rest are counted in one line)
OVERLAPS_LISTED = 100


def _row_of_hit(layer: Any, hit: Hit) -> int | None:
    """The layer's row of ``hit``'s feature: the row the hit test found when that row still
    holds its key (the same layer, in the same turn), else looked up by key."""
    if 0 <= hit.index < len(layer) and layer.key_at(hit.index) == hit.key:
        return hit.index
    return layer.row_of(hit.key)


#: what a line of the overlap list shows: the code and the name in either language
_LABEL_FIELDS = ("code", "name_zh", "name_en")


def _label_records(model: Any, listed: list[tuple[Hit, int]]) -> list[dict[str, Any]]:
    """The label fields of each listed (hit, row), read a layer's label columns at a time
    for all its rows: ``frame.iloc[row]`` made a Series of every column, ~0.3 ms a hit,
    and a cell at a time was still ~50 µs (a crowded spot of a large inventory has hundreds
    of hits).  Missing values read as None, as the plain text they are shown as."""
    out: list[dict[str, Any]] = [{} for _ in listed]
    by_layer: dict[str, list[int]] = {}
    for k, (h, _row) in enumerate(listed):
        by_layer.setdefault(h.layer, []).append(k)
    for name, at in by_layer.items():
        frame = model.get(name).frame
        rows = [listed[k][1] for k in at]
        for field in _LABEL_FIELDS:
            if field not in frame.columns:
                continue
            for k, value in zip(at, frame[field].take(rows).tolist(), strict=True):
                out[k][field] = value if isinstance(value, str) else None
    return out
