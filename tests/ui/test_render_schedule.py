"""What a render does, in which order: one composite per request, geometry simplified
ahead of the painting from the second run on, fonts loaded before the timed render."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (800, 500)


def test_a_render_of_many_layers_composites_once(qapp, bundled_ws) -> None:
    """The layers of one request are composited once, when all are in: a composite asked
    for after the first layer would only run after the others (one render thread, jobs
    in order) and show a picture without them just before the whole one."""
    from cli.render import _wait
    from layers.map_model import MapModel
    from layers.viewport import Viewport
    from ui.render_worker import Renderer

    model = MapModel.from_workspace(bundled_ws)
    r = Renderer(model)
    got = []
    r.composite_ready.connect(lambda img, v: got.append(v))
    full = Viewport.fit(model.full_extent(), *SIZE, 0.02)
    r.request(full)
    assert sum(la.visible for la in model.layers) > 3  # several layer jobs in this request
    _wait(r)
    assert got == [full]
    # a pan re-renders every run (strips) and again composites once
    got.clear()
    r.request(full.panned(-120, 0))
    _wait(r)
    assert got == [full.panned(-120, 0)]
    # a change to one layer: that run, then the composite
    got.clear()
    model.get("control_units").touch()
    r.request(full)
    _wait(r)
    assert got == [full]
    r.wait(60_000)


def test_prefetch_starts_one_run_ahead_and_does_the_first_run_top_down(bundled_ws) -> None:
    from layers.map_model import MapModel
    from ui.render_worker import prefetch_order

    layers = {la.name: la for la in MapModel.from_workspace(bundled_ws).layers}
    base = [layers[n] for n in ("sea", "land", "counties")]
    units = [layers["control_units"]]
    top = [layers["bays"], layers["protected_areas"]]
    order = [la.name for la in prefetch_order([base, units, top])]
    assert order == ["control_units", "bays", "protected_areas", "counties", "land", "sea"]
    assert prefetch_order([]) == []
    assert [la.name for la in prefetch_order([base])] == ["counties", "land", "sea"]


def test_render_reports_font_setup_apart_from_the_render(bundled_ws, tmp_path, qapp) -> None:
    from cli.render import render_map

    out = render_map(bundled_ws, tmp_path / "m.png", SIZE, None, 1, "zh")
    assert out["fonts_ms"] >= 0
    assert out["render_ms"] > 0
    assert (tmp_path / "m.png").exists()
