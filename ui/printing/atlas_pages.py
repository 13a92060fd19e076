"""The atlas (图集): a cover, an index giving each feature's page, then one page per
feature — its map centred on it with the others veiled, and its facts beside the map.

Pages are drawn one after another straight into the PDF writer, which streams each
finished page to the file; nothing of a page is kept once it is written, so memory stays
flat whatever the page count.  ``progress`` is called after every page and ``cancelled``
before each one: a cancelled atlas removes its partial file and raises :class:`Cancelled`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from geodata import files
from geodata.messages import Message
from layers.atlas import COVERAGE_NAMES, COVERAGES, AtlasFeature, atlas_features, feature_facts
from layers.print_geometry import frame_view
from models.print_layout import PAPERS, LayoutError
from ui.printing import page_items as pi
from ui.printing.export import page_pixels, pdf_writer
from ui.printing.facts_paint import layout_facts, paint_facts
from ui.printing.layout_page import MARGIN_MM, PageContext
from ui.printing.map_paint import MapPaint, _path
from ui.reports.qt_app import ensure_app


class Cancelled(Exception):
    """The user stopped the atlas; nothing was left behind."""


@dataclass
class AtlasSpec:
    by: str = "unit"
    filter: str = ""
    paper: str = "A4"
    orientation: str = "landscape"
    dpi: int = 300
    title: str = ""
    split: bool = False  # one PDF per feature instead of one atlas
    margin: float = 0.12

    def validate(self) -> AtlasSpec:
        if self.by not in COVERAGES:
            raise LayoutError(Message(f"--by “{self.by}” 未知，可选 {', '.join(COVERAGES)}",
                                      f"--by '{self.by}' is unknown; choose "
                                      f"{', '.join(COVERAGES)}"))
        if self.paper not in PAPERS:
            raise LayoutError(Message(f"未知纸张“{self.paper}”，可选 {'、'.join(PAPERS)}",
                                      f"unknown paper '{self.paper}'; choose "
                                      f"{', '.join(PAPERS)}"))
        return self


def atlas_title(ctx: PageContext, spec: AtlasSpec) -> str:
    if spec.title.strip():
        return spec.title.strip()
    city = ctx.model.get("city")
    zh = en = ""
    if city is not None and len(city):
        zh = str(city.frame["name_zh"].iloc[0])
        en = str(city.frame["name_en"].iloc[0]) if "name_en" in city.frame.columns else ""
    cov = COVERAGE_NAMES[spec.by]
    return Message(f"{zh}{cov.zh}图集", f"{en + ' ' if en else ''}atlas of "
                   f"{cov.en.lower()}").text(ctx.lang)


def index_rows_per_page(h_px: float, u: pi.Units) -> int:
    return max(5, int((h_px - u.mm(2 * MARGIN_MM + 30)) // u.mm(5.2)))


class AtlasWriter:
    """Draws the pages of one atlas (or one file per feature)."""

    def __init__(self, ctx: PageContext, tables: dict[str, pd.DataFrame], spec: AtlasSpec,
                 features: list[AtlasFeature]) -> None:
        self.ctx, self.spec, self.features = ctx, spec, features
        self.tables = tables
        self.u = pi.Units(spec.dpi)
        self.title = atlas_title(ctx, spec)
        self.layer = ctx.model.get(COVERAGES[spec.by])
        w, h = PAPERS[spec.paper]
        if spec.orientation == "landscape":
            w, h = h, w
        self.h_px = h / 25.4 * spec.dpi
        self.rows = index_rows_per_page(self.h_px, self.u)
        self.n_index = 0 if spec.split else -(-len(features) // self.rows)
        self.first = 1 + 1 + self.n_index  # cover, index, then features
        self.total = len(features) + (0 if spec.split else 1 + self.n_index)
        self._foot_h: float | None = None
        self.cut: list[str] = []  # features whose facts did not all fit their page

    def page_of(self, i: int) -> int:
        return self.first + i if not self.spec.split else 1

    # -- frames ----------------------------------------------------------------------------
    def _frame(self, p: QPainter, w: float, h: float, title: str, subtitle: str,
               page: int, shown: dict[str, Any] | None = None) -> QRectF:
        """Header, footer and page number; returns the body rectangle."""
        u, ctx = self.u, self.ctx
        m = u.mm(MARGIN_MM)
        top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        pi.fitted_text(p, QRectF(m, m, w - 2 * m - u.mm(62), u.mm(8)), title, 13, 8.5,
                       True, int(top))
        pi.text_in(p, QRectF(w - m - u.mm(60), m, u.mm(60), u.mm(6)), self.title, 7.5, False,
                   pi.GREY, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop))
        if subtitle:
            pi.text_in(p, QRectF(m, m + u.mm(7.5), w - 2 * m, u.mm(5)), subtitle, 9, False,
                       pi.GREY, int(top))
        fh = self.foot_h(p, w)
        foot = QRectF(m, h - m - fh, w - 2 * m, fh)
        notice = ctx.notice_for(shown if shown is not None else {COVERAGES[self.spec.by]: 1})
        left = (ctx.source_for(shown or {COVERAGES[self.spec.by]: 1}) + "\n"
                + ctx.t("制图日期：", "Date: ") + ctx.date + " · CGCS2000 · EcoZone")
        number = ctx.t(f"第 {page} 页 / 共 {self.total} 页", f"Page {page} of {self.total}") \
            if page else ""
        pi.draw_footer(p, foot, left, number, notice, u)
        return QRectF(m, m + u.mm(14), w - 2 * m, h - 2 * m - u.mm(16) - fh)

    def foot_h(self, p: QPainter, w: float) -> float:
        """The footer's height, measured once for the longest source and notice."""
        if self._foot_h is None:
            ctx, m = self.ctx, self.u.mm(MARGIN_MM)
            every = {la.name: 1 for la in ctx.model.layers}
            left = ctx.source_for(every) + "\n" + ctx.t("制图日期：", "Date: ") + ctx.date
            self._foot_h = max(self.u.mm(8), pi.footer_height(
                p, w - 2 * m, left, ctx.notice_for(every), self.u, right=True))
        return self._foot_h

    # -- pages -----------------------------------------------------------------------------
    def cover(self, p: QPainter, w: float, h: float) -> None:
        u, ctx = self.u, self.ctx
        m = u.mm(MARGIN_MM)
        pi.text_in(p, QRectF(m, m + u.mm(8), w - 2 * m, u.mm(14)), self.title, 24, True,
                   pi.INK, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop))
        lines = [ctx.t(f"共 {len(self.features)} 个要素", f"{len(self.features)} features")]
        if self.spec.filter:
            lines.append(ctx.t("筛选条件：", "Filter: ") + self.spec.filter)
        lines.append(ctx.t("制图日期：", "Date: ") + ctx.date)
        pi.text_in(p, QRectF(m, m + u.mm(23), w - 2 * m, u.mm(16)), "\n".join(lines), 10.5,
                   False, pi.GREY, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop))
        frame = QRectF(m + u.mm(25), m + u.mm(42), w - 2 * m - u.mm(50),
                       h - 2 * m - u.mm(52) - self.foot_h(p, w))
        rows = np.array([f.index for f in self.features], dtype=np.int64)
        shown: dict[str, Any] = {COVERAGES[self.spec.by]: 1}
        if self.layer is not None and len(rows):
            ext = self._extent(rows)
            view = frame_view(ext, int(frame.width()), int(frame.height()), self.spec.dpi,
                              margin=0.05)
            mp = MapPaint(view, self.spec.dpi, ctx.lang, labels=True)
            shown = pi.draw_map_frame(p, frame, ctx.model, mp, u, True)
            self._outline(p, frame, mp, rows)
            pi.draw_scale(p, QRectF(frame.left() + u.mm(3), frame.bottom() - u.mm(17),
                                    u.mm(50), u.mm(15)), view, self.spec.dpi, u, ctx.lang,
                          boxed=True)
            pi.draw_north(p, QRectF(frame.right() - u.mm(16), frame.top() + u.mm(2), u.mm(14),
                                    u.mm(18)), ctx.lang, u)
        fh = self.foot_h(p, w)
        pi.draw_footer(p, QRectF(m, h - m - fh, w - 2 * m, fh), ctx.source_for(shown), "",
                       ctx.notice_for(shown), u)

    def _extent(self, rows: np.ndarray) -> tuple[float, float, float, float]:
        assert self.layer is not None
        if self.layer.is_points:
            xs, ys = self.layer.anchors()
            xs, ys = xs[rows], ys[rows]
            return float(xs.min()) - 500, float(ys.min()) - 500, float(xs.max()) + 500, \
                float(ys.max()) + 500
        import shapely

        b = shapely.total_bounds(self.layer.merc[rows])
        return float(b[0]), float(b[1]), float(b[2]), float(b[3])

    def _outline(self, p: QPainter, frame: QRectF, mp: MapPaint, rows: np.ndarray) -> None:
        """The atlas's features outlined on the cover map."""
        assert self.layer is not None
        if self.layer.is_points:
            return
        from layers.mercator import lod_level

        mask = np.zeros(len(self.layer), dtype=bool)
        mask[rows] = True
        rings = self.layer.lod.rings(lod_level(mp.view.res), mask)
        if rings.n_rings == 0:
            return
        sx, sy = mp.view.to_screen(rings.xy[:, 0], rings.xy[:, 1])
        path: QPainterPath = _path(sx, sy, rings.connect())
        p.save()
        p.translate(frame.topLeft())
        p.setClipRect(QRectF(0, 0, frame.width(), frame.height()))
        p.strokePath(path, QPen(QColor(20, 20, 120), 1.4 * mp.k))
        p.restore()

    def index(self, p: QPainter, w: float, h: float, part: int) -> None:
        u, ctx = self.u, self.ctx
        body = self._frame(p, w, h, ctx.t("目录", "Index"), self.title, 2 + part)
        row_h = u.mm(5.2)
        cols = (0.0, 0.07, 0.78, 0.92)
        heads = (ctx.t("序号", "No."), ctx.t("要素", "Feature"), ctx.t("类别", "Class"),
                 ctx.t("页码", "Page"))
        y = body.top() + u.mm(2)
        for c, t in zip(cols, heads, strict=True):
            pi.text_in(p, QRectF(body.left() + c * body.width(), y, body.width() * 0.7, row_h),
                       t, 8.5, True)
        y += row_h
        p.setPen(QPen(pi.GREY, u.pt(0.5)))
        p.drawLine(body.left(), y, body.right(), y)
        start = part * self.rows
        for i in range(start, min(start + self.rows, len(self.features))):
            f = self.features[i]
            if (i - start) % 2 == 1:
                p.fillRect(QRectF(body.left(), y, body.width(), row_h), QColor(244, 246, 248))
            vals = (str(i + 1), f.title, f.subtitle, str(self.page_of(i)))
            for n, (c, t) in enumerate(zip(cols, vals, strict=True)):
                right = cols[n + 1] if n + 1 < len(cols) else 1.0
                pi.text_in(p, QRectF(body.left() + c * body.width(), y,
                                     (right - c) * body.width() - u.mm(1.5), row_h), t, 8)
            y += row_h

    def feature(self, p: QPainter, w: float, h: float, i: int) -> None:
        u, ctx, f = self.u, self.ctx, self.features[i]
        assert self.layer is not None
        cov = COVERAGE_NAMES[self.spec.by].text(ctx.lang)
        sub = " · ".join(s for s in (cov, f.subtitle) if s)
        landscape = w >= h
        # the map first (its layers decide the notice), then header and footer over it
        body = QRectF(u.mm(MARGIN_MM), u.mm(MARGIN_MM + 14), w - u.mm(2 * MARGIN_MM),
                      h - u.mm(2 * MARGIN_MM + 16) - self.foot_h(p, w))
        gut = u.mm(5.5)
        leg_h = u.mm(24)
        if landscape:
            mw = body.width() * 0.5
            frame = QRectF(body.left() + gut, body.top() + gut, mw - 2 * gut,
                           body.height() - 2 * gut - leg_h)
            facts = QRectF(body.left() + mw + u.mm(3), body.top(), body.width() - mw - u.mm(3),
                           body.height())
        else:
            mh = body.height() * 0.52
            frame = QRectF(body.left() + gut, body.top() + gut, body.width() - 2 * gut,
                           mh - 2 * gut - leg_h)
            facts = QRectF(body.left(), body.top() + mh + u.mm(2), body.width(),
                           body.height() - mh - u.mm(2))
        geom = self.layer.merc_geometry(f.index)
        x0, y0, x1, y1 = self.layer.feature_extent(f.index)
        if x1 - x0 < 1 and y1 - y0 < 1:  # an outfall: 2 km around it
            x0, y0, x1, y1 = x0 - 1000, y0 - 1000, x1 + 1000, y1 + 1000
        view = frame_view((x0, y0, x1, y1), int(frame.width()), int(frame.height()),
                          self.spec.dpi, margin=self.spec.margin)
        mp = MapPaint(view, self.spec.dpi, ctx.lang)
        shown = pi.draw_map_frame(p, frame, ctx.model, mp, u, True, fade=geom)
        pi.draw_scale(p, QRectF(frame.left() + u.mm(2), frame.bottom() - u.mm(15), u.mm(44),
                                u.mm(13.5)), view, self.spec.dpi, u, ctx.lang, boxed=True)
        pi.draw_north(p, QRectF(frame.right() - u.mm(13), frame.top() + u.mm(1.5), u.mm(11),
                                u.mm(15)), ctx.lang, u)
        ov = QRectF(frame.left() + u.mm(1.5), frame.top() + u.mm(1.5), u.mm(34), u.mm(25))
        pi.draw_overview(p, ov, ctx.model, view, self.spec.dpi, ctx.lang, u, cached=True)
        items = pi.legend_items(ctx.model, shown, ctx.lang)
        leg = QRectF(frame.left() - gut, frame.bottom() + gut + u.mm(1), frame.width() + 2 * gut,
                     leg_h - u.mm(1))
        cols = max(3, min(6, int(leg.width() // u.mm(32))))
        while cols < 8 and pi.legend_height(items, cols, u, 5.5) > leg.height():
            cols += 1
        pi.draw_legend(p, leg, items, ctx.lang, u, cols, 5.5)
        half = (facts.width() - u.mm(5)) / 2
        cols = [QRectF(facts.left(), facts.top(), half, facts.height()),
                QRectF(facts.right() - half, facts.top(), half, facts.height())]
        laid = layout_facts(p, cols, feature_facts(ctx.model, self.tables, self.spec.by,
                                                   f.index, ctx.lang), u)
        if not laid[2]:  # a long list: fewer items, "and N more"
            laid = layout_facts(p, cols, feature_facts(ctx.model, self.tables, self.spec.by,
                                                       f.index, ctx.lang, max_items=10), u)
        paint_facts(p, cols, laid, u)
        if not laid[2]:
            self.cut.append(f.key)
        self._frame(p, w, h, f.title, sub, self.page_of(i) if not self.spec.split else 0,
                    shown)


def safe_name(key: str) -> str:
    """A feature key as a file name (Windows forbids <>:"/\\|?*)."""
    return re.sub(r'[<>:"/\\|?*\s]+', "_", key).strip("._") or "feature"


def run_atlas(ctx: PageContext, tables: dict[str, pd.DataFrame], spec: AtlasSpec,
              out: Path | str, progress: Callable[[int, int, str], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Write the atlas; returns pages, out, time_s (and files when split)."""
    ensure_app()
    spec.validate()
    t0 = time.perf_counter()
    out = Path(out)
    if not spec.split and out.suffix.lower() != ".pdf":
        raise LayoutError(Message(f"{out.name}：图集输出须为 .pdf（或用 --split 按要素分文件）",
                                  f"{out.name}: the atlas is written to a .pdf (or use --split "
                                  "for one file per feature)"))
    features = atlas_features(ctx.model, spec.by, spec.filter, ctx.lang)
    if not features:
        raise LayoutError(Message(f"筛选“{spec.filter}”没有选中任何要素",
                                  f"the filter '{spec.filter}' selects no feature"))
    aw = AtlasWriter(ctx, tables, spec, features)
    stop = cancelled or (lambda: False)
    files: list[str] = []
    if spec.split:
        out.mkdir(parents=True, exist_ok=True)
        for i, f in enumerate(features):
            if stop():
                raise Cancelled()
            target = out / f"{safe_name(f.key)}.pdf"
            _write(target, spec, f.title, lambda p, w, h, i=i: aw.feature(p, w, h, i))
            files.append(str(target))
            if progress:
                progress(i + 1, len(features), f.key)
        pages = len(features)
    else:
        pages = _write_atlas(aw, out, progress, stop)
    res: dict[str, Any] = {"pages": pages, "features": len(features),
                           "index_pages": aw.n_index, "out": str(out), "by": spec.by,
                           "filter": spec.filter, "paper": spec.paper,
                           "orientation": spec.orientation,
                           "facts_cut": aw.cut, "time_s": round(time.perf_counter() - t0, 3)}
    if files:
        res["files"] = files
    return res


def _write(target: Path, spec: AtlasSpec, title: str,
           draw: Callable[[QPainter, float, float], None]) -> None:
    tmp = target.with_name(target.name + ".part")
    writer = pdf_writer(tmp, spec.paper, spec.orientation, spec.dpi, title)
    p = QPainter(writer)
    try:
        w, h = page_pixels(writer)
        draw(p, w, h)
    finally:
        p.end()
    del writer  # closed before the move: Windows refuses to move an open file
    files.finish(tmp, target)


def _write_atlas(aw: AtlasWriter, out: Path, progress: Callable[[int, int, str], None] | None,
                 stop: Callable[[], bool]) -> int:
    tmp = out.with_name(out.name + ".part")
    writer = pdf_writer(tmp, aw.spec.paper, aw.spec.orientation, aw.spec.dpi, aw.title)
    p = QPainter(writer)
    done = False
    try:
        w, h = page_pixels(writer)
        aw.cover(p, w, h)
        pages = 1
        for part in range(aw.n_index):
            writer.newPage()
            aw.index(p, w, h, part)
            pages += 1
        for i, f in enumerate(aw.features):
            if stop():
                raise Cancelled()
            writer.newPage()
            aw.feature(p, w, h, i)
            pages += 1
            if progress:
                progress(i + 1, len(aw.features), f.key)
            time.sleep(0)  # let a waiting GUI thread have the GIL between pages
        done = True
    finally:
        p.end()
        del writer
        if done:
            files.finish(tmp, out)
        elif tmp.exists():
            tmp.unlink()
    return pages
