"""The statistics summary as an A4 PDF: tables as text, charts as vectors, CJK fonts embedded.

As the screening report (:mod:`ui.reports.pdf`): QPdfWriter at 300 dpi, the HTML body laid
out by QTextDocument and cut into pages; each chart's SVG is painted by QSvgRenderer into the
space a placeholder image keeps for it, so the charts stay vectors and their text stays text.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QImage,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from geodata import files
from geodata.messages import Message
from models.stats_export import body_html, charts, notice_html, scope_text
from models.stats_report import TITLE, StatsReport
from models.stats_svg import FONT
from ui.reports.pdf import QT_CSS, a4_writer, draw_footer, paint_pages, text_font
from ui.reports.qt_app import cjk_family, ensure_app

DPI = 300
CSS_PX = 96.0 / DPI
CSS = QT_CSS + "table { border-collapse: collapse; font-size: 7.5pt; } td, th { padding: 2px; }"


def _placeholders(doc: QTextDocument) -> dict[str, QRectF]:
    """Where the layout put each chart placeholder (document coordinates), by URL."""
    found: dict[str, QRectF] = {}
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name().startswith("ezchart://"):
                img = fmt.toImageFormat()
                r = doc.documentLayout().blockBoundingRect(block)
                line = block.layout().lineAt(0)
                x = r.x() + (line.x() if line.isValid() else 0.0)
                top = r.y() + (line.y() if line.isValid() else 0.0)
                w, h = img.width() / CSS_PX, img.height() / CSS_PX
                y = top + (line.ascent() - h if line.isValid() else 0.0)
                found[img.name()] = QRectF(x, max(top, y), w, h)
            it += 1
        block = block.next()
    return found


def write_pdf(rep: StatsReport, out: Path | str, lang: str = "zh") -> int:
    """Write the summary to ``out`` (atomically); return the number of pages."""
    ensure_app()
    out = Path(out)
    tmp = files.part_path(out)
    family = cjk_family()
    sheet = a4_writer(tmp, TITLE.text(lang), margins_mm=(12, 12, 12, 12))
    width, body_h = sheet.width, sheet.body_h

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(sheet.writer)
    doc.setDocumentMargin(0)
    doc.setDefaultFont(text_font(family, 8.5))
    doc.setDefaultStyleSheet(CSS)
    renderers: dict[str, QSvgRenderer] = {}
    blank = QImage(4, 4, QImage.Format.Format_ARGB32)
    blank.fill(Qt.GlobalColor.transparent)
    images = []
    for i, (_title, svg) in enumerate(charts(rep, lang)):
        url = f"ezchart://{i}"
        r = QSvgRenderer(QByteArray(svg.replace(f'font-family="{FONT}"',
                                                f'font-family="{escape(family)}"')
                                    .encode("utf-8")))
        renderers[url] = r
        vb = r.viewBoxF()
        w = width * 0.92
        h = min(w * vb.height() / max(vb.width(), 1.0), body_h * 0.9)
        w = h * vb.width() / max(vb.height(), 1.0)
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), blank)
        images.append(f'<p><img src="{url}" width="{w * CSS_PX:.0f}" '
                      f'height="{h * CSS_PX:.0f}"/></p>')
    meta = (f"{Message('范围：', 'Scope: ').text(lang)}{escape(scope_text(rep, lang))} · "
            f"{Message('生成时间：', 'Generated: ').text(lang)}{rep.generated}")
    doc.setHtml(f"<h1>{escape(TITLE.text(lang))}</h1><p class='meta'>{meta}</p>"
                + notice_html(rep, lang) + "".join(images) + body_html(rep, lang, svg=False))
    doc.setPageSize(QSizeF(width, body_h))
    rects = _placeholders(doc)
    pages = paint_pages(sheet, doc, [(renderers[url], rect) for url, rect in rects.items()],
                        lambda painter, page, n, a4=sheet: draw_footer(
                            painter, a4, family, _footer_text(rep, lang), page, n, lang))
    del sheet  # Qt closes the PDF when the writer goes; Windows moves only closed files
    files.finish(tmp, out)
    return pages


def _footer_text(rep: StatsReport, lang: str) -> str:
    left = "EcoZone 生态环境分区管控一张图"
    if rep.illustrative:
        left += Message(" · 示例数据，并非官方成果", " · illustrative data (示例数据), not official"
                        ).text(lang)
    return left
