"""The edition change report as an A4 PDF with embedded Chinese fonts.

The same approach as the screening report (:mod:`ui.reports.pdf`): QPdfWriter at 300 dpi,
the HTML body of :mod:`models.edition_report` laid out by QTextDocument and cut into pages,
and the map of changes — the same SVG as in the HTML report — painted as vectors by
QSvgRenderer where a placeholder image keeps its place.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QImage,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from geodata import files
from models.edition_report import report_body_html, title
from models.report_map_svg import with_font
from models.report_style import t
from ui.reports.pdf import (
    CSS_PX,
    MAP_URL,
    QT_CSS,
    _image_rect,
    a4_writer,
    draw_footer,
    paint_pages,
    text_font,
)
from ui.reports.qt_app import cjk_family, ensure_app

BREAK = ' style="page-break-before: always"'
EXTRA_CSS = "s { color: #b71c1c; } u { color: #1b5e20; } h3 { font-size: 9.5pt; }"


def write_pdf(ec: Any, map_svg: str, out: Path | str, lang: str = "zh",
              generated: str = "", details: list[tuple[str, str, str]] | None = None) -> int:
    """Write the report of ``ec`` (a models.editions.EditionComparison) to ``out``
    atomically; return the number of pages.  ``details``: (caption, old map, new map) SVGs
    of the changes shown side by side."""
    ensure_app()
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    family = cjk_family()
    sheet = a4_writer(tmp, title(lang))
    width, body_h = sheet.width, sheet.body_h

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
    doc.documentLayout().setPaintDevice(sheet.writer)
    doc.setDocumentMargin(0)
    doc.setDefaultFont(text_font(family, 9))
    doc.setDefaultStyleSheet(QT_CSS + EXTRA_CSS)
    blank = QImage(4, 4, QImage.Format.Format_ARGB32)
    blank.fill(Qt.GlobalColor.transparent)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(MAP_URL), blank)
    placeholder = (f'<p><img src="{MAP_URL}" width="{map_w * CSS_PX:.0f}" '
                   f'height="{map_h * CSS_PX:.0f}"/></p>') if svg is not None else ""
    meta = f"{t(lang, '生成时间：', 'Generated: ')}{generated} · EcoZone 生态环境分区管控一张图"
    # the detail maps: two a row, each half the width, painted where their placeholders are
    images: dict[str, QSvgRenderer] = {}
    cells: list[tuple[str, str, str]] = []
    for k, (caption, old_svg, new_svg) in enumerate(details or []):
        row = []
        for side, text in (("o", old_svg), ("n", new_svg)):
            url = f"ezmap://detail/{k}/{side}"
            images[url] = QSvgRenderer(QByteArray(with_font(text, family).encode("utf-8")))
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), blank)
            vb = images[url].viewBoxF()
            w = width * 0.49
            h = w * vb.height() / max(vb.width(), 1.0)
            row.append(f'<img src="{url}" width="{w * CSS_PX:.0f}" height="{h * CSS_PX:.0f}"/>')
        cells.append((caption, row[0], row[1]))
    head = f"<h1>{title(lang)}</h1><p class='meta'>{meta}</p>"
    breaks: set[int] = set()
    # a caption left alone at the foot of a page starts the next page with its maps instead
    for _ in range(4):
        pairs = "".join(
            f"<h3{BREAK if k in breaks else ''}>{escape(c)}</h3><p>{a}&nbsp;{b}</p>"
            for k, (c, a, b) in enumerate(cells))
        doc.setHtml(head + report_body_html(ec.result, ec.editions, lang, ec.illustrative,
                                            placeholder, pairs))
        doc.setPageSize(QSizeF(width, body_h))
        rects = _image_rects(doc, images)
        orphans = {k for k, (c, _, _) in enumerate(cells)
                   if f"ezmap://detail/{k}/o" in rects
                   and _page_of(doc, c, body_h) != int(rects[f"ezmap://detail/{k}/o"].y()
                                                      // body_h)} - breaks
        if not orphans:
            break
        breaks |= orphans
    map_rect = _image_rect(doc, map_w, map_h) if svg is not None else None
    overlays = [(svg, map_rect)] if svg is not None and map_rect is not None else []
    overlays += [(images[url], rect) for url, rect in rects.items()]
    left = _footer_text(ec.illustrative, lang)
    pages = paint_pages(sheet, doc, overlays, lambda painter, page, n, a4=sheet: draw_footer(
        painter, a4, family, left, page, n, lang))
    del sheet  # Qt closes the PDF when the writer goes; Windows moves only closed files
    files.finish(tmp, out)
    return pages


def _page_of(doc: QTextDocument, text: str, page_h: float) -> int:
    """The page of the first block whose text is ``text`` (-1 if none)."""
    block = doc.begin()
    while block.isValid():
        if block.text() == text:
            return int(doc.documentLayout().blockBoundingRect(block).y() // page_h)
        block = block.next()
    return -1


def _image_rects(doc: QTextDocument, images: dict[str, QSvgRenderer]) -> dict[str, QRectF]:
    """Where the layout put each placeholder image named in ``images`` (document
    coordinates); several may share a line, so x comes from the cursor position."""
    out: dict[str, QRectF] = {}
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name() in images:
                img = fmt.toImageFormat()
                r = doc.documentLayout().blockBoundingRect(block)
                pos = frag.position() - block.position()
                line = block.layout().lineForTextPosition(pos)
                w, h = img.width() / CSS_PX, img.height() / CSS_PX
                if line.isValid():
                    x = r.x() + line.cursorToX(pos)[0]
                    y = r.y() + line.y() + line.ascent() - h
                    out[img.name()] = QRectF(x, max(r.y() + line.y(), y), w, h)
            it += 1
        block = block.next()
    return out


def _footer_text(illustrative: bool, lang: str) -> str:
    left = t(lang, "辅助梳理，非法律结论", "Review aid, not a legal verdict")
    if illustrative:
        left += t(lang, " · 示例数据", " · illustrative data (示例数据)")
    return left
