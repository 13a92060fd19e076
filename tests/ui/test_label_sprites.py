"""Labels are drawn once into sprites and blitted: same picture, far less work per render."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

from layers.map_layer import Labels
from layers.style import STYLES
from layers.viewport import Viewport


def _labels() -> Labels:
    return Labels(np.array([13_200_000.0, 13_210_000.0]), np.array([2_880_000.0, 2_885_000.0]),
                  ["泉州湾", "深沪湾"], np.array([0.0, 1.0]))


def test_second_render_reuses_sprites_and_gives_the_same_pixels(qapp):
    from ui.painter import LABEL_SPRITES, new_image, paint_labels

    view = Viewport(13_205_000.0, 2_882_000.0, 40.0, 800, 600)
    items = [(STYLES["bays"], _labels(), False)]
    LABEL_SPRITES._cache.clear()
    a = new_image(view)
    assert paint_labels(a, items, view) == 2
    assert len(LABEL_SPRITES._cache) == 2
    b = new_image(view)
    assert paint_labels(b, items, view) == 2
    assert len(LABEL_SPRITES._cache) == 2  # nothing new laid out
    assert a == b
    # the text is there: dark blue bay-label pixels near the first anchor
    sx, sy = view.to_screen(np.array([13_200_000.0]), np.array([2_880_000.0]))
    x0, y0 = int(sx[0]) - 30, int(sy[0]) - 12
    dark = [(x, y) for x in range(x0, x0 + 60) for y in range(y0, y0 + 24)
            if a.pixelColor(x, y).alpha() > 200 and a.pixelColor(x, y).blue() > 2 * a.pixelColor(x, y).red()]
    assert dark
    # another style of the same text is another sprite
    paint_labels(new_image(view), [(STYLES["counties"], _labels(), False)], view)
    assert len(LABEL_SPRITES._cache) == 4
