"""Background rendering: layer images in a worker thread, cached, then composited.

QGIS's model: layers render to QImages in a worker thread (the window's one background
mechanism, :mod:`ui.background`); the GUI thread never waits.  Images are cached with the
viewport, layer versions and language they were made for, so an opacity change only
re-composites, and a pan or zoom shows the old composite moved at once until the fresh one
arrives.  Compositing also runs in a worker.

What a render costs is kept to what changed (issue 17):

- **Runs**: consecutive visible layers that are rarely edited and fully opaque (sea, land,
  coastline, rivers, counties, city; bays, protected areas, places) share one image, so
  a render clears and composites four images, not a dozen.  The layers the user edits
  (control units, outfalls), big point layers and any layer with an opacity keep their
  own.
  Switching a layer of a run on or off re-renders the run (a few ms to tens of ms).
- **Nothing in view, no image**: a run with no feature in the view caches "empty".
- **Images from a pool** (:class:`ui.painter.ImagePool`): full-size images are reused,
  not allocated afresh per layer and render.
- **Pan**: when a run's previous image was made for the same resolution, size and data
  and the view moved by whole pixels, the old image is shifted and only the uncovered
  strips are painted (a pan by a third of the width paints a third).
"""

from __future__ import annotations

import _thread
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter

from layers.map_layer import MapLayer, RenderData
from layers.map_model import MapModel
from layers.point_density import SYMBOLS_MIN, prepare_points
from layers.viewport import Viewport
from ui.background import Runner
from ui.paint_process import PaintProcesses, paint_processes
from ui.painter import (
    IMAGES,
    PlacedLabels,
    SymbolAtlas,
    bands,
    draw_labels,
    new_image,
    paint_layer,
    pixels,
    place_labels,
    yield_gil,
)
from ui.point_layer_paint import render_point_layer

LABELS = "__labels__"
RENDER_THREADS = 1
BASEMAP = "__basemap__"
#: Layers drawn into an image of their own: the ones users edit, so an edit re-renders
#: only them (point layers and layers with an opacity always get their own, too).
OWN_IMAGE = frozenset({"control_units", "outfalls"})
#: Layers whose features tile the area without overlapping (the 三线一单 control units are
#: a partition by definition; the data has only float slivers): drawn first into an empty
#: image, their translucent fills may set pixels instead of blending (ui.painter,
#: ``_paint_rings``), even across categories.
PARTITIONS = frozenset({"control_units"})
#: After this long idle (ms), the renderer has the hit-test index of the queryable polygon
#: layers built in the background (MapLayer.build_hit_index): drawing no longer makes it.
HIT_INDEX_IDLE_MS = 400
#: After this long idle (ms), the renderer starts the paint processes (ui.paint_process)
#: that are not running.  Not sooner: their start is ~1 s of CPU each (Python, Qt, numpy),
#: and started at the first map it took the cores from the window's first pan and zoom
#: (frames 3 -> 5.5-7.6 ms, 0 -> 2-5 event-loop gaps over 16 ms, even though the children
#: run below the window's priority and painted nothing).
PAINTERS_IDLE_MS = 2000
#: Layers the raster basemap replaces when it is on.
VECTOR_BASE = ("sea", "land")


@dataclass
class Rendered:
    """What a render job returns: the image, or None when nothing was in view, and
    where (Mercator x, y) its hatch patterns are anchored; the labels' job returns the
    placed label sprites instead of an image."""

    image: QImage | None
    anchor: tuple[float, float] | None = None
    labels: PlacedLabels | None = None


@dataclass
class CachedImage:
    image: QImage | None  # None: nothing of it is in this view
    view: Viewport
    key: tuple[Any, ...]
    anchor: tuple[float, float] | None = None  # see Rendered
    labels: PlacedLabels | None = None  # see Rendered


def shares_image(layer: MapLayer) -> bool:
    """Whether ``layer`` may be painted into one image with its neighbours.

    A point layer may when it is small (the places): with at most SYMBOLS_MIN points it is
    symbols in every view and in every strip painted after a pan, never density cells
    (whose choice and cells depend on the whole view), so it pans like the polygons.  A
    full-size image of its own for a few dozen symbols cost a cold render ~5 ms (cleared,
    faulted in, blended over the map)."""
    if layer.opacity < 1.0 or layer.name in OWN_IMAGE:
        return False
    return layer.style.kind != "point" or len(layer) <= SYMBOLS_MIN


def own_point_image(run: list[MapLayer]) -> bool:
    """Whether ``run`` is one point layer in an image of its own (its level of detail,
    :func:`ui.point_layer_paint.render_point_layer`), not painted like a shared run."""
    return len(run) == 1 and run[0].style.kind == "point" and not shares_image(run[0])


def pan_offset(old: Viewport, new: Viewport) -> tuple[int, int] | None:
    """Whole-pixel (dx, dy) at which an image made for ``old`` lies in ``new``, or None
    when the two differ in resolution or size, by a fraction of a pixel, or not at all
    overlap."""
    if old.res != new.res or old.width != new.width or old.height != new.height:
        return None
    ox0, _, _, oy1 = old.bbox
    nx0, _, _, ny1 = new.bbox
    dx, dy = (ox0 - nx0) / new.res, (ny1 - oy1) / new.res
    ix, iy = round(dx), round(dy)
    if abs(dx - ix) > 1e-3 or abs(dy - iy) > 1e-3:
        return None
    if abs(ix) >= new.width or abs(iy) >= new.height:
        return None
    return ix, iy


def exposed(view: Viewport, dx: int, dy: int) -> list[QRect]:
    """The parts of ``view`` an image shifted by (dx, dy) does not cover."""
    w, h = view.width, view.height
    out = []
    if dy > 0:
        out.append(QRect(0, 0, w, dy))
    elif dy < 0:
        out.append(QRect(0, h + dy, w, -dy))
    top, bottom = max(dy, 0), h + min(dy, 0)
    if dx > 0:
        out.append(QRect(0, top, dx, bottom - top))
    elif dx < 0:
        out.append(QRect(w + dx, top, -dx, bottom - top))
    return [r for r in out if r.width() > 0 and r.height() > 0]


def sub_view(view: Viewport, rect: QRect) -> Viewport:
    """The viewport of the pixels ``rect`` of ``view`` (same resolution)."""
    x0, _, _, y1 = view.bbox
    return Viewport(x0 + (rect.x() + rect.width() / 2) * view.res,
                    y1 - (rect.y() + rect.height() / 2) * view.res, view.res,
                    rect.width(), rect.height())


def composite(view: Viewport, parts: list[tuple[QImage, Viewport, float]],
              labels: tuple[PlacedLabels, Viewport] | None = None) -> QImage:
    """Draw cached layer images (each made for its own view) into one image for ``view``,
    then the labels placed for a view (:func:`ui.painter.place_labels`).

    The labels are blitted here, not kept as an image of their own: that image was a
    full-size one to clear (and, in a fresh process, to fault in: ~3.5 ms) and to blend
    over the whole map for ~50 labels.  Same pixels: a sprite drawn onto a transparent
    image is the sprite, so blending that image over the map is blending each sprite."""
    # A bottom image made for this very view at full opacity is copied, not blended onto
    # a cleared image: the same pixels (source-over onto transparent is the source),
    # without clearing and blending 1.6M pixels.
    copy_first = bool(parts) and parts[0][1] == view and parts[0][2] >= 1.0
    out = new_image(view, clear=not copy_first)
    p = QPainter(out)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    for band in bands(view):  # short calls: PySide6 holds the GIL while Qt draws
        p.setClipRect(band)
        for i, (img, v, opacity) in enumerate(parts):
            p.setOpacity(opacity)
            if i == 0 and copy_first:
                p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
                p.drawImage(band, img, band)
                p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            elif v == view:
                p.drawImage(band, img, band)
            else:
                s, dx, dy = view.transform_from(v)
                p.drawImage(QRectF(dx, dy, v.width * s, v.height * s), img)
            yield_gil()
    p.setClipping(False)
    p.setOpacity(1.0)
    if labels is not None:
        placed, v = labels
        draw_labels(p, placed, None if v == view else view.transform_from(v))
    p.end()
    return out


def prepared_run(run: list[MapLayer], view: Viewport, lang: str,
                 ) -> list[tuple[MapLayer, RenderData, bool]]:
    """What the layers of ``run`` draw in ``view``, bottom first, without the layers that
    have nothing there: ``(layer, data, blank)``, ``blank`` when the layer is painted
    first into the empty image and its fills may set pixels (:func:`ui.painter._paint_rings`:
    one category, one winding-filled path, or a partition)."""
    out = []
    for layer in run:
        # a shared point layer is always symbols (shares_image); say so, so a strip
        # never weighs the choice on its own few pixels
        data = prepare_points(layer, view, aggregate=False) if layer.style.kind == "point" \
            else layer.prepare(view, lang)
        if data.n_features == 0:
            continue
        out.append((layer, data, not out and (len(data.rings) <= 1
                                              or layer.name in PARTITIONS)))
    return out


def start_paint_run(run: list[MapLayer], view: Viewport, lang: str,
                    pattern_origin: tuple[int, int] = (0, 0), pooled: bool = True,
                    atlases: dict[str, SymbolAtlas] | None = None,
                    painters: PaintProcesses | None = None,
                    ) -> Callable[[], QImage | None]:
    """:func:`paint_run` in two steps: the layers prepared and, with ``painters``, sent to
    a child process now; the returned function gives the image (waiting for the child,
    or painting here when none could)."""
    items = prepared_run(run, view, lang)
    if not items:
        return lambda: None
    if pooled:
        img = new_image(view, clear=painters is None)
    else:
        img = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)

    def here() -> QImage:
        if painters is not None or not pooled:
            img.fill(Qt.GlobalColor.transparent)
        for layer, data, blank in items:
            point = layer.style.kind == "point"
            atlas = (atlases or {}).get(layer.name) if point else None
            paint_layer(img, data, layer.style, view, atlas, pattern_origin, blank)
        return img

    ticket = painters.send(view.width, view.height, view, pattern_origin,
                           [(la.style, data, blank) for la, data, blank in items]) \
        if painters is not None else None
    if ticket is None:
        done = here()
        return lambda: done

    def finish() -> QImage:
        return img if painters.collect(ticket, img) else here()
    return finish


def paint_run(run: list[MapLayer], view: Viewport, lang: str,
              pattern_origin: tuple[int, int] = (0, 0), pooled: bool = True,
              atlases: dict[str, SymbolAtlas] | None = None,
              painters: PaintProcesses | None = None) -> QImage | None:
    """Paint the layers of ``run`` (bottom first) into one image for ``view``; None when
    none of them has a feature in view.  A strip of a bigger image passes where that
    image's hatch patterns start (:func:`ui.painter.paint_layer`) and is allocated
    outside the pool (``pooled``).  Point layers in a run (small ones: shares_image) are
    drawn with their symbols from ``atlases`` (by layer name).  With ``painters`` a child
    process paints (:mod:`ui.paint_process`); when none can, this thread paints, as it
    always did."""
    return start_paint_run(run, view, lang, pattern_origin, pooled, atlases, painters)()


def start_render_run(run: list[MapLayer], view: Viewport, lang: str,
                     atlases: dict[str, SymbolAtlas], previous: CachedImage | None,
                     painters: PaintProcesses | None = None) -> Callable[[], Rendered]:
    """:func:`render_run` in two steps: what a child process paints is sent now, the
    returned function gives the result (the renderer sends the runs, paints the labels
    and outfalls here meanwhile, then finishes them)."""
    if own_point_image(run):  # level of detail: density cells when crowded
        return lambda: Rendered(render_point_layer(run[0], view, atlases.get(run[0].name)))
    x0, _, _, y1 = view.bbox
    shift = pan_offset(previous.view, view) if previous is not None else None
    if previous is None or shift is None or previous.anchor is None:
        image = start_paint_run(run, view, lang, atlases=atlases, painters=painters)
        return lambda: Rendered(image(), (x0, y1))
    ax, ay = previous.anchor
    strips = []
    for rect in exposed(view, *shift):
        sv = sub_view(view, rect)
        sx0, _, _, sy1 = sv.bbox
        origin = (round((ax - sx0) / view.res), round((sy1 - ay) / view.res))
        strips.append((rect, start_paint_run(run, sv, lang, origin, pooled=False,
                                             atlases=atlases, painters=painters)))
        yield_gil()

    def finish() -> Rendered:
        # The pixels are moved with numpy, which lets go of the GIL for the copy: a
        # QPainter blit of the whole image held it ~2-4 ms.  Source at whole pixels, and
        # strips over transparent pixels: the same bytes a painter gives.
        img = new_image(view, clear=False)
        dst = pixels(img)
        dx, dy = shift
        w, h = view.width, view.height
        to = (slice(max(dy, 0), h + min(dy, 0)), slice(max(dx, 0), w + min(dx, 0)))
        drew = previous.image is not None
        if drew:
            dst[to] = pixels(previous.image, write=False)[max(-dy, 0):h - max(dy, 0),
                                                          max(-dx, 0):w - max(dx, 0)]
        else:
            dst[to] = 0
        for rect, image in strips:
            strip = image()
            region = dst[rect.y():rect.y() + rect.height(),
                         rect.x():rect.x() + rect.width()]
            if strip is not None:
                region[...] = pixels(strip, write=False)
                drew = True
            else:
                region[...] = 0
        return Rendered(img if drew else None, previous.anchor)
    return finish


def render_run(run: list[MapLayer], view: Viewport, lang: str,
               atlases: dict[str, SymbolAtlas], previous: CachedImage | None,
               painters: PaintProcesses | None = None) -> Rendered:
    """The image of one run of layers for ``view``.

    ``previous`` (same layers, versions and language, another view) is reused after a pan
    by whole pixels at the same resolution: shifted, with only the uncovered strips
    painted.  Drawing is translation-invariant at whole pixels and hatch patterns stay
    anchored where the previous image had them (they move with the map, no seam), so the
    result is what a full render gives (tests/ui/test_render_cache.py compares them).
    """
    return start_render_run(run, view, lang, atlases, previous, painters)()


def _prefetch(runs: list[list[MapLayer]], view: Viewport, token: Any, images: int = 0,
              ) -> None:
    """Get ``runs`` (in painting order) ready for the render thread: for each, the image
    it will take (while ``images`` are still missing from the pool), then its layers'
    geometry simplified for ``view``; then the images still missing (the composite's).

    The images come first because they are quick to make here and the render thread
    reaches each run in this order (after the labels): in a fresh process it finds both
    its image and its geometry made."""
    w, h = view.width, view.height
    for run in runs:
        if token.cancelled():  # a newer view was asked for
            return
        if images > 0:
            images -= IMAGES.make(w, h)
        if own_point_image(run):
            continue  # a point index, nothing to simplify
        for layer in run:
            layer.prefetch(view)
    while images > 0 and not token.cancelled() and IMAGES.make(w, h):
        images -= 1


class Renderer(QObject):
    """Schedules layer renders for the current view and emits fresh composites."""

    composite_ready = Signal(object, object)  # QImage, Viewport
    idle = Signal()

    def __init__(self, model: MapModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        # One render thread: PySide6 holds the GIL inside Qt calls, so every extra Python
        # render thread is one more the GUI thread queues behind for the GIL.  Measured on
        # 2 cores (bench/bench_map.py): one thread halves the worst event-loop stall and
        # costs little total time, because painting was GIL-bound anyway.
        self.runner = Runner(self, threads=RENDER_THREADS)
        # Simplifies the geometry of the runs to render, bottom first, while the render
        # thread paints: GEOS runs without the GIL, so this uses the second core while
        # painting (which holds the GIL) uses the first, and the geometry of a layer is
        # mostly ready when its turn comes.  Newest view wins (channel).
        self.prefetcher = Runner(self, threads=1)
        # Builds the point indexes of the big point layers (index_points) when a model is
        # shown, so the first render does not: at 1M outfalls ~0.45 s of the render
        # thread, after every other layer, at the end of the first map's path.
        self.indexer = Runner(self, threads=1)
        # Child processes that paint the runs without big point layers (ui.paint_process):
        # their own GIL each, so the runs paint in parallel with each other and with this
        # process's render thread (labels, outfalls).  Started once the map has been idle
        # PAINTERS_IDLE_MS; until they are ready the render thread paints everything.
        self.painters = paint_processes()
        self._hit_index_timer = QTimer(self)
        self._hit_index_timer.setSingleShot(True)
        self._hit_index_timer.setInterval(HIT_INDEX_IDLE_MS)
        self._hit_index_timer.timeout.connect(self._build_hit_index)
        #: while one of these says so, the hit index waits (looked at again every
        #: HIT_INDEX_IDLE_MS): the outfall review's, while a big inventory's table is made.
        #: At 1M the zones' projection for the index, in a worker that takes the GIL in
        #: slices, fell on the turns that install and paint the arriving table (2-3
        #: intervals of 17-45 ms of the window's start, bench/README.md session 27)
        self.hit_index_waits: list[Callable[[], bool]] = []
        self._painters_timer = QTimer(self)
        self._painters_timer.setSingleShot(True)
        self._painters_timer.setInterval(PAINTERS_IDLE_MS)
        self._painters_timer.timeout.connect(self.start_painters)
        self.cache: dict[str, CachedImage] = {}
        self.atlases: dict[str, SymbolAtlas] = {}
        self.basemap: Any = None  # ui.basemap_tiles.TileBasemap or None
        self.lang = "zh"
        self.view: Viewport | None = None
        self._job_id = 0
        self._pending: set[str] = set()
        self._compositing = False
        self._composite_dirty = False
        self.last_full_render_s = 0.0
        self._t_request = 0.0

    # -- keys ------------------------------------------------------------------------------
    def _key(self, layer: MapLayer) -> tuple[Any, ...]:
        return (id(layer), layer.version, self.lang)

    def _labels_key(self) -> tuple[Any, ...]:
        return tuple((id(la), la.version, la.visible, la.labels) for la in self.model.layers) \
            + (self.lang,)

    def _atlas(self, layer: MapLayer) -> SymbolAtlas:
        atlas = self.atlases.get(layer.name)
        if atlas is None:  # built on the GUI thread, only read by workers
            atlas = self.atlases[layer.name] = SymbolAtlas(layer.style)
        return atlas

    def _runs(self) -> list[list[MapLayer]]:
        """Visible layers bottom to top, grouped into the runs that share an image."""
        basemap_on = self.basemap is not None and self.basemap.enabled
        runs: list[list[MapLayer]] = []
        shared: list[MapLayer] = []
        for layer in self.model.layers:
            if not layer.visible or (basemap_on and layer.name in VECTOR_BASE):
                continue  # the raster basemap replaces the vector sea and land
            if shares_image(layer):
                shared.append(layer)
                continue
            if shared:
                runs.append(shared)
                shared = []
            runs.append([layer])
        if shared:
            runs.append(shared)
        return runs

    def _run_key(self, run: list[MapLayer]) -> tuple[Any, ...]:
        return tuple(self._key(layer) for layer in run)

    # -- scheduling --------------------------------------------------------------------
    def request(self, view: Viewport) -> None:
        """Render what is stale for ``view``; cached layers only get re-composited."""
        self.view = view
        self._hit_index_timer.stop()  # only in idle time
        self._painters_timer.stop()
        self._job_id += 1
        self._pending.clear()
        self._t_request = time.perf_counter()
        jid = self._job_id
        lang = self.lang  # the language the keys say, even if it changes meanwhile
        runs = self._runs()
        painters = self.painters if self.painters is not None and self.painters.ready() \
            else None
        ahead: list[list[MapLayer]] = []  # runs the prefetcher gets ready
        here: list[tuple[str, tuple[Any, ...], Callable[[], Rendered]]] = []
        sent: list[tuple[str, tuple[Any, ...], Callable[[], Rendered]]] = []
        for run in runs:
            name, key = run[0].name, self._run_key(run)
            c = self.cache.get(name)
            if c is not None and c.view == view and c.key == key:
                continue
            previous = c if c is not None and c.key == key else None
            atlases = {la.name: self._atlas(la) for la in run if la.style.kind == "point"}

            def work(run: list[MapLayer] = run, atlases: dict[str, SymbolAtlas] = atlases,
                     previous: CachedImage | None = previous) -> Rendered:
                return render_run(run, view, lang, atlases, previous)

            ahead.append(run)
            # a big point layer (index, density cells) stays in this process
            if painters is None or own_point_image(run):
                here.append((name, key, work))
                continue
            # Sent to a child first thing on the render thread, finished after the labels
            # and outfalls are painted here: the children paint meanwhile, and the window
            # keeps one worker thread in Python (ui.paint_process.PaintProcesses)
            box: dict[str, Callable[[], Rendered]] = {}

            def send(run: list[MapLayer] = run, atlases: dict[str, SymbolAtlas] = atlases,
                     previous: CachedImage | None = previous,
                     box: dict[str, Callable[[], Rendered]] = box) -> None:
                box["finish"] = start_render_run(run, view, lang, atlases, previous,
                                                 painters)

            def finish(box: dict[str, Callable[[], Rendered]] = box,
                       work: Callable[[], Rendered] = work) -> Rendered:
                done = box.get("finish")
                return done() if done is not None else work()  # the send failed: here

            self.runner.submit(lambda _token, send=send: send(),
                               on_error=traceback.print_exception)
            sent.append((name, key, finish))
        # The labels first on the render thread: they need no simplified geometry
        # (anchors come from the Mercator shapes), so while the render thread places
        # them -- at a first render the longest job, ~15-20 ms of shaping and glyphs --
        # the geometry thread gets that far ahead simplifying the layers, which it does
        # in painting order.  When the labels came last, the render thread had to
        # simplify the bottom layers itself, the geometry thread still busy with the ones
        # above.  (One composite at the end either way.)
        lkey = self._labels_key()
        c = self.cache.get(LABELS)
        if c is None or c.view != view or c.key != lkey:
            self._start(jid, LABELS, view, lkey, lambda: self._render_labels(view, lang))
        if self.basemap is not None and self.basemap.enabled:
            key = ("basemap", self.basemap.source_id)
            c = self.cache.get(BASEMAP)
            if c is None or c.view != view or c.key != key:
                self._start(jid, BASEMAP, view, key,
                            lambda bm=self.basemap: Rendered(bm.render(view)))
        for name, key, work in here + sent:
            self._start(jid, name, view, key, work)
        if ahead:
            # the images this request will take (one per run, the composite) that the pool
            # cannot hand out now: in a fresh process all, later mostly none
            missing = len(ahead) + 1 - IMAGES.free(view.width, view.height)
            self.prefetcher.submit(lambda token: _prefetch(ahead, view, token, missing),
                                   lambda _none: None, channel="lod")
        # images of runs that no longer exist (a layer switched off splits or merges
        # runs) would only hold memory
        current = {run[0].name for run in runs} | {LABELS, BASEMAP}
        for name in [n for n in self.cache if n not in current]:
            del self.cache[name]
        if not self._pending:
            self._schedule_composite()

    def _start(self, jid: int, name: str, view: Viewport, key: tuple[Any, ...],
               work: Callable[[], Rendered]) -> None:
        self._pending.add(name)
        # no channel: a render of an older view is still better than nothing (_on_done)
        self.runner.submit(lambda _token: work(),
                           lambda img: self._on_done(jid, name, img, view, key),
                           on_error=lambda exc: self._failed(exc, jid, name, view, key))

    def _failed(self, exc: BaseException, jid: int, name: str, view: Viewport,
                key: tuple[Any, ...]) -> None:
        """A layer that fails to draw must not stop the map: log it, composite the rest."""
        traceback.print_exception(exc)
        self._on_done(jid, name, None, view, key)

    def _render_labels(self, view: Viewport, lang: str) -> Rendered:
        items = []
        for layer in self.model.layers:
            labels = layer.prepare_labels(view, lang) if layer.visible else None
            if labels is not None and len(labels.text):
                items.append((layer.style, labels, layer.style.kind == "point"))
        return Rendered(None, labels=place_labels(items, view) if items else [])

    def _on_done(self, jid: int, name: str, result: Rendered | None, view: Viewport,
                 key: tuple[Any, ...]) -> None:
        """``result`` None: the job failed (logged); the cache keeps what it had."""
        if result is not None:
            old = self.cache.get(name)
            # a late image for an older view is still better than nothing at all
            if jid == self._job_id or old is None or old.view != self.view:
                self.cache[name] = CachedImage(result.image, view, key, result.anchor,
                                               result.labels)
        if jid != self._job_id:
            return
        self._pending.discard(name)
        if self._pending:
            # Not yet: the one render thread takes jobs in order, so a composite asked for
            # now would run only after the other layers of this request anyway -- and then
            # draw a picture without them, just before the whole one (a cold render made
            # two full composites, ~5 ms of wasted work).
            return
        self.last_full_render_s = time.perf_counter() - self._t_request
        self._schedule_composite()

    # -- compositing ---------------------------------------------------------------------
    def _parts(self) -> list[tuple[QImage, Viewport, float]]:
        parts = []
        bm = self.cache.get(BASEMAP)
        if self.basemap is not None and self.basemap.enabled and bm is not None \
                and bm.image is not None:
            parts.append((bm.image, bm.view, self.basemap.opacity))
        for run in self._runs():
            c = self.cache.get(run[0].name)
            if c is not None and c.image is not None and c.key == self._run_key(run):
                # a run of several layers is fully opaque (shares_image)
                parts.append((c.image, c.view, run[0].opacity if len(run) == 1 else 1.0))
        return parts

    def _labels_part(self) -> tuple[PlacedLabels, Viewport] | None:
        c = self.cache.get(LABELS)
        return (c.labels, c.view) if c is not None and c.labels else None

    def _schedule_composite(self) -> None:
        if self.view is None:
            return
        if self._compositing:
            self._composite_dirty = True
            return
        self._compositing = True
        self._composite_dirty = False
        view, parts, labels = self.view, self._parts(), self._labels_part()
        self.runner.submit(lambda _token: composite(view, parts, labels),
                           lambda img: self._on_composite(img, view),
                           on_error=lambda exc: (traceback.print_exception(exc),
                                                 self._on_composite(None, view)))

    def _on_composite(self, img: QImage | None, view: Viewport) -> None:
        self._compositing = False
        if img is not None:
            self.composite_ready.emit(img, view)
        if self._composite_dirty:
            self._schedule_composite()
        elif not self._pending:
            self._hit_index_timer.start()
            if self.painters is not None and self.painters.missing():
                self._painters_timer.start()
            self.idle.emit()

    def start_painters(self, wait: bool = False) -> None:
        """Start the paint processes not running (none yet, or one died): in the window
        once the map has been idle ``PAINTERS_IDLE_MS``; a helper thread spawns them, the
        GUI thread goes on.  ``wait``: block until they are ready (tools, benchmarks)."""
        if self.painters is None:
            return
        if self.painters.missing():  # none yet, or one died: (re)started
            if wait:
                self.painters.start()
            else:
                _thread.start_new_thread(self.painters.start, ())
        if wait:
            self.painters.wait_ready()

    def _build_hit_index(self) -> None:
        if any(wait() for wait in self.hit_index_waits):
            self._hit_index_timer.start()
            return
        layers = [la for la in self.model.layers if la.style.queryable]
        self.prefetcher.submit(lambda _token: [la.build_hit_index() for la in layers],
                               lambda _result: None, channel="hit_index")

    def index_points(self) -> None:
        """Have the point indexes of the visible point layers drawn in an image of their
        own (the big ones, :func:`shares_image`) built on a worker now.  The render asks
        the layer for its index as before (:meth:`layers.map_layer.MapLayer.point_index`
        is made once, under a lock: a render that comes first waits for this build, not
        builds again)."""
        layers = [la for la in self.model.layers
                  if la.visible and la.style.kind == "point" and not shares_image(la)]
        if layers:
            self.indexer.submit(lambda _token: [la.point_index() for la in layers],
                                lambda _result: None, channel="points")

    def wait(self, msecs: int = 3000) -> bool:
        """Block until the running renders are done (before closing, in tools)."""
        return self.runner.wait(msecs) and self.prefetcher.wait(msecs) \
            and self.indexer.wait(msecs)

    def busy(self) -> bool:
        return bool(self._pending) or self._compositing or self._composite_dirty

    def invalidate(self, name: str | None = None) -> None:
        """Drop the cached images (of the run holding layer ``name``, or all)."""
        if name is None:
            self.cache.clear()
            return
        for run in self._runs():
            if any(layer.name == name for layer in run):
                self.cache.pop(run[0].name, None)
        self.cache.pop(name, None)
