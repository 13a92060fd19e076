"""A click on an outfall, part by part, and the event loop's gaps around clicks (issue 17).

``run_benchmarks``' ``click_gaps`` calls ``QTest.mouseClick`` between pumps of the event
loop, so one interval holds the click and the repaint after it.  This harness says what a
click is made of:

- ``loop``: clicks posted into the running loop (a zero timer each, as a mouse release
  arrives), the 1 ms timer's gaps over them: ``max_ms``, ``over_16ms``, ``over_10ms``;
- ``parts_ms``: medians per click, the click called directly: ``identify`` (the hit
  test), ``card`` and ``table_row`` (the selection's listeners), ``selection`` (all of the
  selection's listeners), ``handled`` (the click's handlers), ``repaint`` (the event
  processing after it) and, within it, ``paint`` by widget (the time from one widget's
  paint event to the next one's: a widget and the children it paints);
- ``clicks``: how many, on outfalls spread over the full extent;
- ``zone_loop``: as ``loop``, for ``zone_clicks`` clicks on control units (a point inside
  each with no outfall under it), one after another: 要素详情 in front but for the first
  (the record card was, after the outfalls); at the full extent, or (1M: an outfall
  under every zone's anchor) in a view zoomed in on a zone (``zone_view``);
- ``alternating_loop``: an outfall, a zone, an outfall...: each click brings the other
  tab to the front (the record card, then 要素详情).

Usage::

    python bench/bench_clicks.py /tmp/ecozone-bench/o1000000_u20000.gpkg [--clicks 20]

The workspace is copied first (the window may write its review tables).  Prints one JSON
object.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run_benchmarks import _pump_until  # noqa: E402 - after the path


def _pump(seconds: float) -> None:
    """The event loop run for ``seconds`` (as ``run_benchmarks`` runs it)."""
    end = time.perf_counter() + seconds
    _pump_until(lambda: time.perf_counter() > end)


def _spots(win: Any, n: int, seed: int, layer: str = "outfalls") -> list[tuple[float, float]]:
    """Screen points where a click hits a feature of ``layer`` first, over the full
    extent: an outfall's point, or a zone's anchor with no outfall under it (none if the
    layer is not shown)."""
    import numpy as np

    canvas, features = win.canvas, win.model.get(layer)
    if features is None or not len(features):
        return []
    rnd = random.Random(seed)
    spots: list[tuple[float, float]] = []
    end = time.perf_counter() + 20.0
    while len(spots) < n and time.perf_counter() < end:
        i = rnd.randrange(len(features))
        if layer == "outfalls":
            x0, y0, x1, y1 = features.feature_extent(i)
            x, y = np.array((x0 + x1) / 2), np.array((y0 + y1) / 2)
        else:  # (a point inside the zone)
            ax, ay = features.anchors()
            x, y = np.array(ax[i]), np.array(ay[i])
        sx, sy = (float(v) for v in canvas.view.to_screen(x, y))
        if 0 <= sx < canvas.width() and 0 <= sy < canvas.height():
            found = canvas.identify(sx, sy)
            if found and found[0].layer == layer:
                spots.append((sx, sy))
    return spots


def _zoomed_in_spots(win: Any, n: int, seed: int
                     ) -> tuple[list[tuple[float, float]], list[tuple[float, float]], str]:
    """Zone and outfall spots in a view zoomed in on a zone until clicks find zones
    with no outfall under them: (zones, outfalls, the view's width in metres)."""
    canvas, units = win.canvas, win.model.get("control_units")
    if units is None or not len(units):
        return [], [], ""
    rnd = random.Random(seed)
    i = rnd.randrange(len(units))
    ax, ay = units.anchors()
    x, y = float(ax[i]), float(ay[i])
    for half in (8000.0, 4000.0, 2000.0, 1000.0, 500.0):
        canvas.zoom_to_bbox((x - half, y - half, x + half, y + half), 0.0)
        _pump(1.5)  # (drawn)
        found: dict[str, list[tuple[float, float]]] = {"control_units": [], "outfalls": []}
        for _ in range(4000):
            sx, sy = rnd.uniform(10, canvas.width() - 10), rnd.uniform(10, canvas.height() - 10)
            hits = canvas.identify(sx, sy)
            if hits and hits[0].layer in found and len(found[hits[0].layer]) < n:
                found[hits[0].layer].append((sx, sy))
            if all(len(v) >= n for v in found.values()):
                break
        if len(found["control_units"]) >= n:
            x0, _y0, x1, _y1 = canvas.view.bbox
            width = x1 - x0
            return found["control_units"], found["outfalls"], f"{width:.0f} m wide"
    return [], [], ""


class _Timed:
    """Wraps methods of objects to add their wall time (ms) to ``acc[label]``."""

    def __init__(self) -> None:
        self.acc: dict[str, float] = collections.defaultdict(float)

    def wrap(self, obj: Any, name: str, label: str) -> None:
        real = getattr(obj, name)

        def timed(*args: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                return real(*args, **kw)
            finally:
                self.acc[label] += (time.perf_counter() - t) * 1000

        setattr(obj, name, timed)


def measure(path: Path, clicks: int, seed: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np

    from cli.window import open_importing_window

    ws = open_importing_window(path)
    from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.features import install_features
    from ui.main import MainWindow, make_app

    make_app()
    win = MainWindow(ws, "zh", settings=None)
    win.resize(1600, 1000)
    win.show()
    review = install_features(win, interactive=False).review
    canvas = win.canvas
    # the window settled: table and flags in, the map drawn at the full extent
    _pump_until(lambda: review is None or (review.checker.bits is not None
                                           and not review.checker.running))
    canvas.full_extent()
    _pump(3.0)
    spots = _spots(win, clicks, seed)
    _pump(1.0)

    def click(sx: float, sy: float) -> None:
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPointF(sx, sy).toPoint())

    def loop(points: list[tuple[float, float]]) -> dict[str, Any]:
        """The clicks posted into the running loop, a 1 ms timer's gaps over them."""
        ticks: list[float] = []
        meter = QTimer()
        meter.setInterval(1)
        meter.timeout.connect(lambda: ticks.append(time.perf_counter()))
        meter.start()
        _pump(0.5)
        ticks.clear()
        for sx, sy in points:
            QTimer.singleShot(0, lambda sx=sx, sy=sy: click(sx, sy))
            _pump(0.15)
        meter.stop()
        gaps = np.diff(np.asarray(ticks)) * 1000 if len(ticks) > 1 else np.zeros(1)
        return {"max_ms": round(float(gaps.max()), 1),
                "over_16ms": int((gaps > 16).sum()), "over_10ms": int((gaps > 10).sum()),
                "longest_ms": sorted(round(float(g), 1) for g in gaps)[-12:]}

    outfall_loop = loop(spots)
    # zones: one after another with 要素详情 in front, then each after an outfall (the
    # record card in front: the click brings 要素详情 back)
    zones = _spots(win, max(2, clicks // 2), seed, layer="control_units")
    zone_view = "full extent"
    if len(zones) < max(2, clicks // 2):  # (1M: an outfall under every zone's anchor)
        zones, mixed_outfalls, zone_view = _zoomed_in_spots(win, max(2, clicks // 2), seed)
    else:
        mixed_outfalls = spots
    zone_loop = loop(zones) if zones else None
    mixed = [p for pair in zip(mixed_outfalls, zones, strict=False) for p in pair]
    alternating = loop(mixed) if zones and mixed_outfalls else None

    # the same clicks called directly, part by part
    timed = _Timed()
    if review is not None:
        timed.wrap(review.card, "show_outfall", "card")
        timed.wrap(review.panel, "select_codes", "table_row")
    timed.wrap(canvas, "identify", "identify")
    timed.wrap(win.selection, "select", "selection")
    painted: list[tuple[float, str]] = []

    class PaintOrder(QObject):
        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt name
            if event.type() == QEvent.Type.Paint:
                painted.append((time.perf_counter(), obj.objectName() or type(obj).__name__))
            return False

    order = PaintOrder()
    QApplication.instance().installEventFilter(order)
    per_click: list[dict[str, float]] = []
    for sx, sy in spots:
        timed.acc.clear()
        painted.clear()
        t0 = time.perf_counter()
        click(sx, sy)
        t1 = time.perf_counter()
        QApplication.processEvents()
        t2 = time.perf_counter()
        one = dict(timed.acc, handled=(t1 - t0) * 1000, repaint=(t2 - t1) * 1000)
        painted.append((t2, ""))
        for (ta, name), (tb, _next) in zip(painted, painted[1:], strict=False):
            key = f"paint.{name}"
            one[key] = one.get(key, 0.0) + (tb - ta) * 1000
        per_click.append(one)
        _pump(0.1)
    QApplication.instance().removeEventFilter(order)
    keys = sorted({k for one in per_click for k in one})
    parts = {k: round(statistics.median(one.get(k, 0.0) for one in per_click), 2)
             for k in keys}
    paint = {k[6:]: v for k, v in parts.items() if k.startswith("paint.") and v >= 0.05}
    if review is not None:
        review.shutdown()
    return {"workspace": str(path), "clicks": len(spots),
            "loop": outfall_loop, "zone_clicks": len(zones), "zone_view": zone_view,
            "zone_loop": zone_loop,
            "alternating_loop": alternating,
            "parts_ms": {k: v for k, v in parts.items() if not k.startswith("paint.")},
            "paint_ms": dict(sorted(paint.items(), key=lambda kv: -kv[1]))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace", type=Path)
    ap.add_argument("--clicks", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecozone-clicks-") as tmp:
        work = Path(tmp) / args.workspace.name
        shutil.copy(args.workspace, work)
        print(json.dumps(measure(work, args.clicks, args.seed)))


if __name__ == "__main__":  # the window's children are spawned: they import this file
    main()
