"""A table view that paints its plain cells itself: a line of text each, read from the
model in one call per visible column.

``QTableView`` paints every visible cell through its item delegate: the delegate asks
the model for the cell's roles (``multiData``: from C++ into a Python model, one call per
cell), the style lays the text out (a ``QTextLayout`` each) and draws it.  For the outfall
inventory, ~300 cells on screen, that was 7-11 ms of the GUI thread each time the table
was painted on this kind of machine (bench/README.md, issue 17, session 30): as a 1M
inventory arrived, as a map click scrolled the table to its outfall, at each step of a
scroll.

:class:`PaintedTableView` paints what a plain cell is -- its text on one line, elided at
the right, in the view's font and the palette's text colour or the model's foreground --
with one ``drawText`` per cell, the texts of each visible column asked of the model at
once (:class:`PaintedCells`).  It places the text where the style does
(:class:`_CellTexts`), so a plain cell is the delegate's to the pixel (a test compares
them).  Every other cell -- selected, current with the focus, under the mouse, text on
several lines -- is painted by the delegate as ``QTableView`` paints it, so those keep the
style's look.  The grid, and the alternate rows' background, are drawn as ``QTableView``
has them drawn.  A model without :class:`PaintedCells`' method, spans, hidden rows, word
wrap, drag and drop or a right-to-left layout: the view paints as ``QTableView`` does.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QPointF, QRect, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPalette,
    QPen,
    QTextLayout,
)
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTableView

from ui.turns import paint_after

#: texts whose layout a view keeps (a repaint after a scroll shows mostly the texts of
#: the paint before; laying one out measures it, glyph by glyph)
_TEXTS_KEPT = 20_000


class PaintedCells(Protocol):
    """What a model gives :class:`PaintedTableView` to paint its plain cells with."""

    def painted_cells(self, first: int, last: int, column: int) -> tuple[list[str], Any]:
        """The display texts of view rows ``first``..``last`` (inclusive) of ``column``,
        and the column's foreground (a ``QBrush``, or None: the palette's text)."""
        ...


class _CellTexts:
    """A font's cell texts as ``QCommonStyle`` lays them out in a one-line cell.

    The style makes a ``QTextLayout`` of the text: its line is as high as the fonts it
    uses (the view's font, and a fallback font for the characters it lacks -- Chinese
    ones here, a taller line), rounded up to whole pixels, and is placed in the middle of
    the cell by whole pixels; its baseline is the highest ascent of those fonts below the
    line's top.  So a line of codes and a line of Chinese names sit on baselines a pixel
    apart.  Each character's font metrics are found once (a layout of that character),
    a text's line from its characters'.  A text wider than its cell is elided as the
    style elides it (``QFontMetrics.elidedText``)."""

    def __init__(self, font: QFont) -> None:
        self.font = QFont(font)
        self.metrics = QFontMetrics(self.font)
        self._widths = QFontMetricsF(self.font)  # (the style compares fractions of pixels)
        #: character -> (ascent, descent) of the font that draws it
        self._chars: dict[str, tuple[float, float]] = {}
        #: text -> (its width, its line's ascent, the line's height)
        self._lines: dict[str, tuple[float, float, int]] = {}
        #: (text, width) -> the text elided to that width
        self._elided: dict[tuple[str, int], str] = {}
        self._ascii = self._line_of_chars("x")

    def _char(self, ch: str) -> tuple[float, float]:
        got = self._chars.get(ch)
        if got is None:
            layout = QTextLayout(ch, self.font)
            layout.beginLayout()
            line = layout.createLine()
            layout.endLayout()
            got = self._chars[ch] = (line.ascent(), line.descent())
        return got

    def _line_of_chars(self, chars: str) -> tuple[float, int]:
        metrics = [self._char(ch) for ch in set(chars)]
        ascent = max(m[0] for m in metrics)
        descent = max(m[1] for m in metrics)
        return ascent, math.ceil(ascent + descent)

    def line(self, text: str) -> tuple[float, float, int] | None:
        """(width, ascent, line height) of ``text``; None for a text the style lays out
        on more than one line (the delegate paints it)."""
        got = self._lines.get(text)
        if got is None:
            if "\n" in text or "\t" in text or "\u2028" in text:
                return None
            ascent, height = self._ascii if text.isascii() else self._line_of_chars(text)
            if len(self._lines) >= _TEXTS_KEPT:
                self._lines.clear()
                self._elided.clear()
            # (the style compares the line's width without its trailing spaces)
            width = self._widths.horizontalAdvance(text.rstrip())
            got = self._lines[text] = (width, ascent, height)
        return got

    def placed(self, text: str, room: int, mode: Qt.TextElideMode
               ) -> tuple[str, float, int] | None:
        """(the text shown in ``room`` pixels -- elided if wider --, its line's ascent,
        the line's height); None for a text on several lines (:meth:`line`)."""
        line = self.line(text)
        if line is None:
            return None
        width, ascent, height = line
        return (self.elided(text, room, mode) if width > room else text), ascent, height

    def elided(self, text: str, width: int, mode: Qt.TextElideMode) -> str:
        key = (text, width)
        got = self._elided.get(key)
        if got is None:
            if len(self._elided) >= _TEXTS_KEPT:  # (a column dragged through many widths)
                self._elided.clear()
            got = self._elided[key] = self.metrics.elidedText(text, mode, width)
        return got


class PaintedTableView(QTableView):
    """A ``QTableView`` whose plain cells are painted in one pass (module docstring)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._texts: _CellTexts | None = None
        self._spans = False
        #: (row, column) under the mouse, while the viewport has hover events (a style
        #: that highlights the hovered cell sets them): that cell goes to the delegate
        self._hover: tuple[int, int] | None = None
        # one line per cell: a text the width of a cell is elided on its line rather
        # than broken onto a second one the row's height would cut off
        self.setWordWrap(False)

    # -- hover: the cell the style highlights --------------------------------------------
    def viewportEvent(self, event: Any) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.HoverEnter, QEvent.Type.HoverMove):
            ix = self.indexAt(event.position().toPoint())
            self._hover = (ix.row(), ix.column()) if ix.isValid() else None
        elif kind in (QEvent.Type.HoverLeave, QEvent.Type.Leave):
            self._hover = None
        return super().viewportEvent(event)

    def setModel(self, model: Any) -> None:  # noqa: N802 - Qt's name
        # Qt forgets the cell under the mouse when the rows change under it (its index
        # is a persistent one): so does this view, until the mouse moves again
        old = self.model()
        if old is not None:
            for signal in (old.modelReset, old.layoutChanged, old.rowsRemoved):
                try:
                    signal.disconnect(self._forget_hover)
                except (RuntimeError, TypeError):
                    pass
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.layoutChanged, model.rowsRemoved):
                signal.connect(self._forget_hover)

    def _forget_hover(self, *_: Any) -> None:
        self._hover = None

    def setSpan(self, row: int, column: int, rows: int, columns: int) -> None:  # noqa: N802
        self._spans = True  # (any span: painted as QTableView paints them)
        super().setSpan(row, column, rows, columns)

    # -- painting -------------------------------------------------------------------------
    def _paints_itself(self) -> bool:
        """Whether the cells of this view and model are what :meth:`paintEvent` draws."""
        model = self.model()
        return (model is not None and hasattr(model, "painted_cells") and not self._spans
                and not self.isRightToLeft() and not self.wordWrap()
                and not self.verticalHeader().sectionsHidden()
                and self.dragDropMode() == QTableView.DragDropMode.NoDragDrop)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if not self._paints_itself():
            super().paintEvent(event)
            return
        cells = self._cells_in(event.region().boundingRect())
        if cells is None:
            return
        area, rows, columns = cells
        painter = QPainter(self.viewport())
        try:
            option = QStyleOptionViewItem()
            self.initViewItemOption(option)
            special = self._special_cells(rows, columns)
            special |= self._paint_plain_cells(painter, option, rows, columns, special)
            if special:
                self._paint_by_delegate(painter, option, special, rows, columns)
            if self.showGrid():
                self._paint_grid(painter, option, area, rows, columns)
        finally:
            painter.end()

    def _cells_in(self, area: QRect) -> tuple[QRect, list[tuple[int, int, int]],
                                              list[tuple[int, int, int]]] | None:
        """The cells a paint of ``area`` of the viewport draws: the area bounded as
        ``QTableView`` bounds it (to the last row and column), its rows and its columns
        as (index, position, size), each cell one pixel short of the next row and column
        when the grid is drawn.  None: no cell."""
        hh, vh = self.horizontalHeader(), self.verticalHeader()
        if hh.count() == 0 or vh.count() == 0:
            return None
        area = QRect(area)
        area.setBottom(min(area.bottom(), vh.length() - vh.offset() - 1))
        area.setRight(min(area.right(), hh.length() - hh.offset() - 1))
        if not area.isValid():
            return None
        top = vh.visualIndexAt(area.top())
        bottom = vh.visualIndexAt(area.bottom())
        bottom = vh.count() - 1 if bottom < 0 else bottom
        left = max(0, hh.visualIndexAt(area.left()))
        right = hh.visualIndexAt(area.right())
        right = hh.count() - 1 if right < 0 else right
        if top < 0 or top > bottom:
            return None
        grid = 1 if self.showGrid() else 0
        columns = [(c, hh.sectionViewportPosition(c), hh.sectionSize(c) - grid)
                   for c in (hh.logicalIndex(v) for v in range(left, right + 1))
                   if not hh.isSectionHidden(c)]
        # (rows are not moved or hidden when this view paints: visual = logical)
        rows = [(r, vh.sectionViewportPosition(r), vh.sectionSize(r) - grid)
                for r in range(top, bottom + 1)]
        return area, rows, columns

    # -- a paint put off: the texts laid out in one turn, painted in the next ----------
    def paint_later(self, measure_first: bool = True) -> None:
        """Put the viewport's next paint off to a later turn of the event loop, with its
        texts laid out in a turn before it (``measure_first``; else the caller has, with
        :meth:`measure_shown`).  Laying out a text not painted before -- its width, its
        characters' fonts -- is ~40% of a paint of new rows (~2-3 of 7-8 ms for ~280
        cells): a table that arrives, or scrolls to a row far away, is painted in turns of
        a few ms each rather than one of ~8 (bench/README.md, issue 17, session 31)."""
        paint_after(self.viewport(), self.measure_shown if measure_first else None)

    def measure_shown(self) -> None:
        """Lay out the texts of the plain cells on screen as a paint would, without
        painting: the next paint finds them laid out."""
        if not self._paints_itself():
            return
        cells = self._cells_in(self.viewport().rect())
        if cells is None:
            return
        _area, rows, columns = cells
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        texts_of = self._texts_for(option.font)
        margin = self._text_margin()
        model: Any = self.model()
        first, last = rows[0][0], rows[-1][0]
        for column, _x, width in columns:
            for text in model.painted_cells(first, last, column)[0]:
                if text:
                    texts_of.placed(text, width - 2 * margin, option.textElideMode)

    def _text_margin(self) -> int:
        # the style insets the text by its focus frame's margin and one pixel
        return self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None,
                                        self) + 1

    def _paint_plain_cells(self, painter: QPainter, option: QStyleOptionViewItem,
                           rows: list[tuple[int, int, int]],
                           columns: list[tuple[int, int, int]],
                           special: set[tuple[int, int]]) -> set[tuple[int, int]]:
        """The cells not in ``special``, as the delegate paints a plain one: their text.
        Returns the cells found to need the delegate after all (text on several lines)."""
        more: set[tuple[int, int]] = set()
        model: Any = self.model()  # (a PaintedCells model: _paints_itself)
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        if enabled and not (option.state & QStyle.StateFlag.State_Active):
            group = QPalette.ColorGroup.Inactive
        text_colour = option.palette.color(group, QPalette.ColorRole.Text)
        margin = self._text_margin()
        texts_of = self._texts_for(option.font)
        painter.setFont(texts_of.font)
        elide = option.textElideMode
        first, last = rows[0][0], rows[-1][0]
        if self.alternatingRowColors():
            self._paint_alternate_rows(painter, option, rows, columns, special)
        for column, x, width in columns:
            texts, brush = model.painted_cells(first, last, column)
            painter.setPen(QPen(brush.color() if isinstance(brush, QBrush) else text_colour))
            room = width - 2 * margin
            for (row, y, height), text in zip(rows, texts, strict=False):
                if not text or (row, column) in special or (row, -1) in special:
                    continue
                placed = texts_of.placed(text, room, elide)
                if placed is None:
                    more.add((row, column))
                    continue
                shown, ascent, line_height = placed
                # the line centred by whole pixels, its baseline an ascent below its top
                painter.drawText(QPointF(x + margin, y + (height - line_height) // 2 + ascent),
                                 shown)
        return more

    def _paint_alternate_rows(self, painter: QPainter, option: QStyleOptionViewItem,
                              rows: list[tuple[int, int, int]],
                              columns: list[tuple[int, int, int]],
                              special: set[tuple[int, int]]) -> None:
        """The alternate rows' background under their plain cells, as ``QTableView``
        has the style draw it (its row panel, cell by cell, on every other row)."""
        alternate = QStyleOptionViewItem(option)
        alternate.features |= QStyleOptionViewItem.ViewItemFeature.Alternate
        style, panel = self.style(), QStyle.PrimitiveElement.PE_PanelItemViewRow
        for row, y, height in rows:
            if not row & 1 or (row, -1) in special:
                continue
            for column, x, width in columns:
                if (row, column) not in special:
                    alternate.rect = QRect(x, y, width, height)
                    style.drawPrimitive(panel, alternate, painter, self)

    def _texts_for(self, font: QFont) -> _CellTexts:
        texts = self._texts
        if texts is None or texts.font != font:  # (another font: other measures)
            texts = self._texts = _CellTexts(font)
        return texts

    def _special_cells(self, rows: list[tuple[int, int, int]],
                       columns: list[tuple[int, int, int]]) -> set[tuple[int, int]]:
        """The cells among these the delegate paints; (row, -1): the whole row."""
        out: set[tuple[int, int]] = set()
        sm = self.selectionModel()
        root = self.rootIndex()
        if sm is not None and sm.hasSelection():
            model = self.model()
            for row, _y, _h in rows:
                if sm.isRowSelected(row, root):
                    out.add((row, -1))
                elif sm.rowIntersectsSelection(row, root):
                    out.update((row, c) for c, _x, _w in columns
                               if sm.isSelected(model.index(row, c, root)))
        current = self.currentIndex()
        if current.isValid() and (self.hasFocus() or self.viewport().hasFocus()):
            out.add((current.row(), current.column()))
        if self._hover is not None:
            out.add(self._hover)
        return out

    def _paint_by_delegate(self, painter: QPainter, option: QStyleOptionViewItem,
                           special: set[tuple[int, int]], rows: list[tuple[int, int, int]],
                           columns: list[tuple[int, int, int]]) -> None:
        """These cells as ``QTableView`` paints a cell (its ``drawCell``)."""
        model, sm, root = self.model(), self.selectionModel(), self.rootIndex()
        current = self.currentIndex()
        focus = current.isValid() and (self.hasFocus() or self.viewport().hasFocus())
        style = self.style()
        alternate = self.alternatingRowColors()
        for row, y, height in rows:
            whole = (row, -1) in special
            for column, x, width in columns:
                if not whole and (row, column) not in special:
                    continue
                index = model.index(row, column, root)
                if not index.isValid():
                    continue
                opt = QStyleOptionViewItem(option)
                opt.rect = QRect(x, y, width, height)
                if alternate and row & 1:
                    opt.features |= QStyleOptionViewItem.ViewItemFeature.Alternate
                if sm is not None and sm.isSelected(index):
                    opt.state |= QStyle.StateFlag.State_Selected
                if self._hover == (row, column):
                    opt.state |= QStyle.StateFlag.State_MouseOver
                if opt.state & QStyle.StateFlag.State_Enabled:
                    if model.flags(index) & Qt.ItemFlag.ItemIsEnabled:
                        opt.palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)
                    else:
                        opt.state &= ~QStyle.StateFlag.State_Enabled
                        opt.palette.setCurrentColorGroup(QPalette.ColorGroup.Disabled)
                if focus and index == current:
                    opt.state |= QStyle.StateFlag.State_HasFocus
                style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewRow, opt,
                                    painter, self)
                self.itemDelegateForIndex(index).paint(painter, opt, index)

    def _paint_grid(self, painter: QPainter, option: QStyleOptionViewItem, area: QRect,
                    rows: list[tuple[int, int, int]],
                    columns: list[tuple[int, int, int]]) -> None:
        """The grid as ``QTableView`` draws it: a line under each row and right of each
        column, across the area painted, in the style's colour."""
        rgba = self.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, self)
        painter.setPen(QPen(QColor.fromRgba(rgba & 0xFFFFFFFF), 1, self.gridStyle()))
        for _row, y, height in rows:
            painter.drawLine(area.left(), y + height, area.right(), y + height)
        for _column, x, width in columns:
            painter.drawLine(x + width, area.top(), x + width, area.bottom())
