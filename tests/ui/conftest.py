"""pytest-qt fixtures driving the real main window offscreen.

The workspace is the bundled GeoPackage when it has control units; otherwise a synthetic
one is generated (so the tests pass on whatever workspace exists).
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

import time
from contextlib import contextmanager
from pathlib import Path

import pytest


def _has_units(path: Path) -> bool:
    from geodata import store

    try:
        return dict(store.list_contents(path)).get("control_units") == "features"
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture(scope="session")
def ui_workspace_path(tmp_path_factory) -> Path:
    from geodata import store

    bundled = store.bundled_path()
    if bundled.exists() and _has_units(bundled):
        return bundled
    from bench.synthetic import make_workspace

    base = bundled if bundled.exists() else None
    return make_workspace(tmp_path_factory.mktemp("ws") / "synthetic.gpkg", base)


@pytest.fixture(scope="session")
def ui_ws(ui_workspace_path):
    from models.workspace import Workspace

    return Workspace.open(ui_workspace_path)


def wait_rendered(qtbot, win, timeout_s: float = 20.0) -> None:
    from ui.screenshot import wait_until_rendered

    wait_until_rendered(win, timeout_s)


@pytest.fixture
def win(qtbot, ui_ws):
    from ui.language import set_language
    from ui.main import MainWindow, make_app

    make_app()
    set_language("zh")
    w = MainWindow(ui_ws, "zh", settings=None)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.canvas.full_extent()
    wait_rendered(qtbot, w)
    yield w
    w.canvas.renderer.wait(5000)
    set_language("zh")
    time.sleep(0)


def main_window_for(qtbot, ws, lang: str = "zh"):
    """The real main window on ``ws`` (no saved settings), shown offscreen."""
    from ui.language import set_language
    from ui.main import MainWindow, make_app

    make_app()
    set_language(lang)
    w = MainWindow(ws, lang, settings=None)
    qtbot.addWidget(w)
    return w


def spin(ms: int) -> None:
    """Run the application's event loop for ``ms`` milliseconds, as the program does
    (``QEventLoop.exec``): worker threads get the GIL and queued results are delivered.
    ``QTest.qWait`` alone can starve workers and hide a loop that never ends."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def spin_until(predicate, timeout_ms: int = 20000, step_ms: int = 20) -> bool:
    """Spin the event loop until ``predicate()`` holds (True) or the time is up (False)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if predicate():
            return True
        spin(step_ms)
    return bool(predicate())


def details_shown(win, timeout_ms: int = 5000) -> bool:
    """Spin until 要素详情 shows the feature selected last, painted: a click on the map
    has it made and painted in turns after the click's own (``SidePanel.
    come_forward_next_turn``), as the user sees it a moment after the map's ring."""
    panel = win.side_panel
    return spin_until(lambda: not panel._stale and not panel.forward_pending(), timeout_ms)


@contextmanager
def layout_requests(*widgets):
    """The names of ``widgets`` that got a layout request (Qt's ``LayoutRequest``: a
    child's size hint changed) while the block ran, in order."""
    from PySide6.QtCore import QEvent, QObject

    got: list[str] = []

    class Watch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.LayoutRequest:
                got.append(obj.objectName() or type(obj).__name__)
            return False

    watch = Watch()
    for w in widgets:
        w.installEventFilter(watch)
    try:
        yield got
    finally:
        for w in widgets:
            w.removeEventFilter(watch)
