"""Background rendering: one image per layer in worker threads, cached, then composited.

QGIS's model: every layer renders to its own QImage in a worker thread (the window's one
background mechanism, :mod:`ui.background`); the GUI thread never waits.  Images are cached with the viewport, layer version and language they were made
for, so a toggle or an opacity change only re-composites, and a pan or zoom shows the old
composite moved at once until the fresh one arrives.  Compositing also runs in a worker.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QImage, QPainter

from layers.map_layer import MapLayer
from layers.map_model import MapModel
from layers.viewport import Viewport
from ui.background import Runner
from ui.painter import SymbolAtlas, bands, new_image, paint_labels, paint_layer, yield_gil

LABELS = "__labels__"
RENDER_THREADS = 1
BASEMAP = "__basemap__"


@dataclass
class CachedImage:
    image: QImage
    view: Viewport
    key: tuple[Any, ...]


def composite(view: Viewport, parts: list[tuple[QImage, Viewport, float]]) -> QImage:
    """Draw cached layer images (each made for its own view) into one image for ``view``."""
    out = new_image(view)
    p = QPainter(out)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    for band in bands(view):  # short calls: PySide6 holds the GIL while Qt draws
        p.setClipRect(band)
        for img, v, opacity in parts:
            p.setOpacity(opacity)
            if v == view:
                p.drawImage(band, img, band)
            else:
                s, dx, dy = view.transform_from(v)
                p.drawImage(QRectF(dx, dy, v.width * s, v.height * s), img)
            yield_gil()
    p.end()
    return out


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

    def _atlas(self, layer: MapLayer) -> SymbolAtlas | None:
        if layer.style.kind != "point":
            return None
        atlas = self.atlases.get(layer.name)
        if atlas is None:  # built on the GUI thread, only read by workers
            atlas = self.atlases[layer.name] = SymbolAtlas(layer.style)
        return atlas

    # -- scheduling --------------------------------------------------------------------
    def request(self, view: Viewport) -> None:
        """Render what is stale for ``view``; cached layers only get re-composited."""
        self.view = view
        self._job_id += 1
        self._pending.clear()
        self._t_request = time.perf_counter()
        jid = self._job_id
        if self.basemap is not None and self.basemap.enabled:
            key = ("basemap", self.basemap.source_id)
            c = self.cache.get(BASEMAP)
            if c is None or c.view != view or c.key != key:
                self._start(jid, BASEMAP, view, key, lambda bm=self.basemap: bm.render(view))
        for layer in self.model.layers:
            if not layer.visible:
                continue
            key = self._key(layer)
            c = self.cache.get(layer.name)
            if c is not None and c.view == view and c.key == key:
                continue
            atlas = self._atlas(layer)

            def work(layer: MapLayer = layer, atlas: SymbolAtlas | None = atlas) -> QImage:
                if layer.style.kind == "point":  # level of detail: density cells when crowded
                    from ui.point_layer_paint import render_point_layer
                    return render_point_layer(layer, view, atlas)
                data = layer.prepare(view, self.lang)
                img = new_image(view)
                paint_layer(img, data, layer.style, view, atlas)
                return img

            self._start(jid, layer.name, view, key, work)
        lkey = self._labels_key()
        c = self.cache.get(LABELS)
        if c is None or c.view != view or c.key != lkey:
            self._start(jid, LABELS, view, lkey, lambda: self._render_labels(view))
        if not self._pending:
            self._schedule_composite()

    def _start(self, jid: int, name: str, view: Viewport, key: tuple[Any, ...],
               work: Callable[[], QImage | None]) -> None:
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

    def _render_labels(self, view: Viewport) -> QImage:
        items = []
        for layer in self.model.layers:
            labels = layer.prepare_labels(view, self.lang) if layer.visible else None
            if labels is not None and len(labels.text):
                items.append((layer.style, labels, layer.style.kind == "point"))
        img = new_image(view)
        paint_labels(img, items, view)
        return img

    def _on_done(self, jid: int, name: str, img: QImage | None, view: Viewport,
                 key: tuple[Any, ...]) -> None:
        if img is not None:
            old = self.cache.get(name)
            # a late image for an older view is still better than nothing at all
            if jid == self._job_id or old is None or old.view != self.view:
                self.cache[name] = CachedImage(img, view, key)
        if jid != self._job_id:
            return
        self._pending.discard(name)
        if not self._pending:
            self.last_full_render_s = time.perf_counter() - self._t_request
        self._schedule_composite()

    # -- compositing ---------------------------------------------------------------------
    def _parts(self) -> list[tuple[QImage, Viewport, float]]:
        parts = []
        bm = self.cache.get(BASEMAP)
        if self.basemap is not None and self.basemap.enabled and bm is not None:
            parts.append((bm.image, bm.view, self.basemap.opacity))
        for layer in self.model.layers:
            c = self.cache.get(layer.name)
            if layer.visible and c is not None and c.key == self._key(layer):
                if self.basemap is not None and self.basemap.enabled \
                        and layer.name in ("sea", "land"):
                    continue  # the raster basemap replaces the vector fills
                parts.append((c.image, c.view, layer.opacity))
        c = self.cache.get(LABELS)
        if c is not None:
            parts.append((c.image, c.view, 1.0))
        return parts

    def _schedule_composite(self) -> None:
        if self.view is None:
            return
        if self._compositing:
            self._composite_dirty = True
            return
        self._compositing = True
        self._composite_dirty = False
        view, parts = self.view, self._parts()
        self.runner.submit(lambda _token: composite(view, parts),
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
            self.idle.emit()

    def wait(self, msecs: int = 3000) -> bool:
        """Block until the running renders are done (before closing, in tools)."""
        return self.runner.wait(msecs)

    def busy(self) -> bool:
        return bool(self._pending) or self._compositing or self._composite_dirty

    def invalidate(self, name: str | None = None) -> None:
        if name is None:
            self.cache.clear()
        else:
            self.cache.pop(name, None)
