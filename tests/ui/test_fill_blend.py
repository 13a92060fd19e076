"""Translucent fills set pixels instead of blending only where that shows the same map.

``ui.render_worker.paint_run`` lets the first layer of an empty image *set* its fill
pixels (Qt's plain span fill) when no two of its fills can overlap: one category (one
winding-filled path) or a partition (control units).  These tests compare the pixels
with the same layer blended onto a transparent image as before.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import geopandas as gpd
import numpy as np
import shapely

from layers.map_layer import MapLayer
from layers.style import style_for
from layers.viewport import Viewport


def _pixels(img) -> np.ndarray:  # noqa: ANN001 - QImage
    return np.frombuffer(img.constBits(), dtype=np.uint8).reshape(
        img.height(), img.bytesPerLine()).copy()


def _layer(name: str, geoms: list, **columns) -> MapLayer:  # noqa: ANN003
    frame = gpd.GeoDataFrame({"code": [f"{name}{i}" for i in range(len(geoms))], **columns},
                             geometry=geoms, crs="EPSG:4490")
    return MapLayer(name, frame, style_for(name))


def _blended(layer: MapLayer, view: Viewport) -> np.ndarray:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    from ui.painter import paint_layer

    img = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    paint_layer(img, layer.prepare(view), layer.style, view, None, (0, 0), blank=False)
    return _pixels(img)


def _view(layer: MapLayer) -> Viewport:
    return Viewport.fit(layer.extent(), 400, 300, 0.05)


def test_a_partition_and_a_single_category_look_as_blended(qapp):
    from ui.render_worker import paint_run

    units = _layer("control_units", [shapely.box(118.0, 24.5, 118.2, 24.7),
                                     shapely.box(118.2, 24.5, 118.4, 24.7),
                                     shapely.box(118.0, 24.7, 118.4, 24.8)],
                   unit_class=[1, 2, 3], domain=["land", "land", "sea"])
    bays = _layer("bays", [shapely.box(118.0, 24.5, 118.3, 24.7),
                           shapely.box(118.2, 24.6, 118.4, 24.8)])  # overlapping
    for layer in (units, bays):
        view = _view(layer)
        got = _pixels(paint_run([layer], view, "zh", pooled=False))
        assert np.array_equal(got, _blended(layer, view)), layer.name


def test_overlapping_categories_of_other_layers_still_blend(qapp):
    from ui.render_worker import paint_run

    areas = _layer("protected_areas", [shapely.box(118.0, 24.5, 118.3, 24.7),
                                       shapely.box(118.2, 24.6, 118.4, 24.8)],
                   kind=["自然保护区", "森林公园"])
    view = _view(areas)
    got = paint_run([areas], view, "zh", pooled=False)
    assert np.array_equal(_pixels(got), _blended(areas, view))
    # where the two overlap, both colours are in the pixel
    c = got.pixelColor(*_screen(view, 118.25, 24.65))
    one = got.pixelColor(*_screen(view, 118.05, 24.55))
    assert c.alpha() > one.alpha()  # two translucent fills over each other


def _merc(lon: float, lat: float) -> tuple[float, float]:
    from layers.mercator import to_mercator

    x, y = to_mercator(lon, lat)
    return float(x), float(y)


def _screen(view: Viewport, lon: float, lat: float) -> tuple[int, int]:
    x, y = _merc(lon, lat)
    sx, sy = view.to_screen(np.array([x]), np.array([y]))
    return int(sx[0]), int(sy[0])


def test_the_composite_copies_its_bottom_image_with_the_same_pixels(qapp):
    """The bottom image of a composite is copied into a pooled image that was not
    cleared; the result is what blending every part onto a transparent image gives."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    from ui.painter import IMAGES
    from ui.render_worker import composite

    view = Viewport(13_200_000.0, 2_880_000.0, 50.0, 320, 200)
    rng = np.random.default_rng(4)

    def translucent() -> QImage:
        img = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
        a = rng.integers(0, 256, (view.height, view.width), dtype=np.uint32)
        c = (rng.random((view.height, view.width, 3)) * a[..., None]).astype(np.uint32)
        np.frombuffer(img.bits(), dtype=np.uint32).reshape(view.height, view.width)[:] = \
            (a << 24) | (c[..., 0] << 16) | (c[..., 1] << 8) | c[..., 2]
        return img

    parts = [(translucent(), view, 1.0), (translucent(), view, 0.6), (translucent(), view, 1.0)]
    junk = IMAGES.get(view.width, view.height)  # a pooled image full of other pixels
    junk.fill(Qt.GlobalColor.red)
    del junk
    got = composite(view, parts)
    want = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
    want.fill(Qt.GlobalColor.transparent)
    p = QPainter(want)
    for img, _v, opacity in parts:
        p.setOpacity(opacity)
        p.drawImage(0, 0, img)
    p.end()
    assert np.array_equal(_pixels(got), _pixels(want))


def test_filling_a_layer_whole_or_band_by_band_gives_the_same_pixels(qapp, monkeypatch):
    """Small layers are filled one path per category, big ones band by band (short Qt
    calls); the picture is the same either way, hatches included."""
    import ui.painter as painter

    rng = np.random.default_rng(8)
    boxes, classes, domains = [], [], []
    for i in range(60):  # a ragged partition-like patchwork, some units at sea (hatched)
        x, y = 118.0 + (i % 10) * 0.04, 24.5 + (i // 10) * 0.04
        boxes.append(shapely.box(x, y, x + 0.04, y + 0.04).buffer(
            0.004 * rng.random(), quad_segs=2))
        classes.append(1 + i % 3)
        domains.append("sea" if i % 4 == 0 else "land")
    units = _layer("control_units", boxes, unit_class=classes, domain=domains)
    view = Viewport.fit(units.extent(), 400, 300, 0.05)
    monkeypatch.setattr(painter, "WHOLE_FILL_VERTICES", 10**9)
    whole = _blended(units, view)
    monkeypatch.setattr(painter, "WHOLE_FILL_VERTICES", 0)
    banded = _blended(units, view)
    assert np.array_equal(whole, banded)
    assert (whole.reshape(-1, 4)[:, 3] > 0).mean() > 0.5  # the units are drawn


def test_a_partition_filled_tile_by_tile_keeps_its_holes(qapp, monkeypatch):
    """Set-pixel fills group a big layer's features by screen tile (Qt's scanline fill
    is then several times cheaper); holes stay with their feature, so a donut unit around
    an island unit of another class shows each class where it is."""
    import ui.painter as painter
    from ui.render_worker import paint_run

    boxes, classes = [], []
    for i in range(24):  # a 6 x 4 patchwork over many 200-px tiles of a 1200 x 800 view
        x, y = 118.0 + (i % 6) * 0.05, 24.5 + (i // 6) * 0.05
        cell = shapely.box(x, y, x + 0.05, y + 0.05)
        if i == 8:  # a donut: its hole is the next feature, an island of another class
            hole = shapely.box(x + 0.015, y + 0.015, x + 0.035, y + 0.035)
            boxes += [cell.difference(hole), hole]
            classes += [1, 3]
            continue
        boxes.append(cell)
        classes.append(1 + i % 3)
    units = _layer("control_units", boxes, unit_class=classes,
                   domain=["land"] * len(boxes))
    view = Viewport.fit(units.extent(), 1200, 800, 0.02)
    monkeypatch.setattr(painter, "WHOLE_FILL_VERTICES", 0)  # tiles, as for a big layer
    tiles = painter._tile_paths(*view.to_screen(
        *units.prepare(view).rings[0][1].xy.T), units.prepare(view).rings[0][1])
    assert len(tiles) > 4  # the first class alone spans several tiles
    got = _pixels(paint_run([units], view, "zh", pooled=False))
    assert np.array_equal(got, _blended(units, view))
    # the island's class colour, not the donut's, in the middle of the hole
    island = got.reshape(view.height, view.width, 4)[_screen(view, 118.125, 24.575)[::-1]]
    donut = got.reshape(view.height, view.width, 4)[_screen(view, 118.105, 24.555)[::-1]]
    assert not np.array_equal(island, donut)
