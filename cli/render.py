"""``render``: render the map offscreen exactly as the window does, with timings.

    ecozone render --workspace W.gpkg --out map.png --size 1600x1000 \
        [--bbox minx,miny,maxx,maxy] [--runs 1] [--json]

The map goes through the window's own renderer (:class:`ui.render_worker.Renderer`: one
image per layer in worker threads, then the composite) and gets the canvas background,
scale bar and north arrow, so the PNG is the map area of the window.  ``--bbox`` is in
lon/lat (CGCS2000); without it the full extent is shown, as the window opens.

Timings (milliseconds): ``load`` (open the GeoPackage), ``fonts`` (the font database, as
the window's start-up loads it: :func:`font_setup`), ``index`` (map layers, category
codes, point indexes), ``render`` (request to composite, cold: first render in this
process, including projection, simplification and the map fonts), ``render_warm`` (median of the later
``--runs`` renders of the same extent with the layer images cleared; geometry simplified
for the zoom level and label sprites are kept), ``render_cpu``/``render_warm_cpu`` (CPU
time of the whole process, all threads), and with ``--runs`` above 1: ``pan`` (median of
``--runs`` renders after a drag by a third of the width, back and forth, at the same zoom:
what a user meets, with the layer images of the view before), ``zoom`` (a render at the
next zoom level in, the first time that level is drawn) and ``zoom_again`` (the same step
once that level's geometry exists; ``zoom_cpu`` is the first one's CPU time), ``total``.
Also the process's peak memory in MB.  The cold render is painted in this process, as
the window's first map is; after it the paint processes are started (as the window starts
them once its first map is shown, :mod:`ui.paint_process`) and the later renders wait
until they are ready (``paint_processes``: how many, ``paint_processes_peak_mb``: their
peak memory together; CPU figures and ``peak_memory_mb`` are this process's).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from cli.common import (
    UserError,
    command,
    common_options,
    lang_of,
    open_workspace,
    parse_size,
    print_json,
)
from geodata.collector import collector_paused
from geodata.messages import Message

_T0 = time.perf_counter()


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in text.split(","))
    except ValueError:
        raise UserError(Message(f"--bbox “{text}”应为 minx,miny,maxx,maxy（经纬度）",
                                f"--bbox '{text}' must be minx,miny,maxx,maxy (lon/lat)")
                        ) from None
    if not (x0 < x1 and y0 < y1 and -180 <= x0 and x1 <= 180 and -85 <= y0 and y1 <= 85):
        raise UserError(Message(f"--bbox “{text}”不是最小值小于最大值的经纬度范围",
                                f"--bbox '{text}' is not a lon/lat box with min < max"))
    return x0, y0, x1, y1


def peak_memory_mb() -> float:
    """Peak resident memory of this process, MB (Linux/macOS; 0 where unknown)."""
    try:
        import resource  # POSIX only: Windows has no such module

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, AttributeError, OSError):
        return 0.0
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _ensure_platform() -> None:
    if "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def font_setup() -> float:
    """Load the font database as the window's start-up does; its time in ms.

    The first text a Qt process measures makes Qt read the system's font list
    (fontconfig on Linux, ~5 ms here): process start-up, not map drawing.  The window pays
    it for its widgets before its first map render, and QGIS's first-render figure
    (bench/qgis_side.py) comes after ``initQgis``, which has loaded it too (the font list
    then answers in ~0.1 ms).  So ``render`` loads it before the timed render, as the
    window would, and reports it apart (``fonts``).  Only the database and the
    application's default font: the map's own fonts, their glyphs and the label images
    are still made inside the render, in its thread, as in the window.
    """
    from PySide6.QtGui import QFontMetricsF, QGuiApplication

    t = time.perf_counter()
    QFontMetricsF(QGuiApplication.font()).height()
    return (time.perf_counter() - t) * 1000


def _wait(renderer: Any, timeout_s: float = 300.0) -> None:
    from PySide6.QtCore import QCoreApplication

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        QCoreApplication.processEvents()
        if not renderer.busy():
            QCoreApplication.processEvents()
            return
        time.sleep(0.001)
    raise TimeoutError("render did not finish")


def render_map(ws: Any, out: Path | None, size: tuple[int, int],
               bbox: tuple[float, float, float, float] | None = None, runs: int = 1,
               lang: str = "zh") -> dict[str, Any]:
    """Render ``ws`` offscreen; returns timings (ms) and what was drawn."""
    _ensure_platform()
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter

    from layers.map_model import MapModel
    from layers.mercator import to_mercator
    from layers.point_density import point_index
    from layers.viewport import Viewport
    from ui.render_worker import Renderer
    from ui.scale_bar import draw_north_arrow, draw_scale_bar

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    fonts_ms = font_setup()
    t = time.perf_counter()
    model = MapModel.from_workspace(ws)
    for layer in model.layers:
        if layer.style.kind == "point":
            point_index(layer)
    index_ms = (time.perf_counter() - t) * 1000
    w, h = size
    if bbox is None:
        extent = model.full_extent()
        if extent is None:
            raise UserError(Message("工作空间没有可绘制的空间图层",
                                    "the workspace has no spatial layers to render"))
        view = Viewport.fit(extent, w, h, 0.02)
    else:
        x0, y0 = to_mercator(bbox[0], bbox[1])
        x1, y1 = to_mercator(bbox[2], bbox[3])
        view = Viewport.fit((float(x0), float(y0), float(x1), float(y1)), w, h, 0.0)
    renderer = Renderer(model)
    renderer.lang = lang
    composite: list[Any] = []
    renderer.composite_ready.connect(lambda img, v: composite.append((img, v)))

    def timed(v: Any) -> tuple[float, float]:
        """(wall ms, CPU ms of the whole process) of one render of ``v``."""
        composite.clear()
        t, c = time.perf_counter(), time.process_time()
        renderer.request(v)
        _wait(renderer)
        return (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000

    times, cpu = [], []
    for i in range(max(1, runs)):
        renderer.invalidate()
        wall, c = timed(view)
        times.append(wall)
        cpu.append(c)
        if i == 0 and runs > 1:
            # as in the window, the paint processes start once the first map is there;
            # the later renders are what a user meets once they are ready
            renderer.start_painters(wait=True)
    renderer.wait(600_000)
    if not composite:
        raise RuntimeError("the renderer produced no image")
    img, _v = composite[-1]
    pans, zooms, zoom_cpu = [], [], []
    if runs > 1:
        # what a user meets: a drag by a third of the width (back and forth), and a step
        # to the next zoom level in -- first at a level never drawn (its simplification
        # included), then again once that level's geometry exists
        shift = round(w / 3)
        cur = view
        for i in range(runs):
            cur = cur.panned(-shift if i % 2 == 0 else shift, 0)
            pans.append(timed(cur)[0])
        for _ in range(2):
            timed(view)
            wall, c = timed(view.zoomed(2.0))
            zooms.append(wall)
            zoom_cpu.append(c)
        renderer.wait(600_000)
    if out is not None:
        from ui.map_canvas import BACKGROUND

        page = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        page.fill(BACKGROUND)
        p = QPainter(page)
        p.drawImage(QPoint(0, 0), img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        draw_scale_bar(p, view, 16, h - 14)
        draw_north_arrow(p, w - 40, 44)
        p.end()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not page.save(str(out)):
            raise OSError(f"cannot write {out}")
    drawn = {}
    for layer in model.layers:
        if layer.visible and len(layer):
            if layer.style.kind == "point":
                from layers.point_density import Density, prepare_points

                d = prepare_points(layer, view)
                drawn[layer.name] = {"features": len(layer), "in_view": d.n_features if not
                                     isinstance(d, Density) else d.n_points,
                                     "mode": "density" if isinstance(d, Density) else "symbols"}
            else:
                drawn[layer.name] = {"features": len(layer)}
    del app, Qt
    return {"fonts_ms": round(fonts_ms, 1), "index_ms": round(index_ms, 1), "render_ms": round(times[0], 1),
            "render_warm_ms": round(statistics.median(times[1:]), 1) if len(times) > 1
            else None, "render_runs_ms": [round(v, 1) for v in times],
            "render_cpu_ms": round(cpu[0], 1),
            "render_warm_cpu_ms": round(statistics.median(cpu[1:]), 1) if len(cpu) > 1
            else None,
            "pan_ms": round(statistics.median(pans), 1) if pans else None,
            "pan_runs_ms": [round(v, 1) for v in pans],
            "zoom_ms": round(zooms[0], 1) if zooms else None,
            "zoom_again_ms": round(zooms[1], 1) if zooms else None,
            "zoom_cpu_ms": round(zoom_cpu[0], 1) if zoom_cpu else None,
            "paint_processes": renderer.painters.ready() if renderer.painters else 0,
            "paint_processes_peak_mb": renderer.painters.peak_mb() if renderer.painters
            else 0.0,
            "view": {"res_m_per_px": round(view.res, 3), "bbox_mercator":
                     [round(v, 1) for v in view.bbox]}, "layers": drawn}


def add_parser(subparsers: Any) -> None:
    """``render``."""
    p = subparsers.add_parser("render", help="render the map offscreen to a PNG, with timings")
    p.add_argument("--out", type=Path, required=True, help="PNG to write")
    p.add_argument("--size", default="1600x1000", help="WIDTHxHEIGHT in pixels")
    p.add_argument("--bbox", default=None, help="minx,miny,maxx,maxy in lon/lat (CGCS2000)")
    p.add_argument("--runs", type=int, default=1, help="renders of the same view (default 1)")
    common_options(p, workspace_help="GeoPackage to render (default: your workspace)")
    p.set_defaults(func=cmd_render)


@command
def cmd_render(args: argparse.Namespace) -> int:
    size = parse_size(args.size, minimum=50)
    bbox = parse_bbox(args.bbox)
    if not 1 <= args.runs <= 50:
        raise UserError(Message(f"--runs {args.runs} 须在 1 到 50 之间",
                                f"--runs {args.runs} must be between 1 and 50"))
    t = time.perf_counter()
    # as the window's start does: no cyclic collection through the read (at 1M outfalls
    # its collections rescan a million new objects), and what the read made frozen, so
    # the collections the render's allocations set off do not scan it either (a full one
    # fell inside the first render: ~30 ms of it at 100k outfalls)
    with collector_paused():
        ws = open_workspace(args)
    load_ms = (time.perf_counter() - t) * 1000
    result = render_map(ws, Path(args.out), size, bbox, args.runs, lang_of(args))
    total_ms = (time.perf_counter() - _T0) * 1000
    out = {"workspace": str(ws.path), "out": str(args.out), "size": list(size),
           "load_ms": round(load_ms, 1), **result, "total_ms": round(total_ms, 1),
           "peak_memory_mb": peak_memory_mb()}
    if args.json:
        print_json(out)
    return 0
