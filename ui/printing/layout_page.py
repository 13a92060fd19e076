"""One print-layout page (专题图): where each item goes on the paper, and drawing it.

Landscape pages put the legend, overview, scale and north arrow in a column right of the
map; portrait pages put them in a band under it.  Positions are in millimetres, converted
to the device's pixels, so a page looks the same in the preview, the PDF and a TIFF.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from geodata.messages import Message
from layers.atlas import find_feature
from layers.map_model import MapModel
from layers.print_geometry import frame_view, lonlat_extent_to_mercator
from layers.viewport import Viewport
from models.print_layout import LayoutError, PrintLayout
from ui.printing import page_items as pi
from ui.printing.map_paint import MapPaint

MARGIN_MM = 10.0
GUTTER_MM = 5.5  # room for the graticule labels outside the frame


@dataclass
class PageContext:
    """What every page of a workspace shares: its map layers, language and notes."""

    model: MapModel
    lang: str = "zh"
    illustrative: set[str] = field(default_factory=set)
    notice: Message | None = None
    sources: list[tuple[set[str], str]] = field(default_factory=list)
    date: str = ""

    @classmethod
    def from_workspace(cls, ws: Any, model: MapModel | None = None,
                       lang: str = "zh") -> PageContext:
        meta = ws.metadata
        notice = Message(meta.get("illustrative_notice_zh")
                         or "示例数据：管控单元、排污口并非官方成果",
                         meta.get("illustrative_notice_en") or "Illustrative data: control "
                         "units and outfalls are not official")
        sources = []
        try:
            for s in json.loads(meta.get("sources") or "[]"):
                layers = {x.strip() for x in str(s.get("layers", "")).split(",")}
                sources.append((layers, str(s.get("source", ""))))
        except (ValueError, AttributeError):
            pass
        return cls(model or MapModel.from_workspace(ws), lang, set(ws.illustrative_layers()),
                   notice, sources, _dt.date.today().isoformat())

    def t(self, zh: str, en: str) -> str:
        return Message(zh, en).text(self.lang)

    def notice_for(self, shown: dict[str, Any]) -> str:
        """The 示例数据 notice when an illustrative layer is on the page."""
        if self.notice is None or not (set(shown) & self.illustrative):
            return ""
        return self.notice.text(self.lang)

    def source_for(self, shown: dict[str, Any], override: str = "") -> str:
        if override.strip():
            return self.t("数据来源：", "Source: ") + override.strip()
        seen: list[str] = []
        for layers, text in self.sources:
            if layers & set(shown) and text not in seen:
                seen.append(text)
        return self.t("数据来源：", "Sources: ") + self.t("；", "; ").join(seen) if seen else ""


def layout_extent(layout: PrintLayout, model: MapModel) -> tuple[float, float, float, float]:
    """The Mercator extent the layout asks for (before margin and scale)."""
    if layout.extent == "bbox" and layout.bbox is not None:
        return lonlat_extent_to_mercator(layout.bbox)
    if layout.extent == "feature":
        i = find_feature(model, layout.feature_layer, layout.feature_key)
        la = model.get(layout.feature_layer)
        assert la is not None
        x0, y0, x1, y1 = la.feature_extent(i)
        if x1 - x0 < 1 and y1 - y0 < 1:  # a point: 1 km around it
            x0, y0, x1, y1 = x0 - 500, y0 - 500, x1 + 500, y1 + 500
        return x0, y0, x1, y1
    full = model.full_extent()
    if full is None:
        raise LayoutError(Message("工作空间没有可打印的图层",
                                  "the workspace has no layers to print"))
    return full


@dataclass
class PageResult:
    view: Viewport
    scale: float
    shown: list[str]


def furniture_scale(layout: PrintLayout) -> float:
    """How much larger title, legend, scale bar and the rest are drawn than on A4: an A0
    poster read from a step back needs more than A4's 7-pt legend (A3 1.3, A1 2.2, A0 2.8)."""
    return float((min(layout.page_mm()) / 210.0) ** 0.75)


def draw_layout_page(p: QPainter, layout: PrintLayout, ctx: PageContext, width: float,
                     height: float, dpi: float) -> PageResult:
    """Draw ``layout`` on a ``width``×``height`` device-pixel page at ``dpi``.

    The page furniture is laid out on a page ``s`` times smaller and drawn enlarged by
    ``s`` (:func:`furniture_scale`); the map itself is drawn at the device's full
    resolution into the frame that layout leaves for it.
    """
    s = furniture_scale(layout)
    width, height = width / s, height / s
    u = pi.Units(dpi)
    m = u.mm(MARGIN_MM)
    landscape = width >= height
    head_h = u.mm(17 if layout.subtitle else 11) if layout.title or layout.subtitle else 0.0
    all_shown = {la.name: 1 for la in ctx.model.layers if la.visible}
    foot_h = max(u.mm(8), pi.footer_height(p, width - 2 * m, _footer_left(layout, ctx,
                                                                          all_shown),
                                           ctx.notice_for(all_shown), u) + u.mm(2))
    gut = u.mm(GUTTER_MM) if layout.shows("graticule") else u.mm(1)
    has_side = any(layout.shows(k) for k in ("legend", "overview", "scale_bar", "north_arrow")) \
        or (layout.shows("text_box") and layout.text.strip())
    side = u.mm(64) if has_side and landscape else 0.0
    band = u.mm(64) if has_side and not landscape else 0.0
    body = QRectF(m, m + head_h, width - 2 * m, height - 2 * m - head_h - foot_h)
    frame = QRectF(body.left() + gut, body.top() + gut,
                   body.width() - 2 * gut - (side + u.mm(3) if side else 0),
                   body.height() - 2 * gut - (band + u.mm(3) if band else 0))
    if frame.width() < u.mm(20) or frame.height() < u.mm(20):
        raise LayoutError(Message("纸张太小，放不下地图", "the paper is too small for the map"))
    real_frame = QRectF(frame.left() * s, frame.top() * s, frame.width() * s,
                        frame.height() * s)
    view = frame_view(layout_extent(layout, ctx.model), int(real_frame.width()),
                      int(real_frame.height()), dpi, float(layout.scale or 0),
                      layout.margin if layout.extent == "feature" else 0.0)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    mp = MapPaint(view, dpi, ctx.lang)
    shown = pi.draw_map_frame(p, real_frame, ctx.model, mp, u, grid=False, border=False)
    p.save()
    p.scale(s, s)
    if head_h:
        pi.draw_title(p, QRectF(m, m, width - 2 * m, head_h), layout.title, layout.subtitle, u)
    if layout.shows("graticule"):
        pi.draw_graticule(p, frame, view, u, k=s)
    pi.draw_border(p, frame, u)
    n = _side_items(p, layout, ctx, mp, shown, frame, body, side, band, u, s)
    foot = QRectF(m, height - m - foot_h + u.mm(2), width - 2 * m, foot_h - u.mm(2))
    notice = ctx.notice_for(shown) if layout.shows("notice") else ""
    pi.draw_footer(p, foot, _footer_left(layout, ctx, shown), "", notice, u)
    p.restore()
    return PageResult(view, n, list(shown))


def _footer_left(layout: PrintLayout, ctx: PageContext, shown: dict[str, Any]) -> str:
    left = []
    if layout.shows("source"):
        left.append(ctx.source_for(shown, layout.source))
    if layout.shows("date"):
        left.append(ctx.t("制图日期：", "Date: ") + ctx.date + ctx.t(
            " · 坐标系 CGCS2000（显示投影 Web Mercator）· EcoZone",
            " · CGCS2000 (shown in Web Mercator) · EcoZone"))
    return "\n".join(s for s in left if s)


def _side_items(p: QPainter, layout: PrintLayout, ctx: PageContext, mp: MapPaint,
                shown: dict[str, Any], frame: QRectF, body: QRectF, side: float, band: float,
                u: pi.Units, s: float = 1.0) -> float:
    from layers.print_geometry import scale_denominator

    n = scale_denominator(mp.view, mp.dpi)
    items = pi.legend_items(ctx.model, shown, ctx.lang) if layout.shows("legend") else []
    text_on = layout.shows("text_box") and bool(layout.text.strip())
    if side:
        col = QRectF(body.right() - side, body.top(), side, body.height())
        y = col.top()
        if layout.shows("north_arrow") or layout.shows("scale_bar"):
            if layout.shows("north_arrow"):
                pi.draw_north(p, QRectF(col.right() - u.mm(14), y, u.mm(14), u.mm(18)),
                              ctx.lang, u)
            if layout.shows("scale_bar"):
                n = pi.draw_scale(p, QRectF(col.left(), y + u.mm(2), col.width() - u.mm(16),
                                            u.mm(14)), mp.view, mp.dpi, u, ctx.lang, k=s)
            y += u.mm(20)
        if layout.shows("overview"):
            oh = col.width() * 0.72
            pi.draw_overview(p, QRectF(col.left(), y, col.width(), oh), ctx.model, mp.view,
                             mp.dpi, ctx.lang, u)
            y += oh + u.mm(4)
        text_h = u.mm(32) if text_on else 0.0
        if items:
            r = QRectF(col.left(), y, col.width(), col.bottom() - y - text_h)
            cols = 1 if pi.legend_height(items, 1, u) <= r.height() else 2
            size = 7.5 if cols == 1 else 6.5
            pi.draw_legend(p, r, items, ctx.lang, u, cols, size)
        if text_on:
            pi.draw_text_box(p, QRectF(col.left(), col.bottom() - text_h + u.mm(2),
                                       col.width(), text_h - u.mm(2)), layout.text, u)
    elif band:
        row = QRectF(body.left(), body.bottom() - band, body.width(), band)
        right_w = u.mm(52)
        ov_w = u.mm(62) if layout.shows("overview") else 0.0
        if items:
            r = QRectF(row.left(), row.top(), row.width() - right_w - ov_w - u.mm(4),
                       row.height())
            cols = max(1, min(4, int(r.width() // u.mm(45))))
            while cols < 4 and pi.legend_height(items, cols, u, 6.5) > r.height():
                cols += 1
            pi.draw_legend(p, r, items, ctx.lang, u, cols, 6.5)
        if ov_w:
            pi.draw_overview(p, QRectF(row.right() - right_w - ov_w, row.top() + u.mm(2),
                                       ov_w - u.mm(3), min(row.height() - u.mm(4), ov_w * 0.8)),
                             ctx.model, mp.view, mp.dpi, ctx.lang, u)
        rc = QRectF(row.right() - right_w, row.top(), right_w, row.height())
        if layout.shows("north_arrow"):
            pi.draw_north(p, QRectF(rc.right() - u.mm(14), rc.top(), u.mm(14), u.mm(18)),
                          ctx.lang, u)
        if layout.shows("scale_bar"):
            n = pi.draw_scale(p, QRectF(rc.left(), rc.top() + u.mm(2), rc.width() - u.mm(16),
                                        u.mm(14)), mp.view, mp.dpi, u, ctx.lang, k=s)
        if text_on:
            pi.draw_text_box(p, QRectF(rc.left(), rc.top() + u.mm(21), rc.width(),
                                       rc.height() - u.mm(21)), layout.text, u)
    return n
