"""``python app.py screenshot``: render the real main window offscreen to a PNG."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any


class SelectionNotFound(ValueError):
    """--select named nothing in the workspace."""


def _ensure_platform() -> None:
    # A screenshot needs no display: use the offscreen platform unless one is chosen.
    if "QT_QPA_PLATFORM" not in os.environ and (
            sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def wait_until_rendered(win: Any, timeout_s: float = 30.0) -> None:
    """Process events until the map has no render in flight (and has drawn once)."""
    from PySide6.QtCore import QCoreApplication

    renderer = win.canvas.renderer
    t0 = time.perf_counter()
    settled = 0
    while time.perf_counter() - t0 < timeout_s:
        QCoreApplication.processEvents()
        timer_active = win.canvas._render_timer.isActive()
        if not renderer.busy() and not timer_active and win.canvas._composite is not None:
            settled += 1
            if settled > 3:
                return
        else:
            settled = 0
        time.sleep(0.01)


def find_feature(win: Any, text: str) -> tuple[str, str]:
    """(layer, key) of the feature ``text`` names (a code or a name)."""
    results = win.search.index.search(text, limit=5)
    exact = [r for r in results if not r.is_coordinate and r.score == 1]
    pick = exact[0] if exact else next((r for r in results if not r.is_coordinate), None)
    if pick is None:
        raise SelectionNotFound(f"--select '{text}': no unit, outfall, bay, reserve or place "
                                "with that code or name in the workspace")
    return pick.layer, pick.key


def take_screenshot(ws: Any, out_path: Path | str, size: tuple[int, int] = (1600, 1000),
                    select: str | None = None, lang: str = "zh") -> Path:
    """Build the main window as a user opens it (map, panels, outfall inventory and record
    docks, all menus) at ``size``, optionally select a feature, save a PNG."""
    _ensure_platform()
    from ui.language import set_language
    from ui.main import MainWindow, make_app

    app = make_app()
    set_language(lang)
    win = MainWindow(ws, lang, settings=None)
    from ui.features import install_features

    win.resize(*size)
    win.show()  # as run_window: shown, then the parts (their data follows the first paint)
    features = install_features(win, interactive=False)  # no recovery question offscreen
    wait_until_rendered(win, 10)
    win.canvas.full_extent()
    if select:
        layer, key = find_feature(win, select)
        win.select(layer, key)
        la = win.model.get(layer)
        row = la.row_of(key) if la is not None else None
        if la is not None and row is not None:
            x0, y0, x1, y1 = la.feature_extent(row)
            # show the feature with its surroundings: about a third of the map
            w, h = max(x1 - x0, 3000.0), max(y1 - y0, 3000.0)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            win.canvas.zoom_to_bbox((cx - 1.6 * w, cy - 1.6 * h, cx + 1.6 * w, cy + 1.6 * h), 0)
    wait_until_rendered(win)
    if features.review is not None:  # the inventory and its flags, as the user sees them
        from PySide6.QtCore import QCoreApplication

        t0 = time.perf_counter()
        while not features.review.settled() and time.perf_counter() - t0 < 600:
            QCoreApplication.processEvents()
            time.sleep(0.01)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not win.grab().save(str(out)):
        raise OSError(f"cannot write {out}")
    if features.review is not None:
        features.review.shutdown()  # release the workspace lock
    win.close()
    del app
    return out
