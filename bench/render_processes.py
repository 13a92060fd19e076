"""Measurement for issue 17's goal 2: would render processes paint in parallel?

PySide6 holds the GIL inside QPainter calls, so the renderer's threads paint one at a
time (two threads filling paths into their own images: no faster than one after the
other).  This prototype paints the layer runs of a workspace's warm full-extent view
(1600x1000, geometry and symbol atlases made already) in two child processes, the
heaviest run (control units) in one and the rest in the other, each copying its images
into shared memory, and compares that with the same runs painted one after the other in
this process.  Labels and the composite are not included.  Not the product's renderer:
a figure for deciding whether to build one.

    python bench/render_processes.py /tmp/ecozone-bench/o100000_u5000.gpkg

Prints one JSON object (medians of 8).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from multiprocessing import shared_memory
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
W, H = 1600, 1000
RUNS = 8


def setup(path: str) -> tuple[Any, Any, Any, Any]:
    """(app, ui.render_worker, a Renderer, the full-extent view) for ``path``."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    import ui.render_worker as rw
    from cli.render import font_setup
    from layers.map_model import MapModel
    from layers.viewport import Viewport
    from models.workspace import Workspace

    font_setup()
    model = MapModel.from_workspace(Workspace.open(path))
    view = Viewport.fit(model.full_extent(), W, H, 0.02)
    return app, rw, rw.Renderer(model), view


def paint(rw: Any, renderer: Any, view: Any, names: set[str],
          bufs: dict[str, shared_memory.SharedMemory] | None) -> None:
    """Paint the runs ``names`` for ``view``; each image copied into its shared buffer."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QImage, QPainter

    for run in renderer._runs():
        if run[0].name not in names:
            continue
        atlases = {la.name: renderer._atlas(la) for la in run if la.style.kind == "point"}
        res = rw.render_run(run, view, "zh", atlases, None)
        if res.image is None or bufs is None:
            continue
        out = QImage(bufs[run[0].name].buf, W, H, W * 4,
                     QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(out)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        p.drawImage(QPoint(0, 0), res.image)
        p.end()


def child(path: str, names: set[str], conn: Any, shm_names: dict[str, str]) -> None:
    _app, rw, renderer, view = setup(path)
    bufs = {n: shared_memory.SharedMemory(name=s) for n, s in shm_names.items()}
    paint(rw, renderer, view, names, bufs)  # warm: geometry for the level and atlases
    conn.send("ready")
    while conn.recv() == "go":
        paint(rw, renderer, view, names, bufs)
        conn.send("done")
    for b in bufs.values():
        b.close()


def main(path: str) -> dict[str, Any]:
    _app, rw, renderer, view = setup(path)
    runs = [run[0].name for run in renderer._runs()]
    paint(rw, renderer, view, set(runs), None)
    one = []
    for _ in range(RUNS):
        t = time.perf_counter()
        paint(rw, renderer, view, set(runs), None)
        one.append((time.perf_counter() - t) * 1000)
    heavy = {n for n in runs if n == "control_units"}
    shms = {n: shared_memory.SharedMemory(create=True, size=W * H * 4) for n in runs}
    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    for part in (heavy, set(runs) - heavy):
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=child, args=(path, part, theirs,
                                               {n: shms[n].name for n in part}))
        proc.start()
        pipes.append(mine)
        procs.append(proc)
    for conn in pipes:
        assert conn.recv() == "ready"
    two = []
    for _ in range(RUNS):
        t = time.perf_counter()
        for conn in pipes:
            conn.send("go")
        for conn in pipes:
            assert conn.recv() == "done"
        two.append((time.perf_counter() - t) * 1000)
    for conn in pipes:
        conn.send("stop")
    for proc in procs:
        proc.join()
    for s in shms.values():
        s.close()
        s.unlink()
    return {"runs": runs, "in_process_one_thread_ms": round(statistics.median(one), 1),
            "two_processes_shared_memory_ms": round(statistics.median(two), 1)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
