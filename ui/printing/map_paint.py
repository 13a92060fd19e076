"""Draw the map's layers onto any QPainter for the paper: a PDF page (vectors) or a QImage
at the output DPI.

The layers come prepared exactly as for the screen (:meth:`layers.map_layer.MapLayer.prepare`:
viewport-only, categories, simplified to one *device* pixel, so a 300-dpi page gets three
times the screen's detail) and are styled from the same :mod:`layers.style`; colours,
hatching and point symbols are the screen painter's own (:mod:`ui.painter`).  What differs
from the screen is only what paper needs: one path per category with no band clipping
(a PDF keeps each fill as one vector path), pens and symbols scaled from screen pixels
(1/96 inch) to the device, point symbols drawn as vectors, and labels drawn as real text
(searchable, copyable: ``pdftotext`` finds every unit code) over a vector halo.

Sizes: ``k = dpi / 96`` device pixels per screen pixel, so a 0.8-px unit outline is 0.2 mm
on paper and a 9-px outfall symbol 2.4 mm, as on a 96-dpi screen at 100 %.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from layers.lod import flatten
from layers.map_layer import MapLayer
from layers.map_model import MapModel
from layers.print_prepare import prepare_clipped
from layers.viewport import Viewport
from ui.painter import FONT_FAMILIES, LabelPlacer, _path, draw_symbol, hatch_brush, qcolor


@dataclass
class MapPaint:
    """How to draw: the view (device pixels), device dpi and language."""

    view: Viewport
    dpi: float
    lang: str = "zh"
    labels: bool = True

    @property
    def k(self) -> float:
        return self.dpi / 96.0

    def screen_view(self) -> Viewport:
        """The same map as a 96-dpi screen would show it: label and detail thresholds
        (``label_max_res`` …) are in screen metres per pixel."""
        k = self.k
        v = self.view
        return Viewport(v.cx, v.cy, v.res * k, max(1, int(v.width / k)),
                        max(1, int(v.height / k)))


@dataclass
class Shown:
    """Category and shape (pattern) indices a layer drew in the frame."""

    categories: set[int]
    shapes: set[int]


def opaque(rgba: tuple[int, int, int, int]) -> QColor:
    """``rgba`` as it looks on white paper, without alpha.

    Qt's PDF writer turns a translucent pen into a filled outline of the stroke, and a
    dashed one into an outline per dash: one dashed county line cost 190 kB and 43 ms a
    page.  An opaque pen is written as a plain stroke with a dash array.
    """
    r, g, b, a = rgba
    f = a / 255.0
    return QColor(round(r * f + 255 * (1 - f)), round(g * f + 255 * (1 - f)),
                  round(b * f + 255 * (1 - f)))


def print_font(size_pt: float, bold: bool = False) -> QFont:
    """The map's font for paper, with the 'locl' feature off: with it, Noto Sans CJK swaps
    digits for glyphs Qt cannot map back to Unicode and codes vanish from the PDF's text."""
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPointSizeF(size_pt)
    f.setBold(bold)
    if hasattr(f, "setFeature"):
        f.setFeature(QFont.Tag("locl"), 0)
    return f


def visible_layers(model: MapModel, names: Iterable[str] | None = None) -> list[MapLayer]:
    wanted = set(names) if names is not None else None
    return [la for la in model.layers if la.visible and len(la)
            and (wanted is None or la.name in wanted)]


def paint_map(p: QPainter, model: MapModel, mp: MapPaint,
              only: Iterable[str] | None = None) -> dict[str, Shown]:
    """Draw the visible layers (or ``only`` those) into the painter's current coordinate
    system, whose origin is the map frame's top-left; return, for each layer that put
    something in the frame, the categories and patterns it drew (the legend lists those)."""
    drawn: dict[str, Shown] = {}
    p.save()
    p.setClipRect(QRectF(0, 0, mp.view.width, mp.view.height))
    for layer in visible_layers(model, only):
        data = layer.prepare(mp.view, mp.lang) if layer.style.kind == "point" \
            else prepare_clipped(layer, mp.view)
        if data.n_features == 0:
            continue
        p.setOpacity(layer.opacity)
        if data.kind == "point":
            drawn[layer.name] = Shown({g[0] for g in data.points}, {g[1] for g in data.points})
            _points(p, layer, data.points, mp)
        else:
            drawn[layer.name] = Shown({c for c, r in data.rings if r.n_rings},
                                      {s for s, r in data.hatch if r.n_rings})
            _rings(p, layer, data, mp)
    p.setOpacity(1.0)
    if mp.labels and only is None:
        paint_labels(p, model, mp)
    p.restore()
    return drawn


def _rings(p: QPainter, layer: MapLayer, data: object, mp: MapPaint) -> None:
    style, view, k = layer.style, mp.view, mp.k
    cats = style.categories
    strokes = []
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for ci, rings in data.rings:  # type: ignore[attr-defined]
        if rings.n_rings == 0:
            continue
        sx, sy = view.to_screen(rings.xy[:, 0], rings.xy[:, 1])
        path = _path(sx, sy, rings.connect())
        cat = cats[ci] if 0 <= ci < len(cats) else None
        fill = cat.fill if cat else style.fill
        stroke = cat.stroke if cat and style.kind == "polygon" and cats else style.stroke
        if style.kind == "polygon" and fill[3] > 0:
            p.fillPath(path, QBrush(qcolor(fill)))
        if stroke[3] > 0 and style.stroke_width > 0:
            pen = QPen(opaque(stroke), style.stroke_width * k)
            if style.dash:
                pen.setStyle(Qt.PenStyle.DashLine)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            strokes.append((path, pen))
    for si, rings in data.hatch:  # type: ignore[attr-defined]
        if rings.n_rings:
            sx, sy = view.to_screen(rings.xy[:, 0], rings.xy[:, 1])
            p.fillPath(_path(sx, sy, rings.connect()),
                       hatch_brush(style.shapes[si].stroke, k))
    for path, pen in strokes:
        p.strokePath(path, pen)


def _points(p: QPainter, layer: MapLayer, groups: list, mp: MapPaint) -> None:
    """Point symbols as vectors; one per ~1/3 symbol on paper (a million outfalls over a
    city collapse to what can be seen, as on screen)."""
    style, view, k = layer.style, mp.view, mp.k
    size = style.point_size * k
    cell = max(size / 3.0, 1.0)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    cats, shapes = style.categories, style.shapes
    for ci, si, xs, ys in groups:
        sx, sy = view.to_screen(xs, ys)
        key = np.floor(sx / cell).astype(np.int64) * 1_000_003 + np.floor(sy / cell).astype(
            np.int64)
        _, first = np.unique(key, return_index=True)
        cat = cats[ci] if 0 <= ci < len(cats) else None
        shape = shapes[si].shape if 0 <= si < len(shapes) else (cat.shape if cat else "circle")
        fill = qcolor(cat.fill) if cat else QColor(120, 120, 120)
        stroke = qcolor(cat.stroke) if cat else QColor(255, 255, 255)
        for x, y in zip(sx[first].tolist(), sy[first].tolist(), strict=True):
            draw_symbol(p, x, y, size, shape, fill, stroke)


# -- labels ----------------------------------------------------------------------------
_HALO: dict[tuple[str, float, bool, float], QPainterPath] = {}
_HALO_LOCK = threading.Lock()


def _halo_path(text: str, font: QFont, key: tuple[str, float, bool, float]) -> QPainterPath:
    """The text's outline at the origin, made once per text and size (laying text out as a
    path is the slow part of a label)."""
    with _HALO_LOCK:
        hit = _HALO.get(key)
    if hit is None:
        hit = QPainterPath()
        hit.addText(QPointF(0, 0), font, text)
        with _HALO_LOCK:
            if len(_HALO) > 5000:
                _HALO.clear()
            _HALO[key] = hit
    return hit


def paint_labels(p: QPainter, model: MapModel, mp: MapPaint) -> int:
    """Labels of every visible layer, placed without collisions as on screen; real text
    over a white vector halo."""
    sv = mp.screen_view()
    view, k = mp.view, mp.k
    items = []
    for layer in model.layers:
        labels = layer.prepare_labels(sv, mp.lang) if layer.visible else None
        if labels is not None and len(labels.text):
            items.append((layer.style, labels, layer.style.kind == "point"))
    placer = LabelPlacer(view)
    placer.CELL = int(24 * k)  # type: ignore[misc]
    placed = 0
    device = p.device()
    for style, labels, is_point in sorted(items, key=lambda t: t[0].label_priority):
        font = print_font(style.label_size, style.label_bold)
        fm = QFontMetricsF(font, device)
        # QPainterPath.addText sizes a font for the screen, drawText for the device: the
        # halo's font is scaled by the ratio so that halo and text coincide at any dpi
        ratio = fm.height() / max(QFontMetricsF(font).height(), 1e-6)
        path_font = print_font(style.label_size * ratio, style.label_bold)
        halo_pen = QPen(QColor(255, 255, 255), 3.0 * k)
        halo_pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        color = qcolor(style.label_color)
        p.setFont(font)
        sx, sy = view.to_screen(labels.x, labels.y)
        for i in np.argsort(labels.rank, kind="stable"):
            text = labels.text[i]
            if not text:
                continue
            w, h = fm.horizontalAdvance(text), fm.height()
            off = 6 * k
            if is_point:
                cands = [(sx[i] + off, sy[i] - h / 2), (sx[i] - off - w, sy[i] - h / 2),
                         (sx[i] - w / 2, sy[i] - h - 4 * k), (sx[i] - w / 2, sy[i] + 4 * k)]
            else:
                cands = [(sx[i] - w / 2, sy[i] - h / 2)]
            for x, y in cands:
                if placer.try_place(QRectF(x - 2 * k, y - k, w + 4 * k, h + 2 * k)):
                    base = QPointF(x, y + fm.ascent())
                    path = _halo_path(text, path_font, (text, style.label_size,
                                                        style.label_bold, round(ratio, 4)))
                    p.save()
                    p.translate(base)
                    p.strokePath(path, halo_pen)
                    p.restore()
                    p.setPen(color)
                    p.drawText(base, text)
                    placed += 1
                    break
    return placed


# -- atlas emphasis ----------------------------------------------------------------------
def feature_path(geom: shapely.Geometry, view: Viewport) -> QPainterPath:
    """One Mercator feature as a device path (all its rings)."""
    rings = flatten(np.array([geom], dtype=object))
    if rings.n_rings == 0:
        return QPainterPath()
    sx, sy = view.to_screen(rings.xy[:, 0], rings.xy[:, 1])
    return _path(sx, sy, rings.connect())


def fade_around(p: QPainter, geom: shapely.Geometry, mp: MapPaint,
                outline: QColor | None = None) -> None:
    """Veil everything but ``geom`` in white and outline ``geom``: the atlas's feature
    stands out, its neighbours stay readable for context."""
    view, k = mp.view, mp.k
    outline = outline or QColor(20, 20, 120)
    if geom.geom_type in ("Point", "MultiPoint"):
        x, y = view.to_screen(np.array([geom.centroid.x]), np.array([geom.centroid.y]))
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(outline, 1.6 * k))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QPointF(float(x[0]), float(y[0])), 9 * k, 9 * k)
        p.restore()
        return
    path = feature_path(geom, view)
    veil = QPainterPath()
    veil.addRect(QRectF(0, 0, view.width, view.height))
    veil.addPath(path)
    veil.setFillRule(Qt.FillRule.OddEvenFill)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.fillPath(veil, QColor(255, 255, 255, 150))
    pen = QPen(outline, 2.0 * k)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.strokePath(path, pen)
    p.restore()
