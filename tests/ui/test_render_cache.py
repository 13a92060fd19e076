"""What the renderer reuses between renders never shows something stale or different.

The renderer keeps layer images (runs of layers sharing one image), shifts them after a
pan and paints only the uncovered strips (``ui.render_worker.render_run``).  These tests
compare what it shows against a fresh renderer that has nothing cached: after pans, after
an edit of a layer whose image is cached (geometry and label text), after a language
switch and after switching a layer of a shared image off.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
import shapely

from tests.ui.test_render_reference import CITY_BBOX, differences

SIZE = (800, 500)


def _rgba(img) -> np.ndarray:  # noqa: ANN001 - QImage
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8)
    return arr.reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :img.width()].copy()


def _render(renderer, view) -> np.ndarray:  # noqa: ANN001
    from cli.render import _wait

    got = []
    renderer.composite_ready.connect(lambda img, v: got.append((img, v)))
    renderer.request(view)
    _wait(renderer)
    renderer.composite_ready.disconnect()
    img, v = got[-1]
    assert v == view
    return _rgba(img)


def _fresh(model, view, lang: str = "zh") -> np.ndarray:  # noqa: ANN001
    from ui.render_worker import Renderer

    r = Renderer(model)
    r.lang = lang
    return _render(r, view)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    # a shifted image plus painted strips is the full render up to rounding of
    # antialiased edge pixels at the strip seams
    share, block = differences(a, b)
    return share <= 0.002 and block <= 0.1


@pytest.fixture
def city():
    from geodata import store
    from layers.map_model import MapModel
    from layers.mercator import to_mercator
    from layers.viewport import Viewport
    from models.workspace import Workspace

    ws = Workspace.open(store.bundled_path())
    model = MapModel.from_workspace(ws)
    x0, y0 = to_mercator(CITY_BBOX[0], CITY_BBOX[1])
    x1, y1 = to_mercator(CITY_BBOX[2], CITY_BBOX[3])
    view = Viewport.fit((float(x0), float(y0), float(x1), float(y1)), *SIZE, 0.0)
    return ws, model, view


def test_a_pan_paints_only_strips_and_matches_a_full_render(city, qapp, monkeypatch) -> None:
    import ui.render_worker as rw

    _ws, model, view = city
    painted: list[tuple[int, int]] = []
    real = rw.start_paint_run  # (paint_run, and the strips of a pan, go through it)

    def spy(run, v, *args, **kwargs):  # noqa: ANN001, ANN202
        painted.append((v.width, v.height))
        return real(run, v, *args, **kwargs)

    monkeypatch.setattr(rw, "start_paint_run", spy)
    r = rw.Renderer(model)
    _render(r, view)
    # multiples of 8 px: hatch patterns (8x8) stay anchored where the first render put
    # them, so only then does a fresh render of the panned view have them in the same place
    for dx, dy in ((-264, 0), (152, -88), (0, 200)):
        view = view.panned(dx, dy)
        painted.clear()
        shown = _render(r, view)
        assert painted, "nothing was painted after a pan"
        # only strips: no run repainted at full size
        assert all(w * h < SIZE[0] * SIZE[1] for w, h in painted), painted
        assert _same(shown, _fresh(model, view)), (dx, dy)


def test_patterns_stay_on_the_map_after_any_pan(city, qapp) -> None:
    """Pan by an odd amount and back: the strips line up with the shifted image
    (no seam in hatches or dashes), so the result is the first render again."""
    from ui.render_worker import Renderer

    _ws, model, view = city
    r = Renderer(model)
    first = _render(r, view)
    _render(r, view.panned(-267, 45))
    assert _same(_render(r, view), first)


def test_an_edit_is_shown_at_once_not_the_cached_image(city, qapp) -> None:
    """Edit a bay's outline and a county's name: the cached run image and label image of
    the old data are not reused, neither for the same view nor after a pan."""
    from ui.render_worker import Renderer

    ws, model, view = city
    r = Renderer(model)
    before = _render(r, view)
    bays = ws.layers["bays"]
    inside = shapely.box(*CITY_BBOX)
    row = int(np.flatnonzero(bays.geometry.intersects(inside).to_numpy())[0])
    # the bay shrinks to a small square far from the view
    ws.write_value("bays", row, "geometry", shapely.box(117.6, 25.8, 117.61, 25.81))
    ws.announce_features_changed("bays", [str(ws.keys("bays")[row])], geometry=True)
    counties = ws.layers["counties"]
    crow = int(np.flatnonzero(counties["name_zh"].astype(str).str.contains("丰泽"))[0])
    ws.set_values("counties", {str(ws.keys("counties")[crow]): {"name_zh": "测试改名区"}})
    after = _render(r, view)
    fresh = _fresh(model, view)
    assert not _same(after, before), "the edit did not change the map"
    assert _same(after, fresh)
    view2 = view.panned(-200, 0)
    assert _same(_render(r, view2), _fresh(model, view2))


def test_language_switch_and_hidden_layer(city, qapp) -> None:
    from ui.render_worker import Renderer

    _ws, model, view = city
    r = Renderer(model)
    zh = _render(r, view)
    r.lang = "en"
    en = _render(r, view)
    assert not _same(zh, en)
    assert _same(en, _fresh(model, view, "en"))
    model.set_visible("counties", False)  # a layer inside the shared base image
    hidden = _render(r, view)
    assert _same(hidden, _fresh(model, view, "en"))
    assert not _same(hidden, en)
