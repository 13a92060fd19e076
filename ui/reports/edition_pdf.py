"""The edition change report as an A4 PDF with embedded Chinese fonts.

The same approach as the screening report (:mod:`ui.reports.pdf`): QPdfWriter at 300 dpi,
the HTML body of :mod:`models.edition_report` laid out by QTextDocument and cut into pages,
and the map of changes — the same SVG as in the HTML report — painted as vectors by
QSvgRenderer where a placeholder image keeps its place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from models.edition_report import report_body_html, title
from models.report_map_svg import with_font
from models.report_style import t
from ui.reports.pdf import CSS_PX, DPI, MAP_URL, QT_CSS, _image_rect, text_font
from ui.reports.qt_app import cjk_family, ensure_app

EXTRA_CSS = "s { color: #b71c1c; } u { color: #1b5e20; } h3 { font-size: 9.5pt; }"


def write_pdf(ec: Any, map_svg: str, out: Path | str, lang: str = "zh",
              generated: str = "") -> int:
    """Write the report of ``ec`` (a models.editions.EditionComparison) to ``out``
    atomically; return the number of pages."""
    ensure_app()
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    family = cjk_family()
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 14, 15, 12), QPageLayout.Unit.Millimeter)
    writer.setTitle(title(lang))
    writer.setCreator("EcoZone 生态环境分区管控一张图")

    area = writer.pageLayout().paintRectPixels(DPI)
    width, height = float(area.width()), float(area.height())
    footer_h = 8 / 25.4 * DPI
    body_h = height - footer_h

    svg = QSvgRenderer(QByteArray(with_font(map_svg, family).encode("utf-8"))) \
        if map_svg else None
    map_w = map_h = 0.0
    if svg is not None:
        vb = svg.viewBoxF()
        map_w = width
        map_h = map_w * vb.height() / max(vb.width(), 1.0)
        if map_h > body_h * 0.6:  # with the title and the editions, on page 1
            map_h = body_h * 0.6
            map_w = map_h * vb.width() / max(vb.height(), 1.0)

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setDocumentMargin(0)
    doc.setDefaultFont(text_font(family, 9))
    doc.setDefaultStyleSheet(QT_CSS + EXTRA_CSS)
    blank = QImage(4, 4, QImage.Format.Format_ARGB32)
    blank.fill(Qt.GlobalColor.transparent)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(MAP_URL), blank)
    placeholder = (f'<p><img src="{MAP_URL}" width="{map_w * CSS_PX:.0f}" '
                   f'height="{map_h * CSS_PX:.0f}"/></p>') if svg is not None else ""
    meta = f"{t(lang, '生成时间：', 'Generated: ')}{generated} · EcoZone 生态环境分区管控一张图"
    doc.setHtml(f"<h1>{title(lang)}</h1><p class='meta'>{meta}</p>"
                + report_body_html(ec.result, ec.editions, lang, ec.illustrative, placeholder))
    doc.setPageSize(QSizeF(width, body_h))
    map_rect = _image_rect(doc, map_w, map_h) if svg is not None else None
    pages = max(1, doc.pageCount())

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
            if svg is not None and map_rect is not None and map_rect.intersects(clip):
                svg.render(painter, map_rect)
            painter.restore()
            _footer(painter, ec.illustrative, lang, family, page, pages, width, height,
                    footer_h)
    finally:
        painter.end()
    os.replace(tmp, out)
    return pages


def _footer(p: QPainter, illustrative: bool, lang: str, family: str, page: int, pages: int,
            width: float, height: float, footer_h: float) -> None:
    y = height - footer_h
    p.save()
    p.setPen(QPen(QColor("#9aa8b4"), 2))
    p.drawLine(QPointF(0, y + footer_h * 0.2), QPointF(width, y + footer_h * 0.2))
    p.setFont(text_font(family, 7))
    p.setPen(QColor("#555555"))
    left = t(lang, "辅助梳理，非法律结论", "Review aid, not a legal verdict")
    if illustrative:
        left += t(lang, " · 示例数据", " · illustrative data (示例数据)")
    box = QRectF(0, y + footer_h * 0.3, width, footer_h * 0.7)
    p.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), left)
    p.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
               t(lang, f"第 {page + 1} / {pages} 页", f"Page {page + 1} of {pages}"))
    p.restore()
