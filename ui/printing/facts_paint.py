"""The facts beside an atlas map: headed sections of label/value rows and paragraphs, set in
the largest size (8 pt down to 5.5 pt) at which they fit, flowing from one column into the
next (one column beside a landscape map, two under a portrait one).

A unit's four 准入清单 texts vary from two lines to twenty; one fixed size would either
waste the space or overflow it.  Heights are measured with the device's font metrics (what
the PDF will set), so what fits in the measure fits on the page.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from layers.atlas import FactSection
from ui.printing.page_items import INK, Units, font

SIZES = (8.0, 7.5, 7.0, 6.5, 6.0, 5.5)
WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
HEAD = QColor(31, 78, 121)
LABEL = QColor(70, 70, 70)

#: One unbreakable piece: its height and its boxes (kind, rect from the piece's top, text).
Piece = tuple[float, list[tuple[str, QRectF, str]]]


def _pieces(p: QPainter, sections: list[FactSection], width: float, size: float,
            u: Units) -> list[Piece]:
    dev = p.device()
    fm = QFontMetricsF(font(size), dev)
    fmh = QFontMetricsF(font(size + 1.5, True), dev)
    gap = u.pt(size * 0.35)
    out: list[Piece] = []
    for sec in sections:
        hh = fmh.height()
        out.append((hh + gap, [("head", QRectF(0, 0, width, hh), sec.heading)]))
        lw = 0.0
        if sec.rows:
            widest = max(fm.horizontalAdvance(lab) for lab, _ in sec.rows)
            lw = min(widest + u.mm(2), width * 0.38)
        for label, value in sec.rows:
            vr = fm.boundingRect(QRectF(0, 0, width - lw, 1e7), WRAP, value)
            h = max(vr.height(), fm.height())
            out.append((h + gap * 0.6, [("label", QRectF(0, 0, lw, h), label),
                                        ("value", QRectF(lw, 0, width - lw, h), value)]))
        for para in sec.paragraphs:
            r = fm.boundingRect(QRectF(0, 0, width, 1e7), WRAP, para)
            out.append((r.height() + gap, [("para", QRectF(0, 0, width, r.height()), para)]))
        out.append((gap * 1.6, []))
    return out


def _flow(pieces: list[Piece], cols: list[QRectF]) -> tuple[list[tuple[int, float, Piece]],
                                                             bool]:
    """(column, y, piece) placements; False when the pieces run past the last column."""
    placed = []
    c, y = 0, 0.0
    for piece in pieces:
        h = piece[0]
        if y + h > cols[c].height() and y > 0 and c + 1 < len(cols):
            c, y = c + 1, 0.0
            if not piece[1]:  # no spacer at the top of a column
                continue
        placed.append((c, y, piece))
        y += h
    return placed, y <= cols[c].height() + 0.5


def layout_facts(p: QPainter, cols: list[QRectF], sections: list[FactSection], u: Units,
                 ) -> tuple[float, list[tuple[int, float, Piece]], bool]:
    """(size, placements, fits): the largest size at which ``sections`` fit ``cols``, or the
    smallest size and fits=False."""
    width = cols[0].width()
    first = _pieces(p, sections, width, SIZES[0], u)
    placed, fits = _flow(first, cols)
    if fits:
        return SIZES[0], placed, True
    # guess from the 8-pt height (text area grows with the square of the size)
    need = sum(h for h, _ in first)
    guess = SIZES[0] * (sum(c.height() for c in cols) / need) ** 0.5
    chosen = SIZES[-1]
    for s in SIZES[1:]:
        if s > guess + 0.75 and s != SIZES[-1]:
            continue
        placed, fits = _flow(_pieces(p, sections, width, s, u), cols)
        chosen = s
        if fits:
            break
    return chosen, placed, fits


def paint_facts(p: QPainter, cols: list[QRectF], laid: tuple[float, list[tuple[int, float,
                                                                              Piece]], bool],
                u: Units) -> None:
    """Draw what :func:`layout_facts` placed."""
    chosen, placed, fits = laid
    fonts = {"head": font(chosen + 1.5, True), "label": font(chosen, True),
             "value": font(chosen), "para": font(chosen)}
    rule = QPen(QColor(154, 168, 180), u.pt(0.4))
    for c, y, (_h, boxes) in placed:
        col = cols[c]
        if y > col.height():
            continue
        for kind, box, text in boxes:
            r = box.translated(col.left(), col.top() + y)
            if r.top() > col.bottom():
                continue
            p.setFont(fonts[kind])
            p.setPen(HEAD if kind == "head" else LABEL if kind == "label" else INK)
            if r.bottom() <= col.bottom() + 1:
                p.drawText(r, WRAP, text)
            else:  # only the last, cut piece needs a clip (a clip per box cost ~1 ms a page)
                p.save()
                p.setClipRect(col.adjusted(0, 0, 0, 1))
                p.drawText(r, WRAP, text)
                p.restore()
            if kind == "head":
                p.setPen(rule)
                p.drawLine(r.bottomLeft(), r.bottomRight())
    if not fits:  # cut: say so rather than stop mid-list silently
        last = cols[-1]
        p.setFont(font(chosen, True))
        p.setPen(QColor(138, 90, 0))
        p.drawText(QRectF(last.left(), last.bottom() + u.mm(0.3), last.width(), u.mm(4)),
                   int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), "…")


def draw_facts(p: QPainter, cols: list[QRectF], sections: list[FactSection], u: Units,
               ) -> tuple[float, bool]:
    """Draw ``sections`` flowing through the column rectangles ``cols`` (equal widths);
    returns the size used (points) and whether everything fitted."""
    laid = layout_facts(p, cols, sections, u)
    paint_facts(p, cols, laid, u)
    return laid[0], laid[2]
