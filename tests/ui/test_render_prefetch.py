"""Geometry simplified ahead of the painting in another thread shows the same map.

``ui.render_worker.Renderer`` has the layers further up simplified in a second thread
(``MapLayer.prefetch``) while it paints the ones below.  A renderer doing that through a
full view, a zoom in and a pan must show what a renderer on a separate model that
simplifies everything itself, in the render thread, shows for each view.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.ui.test_render_cache import _render
from tests.ui.test_render_reference import differences

SIZE = (800, 500)


def test_zoom_and_pan_with_prefetch_match_renders_without_it(qapp, monkeypatch) -> None:
    from geodata import store
    from layers.map_layer import MapLayer
    from layers.map_model import MapModel
    from layers.viewport import Viewport
    from models.workspace import Workspace
    from ui.render_worker import Renderer

    ws = Workspace.open(store.bundled_path())
    ahead = MapModel.from_workspace(ws)
    alone = MapModel.from_workspace(ws)
    asked: list[str] = []
    real = MapLayer.prefetch

    def prefetch(self: MapLayer, view: Viewport) -> None:
        if self in alone.layers:
            return  # this model simplifies everything in the render thread
        asked.append(self.name)
        real(self, view)

    monkeypatch.setattr(MapLayer, "prefetch", prefetch)
    full = Viewport.fit(ahead.full_extent(), *SIZE, 0.02)
    views = [full, full.zoomed(2.0), full.zoomed(2.0).panned(-240, 96),
             full.zoomed(8.0).panned(100, -40)]
    r = Renderer(ahead)
    for view in views:
        shown = _render(r, view)
        want = _render(Renderer(alone), view)
        r.wait(60_000)
        share, block = differences(shown, want)
        # pans shift the old image: antialiased edge pixels at strip seams may differ
        assert share <= 0.002 and block <= 0.1, view
    assert "control_units" in asked  # the units were simplified ahead of their turn


def test_hit_test_index_is_built_in_idle_time_not_by_drawing(qapp) -> None:
    """Drawing works from the lon/lat geometry; the Mercator shapes and tree that hit
    tests use are built in the background once the renderer has been idle a moment, so
    the first click does not project a whole layer on the GUI thread."""
    from geodata import store
    from layers.hit_test import hits
    from layers.map_model import MapModel
    from layers.viewport import Viewport
    from models.workspace import Workspace
    from tests.ui.conftest import spin_until
    from ui.render_worker import Renderer

    model = MapModel.from_workspace(Workspace.open(store.bundled_path()))
    units = model.get("control_units")
    full = Viewport.fit(model.full_extent(), *SIZE, 0.02)
    r = Renderer(model)
    _render(r, full)
    assert units._merc is None  # the render did not project the units
    assert spin_until(lambda: units._tree is not None, 10_000)
    r.wait(10_000)
    # and a click finds the unit under it
    ax, ay = units.anchors()
    found = hits(model, float(ax[0]), float(ay[0]), full.res)
    assert any(h.layer == "control_units" for h in found)
