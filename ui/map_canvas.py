"""The map canvas: pan, zoom, zoom box, identify, hover, measure, move a point; paints
cached images.

The GUI thread only moves the last composite image (a single drawImage) and draws small
overlays; layers are rendered by :mod:`ui.render_worker` in the background.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QRegion,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from layers.hit_test import Hit, Hits, hits
from layers.lod import Rings
from layers.map_model import MapModel
from layers.mercator import lod_level, to_lonlat, to_mercator
from layers.viewport import Viewport
from ui.measure_tool import Measurement
from ui.painter import map_font
from ui.point_drag import PointDrag, draggable_hit
from ui.qt_arrays import path_from_arrays
from ui.render_worker import Renderer
from ui.scale_bar import draw_north_arrow, draw_scale_bar

BACKGROUND = QColor(200, 224, 242)
SELECT_PEN = QColor(0, 229, 255)
#: at most this many selected features are outlined (those in view, for points)
MAX_HIGHLIGHTED = 5000
#: a change of a layer's data (an edit, a pull's piece) is rendered this long after the
#: last one of a quick succession
DATA_RENDER_MS = 30
#: A view changed by panning, zooming or resizing is rendered this long after the last
#: change (a drag or a wheel turn asks for one render, not one per step).
RENDER_DEBOUNCE_MS = 90
#: ... the first render of a window: once the resizes of its layout have come (they come
#: in the turns right after it is shown, ms apart).
FIRST_RENDER_MS = 15
HOVER_PEN = QColor(255, 145, 0)
#: a point's mark (selected, hovered): a ring of this radius (px)
POINT_MARK_RADIUS = 9
#: around a mark's outline, what its white halo (the widest pen, 6 px) and antialiasing
#: reach beyond it
MARK_MARGIN = 5
#: a change of a selection or hover of up to this many features repaints only where their
#: marks were and are (a click at 1M repainted the whole canvas, ~2.5 ms of its turn and
#: the window's flush, for a ring of 28 px); more, the whole canvas
MARKS_REPAINTED_ALONE = 16


class MapCanvas(QWidget):
    view_changed = Signal(object)
    cursor_moved = Signal(float, float)  # lon, lat (CGCS2000)
    # hits (layers.hit_test.Hits), lon, lat: as ``object``, since a ``list`` signal copies
    # the hits into a list on emit -- every one of ~1 600 made at a 1M click's full extent
    clicked = Signal(object, float, float)
    measure_changed = Signal(str)
    render_idle = Signal()
    #: A point was dragged to a new place with the "move_point" tool: layer, row, lon, lat.
    feature_dragged = Signal(str, str, float, float)  # layer, key, lon, lat
    #: the first map (a finished render) was painted on screen
    map_painted = Signal()

    def __init__(self, model: MapModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapCanvas")
        self.setMouseTracking(True)
        self.setMinimumSize(200, 150)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.model = model
        self.renderer = Renderer(model, self)
        self.renderer.composite_ready.connect(self._on_composite)
        self.renderer.idle.connect(self.render_idle)
        self.renderer.idle.connect(self._on_render_idle)
        self.view = Viewport(13_200_000.0, 2_880_000.0, 150.0, 800, 600)
        self._composite: tuple[QImage, Viewport] | None = None
        #: highlighted features as (layer, key); the window's SelectionModel sets it
        self.selection: list[tuple[str, str]] = []
        #: the layers the selection's marks were last drawn with, by name
        self._marks_drawn_with: dict[str, Any] = {}
        self.hover: Hit | None = None
        self._rings: dict[float, tuple[QImage, QImage]] = {}  # (_ring_sprites)
        self.hover_text = ""
        self.tool = "pan"
        self.measurement: Measurement | None = None
        self.notice = ""
        self._press: QPointF | None = None
        self._press_view: Viewport | None = None
        self._drag_box: QRectF | None = None
        self._mouse: QPointF | None = None
        self._interacting = False
        self.draggable: set[str] = set()
        self._point_drag: PointDrag | None = None
        #: a whole map (every layer of a finished render, not the first layers of a
        #: progressive composite) was painted once; work that waits for it runs then
        self.painted_map = False
        self._whole_map = False
        self._render_timer = QTimer(self, singleShot=True, interval=RENDER_DEBOUNCE_MS)
        self._render_timer.timeout.connect(self._request_render)
        self._requested = False  # a render was asked of the renderer once
        self._hover_timer = QTimer(self, singleShot=True, interval=40)
        self._hover_timer.timeout.connect(self._update_hover)
        # a change of a layer's data is rendered a moment later, once: the render thread
        # (PySide6 holds the GIL in its drawing calls) would otherwise compete with the
        # rest of the change's listeners on the GUI thread (an edit of 1 000 outfalls: the
        # inventory table, the record card), and a sync pull announced in pieces, one per
        # event-loop turn, started a render after each (bench/bench_gaps.py); changes in
        # quick succession make one request
        self._data_render = QTimer(self, singleShot=True, interval=DATA_RENDER_MS)
        self._data_render.timeout.connect(self._request_render)
        model.changed.connect(self._on_model_changed)
        self._fitted = False
        # the point indexes the first render needs, made while the window is laid out
        self.renderer.index_points()

    # -- view ----------------------------------------------------------------------------
    def set_view(self, view: Viewport, render_now: bool = False) -> None:
        self.view = view.resized(self.width(), self.height())
        self.update()
        self.view_changed.emit(self.view)
        if render_now:
            self._request_render()
        else:
            self._render_timer.start()

    def _request_render(self) -> None:
        self._requested = True
        self._render_timer.setInterval(RENDER_DEBOUNCE_MS)
        self.renderer.request(self.view)

    def refresh(self) -> None:
        """Render the current view again (the basemap or the language changed)."""
        self._request_render()

    def zoom_to_bbox(self, bbox: tuple[float, float, float, float], margin: float = 0.05,
                     min_res: float = 2.0) -> None:
        v = Viewport.fit(bbox, self.width(), self.height(), margin)
        if v.res < min_res:
            v = Viewport(v.cx, v.cy, min_res, v.width, v.height)
        self.set_view(v, render_now=True)

    def full_extent(self) -> None:
        bbox = self.model.full_extent()
        if bbox is not None:
            self.zoom_to_bbox(bbox, 0.02)

    def zoom_to_layer(self, name: str) -> None:
        layer = self.model.get(name)
        if layer is not None and layer.extent() is not None:
            self.zoom_to_bbox(layer.extent())  # type: ignore[arg-type]

    def zoom_to_feature(self, name: str, key: str) -> None:
        """Zoom to feature ``key`` (code or fid) of layer ``name``."""
        layer = self.model.get(name)
        row = layer.row_of(key) if layer is not None else None
        if layer is None or row is None:
            return
        x0, y0, x1, y1 = layer.feature_extent(row)
        if layer.style.kind == "point" or (x1 - x0) < 1:
            pad = 1500.0
            x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        self.zoom_to_bbox((x0, y0, x1, y1), 0.25)

    def center_on_lonlat(self, lon: float, lat: float, res: float | None = None) -> None:
        x, y = to_mercator(lon, lat)
        self.set_view(Viewport(float(x), float(y), res or min(self.view.res, 20.0),
                               self.width(), self.height()), render_now=True)

    def map_to_screen(self, lon: float, lat: float) -> QPointF:
        x, y = to_mercator(lon, lat)
        sx, sy = self.view.to_screen(np.array(x), np.array(y))
        return QPointF(float(sx), float(sy))

    def screen_to_lonlat(self, sx: float, sy: float) -> tuple[float, float]:
        x, y = self.view.to_map(sx, sy)
        lon, lat = to_lonlat(x, y)
        return float(lon), float(lat)

    # -- model events --------------------------------------------------------------------
    def _on_model_changed(self, name: str, what: str) -> None:
        if what == "data":
            self.renderer.invalidate(name)
            self._data_render.start()
            return
        self._request_render()

    def after_first_paint(self, fn: Any, latest_ms: int = 10_000) -> None:
        """Run ``fn`` once the first map is on screen (soon, if it is already): the
        window's start-up work (the outfall inventory, its flags) must not compete with
        the first render for the two cores.  A canvas not shown (tests, offscreen
        parts) runs it soon; one shown but not painted within ``latest_ms`` then."""
        if self.painted_map or not self.isVisible():
            QTimer.singleShot(0, fn)
            return
        done = [False]

        def once() -> None:
            if not done[0]:
                done[0] = True
                fn()

        self.map_painted.connect(once, Qt.ConnectionType.SingleShotConnection)
        QTimer.singleShot(latest_ms, self, once)

    def _on_render_idle(self) -> None:
        if not self.painted_map and self._composite is not None:
            self._whole_map = True  # the composite just shown has every layer
            self.update()

    def _on_composite(self, img: QImage, view: Viewport) -> None:
        self._composite = (img, view)
        self.update()

    def set_selection(self, items: list[tuple[str, str]]) -> None:
        """Highlight these features, each named (layer, key)."""
        # a layer replaced since the marks were drawn (an import, its undo): the map is
        # repainted whole for it anyway, and finding the old marks in the new layer made
        # its index of keys on the GUI thread (17 ms at 100k outfalls, in the import's
        # undo; bench/bench_gaps.py, issue 17, session 32)
        same = self._marks_layers_unchanged()
        before = self._marks_area(self._selection_marks()) if same else None
        self.selection = [(layer, str(key)) for layer, key in items]
        self._repaint_marks(before, self._marks_area(self._selection_marks())
                            if before is not None else None)

    def _marks_layers_unchanged(self) -> bool:
        """Whether the layers of the selection are those its marks were last drawn with."""
        drawn = self._marks_drawn_with
        return all(name in drawn and drawn[name] is self.model.get(name)
                   for name in {name for name, _key in self.selection})

    # -- the marks' areas: a selection or hover changed repaints where they were and are.
    # Found afresh each time from the keys, the layers and the view as they are now: the
    # marks on screen are drawn from the same (an edit that moved a point, a reload, a new
    # view each repaint the whole canvas first)
    def _selected_rows(self) -> list[tuple[str, Any, np.ndarray]]:
        """The selection as (layer name, layer, its map rows), a layer at a time."""
        by_layer: dict[str, list[str]] = {}
        for name, key in self.selection:
            by_layer.setdefault(name, []).append(key)
        out = []
        for name, keys in by_layer.items():
            layer = self.model.get(name)
            if layer is not None:
                out.append((name, layer, layer.rows_of(keys)))
        return out

    def _selection_marks(self) -> dict[str, np.ndarray] | None:
        """The selected features' map rows by layer; None: more than
        :data:`MARKS_REPAINTED_ALONE`."""
        if len(self.selection) > MARKS_REPAINTED_ALONE:
            return None
        marks = {name: rows for name, _layer, rows in self._selected_rows()}
        return marks if sum(len(r) for r in marks.values()) <= MARKS_REPAINTED_ALONE else None

    def _hover_marks(self) -> dict[str, np.ndarray]:
        h = self.hover
        return {} if h is None else {h.layer: np.asarray([h.index], dtype=np.int64)}

    def _marks_area(self, marks: dict[str, np.ndarray] | None) -> QRegion | None:
        """The canvas area the marks of these features (map rows by layer) cover as the
        view is now, a rectangle each (an empty region: none); None: too many to tell."""
        if marks is None:
            return None
        m = MARK_MARGIN
        area = QRegion()
        for name, rows in marks.items():
            layer = self.model.get(name)
            if layer is None:
                continue
            if layer.style.kind == "point":
                on_screen = self._points_on_screen(layer, np.asarray(rows, dtype=np.int64))
                if on_screen is not None:  # (a ring each, one projection for them all)
                    r = POINT_MARK_RADIUS + m
                    for x, y in zip(*(a.tolist() for a in on_screen), strict=True):
                        left, top = math.floor(x - r), math.floor(y - r)
                        area += QRect(left, top, math.ceil(x + r) - left + 1,
                                      math.ceil(y + r) - top + 1)
                    continue
            for idx in rows:
                path = self._feature_path(name, int(idx))
                if path is not None:
                    area += path.boundingRect().adjusted(-m, -m, m, m).toAlignedRect()
        return area

    def _points_on_screen(self, layer: Any, rows: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray] | None:
        """Canvas x and y of these rows of a point layer (None: not a point each)."""
        xy = shapely.get_coordinates(layer.frame.geometry.values[rows])
        if len(xy) != len(rows):
            return None
        mx, my = to_mercator(xy[:, 0], xy[:, 1])
        return self.view.to_screen(np.asarray(mx), np.asarray(my))

    def _repaint_marks(self, before: QRegion | None, after: QRegion | None) -> None:
        """Repaint where marks were and now are (apart: a click far from the last one),
        or the whole canvas when either is unknown."""
        if before is None or after is None:
            self.update()
            return
        region = before.united(after)
        if not region.isEmpty():
            self.update(region)

    def set_draggable(self, layer: str, on: bool) -> None:
        """Let the "move_point" tool drag the points of ``layer`` (or stop it)."""
        if on:
            self.draggable.add(layer)
        else:
            self.draggable.discard(layer)
            if self._point_drag is not None and self._point_drag.layer == layer:
                self._point_drag = None
                self.update()

    def _point_layers(self) -> set[str]:
        return {n for n in self.draggable
                if (lyr := self.model.get(n)) is not None and lyr.style.kind == "point"}

    def set_tool(self, tool: str) -> None:
        self.tool = tool
        self._point_drag = None
        if tool in ("measure_line", "measure_area"):
            self.measurement = Measurement(area=tool == "measure_area")
            self.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.measurement = None
            self.setCursor(Qt.CursorShape.CrossCursor if tool in ("zoom_box", "move_point")
                           else Qt.CursorShape.ArrowCursor)
        self.update()

    # -- Qt events -----------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802
        self.view = self.view.resized(self.width(), self.height())
        if not self._fitted and self.width() > 50:
            bbox = self.model.full_extent()
            if bbox is not None:
                self.view = Viewport.fit(bbox, self.width(), self.height(), 0.02)
        # the window's first render is asked for once its layout settles, not 90 ms
        # after: the resizes of a window being laid out come in the same few event-loop
        # turns, and at 1M outfalls the first map was 90 ms later than it needed be
        self._render_timer.start(FIRST_RENDER_MS if not self._requested else
                                 RENDER_DEBOUNCE_MS)
        self.view_changed.emit(self.view)
        super().resizeEvent(event)

    def mark_fitted(self) -> None:
        self._fitted = True

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            return
        pos = event.position()
        self._fitted = True
        self.set_view(self.view.zoomed(2 ** (steps / 2), pos.x(), pos.y()))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._fitted = True
        self._press = event.position()
        self._press_view = self.view
        if event.button() == Qt.MouseButton.LeftButton and self.tool == "move_point":
            pos = event.position()
            hit = draggable_hit(self.identify(pos.x(), pos.y()), self.draggable,
                                self._point_layers())
            if hit is not None:
                layer = self.model.get(hit.layer)
                g = layer.merc_geometry(hit.index)  # type: ignore[union-attr]
                x, y = to_lonlat(np.array(g.x), np.array(g.y))
                self._point_drag = PointDrag(hit.layer, hit.key, (float(x), float(y)),
                                             pos, pos)
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                return
        if event.button() == Qt.MouseButton.LeftButton and (
                self.tool == "zoom_box" or event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self._drag_box = QRectF(self._press, self._press)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        self._mouse = pos
        lon, lat = self.screen_to_lonlat(pos.x(), pos.y())
        self.cursor_moved.emit(lon, lat)
        if self._point_drag is not None:
            self._point_drag.pos = pos
            self.update()
        elif self._drag_box is not None and self._press is not None:
            self._drag_box = QRectF(self._press, pos).normalized()
            self.update()
        elif self._press is not None and self._press_view is not None \
                and event.buttons() & Qt.MouseButton.LeftButton and self.tool != "zoom_box":
            d = pos - self._press
            if abs(d.x()) + abs(d.y()) > 3:
                self._interacting = True
                self.view = self._press_view.panned(d.x(), d.y())
                self.update()
                self.view_changed.emit(self.view)
        else:
            if self.measurement is not None and self.measurement.points:
                self.measure_changed.emit(self.measurement.text((lon, lat)))
                self.update()
            self._hover_timer.start()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        press, self._press = self._press, None
        if self._point_drag is not None:
            drag, self._point_drag = self._point_drag, None
            self.setCursor(Qt.CursorShape.CrossCursor)
            self.update()
            if drag.moved and event.button() == Qt.MouseButton.LeftButton:
                lon, lat = self.screen_to_lonlat(pos.x(), pos.y())
                self.feature_dragged.emit(drag.layer, drag.key, lon, lat)
            return
        if self._drag_box is not None:
            box, self._drag_box = self._drag_box, None
            if box.width() > 4 and box.height() > 4:
                x0, y1 = self.view.to_map(box.left(), box.top())
                x1, y0 = self.view.to_map(box.right(), box.bottom())
                self.zoom_to_bbox((x0, y0, x1, y1), 0.0, min_res=0.2)
            self.update()
            return
        if self._interacting:
            self._interacting = False
            self._request_render()
            return
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        lon, lat = self.screen_to_lonlat(pos.x(), pos.y())
        if self.measurement is not None:
            self.measurement.add(lon, lat)
            self.measure_changed.emit(self.measurement.text())
            self.update()
            return
        self.clicked.emit(self.identify(pos.x(), pos.y()), lon, lat)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.measurement is not None:
            self.measurement.finished = True
            self.measure_changed.emit(self.measurement.text())
            self.update()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            if self.measurement is not None:
                self.measurement = Measurement(area=self.measurement.area)
                self.measure_changed.emit("")
            self._drag_box = None
            if self._point_drag is not None:  # cancel the move
                self._point_drag = None
                self._press = None
                self.setCursor(Qt.CursorShape.CrossCursor)
            self.update()
            return
        super().keyPressEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        before = self._marks_area(self._hover_marks())
        self.hover = None
        self._repaint_marks(before, QRegion())

    def identify(self, sx: float, sy: float) -> Hits:
        x, y = self.view.to_map(sx, sy)
        return hits(self.model, x, y, self.view.res)

    def _update_hover(self) -> None:
        if self._mouse is None or self._press is not None:
            return
        found = self.identify(self._mouse.x(), self._mouse.y())
        hit = found[0] if found else None
        if self.tool == "move_point":  # show where a drag would grab a point
            grab = draggable_hit(found, self.draggable, self._point_layers())
            self.setCursor(Qt.CursorShape.OpenHandCursor if grab is not None
                           else Qt.CursorShape.CrossCursor)
        if hit != self.hover:
            before = self._marks_area(self._hover_marks())
            self.hover = hit
            self._repaint_marks(before, self._marks_area(self._hover_marks()))
            if hit is not None and self.hover_text_fn is not None:
                QToolTip.showText(self.mapToGlobal(self._mouse.toPoint()),
                                  self.hover_text_fn(hit), self)
            else:
                QToolTip.hideText()

    hover_text_fn = None  # set by the window: Hit -> str

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        if self._composite is not None:
            img, v = self._composite
            if v == self.view:
                p.drawImage(0, 0, img)
            else:
                s, dx, dy = self.view.transform_from(v)
                p.drawImage(QRectF(dx, dy, v.width * s, v.height * s), img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._draw_selection(p)
        if self.hover is not None and (self.hover.layer, self.hover.key) not in self.selection:
            self._draw_feature(p, self.hover.layer, self.hover.index, HOVER_PEN, 2.5, None)
        self._draw_measure(p)
        if self._point_drag is not None:
            self._point_drag.paint(p, self.map_to_screen(*self._point_drag.origin))
        if self._drag_box is not None:
            p.setPen(QPen(QColor(30, 90, 200), 1.5, Qt.PenStyle.DashLine))
            p.setBrush(QColor(30, 90, 200, 40))
            p.drawRect(self._drag_box)
        draw_scale_bar(p, self.view, 16, self.height() - 14)
        draw_north_arrow(p, self.width() - 40, 44)
        if self.notice:
            self._draw_notice(p)
        p.end()
        if self._whole_map and not self.painted_map:
            self.painted_map = True
            QTimer.singleShot(0, self.map_painted.emit)  # after this paint is done

    def _draw_selection(self, p: QPainter) -> None:
        """The selected features, found by key in the layers as they are now (a reload or
        an edit renumbers map rows; keys stay)."""
        selected = self._selected_rows()
        self._marks_drawn_with = {name: layer for name, layer, _rows in selected}
        for name, layer, rows in selected:
            if layer.style.kind == "point" and len(rows) > 1:
                self._draw_points(p, layer, rows)
                continue
            for idx in rows[:MAX_HIGHLIGHTED]:
                self._draw_feature(p, name, int(idx), SELECT_PEN, 3.5,
                                   QColor(255, 255, 255, 70))

    def _draw_points(self, p: QPainter, layer: Any, rows: np.ndarray) -> None:
        """Many selected points (a statistics bar, a table selection) as rings, those in
        view only."""
        on_screen = self._points_on_screen(layer, rows)
        if on_screen is None:  # not one coordinate per row: outline them one by one
            for idx in rows[:MAX_HIGHLIGHTED]:
                self._draw_feature(p, layer.name, int(idx), SELECT_PEN, 3.5, None)
            return
        sx, sy = on_screen
        inside = (sx > -10) & (sx < self.width() + 10) & (sy > -10) & (sy < self.height() + 10)
        sx, sy = sx[inside][:MAX_HIGHLIGHTED], sy[inside][:MAX_HIGHLIGHTED]
        # each ring an image drawn once (an antialiased ellipse stroked was ~0.1 ms: a
        # statistics bar's 5 000 points took ~1 s a paint); all halos, then all rings
        half = POINT_MARK_RADIUS + MARK_MARGIN
        corners = [QPointF(round(x) - half, round(y) - half)
                   for x, y in zip(sx.tolist(), sy.tolist(), strict=True)]
        for sprite in self._ring_sprites():
            for corner in corners:
                p.drawImage(corner, sprite)

    def _ring_sprites(self) -> tuple[QImage, QImage]:
        """A selected point's ring as two images, its white halo and the ring itself, at
        the screen's pixel ratio (made once per ratio)."""
        dpr = self.devicePixelRatioF()
        sprites = self._rings.get(dpr)
        if sprites is None:
            half = POINT_MARK_RADIUS + MARK_MARGIN
            side = math.ceil(2 * half * dpr)
            made = []
            for pen in (QPen(QColor(255, 255, 255, 200), 6.0), QPen(SELECT_PEN, 3.5)):
                img = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
                img.setDevicePixelRatio(dpr)
                img.fill(Qt.GlobalColor.transparent)
                painter = QPainter(img)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(QPointF(half, half), POINT_MARK_RADIUS, POINT_MARK_RADIUS)
                painter.end()
                made.append(img)
            sprites = self._rings[dpr] = (made[0], made[1])
        return sprites

    def _feature_path(self, name: str, idx: int) -> QPainterPath | None:
        layer = self.model.get(name)
        if layer is None or idx >= len(layer):
            return None
        path = QPainterPath()
        if layer.style.kind == "point":
            geom = layer.merc_geometry(idx)
            sx, sy = self.view.to_screen(np.array(geom.x), np.array(geom.y))
            path.addEllipse(QPointF(float(sx), float(sy)), POINT_MARK_RADIUS, POINT_MARK_RADIUS)
            return path
        mask = np.zeros(len(layer), dtype=bool)
        mask[idx] = True
        rings: Rings = layer.lod.rings(lod_level(self.view.res), mask)
        if rings.n_rings == 0:
            return None
        sx, sy = self.view.to_screen(rings.xy[:, 0], rings.xy[:, 1])
        return path_from_arrays(sx, sy, rings.connect())

    def _draw_feature(self, p: QPainter, name: str, idx: int, color: QColor, width: float,
                      fill: QColor | None) -> None:
        path = self._feature_path(name, idx)
        if path is None:
            return
        p.setPen(QPen(QColor(255, 255, 255, 200), width + 2.5))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        p.setPen(QPen(color, width))
        p.setBrush(QBrush(fill) if fill is not None else Qt.BrushStyle.NoBrush)
        p.drawPath(path)

    def _draw_measure(self, p: QPainter) -> None:
        m = self.measurement
        if m is None or not m.points:
            return
        pts = [self.map_to_screen(lon, lat) for lon, lat in m.points]
        if self._mouse is not None and not m.finished:
            pts.append(self._mouse)
        path = QPainterPath(pts[0])
        for q in pts[1:]:
            path.lineTo(q)
        if m.area and len(pts) >= 3:
            path.closeSubpath()
        p.setPen(QPen(QColor(216, 27, 96), 2.2, Qt.PenStyle.DashLine))
        p.setBrush(QColor(216, 27, 96, 40) if m.area else Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        p.setBrush(QColor(216, 27, 96))
        for q in pts:
            p.drawEllipse(q, 3.5, 3.5)

    def _draw_notice(self, p: QPainter) -> None:
        font = map_font(8.5)
        p.setFont(font)
        fm = p.fontMetrics()
        w = fm.horizontalAdvance(self.notice) + 16
        r = QRectF(self.width() - w - 10, self.height() - 30, w, 22)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 243, 205, 235))
        p.drawRoundedRect(r, 4, 4)
        p.setPen(QColor(133, 100, 4))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, self.notice)
