"""The scripted pan and zoom both map benchmarks measure, in one place.

90 pan frames of 8 px (a fresh render requested every 15 frames, as a drag would) and 30
wheel steps around a point; between input events the event loop runs, with a 1 ms timer
whose gaps are the time the loop was blocked.  Imported by bench_map.py and
run_benchmarks.py (both run as scripts, so this folder is on sys.path).
"""

from __future__ import annotations

import time
from typing import Any


def scripted_pan_zoom(canvas: Any, size: tuple[int, int]) -> dict[str, Any]:
    """Frame times (ms) of the pan and zoom, the longest event-loop gap and gaps > 16 ms."""
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, QTimer

    elapsed, last, max_gap, long_gaps = QElapsedTimer(), [0.0], [0.0], [0]

    def tick() -> None:
        now = elapsed.nsecsElapsed() / 1e6
        max_gap[0] = max(max_gap[0], now - last[0])
        long_gaps[0] += (now - last[0]) > 16.0
        last[0] = now

    def pump(ms: float) -> None:
        # the time between input events: the event loop runs (and the 1 ms timer ticks)
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            QCoreApplication.processEvents()
            time.sleep(0.0002)

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    pan: list[float] = []
    zoom: list[float] = []
    elapsed.start()
    timer.start()
    view = canvas.view
    for i in range(90):
        t = time.perf_counter()
        view = view.panned(8, 3)
        canvas.view = view
        canvas.repaint()
        QCoreApplication.processEvents()
        pan.append((time.perf_counter() - t) * 1000)
        if i % 15 == 14:
            canvas.renderer.request(view)
        pump(4)  # a mouse delivers ~120-250 events/s
    for i in range(30):
        t = time.perf_counter()
        factor = 2 ** 0.25 if i < 15 else 2 ** -0.25
        canvas.set_view(canvas.view.zoomed(factor, size[0] / 3, size[1] / 2))
        canvas.repaint()
        QCoreApplication.processEvents()
        zoom.append((time.perf_counter() - t) * 1000)
        pump(10)
    timer.stop()
    return {"pan": pan, "zoom": zoom, "max_gap_ms": max_gap[0],
            "gaps_over_16ms": int(long_gaps[0])}
