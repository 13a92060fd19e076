"""The facts column of an atlas page: headed sections of label/value rows and paragraphs,
set in the largest size (8 pt down to 5.5 pt) at which they fit the column.

A unit's four 准入清单 texts vary from two lines to twenty; one fixed size would either
waste the column or overflow it.  Heights are measured with the device's font metrics
(what the PDF will set), so what fits in the measure fits on the page.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from layers.atlas import FactSection
from ui.printing.page_items import INK, Units, font

SIZES = (8.0, 7.5, 7.0, 6.5, 6.0, 5.5)
WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
HEAD = QColor(31, 78, 121)


def _label_width(p: QPainter, sec: FactSection, size: float, width: float, u: Units) -> float:
    if not sec.rows:
        return 0.0
    fm = QFontMetricsF(font(size), p.device())
    widest = max(fm.horizontalAdvance(lab) for lab, _ in sec.rows)
    return min(widest + u.mm(2), width * 0.38)


def _layout(p: QPainter, sections: list[FactSection], width: float, size: float,
            u: Units) -> list[tuple[str, QRectF, str, bool]]:
    """(kind, rect, text, bold) boxes from the column's top-left at ``size`` points."""
    dev = p.device()
    fm = QFontMetricsF(font(size), dev)
    fmh = QFontMetricsF(font(size + 1.5, True), dev)
    boxes: list[tuple[str, QRectF, str, bool]] = []
    y = 0.0
    gap = u.pt(size * 0.35)
    for sec in sections:
        hh = fmh.height()
        boxes.append(("head", QRectF(0, y, width, hh), sec.heading, True))
        y += hh + gap
        lw = _label_width(p, sec, size, width, u)
        for label, value in sec.rows:
            vr = fm.boundingRect(QRectF(0, 0, width - lw, 1e7), WRAP, value)
            h = max(vr.height(), fm.height())
            boxes.append(("label", QRectF(0, y, lw, h), label, False))
            boxes.append(("value", QRectF(lw, y, width - lw, h), value, False))
            y += h + gap * 0.6
        for para in sec.paragraphs:
            r = fm.boundingRect(QRectF(0, 0, width, 1e7), WRAP, para)
            boxes.append(("para", QRectF(0, y, width, r.height()), para, False))
            y += r.height() + gap
        y += gap * 1.6
    boxes.append(("end", QRectF(0, y, width, 0), "", False))
    return boxes


def draw_facts(p: QPainter, r: QRectF, sections: list[FactSection], u: Units) -> float:
    """Draw ``sections`` into ``r``; returns the size used (points)."""
    chosen = SIZES[-1]
    boxes = None
    # guess from the 8-pt height (text area grows with the square of the size), then check
    first = _layout(p, sections, r.width(), SIZES[0], u)
    need = first[-1][1].top()
    if need <= r.height():
        chosen, boxes = SIZES[0], first
    else:
        guess = SIZES[0] * (r.height() / need) ** 0.5
        for s in SIZES[1:]:
            if s > guess + 0.5:
                continue
            b = _layout(p, sections, r.width(), s, u)
            if b[-1][1].top() <= r.height() or s == SIZES[-1]:
                chosen, boxes = s, b
                break
    if boxes is None:
        boxes = _layout(p, sections, r.width(), SIZES[-1], u)
    fb = font(chosen + 1.5, True)
    fr = font(chosen)
    fl = font(chosen, True)
    p.save()
    p.setClipRect(r.adjusted(0, 0, 0, 1))
    p.translate(r.topLeft())
    for kind, box, text, _bold in boxes:
        if kind == "end" or box.top() > r.height():
            continue
        if kind == "head":
            p.setFont(fb)
            p.setPen(HEAD)
            p.drawText(box, WRAP, text)
            p.setPen(QPen(QColor(154, 168, 180), u.pt(0.4)))
            p.drawLine(box.bottomLeft(), box.bottomRight())
            continue
        p.setFont(fl if kind == "label" else fr)
        p.setPen(QColor(70, 70, 70) if kind == "label" else INK)
        p.drawText(box, WRAP, text)
    p.restore()
    if boxes[-1][1].top() > r.height():  # cut: say so rather than stop mid-sentence silently
        p.setFont(font(chosen, True))
        p.setPen(QColor(138, 90, 0))
        p.drawText(QRectF(r.left(), r.bottom() + u.mm(0.5), r.width(), u.mm(4)),
                   int(Qt.AlignmentFlag.AlignRight), "…")
    return chosen
