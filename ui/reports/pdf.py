"""The screening report as an A4 PDF with embedded Chinese fonts.

QPdfWriter (A4, 300 dpi) + QPainter.  The text and tables are the same HTML body as the HTML
report (:func:`models.report_html.report_body_html`), laid out by QTextDocument and cut into
pages; the map is the same SVG, painted as vectors by QSvgRenderer into the space a
placeholder image keeps for it on page 1.  Qt embeds the fonts it uses as subsets (check
with ``pdffonts``: every font "emb yes").

QTextDocument measures HTML sizes in CSS pixels (1/96 inch) and scales them to the paint
device, hence the 96/300 factor for the placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from geodata import files
from models.report_html import report_body_html, title
from models.report_style import t
from models.screening import ScreeningReport
from ui.reports.qt_app import cjk_family, ensure_app

DPI = 300
CSS_PX = 96.0 / DPI  # device pixels -> CSS pixels in QTextDocument HTML
MAP_URL = "ezmap://map"

QT_CSS = """
h1 { font-size: 16pt; font-weight: bold; margin-bottom: 2px; }
h2 { font-size: 11.5pt; font-weight: bold; color: #1f4e79; margin-top: 12px; margin-bottom: 4px; }
h3 { font-size: 10pt; font-weight: bold; margin-top: 6px; margin-bottom: 2px; }
p, li { font-size: 9pt; }
table.grid { border-collapse: collapse; border-color: #9aa8b4; font-size: 8.5pt; }
th { background-color: #e8eef3; }
.disclaimer { background-color: #fff8e1; }
.meta { color: #555555; font-size: 8.5pt; }
"""


def text_font(family: str, size: float) -> QFont:
    """The report font.  Noto Sans CJK's 'locl' feature swaps digits for glyphs Qt cannot map
    back to Unicode, so numbers vanish from the PDF's text layer (copy, search, pdftotext);
    with 'locl' off they stay.  The page looks the same."""
    font = QFont(family, size)
    if hasattr(font, "setFeature"):  # Qt >= 6.7
        font.setFeature(QFont.Tag("locl"), 0)
    return font


def _mm(writer: QPdfWriter, mm: float) -> float:
    return mm / 25.4 * writer.resolution()


@dataclass
class A4Page:
    """An A4 PDF writer at :data:`DPI` and its text area: the report PDFs (screening,
    statistics, edition comparison) share this page set-up."""

    writer: QPdfWriter
    width: float
    height: float
    footer_h: float
    body_h: float


def paint_pages(sheet: A4Page, doc: QTextDocument,
                overlays: Sequence[tuple[Any, QRectF]],
                footer: Callable[[QPainter, int, int], None]) -> int:
    """Paint ``doc`` page by page into the sheet's writer: each page's slice of the document,
    the SVG ``overlays`` (renderer, rect in document coordinates) that fall on it, and the
    ``footer(painter, page, pages)``.  Returns the number of pages.  The caller then lets go
    of the writer (Qt closes the file only then) before moving the file into place."""
    pages = max(1, doc.pageCount())
    writer, width, body_h = sheet.writer, sheet.width, sheet.body_h
    painter = QPainter(writer)
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * body_h)
            clip = QRectF(0, page * body_h, width, body_h)
            painter.setClipRect(clip)
            doc.drawContents(painter, clip)
            for renderer, rect in overlays:
                if rect.intersects(clip):
                    renderer.render(painter, rect)
            painter.restore()
            footer(painter, page, pages)
    finally:
        painter.end()
    return pages


def a4_writer(path: Path, doc_title: str, margins_mm: tuple[float, float, float, float]
              = (15, 14, 15, 12), footer_mm: float = 8) -> A4Page:
    """A QPdfWriter for ``path`` with the report's page, title and creator."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(*margins_mm), QPageLayout.Unit.Millimeter)
    writer.setTitle(doc_title)
    writer.setCreator("EcoZone 生态环境分区管控一张图")
    area = writer.pageLayout().paintRectPixels(DPI)
    width, height = float(area.width()), float(area.height())
    footer_h = _mm(writer, footer_mm)
    return A4Page(writer, width, height, footer_h, height - footer_h)


def write_pdf(rep: ScreeningReport, map_svg: str, out: Path | str, lang: str = "zh") -> int:
    """Write the report to ``out`` (atomically); return the number of pages."""
    ensure_app()
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    family = cjk_family()
    sheet = a4_writer(tmp, title(lang))
    width, body_h = sheet.width, sheet.body_h

    svg = QSvgRenderer(QByteArray(map_svg.encode("utf-8")))
    vb = svg.viewBoxF()
    if not svg.isValid() or vb.width() <= 0 or vb.height() <= 0:
        # a map the renderer cannot read must not cost the report: it goes without it
        map_svg_ok, vb = False, QRectF(0, 0, 4, 3)
    else:
        map_svg_ok = True
    map_w = width
    map_h = map_w * vb.height() / max(vb.width(), 1.0)
    if map_h > body_h * 0.66:
        map_h = body_h * 0.66
        map_w = map_h * vb.width() / max(vb.height(), 1.0)

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(sheet.writer)
    doc.setDocumentMargin(0)
    doc.setDefaultFont(text_font(family, 9))
    doc.setDefaultStyleSheet(QT_CSS)
    blank = QImage(4, 4, QImage.Format.Format_ARGB32)
    blank.fill(Qt.GlobalColor.transparent)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(MAP_URL), blank)
    meta = f"{t(lang, '生成时间', 'Generated')}：{rep.generated} · EcoZone 生态环境分区管控一张图"
    doc.setHtml(
        f"<h1>{title(lang)}</h1><p class='meta'>{meta}</p>"
        f'<p><img src="{MAP_URL}" width="{map_w * CSS_PX:.0f}" height="{map_h * CSS_PX:.0f}"/>'
        f"</p>{report_body_html(rep, lang)}")
    doc.setPageSize(QSizeF(width, body_h))
    map_rect = _image_rect(doc, map_w, map_h)
    overlays = [(svg, map_rect)] if map_rect is not None and map_svg_ok else []
    left = _footer_text(rep, lang)
    pages = paint_pages(sheet, doc, overlays, lambda painter, page, n, a4=sheet: draw_footer(
        painter, a4, family, left, page, n, lang))
    del sheet  # Qt closes the PDF when the writer goes; Windows moves only closed files
    files.finish(tmp, out)
    return pages


def _image_rect(doc: QTextDocument, w: float, h: float) -> QRectF | None:
    """Where the layout put the map placeholder (document coordinates)."""
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name() == MAP_URL:
                r = doc.documentLayout().blockBoundingRect(block)
                line = block.layout().lineAt(0)
                x = r.x() + (line.x() if line.isValid() else 0.0)
                top = r.y() + (line.y() if line.isValid() else 0.0)
                # the image sits on the line's baseline; its top is ascent - height
                y = top + (line.ascent() - h if line.isValid() else 0.0)
                return QRectF(x, max(top, y), w, h)
            it += 1
        block = block.next()
    return None


def draw_footer(p: QPainter, sheet: A4Page, family: str, left: str, page: int, pages: int,
                lang: str) -> None:
    """The report footer: a rule, ``left`` (what the report is, 示例数据 when it applies)
    and "page n of m" at the right."""
    y = sheet.height - sheet.footer_h
    p.save()
    p.setPen(QPen(QColor("#9aa8b4"), 2))
    p.drawLine(QPointF(0, y + sheet.footer_h * 0.2), QPointF(sheet.width, y + sheet.footer_h * 0.2))
    p.setFont(text_font(family, 7))
    p.setPen(QColor("#555555"))
    box = QRectF(0, y + sheet.footer_h * 0.3, sheet.width, sheet.footer_h * 0.7)
    p.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), left)
    p.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
               t(lang, f"第 {page + 1} / {pages} 页", f"Page {page + 1} of {pages}"))
    p.restore()


def _footer_text(rep: ScreeningReport, lang: str) -> str:
    left = t(lang, "辅助决策参考，非法律结论", "Decision aid, not a legal verdict")
    if rep.illustrative_layers:
        left += t(lang, " · 含示例数据", " · contains illustrative data")
    return left
