"""The items around a printed map: title, legend, scale bar and 1:n, north arrow, graticule
labels at the frame, overview inset, text box and footer.

Every function draws into a rectangle in device pixels; ``Units`` converts millimetres and
points to those pixels, so one page design serves a 300-dpi PDF, a 600-dpi TIFF and a
60-dpi preview alike.  Text is real text (searchable in the PDF) in the map's CJK font.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

from geodata.messages import in_language
from layers.map_model import MapModel
from layers.print_geometry import (
    dm_label,
    format_distance,
    format_scale,
    graticule,
    scale_bar_length,
    scale_denominator,
)
from layers.style import RGBA, LayerStyle
from layers.viewport import Viewport
from models.info import layer_title
from ui.painter import draw_symbol, hatch_brush, qcolor
from ui.printing.map_paint import MapPaint, Shown, opaque, paint_map, print_font

INK = QColor(34, 34, 34)
GREY = QColor(96, 96, 96)
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
WRAP = Qt.TextFlag.TextWordWrap


@dataclass
class Units:
    dpi: float

    def mm(self, v: float) -> float:
        return v * self.dpi / 25.4

    def pt(self, v: float) -> float:
        return v * self.dpi / 72.0


def font(size_pt: float, bold: bool = False) -> QFont:
    return print_font(size_pt, bold)


def text_in(p: QPainter, rect: QRectF, text: str, size: float, bold: bool = False,
            color: QColor = INK, flags: int = int(LEFT)) -> None:
    p.setFont(font(size, bold))
    p.setPen(color)
    p.drawText(rect, flags, text)


def fitted_text(p: QPainter, rect: QRectF, text: str, size: float, smallest: float,
                bold: bool = False, flags: int = int(LEFT)) -> None:
    """One line of text in the largest size down to ``smallest`` that fits ``rect``'s
    width, elided beyond that (a long unit name must not run into the page's corner)."""
    s = size
    while s > smallest:
        if QFontMetricsF(font(s, bold), p.device()).horizontalAdvance(text) <= rect.width():
            break
        s -= 0.5
    fm = QFontMetricsF(font(s, bold), p.device())
    text = fm.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    text_in(p, rect, text, s, bold, INK, flags)


# -- title and footer ------------------------------------------------------------------
def draw_title(p: QPainter, r: QRectF, title: str, subtitle: str, u: Units) -> None:
    top = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
    h = u.pt(20) if subtitle else r.height()
    text_in(p, QRectF(r.left(), r.top(), r.width(), h), title, 16, True, INK, int(top))
    if subtitle:
        text_in(p, QRectF(r.left(), r.top() + h, r.width(), r.height() - h), subtitle, 10.5,
                False, GREY, int(top))


def footer_height(p: QPainter, width: float, left: str, notice: str, u: Units,
                  right: bool = False) -> float:
    """Height :func:`draw_footer` needs for these texts at ``width``."""
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | WRAP)
    box = QRectF(0, 0, width - (u.mm(34) if right else 0.0), 1e7)
    h = u.mm(1.2)
    for text, bold in ((left, False), (notice, True)):
        if text:
            h += QFontMetricsF(font(6.5, bold), p.device()).boundingRect(box, flags,
                                                                         text).height()
    return h


def draw_footer(p: QPainter, r: QRectF, left: str, right: str, notice: str,
                u: Units) -> None:
    """Source and date lines, then the 示例数据 notice, stacked from the rule down (long
    texts wrap instead of running into each other on narrow paper); ``right`` (the page
    number) at the right end of the first line."""
    p.setPen(QPen(QColor(154, 168, 180), u.pt(0.6)))
    p.drawLine(r.topLeft(), r.topRight())
    right_w = u.mm(34) if right else 0.0
    y = r.top() + u.mm(0.8)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | WRAP)
    for text, size, bold, color in ((left, 6.5, False, GREY),
                                    (notice, 6.5, True, QColor(138, 90, 0))):
        if not text:
            continue
        f = font(size, bold)
        box = QRectF(r.left(), y, r.width() - right_w, r.bottom() - y)
        need = QFontMetricsF(f, p.device()).boundingRect(box, flags, text)
        p.setFont(f)
        p.setPen(color)
        p.drawText(box, flags, text)
        y += need.height()
    if right:
        text_in(p, QRectF(r.right() - right_w, r.top() + u.mm(0.8), right_w, u.mm(5)), right,
                8, True, INK, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop))


def draw_text_box(p: QPainter, r: QRectF, text: str, u: Units) -> None:
    if not text.strip():
        return
    p.setPen(QPen(QColor(180, 180, 180), u.pt(0.5)))
    p.setBrush(QColor(255, 255, 255))
    p.drawRect(r)
    text_in(p, r.adjusted(u.mm(1.5), u.mm(1.2), -u.mm(1.5), -u.mm(1.2)), text, 8, False, INK,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | WRAP))


# -- map frame and graticule -----------------------------------------------------------
def draw_map_frame(p: QPainter, frame: QRectF, model: MapModel, mp: MapPaint,
                   u: Units, grid: bool = True, fade: object = None,
                   border: bool = True) -> dict[str, Shown]:
    """The map in ``frame`` (white paper where no layer draws), the graticule over it and
    its labels outside the frame; ``fade``: a Mercator geometry the atlas emphasises."""
    p.save()
    p.translate(frame.topLeft())
    p.fillRect(QRectF(0, 0, frame.width(), frame.height()), QColor(255, 255, 255))
    shown = paint_map(p, model, mp)
    if fade is not None:
        from ui.printing.map_paint import fade_around

        fade_around(p, fade, mp)
    p.restore()
    if grid:
        draw_graticule(p, frame, mp.view, u)
    if border:
        draw_border(p, frame, u)
    return shown


def draw_border(p: QPainter, frame: QRectF, u: Units) -> None:
    p.setPen(QPen(INK, u.pt(0.8)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(frame)


def draw_graticule(p: QPainter, frame: QRectF, view: Viewport, u: Units,
                   k: float = 1.0) -> None:
    """Graticule lines over ``frame`` and labels outside it; ``k``: view pixels per unit of
    the painter's coordinates (page furniture drawn enlarged on big paper)."""
    g = graticule(view)
    g.lons = [(lon, sx / k) for lon, sx in g.lons]
    g.lats = [(lat, sy / k) for lat, sy in g.lats]
    p.save()
    p.setClipRect(frame)
    # solid hairlines: a dashed line is cut into thousands of dash segments in a PDF
    p.setPen(QPen(QColor(165, 165, 165), u.pt(0.3)))
    x0, y0 = frame.left(), frame.top()
    for _lon, sx in g.lons:
        p.drawLine(QPointF(x0 + sx, frame.top()), QPointF(x0 + sx, frame.bottom()))
    for _lat, sy in g.lats:
        p.drawLine(QPointF(frame.left(), y0 + sy), QPointF(frame.right(), y0 + sy))
    p.restore()
    f = font(6.5)
    fm = QFontMetricsF(f, p.device())
    p.setFont(f)
    p.setPen(INK)
    tick = u.mm(1.2)
    p.save()
    p.setPen(QPen(INK, u.pt(0.5)))
    for _lon, sx in g.lons:
        x = x0 + sx
        p.drawLine(QPointF(x, frame.top() - tick), QPointF(x, frame.top()))
        p.drawLine(QPointF(x, frame.bottom()), QPointF(x, frame.bottom() + tick))
    for _lat, sy in g.lats:
        y = y0 + sy
        p.drawLine(QPointF(frame.left() - tick, y), QPointF(frame.left(), y))
        p.drawLine(QPointF(frame.right(), y), QPointF(frame.right() + tick, y))
    p.restore()
    p.setPen(INK)
    edge = u.mm(4)  # labels this near a corner would run into the other axis's labels
    for lon, sx in g.lons:
        if sx < edge or sx > frame.width() - edge:
            continue
        t = dm_label(lon, "lon", g.step_minutes)
        w = fm.horizontalAdvance(t)
        x = min(max(x0 + sx - w / 2, frame.left() - u.mm(3)), frame.right() + u.mm(3) - w)
        p.drawText(QPointF(x, frame.top() - tick - fm.descent() - u.mm(0.3)), t)
        p.drawText(QPointF(x, frame.bottom() + tick + fm.ascent() + u.mm(0.2)), t)
    for lat, sy in g.lats:
        if sy < edge or sy > frame.height() - edge:
            continue
        t = dm_label(lat, "lat", g.step_minutes)
        w = fm.horizontalAdvance(t)
        y = y0 + sy
        # rotated along the left and right edges, as on topographic sheets
        for x, angle in ((frame.left() - tick - u.mm(0.4), -90.0),
                         (frame.right() + tick + u.mm(0.4), 90.0)):
            p.save()
            p.translate(x, y)
            p.rotate(angle)
            p.drawText(QPointF(-w / 2, -fm.descent() if angle < 0 else -fm.descent()), t)
            p.restore()


# -- scale and north -------------------------------------------------------------------
def draw_scale(p: QPainter, r: QRectF, view: Viewport, dpi: float, u: Units,
               lang: str, boxed: bool = False, k: float = 1.0) -> float:
    """Scale bar (four segments, 1-2-5 length) and 1:n under it; returns n.  ``k``: view
    pixels per unit of the painter's coordinates."""
    n = scale_denominator(view, dpi)
    length_m, px = scale_bar_length(view, r.width() * 0.8 * k)
    px /= k
    if boxed:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 225))
        p.drawRect(r)
    x, y = r.left() + u.mm(2), r.top() + u.mm(5.5)
    h = u.mm(1.4)
    p.setPen(QPen(INK, u.pt(0.5)))
    for i in range(4):
        p.setBrush(INK if i % 2 == 0 else QColor(255, 255, 255))
        p.drawRect(QRectF(x + i * px / 4, y, px / 4, h))
    f = font(7)
    fm = QFontMetricsF(f, p.device())
    p.setFont(f)
    p.setPen(INK)
    p.drawText(QPointF(x - fm.horizontalAdvance("0") / 2, y - u.mm(0.8)), "0")
    label = format_distance(length_m)
    p.drawText(QPointF(x + px - fm.horizontalAdvance(label) / 2, y - u.mm(0.8)), label)
    text_in(p, QRectF(r.left() + u.mm(2), y + h + u.mm(0.6), r.width(), u.mm(5)),
            format_scale(n), 8.5, True)
    return n


def draw_north(p: QPainter, r: QRectF, lang: str, u: Units) -> None:
    h = min(r.height() * 0.62, u.mm(14))
    w = h * 0.34
    x, y = r.center().x(), r.top() + (r.height() - h * 1.35) / 2
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(INK, u.pt(0.5)))
    p.setBrush(INK)
    p.drawPolygon(QPolygonF([QPointF(x, y), QPointF(x + w, y + h), QPointF(x, y + h * 0.72)]))
    p.setBrush(QColor(255, 255, 255))
    p.drawPolygon(QPolygonF([QPointF(x, y), QPointF(x - w, y + h), QPointF(x, y + h * 0.72)]))
    text_in(p, QRectF(x - h, y + h, 2 * h, h * 0.35), in_language(lang, "北", "N"), 9, True,
            INK, int(Qt.AlignmentFlag.AlignCenter))
    p.restore()


# -- legend ----------------------------------------------------------------------------
@dataclass
class LegendItem:
    kind: str  # "fill", "line", "point", "hatch", "header"
    label: str
    fill: RGBA = (0, 0, 0, 0)
    stroke: RGBA = (0, 0, 0, 255)
    width: float = 1.0
    dash: bool = False
    shape: str = "circle"


#: Basemap fills that need no legend line.
NO_LEGEND = ("land", "sea")


def legend_items(model: MapModel, shown: dict[str, Shown], lang: str) -> list[LegendItem]:
    """Legend lines for the layers shown, top layer first; categorised layers list only the
    categories that appear in the frame."""
    out: list[LegendItem] = []
    for layer in reversed(model.layers):
        s = shown.get(layer.name)
        if s is None or layer.name in NO_LEGEND:
            continue
        st: LayerStyle = layer.style
        title = layer_title(layer.name, lang)
        if st.categories:
            out.append(LegendItem("header", title))
            for i, c in enumerate(st.categories):
                if i in s.categories:
                    out.append(_cat_item(st, c.label(lang), c.fill, c.stroke, c.shape))
            for i, c in enumerate(st.shapes):
                if i in s.shapes and st.kind == "polygon" and c.shape == "hatch":
                    out.append(LegendItem("hatch", c.label(lang), stroke=c.stroke))
                elif st.kind == "point" and i in s.shapes:
                    out.append(LegendItem("point", c.label(lang), (150, 150, 150, 255),
                                          (60, 60, 60, 255), shape=c.shape))
        elif st.kind == "line":
            out.append(LegendItem("line", title, stroke=st.stroke, width=st.stroke_width,
                                  dash=st.dash))
        elif st.kind == "point":
            out.append(LegendItem("point", title, (120, 120, 120, 255), (255, 255, 255, 255)))
        else:
            out.append(LegendItem("fill" if st.fill[3] else "line", title, st.fill, st.stroke,
                                  st.stroke_width, st.dash))
    return out


def _cat_item(st: LayerStyle, label: str, fill: RGBA, stroke: RGBA, shape: str) -> LegendItem:
    if st.kind == "point":
        return LegendItem("point", label, fill, stroke, shape=shape)
    if st.kind == "line":
        return LegendItem("line", label, stroke=stroke, width=st.stroke_width, dash=st.dash)
    return LegendItem("fill", label, fill, stroke, st.stroke_width, st.dash)


def legend_height(items: list[LegendItem], columns: int, u: Units, size: float = 7.5) -> float:
    rows = -(-len(items) // max(columns, 1))
    return u.mm(6) + rows * u.pt(size * 1.75)


def draw_legend(p: QPainter, r: QRectF, items: list[LegendItem], lang: str, u: Units,
                columns: int = 1, size: float = 7.5) -> None:
    """Entries in ``columns`` columns; lines that do not fit are left out (the caller
    chooses the columns so that they do)."""
    text_in(p, QRectF(r.left(), r.top(), r.width(), u.mm(5)), in_language(lang, "图例", "Legend"),
            9.5, True)
    row_h = u.pt(size * 1.75)
    col_w = r.width() / max(columns, 1)
    rows = -(-len(items) // max(columns, 1))
    sw, sh = u.mm(6), u.pt(size * 1.05)
    f = font(size)
    fb = font(size, True)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    k = u.dpi / 96.0
    for n, it in enumerate(items):
        col, row = divmod(n, max(rows, 1))
        x = r.left() + col * col_w
        y = r.top() + u.mm(6) + row * row_h
        if y + row_h > r.bottom() + 1:
            continue
        sym = QRectF(x, y + (row_h - sh) / 2, sw, sh)
        if it.kind == "header":
            p.setFont(fb)
            p.setPen(INK)
            p.drawText(QRectF(x, y, col_w, row_h), int(LEFT), it.label)
            continue
        if it.kind == "fill":
            pen = QPen(opaque(it.stroke), max(it.width, 0.8) * k)
            if it.dash:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen if it.stroke[3] else Qt.PenStyle.NoPen)
            p.setBrush(QBrush(qcolor(it.fill)))
            p.drawRect(sym)
        elif it.kind == "hatch":
            p.setPen(QPen(opaque(it.stroke), 0.8 * k))
            p.setBrush(hatch_brush(it.stroke, k))
            p.drawRect(sym)
        elif it.kind == "line":
            pen = QPen(opaque(it.stroke), max(it.width, 0.8) * k)
            if it.dash:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(sym.left(), sym.center().y()), QPointF(sym.right(),
                                                                      sym.center().y()))
        else:
            draw_symbol(p, sym.center().x(), sym.center().y(), 8 * k, it.shape,
                        qcolor(it.fill), qcolor(it.stroke))
        p.setFont(f)
        p.setPen(INK)
        p.drawText(QRectF(x + sw + u.mm(1.5), y, col_w - sw - u.mm(2), row_h), int(LEFT),
                   it.label)


# -- overview ----------------------------------------------------------------------------
OVERVIEW_LAYERS = ("sea", "land", "counties", "city")


def draw_overview(p: QPainter, r: QRectF, model: MapModel, main: Viewport, dpi: float,
                  lang: str, u: Units, cached: bool = False) -> None:
    """The whole city small, with the map's extent as a red box.

    ``cached`` (the atlas): the base map is drawn once as a ``dpi`` image and the same
    image reused on every page; the PDF writer stores an image it has seen once, so 300
    pages carry one overview, not 300 copies of the city's outlines.
    """
    extent = model.full_extent()
    if extent is None:
        return
    ov = Viewport.fit(extent, int(r.width()), int(r.height()), 0.04)
    p.save()
    p.translate(r.topLeft())
    if cached:
        p.drawImage(QPointF(0, 0), _overview_image(model, ov, dpi, lang))
    else:
        p.fillRect(QRectF(0, 0, r.width(), r.height()), QColor(255, 255, 255))
        paint_map(p, model, MapPaint(ov, dpi, lang, labels=False), only=OVERVIEW_LAYERS)
    x0, y0, x1, y1 = main.bbox
    sx, sy = ov.to_screen(np.array([x0, x1]), np.array([y1, y0]))
    box = QRectF(QPointF(float(sx[0]), float(sy[0])), QPointF(float(sx[1]), float(sy[1])))
    if box.width() < u.mm(1.5) or box.height() < u.mm(1.5):
        c = box.center()
        box = QRectF(c.x() - u.mm(0.9), c.y() - u.mm(0.9), u.mm(1.8), u.mm(1.8))
    p.setClipRect(QRectF(0, 0, r.width(), r.height()))
    p.setPen(QPen(QColor(211, 47, 47), u.pt(1.1)))
    p.setBrush(QColor(211, 47, 47, 40))
    p.drawRect(box)
    p.restore()
    p.setPen(QPen(GREY, u.pt(0.5)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(r)


_OVERVIEWS: dict[tuple[int, int, int, int, float, str], QImage] = {}


def _overview_image(model: MapModel, ov: Viewport, dpi: float, lang: str) -> QImage:
    key = (id(model), sum(la.version for la in model.layers), ov.width, ov.height, dpi, lang)
    img = _OVERVIEWS.get(key)
    if img is None:
        _OVERVIEWS.clear()  # one atlas at a time: keep only the current one
        img = QImage(ov.width, ov.height, QImage.Format.Format_RGB32)
        img.fill(QColor(255, 255, 255))
        q = QPainter(img)
        paint_map(q, model, MapPaint(ov, dpi, lang, labels=False), only=OVERVIEW_LAYERS)
        q.end()
        _OVERVIEWS[key] = img
    return img
