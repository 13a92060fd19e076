"""Export the current map view as PNG or PDF at a chosen DPI and paper size, with title,
legend, scale bar, north arrow and a footer (date, CRS, illustrative-data notice).

What this needs from the map canvas (``ui.map_canvas.MapCanvas``):

- the view: its :class:`layers.viewport.Viewport` (``canvas.view``: Web Mercator centre,
  metres per pixel, size) — or just the Mercator bbox ``(x0, y0, x1, y1)``;
- the map: best a callable ``render(view: Viewport) -> QImage`` that draws the visible
  layers synchronously for *any* viewport (here: the paper's map frame at the output DPI,
  so lines and labels stay sharp); failing that, a ``QImage`` of the view as shown on
  screen (``canvas.grab().toImage()`` or the last composite), which is scaled to the frame.

The frame keeps the view's centre and shows at least the view's extent; the scale bar and
the 1:N scale are computed for the frame at the output resolution (ground metres per pixel
= Mercator resolution x cos(latitude)).  Web Mercator keeps north up.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPolygonF,
)

from geodata import files
from layers.mercator import ground_resolution
from layers.viewport import Viewport
from models import report_style as st
from ui.reports.qt_app import cjk_family, ensure_app

#: paper sizes in millimetres (portrait)
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0), "A2": (420.0, 594.0),
          "Letter": (215.9, 279.4)}
MapSource = QImage | Callable[[Viewport], QImage]
Extent = Viewport | tuple[float, float, float, float]


def _paper_px(paper: str, landscape: bool, dpi: float) -> tuple[float, float, QPageSize]:
    if paper not in PAPERS:
        raise ValueError(f"paper '{paper}' unknown; choose {', '.join(PAPERS)} / 未知纸张")
    w, h = PAPERS[paper]
    if landscape:
        w, h = h, w
    size = QPageSize(QSizeF(*PAPERS[paper]), QPageSize.Unit.Millimeter, paper)
    return w / 25.4 * dpi, h / 25.4 * dpi, size


def frame_view(extent: Extent, width_px: int, height_px: int) -> Viewport:
    """A viewport of the frame's pixel size showing at least ``extent``, same centre."""
    if isinstance(extent, Viewport):
        x0, y0, x1, y1 = extent.bbox
    else:
        x0, y0, x1, y1 = extent
    res = max((x1 - x0) / max(width_px, 1), (y1 - y0) / max(height_px, 1))
    return Viewport((x0 + x1) / 2, (y0 + y1) / 2, res, max(1, width_px), max(1, height_px))


def export_view(source: MapSource, extent: Extent, out_path: Path | str, dpi: float = 300,
                paper: str = "A4", landscape: bool = True, title: str = "",
                lang: str = "zh", legend: Sequence[st.LegendEntry] | None = None,
                notice: str = "") -> Path:
    """Write the map view to ``out_path`` (.png or .pdf); return the path."""
    ensure_app()
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".pdf"):
        raise ValueError(f"{out.name}: export to .png or .pdf / 仅支持 PNG 或 PDF")
    if not 50 <= dpi <= 1200:
        raise ValueError(f"dpi {dpi:g} must be between 50 and 1200 / 分辨率超出范围")
    page_w, page_h, page_size = _paper_px(paper, landscape, dpi)
    if page_w * page_h > 250e6:  # A2 at 600 dpi is 150 Mpx
        raise ValueError(f"{paper} at {dpi:g} dpi is too large / 图幅过大")
    tmp = out.with_name(out.name + ".part")
    if suffix == ".png":
        img = QImage(int(round(page_w)), int(round(page_h)), QImage.Format.Format_RGB32)
        img.setDotsPerMeterX(int(dpi / 0.0254))
        img.setDotsPerMeterY(int(dpi / 0.0254))
        img.fill(Qt.GlobalColor.white)
        p = QPainter(img)
        try:
            _compose(p, page_w, page_h, dpi, source, extent, title, lang, legend, notice)
        finally:
            p.end()
        if not img.save(str(tmp), "PNG"):
            raise OSError(f"cannot write {out}")
    else:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(int(dpi))
        writer.setPageSize(page_size)
        writer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                  else QPageLayout.Orientation.Portrait)
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        writer.setTitle(title or "EcoZone map")
        writer.setCreator("EcoZone 生态环境分区管控一张图")
        p = QPainter(writer)
        try:
            r = writer.pageLayout().paintRectPixels(int(dpi))
            _compose(p, float(r.width()), float(r.height()), dpi, source, extent, title, lang,
                     legend, notice)
        finally:
            p.end()
        del p, writer  # Qt closes the PDF when the writer goes; Windows moves only closed files
    files.finish(tmp, out)
    return out


def _compose(p: QPainter, W: float, H: float, dpi: float, source: MapSource,  # noqa: N803
             extent: Extent, title: str, lang: str, legend: Sequence[st.LegendEntry] | None,
             notice: str) -> None:
    mm = dpi / 25.4
    pt = dpi / 72.0
    family = cjk_family()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    margin, title_h, footer_h = 10 * mm, (14 * mm if title else 4 * mm), 9 * mm
    legend_w = 52 * mm
    frame = QRectF(margin, margin + title_h, W - 2 * margin - legend_w - 4 * mm,
                   H - 2 * margin - title_h - footer_h)
    if title:
        p.setFont(_font(family, 16, pt, bold=True))
        p.setPen(QColor("#222222"))
        p.drawText(QRectF(margin, margin, W - 2 * margin, title_h - 3 * mm),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
    view = frame_view(extent, int(frame.width()), int(frame.height()))
    p.fillRect(frame, QColor(st.SEA[0]))
    if isinstance(source, QImage):
        img = source
        # the screen image covers the original extent: place it by its own resolution
        ext = extent if isinstance(extent, Viewport) else frame_view(extent, img.width(),
                                                                     img.height())
        x0, y0, x1, y1 = ext.bbox
        fx0, _, _, fy1 = view.bbox
        target = QRectF(frame.left() + (x0 - fx0) / view.res, frame.top() + (fy1 - y1) / view.res,
                        (x1 - x0) / view.res, (y1 - y0) / view.res)
        p.save()
        p.setClipRect(frame)
        p.drawImage(target, img)
        p.restore()
    else:
        img = source(view)
        p.drawImage(frame, img)
    p.setPen(QPen(QColor("#333333"), 0.6 * pt))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(frame)
    gres = ground_resolution(view.res, view.cy)
    _scale_bar(p, frame, gres, family, pt, mm)
    _north_arrow(p, QPointF(frame.right() - 10 * mm, frame.top() + 6 * mm), 14 * mm, family,
                 pt, lang)
    _legend(p, QRectF(frame.right() + 4 * mm, frame.top(), legend_w, frame.height()),
            legend if legend is not None else st.legend_entries(include_site=False),
            family, pt, mm, lang)
    denominator = gres / (0.0254 / dpi)
    foot = (f"{st.t(lang, '比例尺', 'Scale')} 1:{_round_scale(denominator):,} · "
            + st.t(lang, "显示投影 Web Mercator，数据 CGCS2000",
                   "Web Mercator display, CGCS2000 data")
            + f" · {_dt.date.today().isoformat()} · EcoZone")
    p.setFont(_font(family, 7.5, pt))
    p.setPen(QColor("#444444"))
    fr = QRectF(margin, H - margin - footer_h + 2 * mm, W - 2 * margin, footer_h - 2 * mm)
    p.drawText(fr, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), foot)
    if notice:
        p.setPen(QColor("#8a6d00"))
        p.drawText(fr, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), notice)


def _font(family: str, size_pt: float, pt: float, bold: bool = False) -> QFont:
    f = QFont(family)
    f.setPixelSize(max(1, int(round(size_pt * pt))))  # pixel sizes: same on PNG and PDF
    f.setBold(bold)
    return f


def _round_scale(n: float) -> int:
    mag = 10 ** max(0, int(math.log10(max(n, 1))) - 1)
    return int(round(n / mag) * mag)


def _scale_bar(p: QPainter, frame: QRectF, gres: float, family: str, pt: float,
               mm: float) -> None:
    from models.report_map_svg import nice_length

    length_m = nice_length(frame.width() * 0.25 * gres)
    w = length_m / gres
    x, y = frame.left() + 6 * mm, frame.bottom() - 6 * mm
    p.save()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 220))
    p.drawRect(QRectF(x - 3 * mm, y - 7 * mm, w + 16 * mm, 10 * mm))
    h = 1.6 * mm
    p.setPen(QPen(QColor("#222222"), 0.5 * pt))
    for i in range(4):
        p.setBrush(QColor("#222222") if i % 2 == 0 else QColor("#ffffff"))
        p.drawRect(QRectF(x + i * w / 4, y - h, w / 4, h))
    p.setFont(_font(family, 8, pt))
    p.setPen(QColor("#222222"))
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    p.drawText(QPointF(x - 1 * mm, y - h - 1.2 * mm), "0")
    p.drawText(QPointF(x + w - 2 * mm, y - h - 1.2 * mm), label)
    p.restore()


def _north_arrow(p: QPainter, tip: QPointF, h: float, family: str, pt: float,
                 lang: str) -> None:
    w = h * 0.32
    x, y = tip.x(), tip.y()
    p.save()
    p.setPen(QPen(QColor("#222222"), 0.6 * pt))
    p.setBrush(QColor("#222222"))
    p.drawPolygon(QPolygonF([QPointF(x, y), QPointF(x + w, y + h), QPointF(x, y + h * 0.72)]))
    p.setBrush(QColor("#ffffff"))
    p.drawPolygon(QPolygonF([QPointF(x, y), QPointF(x - w, y + h), QPointF(x, y + h * 0.72)]))
    p.setFont(_font(family, 10, pt, bold=True))
    p.setPen(QColor("#222222"))
    p.drawText(QRectF(x - h / 2, y + h, h, h * 0.5), int(Qt.AlignmentFlag.AlignCenter),
               st.t(lang, "北", "N"))
    p.restore()


def _legend(p: QPainter, box: QRectF, entries: Sequence[st.LegendEntry], family: str,
            pt: float, mm: float, lang: str) -> None:
    p.save()
    p.setFont(_font(family, 10, pt, bold=True))
    p.setPen(QColor("#222222"))
    p.drawText(QRectF(box.left(), box.top(), box.width(), 7 * mm),
               int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
               st.t(lang, "图例", "Legend"))
    p.setFont(_font(family, 8, pt))
    y = box.top() + 9 * mm
    sw, sh = 8 * mm, 4 * mm
    for e in entries:
        r = QRectF(box.left(), y, sw, sh)
        stroke = QColor(e.stroke)
        if e.kind == "point":
            p.setPen(QPen(stroke, 0.5 * pt))
            p.setBrush(QColor(e.fill))
            p.drawEllipse(r.center(), 1.5 * mm, 1.5 * mm)
        elif e.kind in ("line", "dash"):
            pen = QPen(stroke, (1.6 if e.stroke == st.SITE else 0.9) * pt)
            if e.kind == "dash" or e.stroke == st.COUNTY_STROKE:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            fill = QColor(e.fill) if e.fill != "none" else QColor(0, 0, 0, 0)
            fill.setAlphaF(0.25 if e.fill != "none" else 0.0)
            p.setBrush(fill)
            p.drawRect(r)
        else:
            fill = QColor(e.fill)
            fill.setAlphaF(0.6 if e.kind == "fill" else 0.3)
            p.setPen(QPen(stroke, 0.6 * pt))
            p.setBrush(fill)
            if e.kind in ("hatch", "seaunit"):
                p.setBrush(QBrush(QColor(e.fill), Qt.BrushStyle.BDiagPattern))
            p.drawRect(r)
        p.setPen(QColor("#222222"))
        p.drawText(QRectF(box.left() + sw + 2 * mm, y - 1 * mm, box.width() - sw - 2 * mm,
                          sh + 2 * mm),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   e.label(lang))
        y += sh + 3 * mm
        if y > box.bottom() - sh:
            break
    p.restore()


def workspace_renderer(ws: object, lang: str = "zh") -> Callable[[Viewport], QImage]:
    """A map renderer drawn from the workspace (the report map's SVG drawing), for use
    where no canvas is at hand (tests, command line).  The canvas's own renderer is
    preferred in the window: it shows exactly the user's layers and styles."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer

    from layers.mercator import to_lonlat
    from models.report_map_svg import FONT, MapFrame, draw_layers

    def render(view: Viewport) -> QImage:
        lon, lat = to_lonlat(view.cx, view.cy)
        fr = MapFrame(float(lon), float(lat), ground_resolution(view.res, view.cy),
                      view.width, view.height)
        body = draw_layers(ws, fr)  # type: ignore[arg-type]
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{view.width}" '
               f'height="{view.height}" viewBox="0 0 {view.width} {view.height}">{body}</svg>')
        svg = svg.replace(f'font-family="{FONT}"', f'font-family="{cjk_family()}"')
        img = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.white)
        p = QPainter(img)
        QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(p)
        p.end()
        return img

    return render
