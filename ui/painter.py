"""Paint prepared layer data into QImages: one path per category, symbols from an atlas.

Everything here runs in render worker threads (QImage and QPainter are safe off the GUI
thread; the symbol atlas QPixmap is built on the GUI thread and only read here).  Polygons
and lines of one category become a single QPainterPath built straight from numpy arrays
(pyqtgraph's ``arrayToQPath`` writes the path's binary form in one go), so a layer of
5 000 units is a handful of draw calls, not 5 000.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)

from layers.render_data import Labels, RenderData, Rings
from layers.style import RGBA, Category, LayerStyle
from layers.viewport import Viewport
from ui.qt_arrays import PixmapFragments, path_from_arrays

FONT_FAMILIES = ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC",
                 "WenQuanYi Micro Hei", "SimHei", "sans-serif"]


YIELD_EVERY_S = 0.002
_last_yield = threading.local()


def yield_gil() -> None:
    """Hand the GIL to a waiting thread (the GUI) between two Qt draw calls.

    PySide6 keeps the GIL inside every Qt call; sleeping 0 s releases it, so the GUI thread
    waits at most one short draw call, not a whole switch interval on top.  But sleep(0) is
    a system call that also yields the core: on a busy machine each cost ~0.25 ms, and a
    full render made ~400 of them (~100 ms).  So yield at most every 2 ms of drawing -- well
    inside a 16 ms frame.
    """
    now = time.perf_counter()
    if now - getattr(_last_yield, "t", 0.0) >= YIELD_EVERY_S:
        time.sleep(0)
        _last_yield.t = time.perf_counter()


def qcolor(rgba: RGBA) -> QColor:
    return QColor(rgba[0], rgba[1], rgba[2], rgba[3])


def map_font(size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


class ImagePool:
    """Full-size ARGB images recycled between renders.

    A 1600x1000 ARGB image is 6.4 MB: when the allocator hands back fresh pages, making
    one costs 3-6 ms on the 2-core machine (page faults); filling a recycled one costs
    ~0.3 ms.  (In a steady stream of renders the C allocator mostly reuses freed blocks
    itself, so the measured gain is small; the pool makes it so on every platform.)
    An image is handed out again only when nothing but the
    pool refers to it (the CPython reference count): a cached layer image, the composite
    the canvas shows and the parts a queued composite will draw all hold references, so
    none of them is ever overwritten.  A copy Qt shares implicitly (a QPixmap made from
    it) is detached by ``fill``, so it keeps its pixels too.  At most ``size`` images are
    kept; images of another size are let go when a new one is needed.
    """

    def __init__(self, size: int = 10) -> None:
        self.size = size
        self._images: list[QImage] = []
        #: ids of the images made by make() and not handed out since (all transparent);
        #: only of images in ``_images``, which keeps them alive (an id is not reused)
        self._clean: set[int] = set()
        self._lock = threading.Lock()

    def _free(self, i: int) -> bool:
        # referenced by the list and by getrefcount's argument only
        return sys.getrefcount(self._images[i]) <= 2

    def get(self, width: int, height: int, clear: bool = True) -> QImage:
        """A transparent premultiplied ARGB image of that size (recycled when one is free;
        with ``clear`` False its pixels are undefined: for a caller that overwrites all)."""
        with self._lock:
            imgs = self._images
            found = None
            for i in range(len(imgs)):
                if imgs[i].width() == width and imgs[i].height() == height and self._free(i):
                    found = imgs[i]
                    break
            if found is None:
                self._images = [imgs[i] for i in range(len(imgs))
                                if not self._free(i) or (imgs[i].width() == width
                                                         and imgs[i].height() == height)]
                self._clean &= {id(img) for img in self._images}
                found = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
                if len(self._images) < self.size:
                    self._images.append(found)
            clean = id(found) in self._clean
            self._clean.discard(id(found))
        if clear and not clean:
            found.fill(Qt.GlobalColor.transparent)
        return found

    def free(self, width: int, height: int) -> int:
        """How many images of that size the pool could hand out now."""
        with self._lock:
            imgs = self._images
            return sum(1 for i in range(len(imgs)) if imgs[i].width() == width
                       and imgs[i].height() == height and self._free(i))

    def make(self, width: int, height: int) -> bool:
        """Make one more free image of that size, its memory written once (False: the
        pool is full).

        For the renderer's geometry thread, ahead of the render thread: in a fresh process
        the render thread then takes images whose pages are in, instead of faulting
        6.4 MB in itself (~3 ms an image on the 2-core machine).  numpy writes the pages
        and lets go of the GIL meanwhile, so the painting goes on."""
        with self._lock:
            if len(self._images) >= self.size:
                return False
        img = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        pixels(img)[...] = 0  # transparent, pages in
        with self._lock:
            if len(self._images) >= self.size:
                return False
            self._images.append(img)
            self._clean.add(id(img))
        return True

    def clear(self) -> None:
        with self._lock:
            self._images = []
            self._clean = set()


IMAGES = ImagePool()


def new_image(view: Viewport, clear: bool = True) -> QImage:
    """A transparent image the size of ``view`` (from the pool; see ImagePool.get)."""
    return IMAGES.get(view.width, view.height, clear)


def pixels(img: QImage, write: bool = True) -> np.ndarray:
    """The pixels of a 32-bit ``img`` as a (height, width) uint32 array over its memory
    (``write``: detached from any implicitly shared copy first, as ``QImage.bits`` does).
    numpy lets go of the GIL to copy or fill them; a QPainter blit holds it."""
    buf = img.bits() if write else img.constBits()
    return np.frombuffer(buf, np.uint32, count=img.width() * img.height()).reshape(
        img.height(), img.width())


# -- symbols ---------------------------------------------------------------------------
def draw_symbol(p: QPainter, cx: float, cy: float, size: float, shape: str, fill: QColor,
                stroke: QColor) -> None:
    r = size / 2.0
    p.setPen(QPen(stroke, 1.2))
    p.setBrush(QBrush(fill))
    if shape == "square":
        p.drawRect(QRectF(cx - r * 0.85, cy - r * 0.85, 1.7 * r, 1.7 * r))
    elif shape == "triangle":
        p.drawPolygon(QPolygonF([QPointF(cx, cy - r), QPointF(cx + r, cy + r * 0.8),
                                 QPointF(cx - r, cy + r * 0.8)]))
    elif shape == "diamond":
        p.drawPolygon(QPolygonF([QPointF(cx, cy - r), QPointF(cx + r, cy),
                                 QPointF(cx, cy + r), QPointF(cx - r, cy)]))
    elif shape == "cross":
        p.drawRect(QRectF(cx - r * 0.85, cy - r * 0.85, 1.7 * r, 1.7 * r))
        p.setPen(QPen(stroke, 1.6))
        k = r * 0.5
        p.drawLine(QPointF(cx - k, cy - k), QPointF(cx + k, cy + k))
        p.drawLine(QPointF(cx - k, cy + k), QPointF(cx + k, cy - k))
    else:
        p.drawEllipse(QPointF(cx, cy), r, r)


class SymbolAtlas:
    """One pixmap holding every (category, shape) symbol of a point layer."""

    def __init__(self, style: LayerStyle) -> None:
        self.cell = int(style.point_size + 4)
        cats = list(style.categories) or [Category("", "", "", (120, 120, 120, 255),
                                                    (255, 255, 255, 255))]
        cats.append(Category("", "", "", (120, 120, 120, 255), (255, 255, 255, 255)))
        shapes = list(style.shapes) or [Category("", "", "", shape="")]
        shapes.append(Category("", "", "", shape=""))
        self.ncat, self.nshape = len(cats), len(shapes)
        img = QImage(self.cell * self.nshape, self.cell * self.ncat,
                     QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for ci, c in enumerate(cats):
            for si, s in enumerate(shapes):
                shape = s.shape or c.shape
                draw_symbol(p, (si + 0.5) * self.cell, (ci + 0.5) * self.cell,
                            style.point_size, shape, qcolor(c.fill), qcolor(c.stroke))
        p.end()
        self.image = img
        self.pixmap = QPixmap.fromImage(img)

    def source(self, cat: int, shape: int) -> tuple[int, int]:
        ci = cat if cat >= 0 else self.ncat - 1
        si = shape if shape >= 0 else self.nshape - 1
        return si * self.cell, ci * self.cell


POINT_CHUNK = 3000


# -- layers ----------------------------------------------------------------------------
def _path(xs: np.ndarray, ys: np.ndarray, connect: np.ndarray) -> QPainterPath:
    path = path_from_arrays(xs, ys, connect)
    path.setFillRule(Qt.FillRule.WindingFill)
    return path


#: Height of the horizontal bands a layer is painted in.  PySide6 holds the GIL during a
#: QPainter call, so one fill covering the whole image would stall the GUI thread for tens
#: of milliseconds; band by band, no single call takes more than a few.
BAND_PX = 160


def bands(view: Viewport) -> list[QRectF]:
    return [QRectF(0, top, view.width, min(BAND_PX, view.height - top))
            for top in range(0, view.height, BAND_PX)]


def paint_layer(img: QImage, data: RenderData, style: LayerStyle, view: Viewport,
                atlas: SymbolAtlas | None = None,
                pattern_origin: tuple[int, int] = (0, 0), blank: bool = False) -> None:
    """Draw one layer's prepared data into ``img`` (already sized to ``view``).

    ``pattern_origin``: the pixel of ``img`` where hatch patterns start.  A strip painted
    after a pan passes where the shifted image's patterns start, so they line up.
    ``blank``: nothing has been drawn into ``img`` yet (see :func:`_paint_rings`).
    """
    p = QPainter(img)
    try:
        if pattern_origin != (0, 0):
            p.setBrushOrigin(QPointF(*pattern_origin))
        if data.kind == "point":
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            _paint_points(p, data, view, atlas)
        else:
            _paint_rings(p, data, style, view, blank)
    finally:
        p.end()


STROKE_CHUNK = 600  # vertices per outline draw call
#: ... for pens wider than a pixel: Qt strokes those into an outline and rasterises it
#: antialiased over the piece's bounding box, so short pieces are much cheaper (the
#: 2.2 px city outline, ~1 100 vertices: 4.0 ms in pieces of 600, 1.8 ms in pieces of
#: 50; thin cosmetic lines have a fast path that prefers long pieces).
WIDE_STROKE_CHUNK = 64


def _stroke_paths(sx: np.ndarray, sy: np.ndarray, offsets: np.ndarray,
                  ch: int = STROKE_CHUNK) -> list[QPainterPath]:
    """The outlines as a few paths of about ``ch`` vertices, for short draw calls.

    A ring longer than that is cut at its own vertices ``ch``, 2 x ``ch`` …
    (the pieces share the vertex at the cut).  Qt starts a dash pattern afresh at every
    piece, so cutting where the ring itself says -- not where a view's concatenation of
    rings happens to reach a multiple -- draws a dashed outline the same in every view and
    in the strips painted after a pan.
    """
    lengths = np.diff(offsets)
    if len(lengths) == 0:
        return []
    npieces = np.maximum(1, -(-(lengths - 1) // ch))
    ring = np.repeat(np.arange(len(lengths)), npieces)
    j = np.arange(len(ring)) - np.repeat(np.cumsum(npieces) - npieces, npieces)
    start = offsets[:-1][ring] + j * ch
    end = np.minimum(start + ch, offsets[1:][ring] - 1)  # inclusive
    plen = end - start + 1
    po = np.concatenate([[0], np.cumsum(plen)])
    idx = np.repeat(start - po[:-1], plen) + np.arange(po[-1])
    connect = np.ones(len(idx), dtype=np.int32)
    connect[po[1:] - 1] = 0
    # draw calls: whole pieces, a new call once ~STROKE_CHUNK vertices are gathered
    group = po[:-1] // ch
    firsts = np.concatenate([[0], np.flatnonzero(np.diff(group)) + 1, [len(plen)]])
    out = []
    for a, b in zip(firsts[:-1], firsts[1:], strict=True):
        s, e = po[a], po[b]
        out.append(path_from_arrays(sx[idx[s:e]], sy[idx[s:e]], connect[s:e]))
    return out


def _band_paths(sx: np.ndarray, sy: np.ndarray, offsets: np.ndarray, view: Viewport,
                ) -> list[QPainterPath | None]:
    """For each band, one fill path of only the rings that reach into it.

    The rasterizer walks every edge of a path whatever the clip, so a band gets a path of
    its own rings, not the whole layer.
    """
    starts, ends = offsets[:-1], offsets[1:]
    ymin = np.minimum.reduceat(sy, starts) if len(sy) else np.zeros(0)
    ymax = np.maximum.reduceat(sy, starts) if len(sy) else np.zeros(0)
    xmin = np.minimum.reduceat(sx, starts) if len(sx) else np.zeros(0)
    xmax = np.maximum.reduceat(sx, starts) if len(sx) else np.zeros(0)
    on_screen = (xmax >= 0) & (xmin <= view.width)
    out: list[QPainterPath | None] = []
    lengths = ends - starts
    for band in bands(view):
        keep = on_screen & (ymax >= band.top()) & (ymin <= band.bottom())
        if not keep.any():
            out.append(None)
            continue
        ln, st = lengths[keep], starts[keep]
        new_off = np.concatenate([[0], np.cumsum(ln)])
        idx = np.repeat(st - new_off[:-1], ln) + np.arange(new_off[-1])
        c = np.ones(len(idx), dtype=np.int32)
        c[new_off[1:] - 1] = 0
        out.append(_path(sx[idx], sy[idx], c))
    return out


#: A layer with at most this many vertices in view is filled one path per category, not
#: band by band: its fills take a few milliseconds (1 000 units: 9 000 vertices, ~5 ms),
#: so each call stays short anyway, and 7 bands' paths cost more to build and rasterise
#: than one (the non-antialiased fill is the same pixels either way).
WHOLE_FILL_VERTICES = 20_000


#: Side of the screen tiles a big layer's features are grouped by when its fills set
#: pixels (``blank``): Qt's scanline fill sorts the edges that cross every scanline of a
#: path, so 5 000 units in one path per class cost 14 ms, in tiles of 200 px 5.5 ms (the
#: paths cost more to build: below WHOLE_FILL_VERTICES one path is cheaper overall).
FILL_TILE_PX = 200


def _gather_rings(sx: np.ndarray, sy: np.ndarray, offsets: np.ndarray,
                  rings: np.ndarray) -> QPainterPath:
    """One path of rings ``rings`` (indices into ``offsets``), in that order."""
    ln = offsets[1:][rings] - offsets[:-1][rings]
    new_off = np.concatenate([[0], np.cumsum(ln)])
    idx = np.repeat(offsets[:-1][rings] - new_off[:-1], ln) + np.arange(new_off[-1])
    c = np.ones(len(idx), dtype=np.int32)
    c[new_off[1:] - 1] = 0
    return _path(sx[idx], sy[idx], c)


def _tile_paths(sx: np.ndarray, sy: np.ndarray, rings: Rings) -> list[QPainterPath]:
    """Fill paths of the features grouped by the screen tile (FILL_TILE_PX) of their
    first vertex; a feature's rings (holes too) stay in one path.  Only for fills that
    set pixels: a pixel two features of one path would cover is covered by paths of two
    tiles, which blending would darken."""
    starts = rings.offsets[:-1]
    n = rings.n_rings
    # rings come grouped by feature (layers.lod): the first ring of each feature
    first = np.concatenate([[0], np.flatnonzero(np.diff(rings.feature)) + 1])
    t = FILL_TILE_PX
    tx = np.clip(sx[starts[first]] // t, -1, 1 << 15).astype(np.int64)
    ty = np.clip(sy[starts[first]] // t, -1, 1 << 15).astype(np.int64)
    tile = np.repeat((ty << 17) + tx, np.diff(np.concatenate([first, [n]])))
    order = np.argsort(tile, kind="stable")
    cuts = np.flatnonzero(np.diff(tile[order])) + 1
    return [_gather_rings(sx, sy, rings.offsets, grp) for grp in np.split(order, cuts)]


def _fill_paths(sx: np.ndarray, sy: np.ndarray, rings: Rings, view: Viewport,
                mode: str) -> list[QPainterPath | None]:
    """The fill paths of ``rings`` on screen: one (``whole``), one per band (``bands``,
    :func:`_band_paths`, filled under a clip) or one per tile (``tiles``)."""
    if mode == "bands":
        return _band_paths(sx, sy, rings.offsets, view)
    if mode == "tiles":
        return [*_tile_paths(sx, sy, rings)]
    return [_gather_rings(sx, sy, rings.offsets, np.arange(rings.n_rings))]


def _fill(p: QPainter, fills: list[tuple[list[QPainterPath | None], QBrush]],
          view: Viewport, banded: bool) -> None:
    """Fill the paths of :func:`_fill_paths` in order, band by band when banded."""
    if not banded:
        for paths, brush in fills:
            for path in paths:
                if path is not None:
                    p.fillPath(path, brush)
                    yield_gil()
        return
    for b, band in enumerate(bands(view)):
        p.setClipRect(band)
        for paths, brush in fills:
            if paths[b] is not None:
                p.fillPath(paths[b], brush)
                yield_gil()
    p.setClipping(False)


def _paint_rings(p: QPainter, data: RenderData, style: LayerStyle, view: Viewport,
                 blank: bool = False) -> None:
    cats = style.categories
    fills, strokes = [], []
    if sum(len(r.xy) for _, r in data.rings) <= WHOLE_FILL_VERTICES:
        mode = "whole"
    elif blank:  # a big layer whose fills set pixels: features grouped by screen tile
        mode = "tiles"
    else:  # blended fills of a big layer: one path per band, short calls
        mode = "bands"
    for ci, rings in data.rings:
        if rings.n_rings == 0:
            continue
        sx, sy = view.to_screen(rings.xy[:, 0], rings.xy[:, 1])
        cat = cats[ci] if 0 <= ci < len(cats) else None
        fill = cat.fill if cat else style.fill
        stroke = cat.stroke if cat and style.kind == "polygon" and style.categories else style.stroke
        if style.kind == "polygon" and fill[3] > 0:
            fills.append((_fill_paths(sx, sy, rings, view, mode), QBrush(qcolor(fill))))
        if stroke[3] > 0 and style.stroke_width > 0:
            pen = QPen(qcolor(stroke), style.stroke_width)
            pen.setCosmetic(True)
            if style.dash:
                pen.setStyle(Qt.PenStyle.DashLine)
            pen.setJoinStyle(Qt.PenJoinStyle.BevelJoin)
            chunk = WIDE_STROKE_CHUNK if style.stroke_width > 1.0 else STROKE_CHUNK
            strokes.append((_stroke_paths(sx, sy, rings.offsets, chunk), pen))
    # Fills without antialiasing (several times faster; the antialiased
    # outline drawn on top hides the edge); all fills before all outlines.
    if fills:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if blank:
            # Nothing beneath: a translucent colour drawn over transparent pixels is the
            # colour itself, so the fills *set* pixels instead of blending them (Qt's
            # solid span fill, ~2.5x faster: the 1 000 units' three classes 12 -> 5 ms).
            # Same pixels as blending, except where features of two categories overlap:
            # there the later category's colour replaces the mix -- so the caller asks
            # for it only with one category (one path, winding fill: its rings never
            # blended with each other) or for a partition (ui.render_worker.PARTITIONS).
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        _fill(p, fills, view, mode == "bands")
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    _paint_hatch(p, data, style, view)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for paths, pen in strokes:
        for path in paths:
            p.strokePath(path, pen)
            yield_gil()


def hatch_brush(color: RGBA, scale: float = 1.0) -> QBrush:
    """Diagonal lines every ~7 px (scaled for print) in ``color``."""
    brush = QBrush(qcolor(color), Qt.BrushStyle.BDiagPattern)
    if scale != 1.0:
        brush.setTransform(QTransform.fromScale(scale, scale))
    return brush


def _paint_hatch(p: QPainter, data: RenderData, style: LayerStyle, view: Viewport) -> None:
    for si, rings in data.hatch:
        if rings.n_rings == 0:
            continue
        sx, sy = view.to_screen(rings.xy[:, 0], rings.xy[:, 1])
        brush = hatch_brush(style.shapes[si].stroke)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        mode = "whole" if len(rings.xy) <= WHOLE_FILL_VERTICES else "bands"
        _fill(p, [(_fill_paths(sx, sy, rings, view, mode), brush)], view, mode == "bands")


def _paint_points(p: QPainter, data: RenderData, view: Viewport,
                  atlas: SymbolAtlas | None) -> None:
    if atlas is None:
        return

    for ci, si, xs, ys in data.points:
        sx, sy = view.to_screen(xs, ys)
        # one symbol per pixel is enough: 100k points over a city view collapse a lot
        key = np.round(sx).astype(np.int64) * 100003 + np.round(sy).astype(np.int64)
        _, first = np.unique(key, return_index=True)
        sx, sy = sx[first], sy[first]
        u, v = atlas.source(ci, si)
        # chunks keep each (GIL-holding) draw call short
        for start in range(0, len(sx), POINT_CHUNK):
            cx, cy = sx[start:start + POINT_CHUNK], sy[start:start + POINT_CHUNK]
            frags = PixmapFragments(len(cx))
            arr = frags.array
            arr[:, 0] = cx
            arr[:, 1] = cy
            arr[:, 2] = u
            arr[:, 3] = v
            arr[:, 4] = atlas.cell
            arr[:, 5] = atlas.cell
            arr[:, 6] = 1.0
            arr[:, 7] = 1.0
            arr[:, 8] = 0.0
            arr[:, 9] = 1.0
            frags.draw(p, atlas.pixmap)
            yield_gil()


# -- labels ----------------------------------------------------------------------------
class LabelPlacer:
    """Greedy collision-free placement on a grid of occupied screen cells."""

    CELL = 24

    def __init__(self, view: Viewport) -> None:
        self.view = view
        self.grid: dict[tuple[int, int], list[QRectF]] = {}

    def _cells(self, r: QRectF) -> list[tuple[int, int]]:
        c = self.CELL
        return [(i, j) for i in range(int(r.left() // c), int(r.right() // c) + 1)
                for j in range(int(r.top() // c), int(r.bottom() // c) + 1)]

    def try_place(self, r: QRectF) -> bool:
        if r.left() < 0 or r.top() < 0 or r.right() > self.view.width \
                or r.bottom() > self.view.height:
            return False
        cells = self._cells(r)
        for cell in cells:
            for other in self.grid.get(cell, ()):
                if other.intersects(r):
                    return False
        for cell in cells:
            self.grid.setdefault(cell, []).append(r)
        return True


#: The label halo: white, alpha 230, reaching 1.5 px beyond the glyphs (a 3-px stroke):
#: the glyph coverage dilated by the 3x3 block whole and the four pixels two away on the
#: axes by half (a disk of radius ~1.5 px).
HALO_ALPHA = 230


def _div255(x: np.ndarray) -> np.ndarray:
    """x / 255 rounded, for x <= 255 * 255: Qt's own ``BYTE_MUL`` rounding."""
    return (x + (x >> 8) + 128) >> 8


#: Width of a sheet of label sprites (:func:`label_sheet`), and the blank pixels between
#: two sprites on it: the halo looks two pixels out, so a sprite never sees another's
#: glyphs and is what it is on its own.
SHEET_WIDTH = 1024
SHEET_GAP = 2


def _sheet_layout(sizes: list[tuple[int, int]]) -> tuple[list[QRect], int, int]:
    """Rows of sprites left to right, SHEET_GAP apart: their rects, the sheet's size."""
    rects, x, y, row_h, width = [], 0, 0, 0, 0
    for w, h in sizes:
        if x > 0 and x + w > SHEET_WIDTH:
            x, y, row_h = 0, y + row_h + SHEET_GAP, 0
        rects.append(QRect(x, y, w, h))
        width = max(width, x + w)
        x, row_h = x + w + SHEET_GAP, max(row_h, h)
    return rects, width, y + row_h


def label_sheet(paths: list[QPainterPath], sizes: list[tuple[int, int]],
                colors: list[RGBA]) -> tuple[QImage, list[QRect]]:
    """Label sprites on one sheet: each ``paths[i]`` (laid out for a sprite of
    ``sizes[i]`` = (width, height) with its origin at the top left) in ``colors[i]`` over
    its white halo, premultiplied; the sheet and each sprite's rect on it.

    The glyphs are rasterised once, white into an ARGB image (its alpha is their coverage:
    the same rasteriser and pixels as filling the path into the label itself; an Alpha8
    mask costs three times as much in Qt's raster engine), each clipped to its sprite as
    in an image of its own.  The halo is that coverage widened with integer numpy, and the
    text is laid over it with Qt's source-over arithmetic (``BYTE_MUL``) in numpy, not
    rasterised a second time.  All the sprites a render lays out share one sheet, one
    painter and one pass of each numpy step: made one image each, a first render's ~45
    labels cost ~0.2 ms apiece, mostly the fixed cost of a small image, a painter and
    two dozen numpy calls.  The pixels are those of a sprite made alone.
    """
    rects, width, height = _sheet_layout(sizes)
    mask = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    mask.fill(Qt.GlobalColor.transparent)
    p = QPainter(mask)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    white = QBrush(QColor(255, 255, 255, 255))
    for path, r in zip(paths, rects, strict=True):
        # whole-pixel offsets: the same coverage as at the origin of an image of its own
        p.setTransform(QTransform.fromTranslate(r.x(), r.y()))
        p.setClipRect(QRect(0, 0, r.width(), r.height()))
        p.fillPath(path, white)
    p.end()
    cover = (np.frombuffer(mask.constBits(), dtype=np.uint32)
             .reshape(height, mask.bytesPerLine() // 4)[:, :width] >> 24)
    # The halo (HALO_ALPHA): the 3x3 maximum as a row then a column maximum, and the four
    # half-weight taps two pixels away on the axes.
    pad = np.zeros((height + 4, width + 4), dtype=np.uint32)
    pad[2:-2, 2:-2] = cover
    rows = np.maximum(np.maximum(pad[:, 1:-3], pad[:, 2:-2]), pad[:, 3:-1])
    full = np.maximum(np.maximum(rows[1:-3], rows[2:-2]), rows[3:-1])
    axial = np.maximum(np.maximum(pad[:-4, 2:-2], pad[4:, 2:-2]),
                       np.maximum(pad[2:-2, :-4], pad[2:-2, 4:]))
    # max(full, axial / 2), scaled to HALO_ALPHA and rounded half to even as before
    halo2 = np.maximum(2 * full, axial)  # twice the halo, exact in integers
    h = np.round(halo2 * (HALO_ALPHA / 510.0)).astype(np.uint32)  # every channel (white)
    # each sprite's colour, alpha and premultiplied channels, over its rect
    planes = np.zeros((4, height, width), dtype=np.uint32)
    for r, (cr, cg, cb, ca) in zip(rects, colors, strict=True):
        ca = int(ca)
        planes[:, r.y():r.y() + r.height(), r.x():r.x() + r.width()] = np.array(
            [ca] + [(int(v) * ca + 127) // 255 for v in (cr, cg, cb)], dtype=np.uint32
        )[:, None, None]
    # the text over it: source = premultiplied colour scaled by coverage, then
    # out = source + halo * (255 - source alpha) / 255, per channel
    src_a = _div255(planes[0] * cover)
    under = _div255(h * (255 - src_a))
    out = (src_a + under) << 24
    for shift, pv in ((16, planes[1]), (8, planes[2]), (0, planes[3])):
        out |= (_div255(pv * cover) + under) << shift
    img = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    pixels(img)[...] = out
    return img, rects


def label_sprite(path: QPainterPath, width: int, height: int, color: RGBA) -> QImage:
    """One label's sprite (:func:`label_sheet` of one: the sheet is the sprite)."""
    return label_sheet([path], [(width, height)], [color])[0]


class LabelSprites:
    """Each label drawn once (white halo, then the text as an antialiased path) into a
    sprite, then blitted on every later render.

    Laying text out as a path and stroking its halo cost ~0.4 ms a label, over half of a
    full render of the bundled map; a blit costs a few microseconds.  Keyed by text and
    style; bounded (cleared when full).  The sprites a render needs are made together, on
    one sheet (:func:`label_sheet`); a sprite is a rect of its sheet.  Shared by the render
    thread and exports, so the dictionary is guarded by a lock; the images themselves are
    never modified once made.
    """

    MAX = 3000
    PAD_X, PAD_Y = 3, 2  # room for the 3-px halo around the text box

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], tuple[QImage, QRect, float, float]] = {}
        self._sizes: dict[tuple[Any, ...], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def size(self, text: str, style: LayerStyle, fm: QFontMetricsF) -> tuple[float, float]:
        """(text width, text height): enough to try a label's places.  A sprite is made
        only for a label that is placed (at the city's full extent 45 of 64)."""
        key = (text, style.label_size, style.label_bold)
        with self._lock:
            hit = self._sizes.get(key)
        if hit is None:
            hit = (fm.horizontalAdvance(text), fm.height())
            with self._lock:
                if len(self._sizes) >= self.MAX:
                    self._sizes.clear()
                self._sizes[key] = hit
        return hit

    def get_many(self, wanted: list[tuple[str, LayerStyle, QFont, QFontMetricsF]],
                 ) -> list[tuple[QImage, QRect]]:
        """The sprite of each (text, style, font, metrics): (sheet, rect on it); the text
        box starts at (PAD_X, PAD_Y) of the rect.  The missing ones are made on one new
        sheet."""
        keys = [(text, st.label_size, st.label_bold, st.label_color)
                for text, st, _font, _fm in wanted]
        with self._lock:
            hits = [self._cache.get(k) for k in keys]
        todo: dict[tuple[Any, ...], int] = {}
        for i, hit in enumerate(hits):
            if hit is None and keys[i] not in todo:
                todo[keys[i]] = i
        if todo:
            paths, sizes, colors = [], [], []
            for i in todo.values():
                text, style, font, fm = wanted[i]
                w, h = self.size(text, style, fm)
                path = QPainterPath()
                path.addText(QPointF(self.PAD_X, self.PAD_Y + fm.ascent()), font, text)
                paths.append(path)
                sizes.append((int(w) + 2 * self.PAD_X + 1, int(h) + 2 * self.PAD_Y + 1))
                colors.append(style.label_color)
            sheet, rects = label_sheet(paths, sizes, colors)
            made = {}
            for (key, i), rect in zip(todo.items(), rects, strict=True):
                w, h = self.size(wanted[i][0], wanted[i][1], wanted[i][3])
                made[key] = (sheet, rect, w, h)
            with self._lock:
                if len(self._cache) + len(made) > self.MAX:
                    self._cache.clear()
                self._cache.update(made)
            hits = [hit if hit is not None else made[k] for hit, k in zip(hits, keys,
                                                                          strict=True)]
        return [(hit[0], hit[1]) for hit in hits if hit is not None]

    def get(self, text: str, style: LayerStyle, font: QFont, fm: QFontMetricsF,
            ) -> tuple[QImage, float, float]:
        """(sprite, text width, text height) of one label; the text box starts at
        (PAD_X, PAD_Y)."""
        sheet, rect = self.get_many([(text, style, font, fm)])[0]
        w, h = self.size(text, style, fm)
        whole = rect == QRect(0, 0, sheet.width(), sheet.height())
        return (sheet if whole else sheet.copy(rect)), w, h


LABEL_SPRITES = LabelSprites()


#: Labels placed in one view: (sheet, the sprite's rect on it, x, y), the sprite's top
#: left pixel at (x, y) of the view.
PlacedLabels = list[tuple[QImage, QRect, int, int]]


def place_labels(items: list[tuple[LayerStyle, Labels, bool]], view: Viewport,
                 ) -> PlacedLabels:
    """Place labels of several layers without collisions: the sprites and where they go.

    ``items`` are (style, labels, is_point_layer) in priority order.  A sprite is made (or
    taken from :data:`LABEL_SPRITES`) only for a label that is placed, all the new ones
    on one sheet.
    """
    placer = LabelPlacer(view)
    wanted: list[tuple[str, LayerStyle, QFont, QFontMetricsF]] = []
    where: list[tuple[int, int]] = []
    sprites = LABEL_SPRITES
    for style, labels, is_point in sorted(items, key=lambda t: t[0].label_priority):
        font = map_font(style.label_size, style.label_bold)
        fm = QFontMetricsF(font)
        sx, sy = view.to_screen(labels.x, labels.y)
        order = np.argsort(labels.rank, kind="stable")
        for i in order:
            text = labels.text[i]
            if not text:
                continue
            w, h = sprites.size(text, style, fm)
            if is_point:
                candidates = [(sx[i] + 6, sy[i] - h / 2), (sx[i] - 6 - w, sy[i] - h / 2),
                              (sx[i] - w / 2, sy[i] - h - 4), (sx[i] - w / 2, sy[i] + 4)]
            else:
                candidates = [(sx[i] - w / 2, sy[i] - h / 2)]
            for x, y in candidates:
                r = QRectF(x - 2, y - 1, w + 4, h + 2)
                if placer.try_place(r):
                    wanted.append((text, style, font, fm))
                    where.append((round(x) - sprites.PAD_X, round(y) - sprites.PAD_Y))
                    if len(wanted) % 16 == 0:
                        yield_gil()
                    break
    made = sprites.get_many(wanted) if wanted else []
    return [(sheet, rect, x, y) for (sheet, rect), (x, y) in zip(made, where, strict=True)]


def draw_labels(p: QPainter, placed: PlacedLabels, transform: tuple[float, float, float]
                | None = None) -> None:
    """Blit placed labels with ``p`` (on the view they were placed for, or -- while a
    fresh placement is on its way -- scaled and shifted by ``transform`` (s, dx, dy) to
    another view, as the old composite is)."""
    for n, (sheet, rect, x, y) in enumerate(placed, 1):
        if transform is None:
            p.drawImage(QPointF(x, y), sheet, QRectF(rect))
        else:
            s, dx, dy = transform
            p.drawImage(QRectF(dx + x * s, dy + y * s, rect.width() * s, rect.height() * s),
                        sheet, QRectF(rect))
        if n % 32 == 0:
            yield_gil()


def paint_labels(img: QImage, items: list[tuple[LayerStyle, Labels, bool]],
                 view: Viewport) -> int:
    """Draw labels of several layers without collisions into ``img``; returns how many
    were placed (:func:`place_labels`, :func:`draw_labels`)."""
    placed = place_labels(items, view)
    p = QPainter(img)
    try:
        draw_labels(p, placed)
    finally:
        p.end()
    return len(placed)
