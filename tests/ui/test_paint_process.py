"""Runs painted in a child process are the runs the window paints itself (issue 17).

The children (:mod:`ui.paint_process`) paint with the window's own code into shared memory;
what the map shows must not depend on who painted it: byte for byte the same image, for a
whole view and for the strip a pan paints.  A child that dies costs nothing but time: the
window paints that run itself and a new child replaces it.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

from tests.ui.test_render_cache import SIZE, _render, _rgba


@pytest.fixture(scope="module")
def painters():
    from ui.paint_process import PaintProcesses

    pool = PaintProcesses(1)
    pool.start()
    assert pool.wait_ready(120), "the paint process did not start"
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def bundled_model():
    from geodata import store
    from layers.map_model import MapModel
    from layers.viewport import Viewport
    from models.workspace import Workspace

    model = MapModel.from_workspace(Workspace.open(store.bundled_path()))
    return model, Viewport.fit(model.full_extent(), *SIZE, 0.02)


def _bytes(img) -> np.ndarray:  # noqa: ANN001 - QImage
    return np.frombuffer(img.constBits(), np.uint8, count=img.sizeInBytes()).copy()


def _runs(model):  # noqa: ANN001, ANN202
    from ui.render_worker import Renderer, own_point_image

    r = Renderer(model)
    runs = [run for run in r._runs() if not own_point_image(run)]
    atlases = {run[0].name: {la.name: r._atlas(la) for la in run
                             if la.style.kind == "point"} for run in runs}
    return runs, atlases


def test_each_run_painted_in_a_child_is_byte_for_byte_the_window_s(qapp, painters,
                                                                  bundled_model) -> None:
    from ui.render_worker import paint_run

    model, view = bundled_model
    runs, atlases = _runs(model)
    assert {la.name for run in runs for la in run} >= {"sea", "land", "control_units",
                                                       "bays", "places"}
    for run in runs:
        here = paint_run(run, view, "zh", atlases=atlases[run[0].name])
        there = paint_run(run, view, "zh", atlases=atlases[run[0].name], painters=painters)
        assert here is not None and there is not None
        assert there.size() == here.size()
        assert np.array_equal(_bytes(there), _bytes(here)), [la.name for la in run]


def test_a_pan_strip_painted_in_a_child_has_its_patterns_where_the_window_s_are(
        qapp, painters, bundled_model) -> None:
    """The strip a pan uncovers, with hatch patterns anchored off the strip (the control
    units' hatched 优先保护 units): the same bytes from the child."""
    from PySide6.QtCore import QRect

    from ui.render_worker import paint_run, sub_view

    model, view = bundled_model
    runs, atlases = _runs(model)
    rect = QRect(0, 120, SIZE[0], 173)
    sv = sub_view(view, rect)
    units = next(run for run in runs if run[0].name == "control_units")
    here = paint_run(units, sv, "zh", (3, -120), pooled=False, atlases={})
    there = paint_run(units, sv, "zh", (3, -120), pooled=False, atlases={}, painters=painters)
    assert here is not None and there is not None
    assert (there.width(), there.height()) == (SIZE[0], 173)
    assert np.array_equal(_bytes(there), _bytes(here))


def test_the_map_with_paint_processes_is_the_map_without(qapp, painters, bundled_model,
                                                         monkeypatch) -> None:
    """The whole composite (labels, outfalls, every run) of a view, the next zoom level
    and a pan there (shifted images and painted strips): at each step the same pixels as a
    renderer that has no children and went the same way."""
    import ui.render_worker as rw

    model, view = bundled_model
    monkeypatch.setattr(rw, "paint_processes", lambda: None)
    alone = rw.Renderer(model)
    monkeypatch.setattr(rw, "paint_processes", lambda: painters)
    helped = rw.Renderer(model)
    asked: list[bool] = []
    real_collect = painters.collect

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        ok = real_collect(*args, **kwargs)
        asked.append(ok)
        return ok

    monkeypatch.setattr(painters, "collect", counted)
    for v in (view, view.zoomed(2.0), view.zoomed(2.0).panned(-160, 48)):
        assert np.array_equal(_render(helped, v), _render(alone, v))
    assert asked and all(asked), "the children painted nothing"


def test_a_killed_child_costs_a_run_painted_here_and_is_replaced(qapp, bundled_model) -> None:
    import signal

    from ui.paint_process import PaintProcesses
    from ui.render_worker import paint_run

    model, view = bundled_model
    runs, atlases = _runs(model)
    units = next(run for run in runs if run[0].name == "control_units")
    pool = PaintProcesses(1)
    try:
        pool.start()
        assert pool.wait_ready(120)
        expected = _bytes(paint_run(units, view, "zh", atlases={}))
        (pid,) = pool.pids()
        os.kill(pid, signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
        got = paint_run(units, view, "zh", atlases={}, painters=pool)
        assert got is not None and np.array_equal(_bytes(got), expected)
        assert pool.missing() == 1 and pool.ready() == 0
        # no child: the window paints, without waiting
        assert np.array_equal(_bytes(paint_run(units, view, "zh", atlases={}, painters=pool)),
                              expected)
        pool.start()
        assert pool.wait_ready(120) and pool.starts == 2 and pool.pids() != [pid]
        assert np.array_equal(_bytes(paint_run(units, view, "zh", atlases={}, painters=pool)),
                              expected)
    finally:
        pool.close()
    assert pool.pids() == []


def test_the_number_of_paint_processes_is_the_environment_s(monkeypatch) -> None:
    import ui.paint_process as pp

    monkeypatch.setenv("ECOZONE_PAINT_PROCESSES", "0")
    assert pp.paint_processes() is None
    monkeypatch.setenv("ECOZONE_PAINT_PROCESSES", "3")
    assert pp.configured_processes() == 3
    monkeypatch.setenv("ECOZONE_PAINT_PROCESSES", "many")
    assert pp.configured_processes() == pp.DEFAULT_PROCESSES
    monkeypatch.delenv("ECOZONE_PAINT_PROCESSES")
    assert pp.configured_processes() == pp.DEFAULT_PROCESSES == 2


def test_with_children_ready_the_runs_are_sent_first_and_finished_after_the_outfalls(
        qapp, painters, bundled_model, monkeypatch) -> None:
    """The render thread sends the runs without a big point layer to the children first,
    places the labels and paints the outfalls while they paint, then takes their images:
    all on its one thread (no other thread of the window waits for a child)."""
    import threading

    import ui.render_worker as rw
    from cli.render import _wait

    model, view = bundled_model
    monkeypatch.setattr(rw, "paint_processes", lambda: painters)
    jobs: list[tuple[str, int]] = []
    real_start, real_run = rw.start_render_run, rw.render_run
    real_labels = rw.Renderer._render_labels

    def start(run, view, lang, atlases, previous, painters=None):  # noqa: ANN001, ANN202
        assert painters is not None
        jobs.append(("send " + run[0].name, threading.get_ident()))
        finish = real_start(run, view, lang, atlases, previous, painters)

        def done():  # noqa: ANN202
            jobs.append(("finish " + run[0].name, threading.get_ident()))
            return finish()
        return done

    def run(run, view, lang, atlases, previous, painters=None):  # noqa: ANN001, ANN202
        jobs.append(("paint " + run[0].name, threading.get_ident()))
        return real_run(run, view, lang, atlases, previous, painters)

    def labels(self, *args):  # noqa: ANN001, ANN002, ANN202
        jobs.append(("labels", threading.get_ident()))
        return real_labels(self, *args)

    monkeypatch.setattr(rw, "start_render_run", start)
    monkeypatch.setattr(rw, "render_run", run)
    monkeypatch.setattr(rw.Renderer, "_render_labels", labels)
    r = rw.Renderer(model)
    r.request(view)
    _wait(r)
    r.wait(60_000)
    assert [name for name, _t in jobs] == [
        "send sea", "send control_units", "send bays", "labels", "paint outfalls",
        "finish sea", "finish control_units", "finish bays"]
    assert len({t for _name, t in jobs}) == 1
    assert len(painters.pids()) == 1


def test_the_children_start_once_the_map_has_been_idle_not_at_the_first_map(
        qapp, bundled_model, monkeypatch) -> None:
    """Their start costs ~1 s of CPU each: not while the user pans (each render puts it
    off), only once the map has stood still PAINTERS_IDLE_MS."""
    import time

    from PySide6.QtCore import QCoreApplication

    import ui.render_worker as rw
    from cli.render import _wait

    class Pool:  # the pool's side the renderer uses before any child is ready
        n = 2

        def __init__(self) -> None:
            self.started = 0

        def missing(self) -> int:
            return 0 if self.started else 2

        def ready(self) -> int:
            return 0

        def start(self) -> None:
            self.started += 1

    pool = Pool()
    monkeypatch.setattr(rw, "paint_processes", lambda: pool)
    monkeypatch.setattr(rw, "PAINTERS_IDLE_MS", 400)
    model, view = bundled_model
    r = rw.Renderer(model)

    def pump(ms: float) -> None:
        t0 = time.perf_counter()
        while (time.perf_counter() - t0) * 1000 < ms:
            QCoreApplication.processEvents()
            time.sleep(0.005)

    r.request(view)
    _wait(r)
    assert pool.started == 0  # the first map: nothing started
    for dx in (40, -40, 40):  # a pan every 200 ms keeps putting it off
        pump(200)
        r.request(view.panned(dx, 0))
        _wait(r)
    assert pool.started == 0
    pump(1000)
    assert pool.started == 1  # idle long enough: started, once
    r.request(view)
    _wait(r)
    pump(800)
    assert pool.started == 1  # none missing: not again
