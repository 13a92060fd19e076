"""PySide6's types of Qt's classes are made in idle turns once the window's start is over
(ui/qt_warmup.py), a slice at a time, so that a chart's first pyqtgraph import does not
make them all in one turn."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer

from tests.ui.conftest import main_window_for, spin_until
from ui import qt_warmup


def test_the_warmer_works_a_slice_a_turn_and_lets_other_events_through(qapp, monkeypatch):
    monkeypatch.setattr(qt_warmup, "MODULES", ("PySide6.QtCore", "no_such_module_here"))
    monkeypatch.setattr(qt_warmup, "SLICE_MS", 0.0)  # one name a turn
    monkeypatch.delitem(__import__("sys").modules, "pyqtgraph", raising=False)
    import PySide6.QtCore as qtcore

    names = [n for n in dir(qtcore) if not n.startswith("_") and n not in qt_warmup.SKIP]
    ticks = []
    other = QTimer(interval=1)
    other.timeout.connect(lambda: ticks.append(1))
    warmer = qt_warmup.QtWarmer()
    finished = []
    warmer.finished.connect(lambda: finished.append(1))
    other.start()
    warmer.start()
    assert spin_until(lambda: warmer.done, timeout_ms=60000)
    other.stop()
    # every name had its own turn (plus the imports' and the last), with other events
    # delivered between them
    assert warmer.turns >= len(names) + 2 and finished == [1]
    assert len(ticks) > 10


def test_the_window_warms_qt_after_its_first_paint(qtbot, bundled_ws, monkeypatch):
    monkeypatch.setattr(qt_warmup, "WARM_AFTER_MS", 0)
    win = main_window_for(qtbot, bundled_ws)
    win.show()
    assert spin_until(lambda: win.qt_warmer.done, timeout_ms=60000)
