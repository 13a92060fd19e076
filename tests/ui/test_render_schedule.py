"""What a render does, in which order: one composite per request, geometry simplified
ahead of the painting from the second run on, fonts loaded before the timed render."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (800, 500)


def _renderer(ws):  # noqa: ANN001, ANN202 - Workspace -> (MapModel, Renderer, list, Viewport)
    """A renderer of ``ws``'s map, the (image, view) of each composite it emits, and the
    full view."""
    from layers.map_model import MapModel
    from layers.viewport import Viewport
    from ui.render_worker import Renderer

    model = MapModel.from_workspace(ws)
    r = Renderer(model)
    got: list = []
    r.composite_ready.connect(lambda img, v: got.append((img, v)))
    return model, r, got, Viewport.fit(model.full_extent(), *SIZE, 0.02)


def test_a_render_of_many_layers_composites_once(qapp, bundled_ws) -> None:
    """The layers of one request are composited once, when all are in: a composite asked
    for after the first layer would only run after the others (one render thread, jobs
    in order) and show a picture without them just before the whole one."""
    from cli.render import _wait

    model, r, got, full = _renderer(bundled_ws)
    r.request(full)
    assert sum(la.visible for la in model.layers) > 3  # several layer jobs in this request
    _wait(r)
    assert [v for _img, v in got] == [full]
    # a pan re-renders every run (strips) and again composites once
    got.clear()
    r.request(full.panned(-120, 0))
    _wait(r)
    assert [v for _img, v in got] == [full.panned(-120, 0)]
    # a change to one layer: that run, then the composite
    got.clear()
    model.get("control_units").touch()
    r.request(full)
    _wait(r)
    assert [v for _img, v in got] == [full]
    r.wait(60_000)


def test_render_reports_font_setup_apart_from_the_render(bundled_ws, tmp_path, qapp) -> None:
    from cli.render import render_map

    out = render_map(bundled_ws, tmp_path / "m.png", SIZE, None, 1, "zh")
    assert out["fonts_ms"] >= 0
    assert out["render_ms"] > 0
    assert (tmp_path / "m.png").exists()


def test_labels_are_blitted_into_the_composite_not_kept_as_an_image(qapp, bundled_ws) -> None:
    """The labels' job places sprites; the composite draws them over the layers.  The
    picture is the one a label image blended over the layers gives."""
    import numpy as np
    from PySide6.QtGui import QImage, QPainter

    from cli.render import _wait
    from ui.painter import draw_labels, new_image
    from ui.render_worker import LABELS, composite

    _model, r, got, view = _renderer(bundled_ws)
    r.request(view)
    _wait(r)
    r.wait(60_000)
    cached = r.cache[LABELS]
    assert cached.image is None and len(cached.labels) > 10
    # the old way: the sprites into a label image of their own, blended over the layers
    labels_img = new_image(view)
    p = QPainter(labels_img)
    draw_labels(p, cached.labels)
    p.end()
    old = composite(view, r._parts() + [(labels_img, view, 1.0)])

    def px(img: QImage) -> np.ndarray:
        return np.frombuffer(img.constBits(), dtype=np.uint8).reshape(
            img.height(), img.bytesPerLine())[:, :img.width() * 4].astype(int)

    diff = np.abs(px(got[-1][0]) - px(old))
    # rounding only where two sprites' halo margins overlap
    assert (diff > 1).mean() < 1e-4
    assert diff.max() <= 3


def test_small_point_layers_share_an_image_big_ones_and_edited_ones_do_not(bundled_ws) -> None:
    import geopandas as gpd
    import numpy as np
    import shapely

    from layers.map_layer import MapLayer
    from layers.map_model import MapModel
    from layers.point_density import SYMBOLS_MIN
    from layers.style import STYLES
    from ui.render_worker import Renderer, own_point_image, shares_image

    model = MapModel.from_workspace(bundled_ws)
    runs = [[la.name for la in run] for run in Renderer(model)._runs()]
    assert ["bays", "protected_areas", "places"] in runs
    assert ["outfalls"] in runs and ["control_units"] in runs
    places = model.get("places")
    assert shares_image(places) and not own_point_image([places])
    assert not shares_image(model.get("outfalls"))  # edited: an image of its own
    places.opacity = 0.5
    assert not shares_image(places)
    places.opacity = 1.0
    # a point layer that may be drawn as density cells keeps its own image (the cells
    # and the choice depend on the whole view, not on a strip painted after a pan)
    n = SYMBOLS_MIN + 1
    pts = shapely.points(np.linspace(118.4, 118.8, n), np.linspace(24.7, 25.1, n))
    big = MapLayer("places", gpd.GeoDataFrame({"name_zh": ["x"] * n}, geometry=pts,
                                              crs=4326), STYLES["places"])
    assert not shares_image(big) and own_point_image([big])


def test_a_pan_paints_the_places_in_strips_like_a_fresh_render(qapp, bundled_ws) -> None:
    from layers.map_model import MapModel
    from layers.point_density import prepare_points
    from layers.viewport import Viewport
    from tests.ui.test_render_cache import _fresh, _render, _same
    from ui.render_worker import Renderer

    model = MapModel.from_workspace(bundled_ws)
    full = Viewport.fit(model.full_extent(), *SIZE, 0.02)
    view = full.zoomed(2.0)
    assert prepare_points(model.get("places"), view).n_features > 5
    r = Renderer(model)
    _render(r, view)
    for dx, dy in ((-96, 40), (200, 0), (0, -120)):
        view = view.panned(dx, dy)
        assert _same(_render(r, view), _fresh(model, view)), (dx, dy)
    r.wait(60_000)


def test_the_pool_holds_images_made_ahead_and_hands_them_out_transparent(qapp) -> None:
    """The geometry thread makes images ahead of the render thread (ImagePool.make):
    taken, they are transparent; images in use are not free; the pool never grows past
    its size."""
    from PySide6.QtCore import Qt

    from ui.painter import ImagePool

    pool = ImagePool(size=4)
    assert pool.free(64, 32) == 0
    assert pool.make(64, 32) and pool.make(64, 32)
    assert pool.free(64, 32) == 2 and pool.free(32, 64) == 0
    a = pool.get(64, 32)
    a.fill(Qt.GlobalColor.red)
    b = pool.get(64, 32)
    assert a is not b and a.pixelColor(3, 3).alpha() == 255
    assert b.pixelColor(3, 3).alpha() == 0 and b.pixelColor(63, 31).alpha() == 0
    assert pool.free(64, 32) == 0  # a and b are in use
    assert pool.make(64, 32) and pool.make(64, 32)
    assert not pool.make(64, 32)  # the pool holds 4 at most
    c = pool.get(64, 32)
    assert c is not a and c is not b and c.pixelColor(0, 0).alpha() == 0
    del a
    d = pool.get(64, 32)  # a was let go: its image may be handed out again, cleared
    assert d.pixelColor(3, 3).alpha() == 0


def test_a_cold_render_takes_the_images_made_ahead(qapp, bundled_ws, monkeypatch) -> None:
    """In a fresh process the geometry thread makes the images the request will take (a
    run's before its geometry, the composite's last): the render thread makes none
    itself, and the picture is the same as without them."""
    import threading

    import numpy as np

    import ui.painter as painter
    import ui.render_worker as rw
    from tests.ui.test_render_cache import _render

    def fresh_pool() -> None:
        pool = painter.ImagePool()
        monkeypatch.setattr(painter, "IMAGES", pool)
        monkeypatch.setattr(rw, "IMAGES", pool)

    missing: list[int] = []
    made_by_render_thread: list[int] = []
    real_prefetch, real_get = rw._prefetch, painter.ImagePool.get
    real_place_labels = rw.place_labels
    ahead = threading.Event()

    def prefetch(runs, view, token, images=0):  # noqa: ANN001, ANN202
        missing.append(images)
        real_prefetch(runs, view, token, images)
        ahead.set()

    def place_labels(items, view):  # noqa: ANN001, ANN202
        # the premise, made certain: the geometry thread is ahead of the render thread
        # (alone on a quiet machine the labels take long enough; with the suite's other
        # process on the second core they may not)
        assert ahead.wait(60)
        return real_place_labels(items, view)

    def get(self, width, height, clear=True):  # noqa: ANN001, ANN202
        before = len(self._images)
        img = real_get(self, width, height, clear)
        made_by_render_thread.append(len(self._images) - before)
        return img

    # a fresh process: its paint processes start after its first map (ui.paint_process),
    # so the render thread paints every run
    monkeypatch.setattr(rw, "paint_processes", lambda: None)
    model, r, got, view = _renderer(bundled_ws)
    fresh_pool()
    monkeypatch.setattr(rw, "_prefetch", prefetch)
    monkeypatch.setattr(painter.ImagePool, "get", get)
    monkeypatch.setattr(rw, "place_labels", place_labels)
    with_images_ahead = _render(r, view)
    r.wait(60_000)
    assert missing == [len(r._runs()) + 1]
    assert made_by_render_thread and not any(made_by_render_thread)
    # again, the layer images let go: the pool has every image, none is missing
    missing.clear()
    got.clear()
    r.invalidate()
    _render(r, view)
    r.wait(60_000)
    assert missing == [0]
    monkeypatch.setattr(rw, "_prefetch", real_prefetch)
    monkeypatch.setattr(painter.ImagePool, "get", real_get)
    monkeypatch.setattr(rw, "place_labels", real_place_labels)
    fresh_pool()
    alone = _render(rw.Renderer(model), view)
    assert np.array_equal(with_images_ahead, alone)


def test_the_labels_are_placed_first_while_the_geometry_is_simplified(qapp, bundled_ws,
                                                                      monkeypatch) -> None:
    """The render thread places the labels before it paints any layer (they need no
    simplified geometry), giving the geometry thread a head start on the layers, which
    it simplifies in painting order."""
    import ui.render_worker as rw
    from cli.render import _wait
    from layers.map_model import MapModel
    from layers.viewport import Viewport

    ran: list[str] = []
    simplified: list[str] = []
    real_run, real_labels, real_prefetch = rw.render_run, rw.Renderer._render_labels, \
        rw._prefetch

    def run(run, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        ran.append(run[0].name)
        return real_run(run, *args, **kwargs)

    def labels(self, *args):  # noqa: ANN001, ANN002, ANN202
        ran.append("labels")
        return real_labels(self, *args)

    def prefetch(runs, *args):  # noqa: ANN001, ANN002, ANN202
        simplified.extend(la.name for run in runs for la in run)
        return real_prefetch(runs, *args)

    monkeypatch.setattr(rw, "render_run", run)
    monkeypatch.setattr(rw.Renderer, "_render_labels", labels)
    monkeypatch.setattr(rw, "_prefetch", prefetch)
    # every run on the render thread, as before the paint processes start (with them,
    # their runs start at once beside the labels: tests/ui/test_paint_process.py)
    monkeypatch.setattr(rw, "paint_processes", lambda: None)
    model = MapModel.from_workspace(bundled_ws)
    r = rw.Renderer(model)
    r.request(Viewport.fit(model.full_extent(), *SIZE, 0.02))
    _wait(r)
    r.wait(60_000)
    assert ran[0] == "labels" and len(ran) > 3
    drawn = [la.name for la in model.layers if la.visible]
    assert simplified == [n for n in drawn if n in simplified]
    assert simplified[:2] == ["sea", "land"]


def test_a_big_point_layer_is_indexed_before_the_first_render(qapp, tmp_path) -> None:
    """The canvas has the point index of a big point layer (the outfalls) built on a
    worker as soon as it is made, so the first render finds it ready (at 1M outfalls that
    build was ~0.45 s at the end of the first map's path); small point layers are left to
    the render."""
    from bench.synthetic import make_workspace
    from geodata import store
    from layers.map_model import MapModel
    from layers.point_density import SYMBOLS_MIN
    from models.workspace import Workspace
    from ui.map_canvas import MapCanvas

    path = make_workspace(tmp_path / "w.gpkg", store.bundled_path(), n_units=20,
                          n_outfalls=SYMBOLS_MIN + 500)
    model = MapModel.from_workspace(Workspace.open(path))
    canvas = MapCanvas(model)
    try:
        assert canvas.renderer.indexer.wait(60_000)
        assert canvas.renderer.view is None  # no render was asked for
        outfalls = model.get("outfalls")
        assert outfalls._points is not None
        assert outfalls.point_index().n == len(outfalls)
        small = [la for la in model.layers if la.style.kind == "point" and la is not outfalls]
        assert small and all(la._points is None for la in small)
    finally:
        canvas.renderer.wait(60_000)
        canvas.deleteLater()


def test_the_first_render_is_asked_for_as_soon_as_the_layout_settles(qtbot, bundled_ws,
                                                                       ) -> None:
    """The window's first render comes FIRST_RENDER_MS after its last resize, not after the
    pan/zoom debounce; once a render was asked for, view changes wait the debounce."""
    from layers.map_model import MapModel
    from tests.ui.conftest import spin_until
    from ui.map_canvas import FIRST_RENDER_MS, RENDER_DEBOUNCE_MS, MapCanvas

    assert FIRST_RENDER_MS < RENDER_DEBOUNCE_MS
    canvas = MapCanvas(MapModel.from_workspace(bundled_ws))
    qtbot.addWidget(canvas)
    canvas.resize(800, 500)
    canvas.show()
    qtbot.waitExposed(canvas)
    assert canvas._render_timer.interval() == FIRST_RENDER_MS
    assert spin_until(lambda: canvas.renderer.view is not None, 10_000)
    assert canvas.renderer.view.width == canvas.width()
    canvas.resize(700, 400)
    assert canvas._render_timer.isActive()
    assert canvas._render_timer.interval() == RENDER_DEBOUNCE_MS
    canvas.renderer.wait(60_000)
