"""PySide6's Python types of Qt's classes made ahead, a few at a time in idle turns.

PySide6 makes a Qt class's Python type, and the enums in it, the first time something
touches the class.  pyqtgraph's import touches every class of QtCore, QtGui and QtWidgets
(its Qt shim copies their attributes into modules of its own, ``ui/qt_arrays.py``): ~0.3 s
of the 0.45-0.48 s that the first 指标 tab took on the GUI thread (the first samples chart
of an outfall and the first statistics chart import it too).  Once the window's start is
over, :class:`QtWarmer` touches those classes in slices of :data:`SLICE_MS` in idle turns
(a 1 ms timer); the first 指标 tab then took ~0.15 s (bench/README.md, issue 17, session
26).  pyqtgraph itself is still imported when a chart is first shown: out of the window's
start (session 24), and importing it in a worker would make PySide6 types from two
threads at once.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Iterator
from types import ModuleType

from PySide6.QtCore import QObject, QTimer, Signal

#: what pyqtgraph's import loads and touches
MODULES = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg",
           "PySide6.QtOpenGLWidgets", "PySide6.QtTest")
#: left to pyqtgraph's import: QCommonStyle alone took 16 ms (QStyle's many enums), a gap
#: of its own in an idle turn
SKIP = frozenset({"QCommonStyle"})
#: the GUI thread's time per idle turn (a class's type takes 0.1-5 ms)
SLICE_MS = 2.0
#: how long after the first paint the warming begins (the start's own work first)
WARM_AFTER_MS = 4000


def _names() -> Iterator[tuple[ModuleType | None, str | None]]:
    for module_name in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # a PySide6 without that module: pyqtgraph does without it too
            yield None, None
            continue
        yield module, None  # the import alone is a slice's work
        for name in dir(module):
            if not name.startswith("_") and name not in SKIP:
                yield module, name


class QtWarmer(QObject):
    """Touches every class of :data:`MODULES` from the GUI thread's idle turns
    (:meth:`start`); ``done`` once all are made (or pyqtgraph was imported first)."""

    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.done = False
        self.turns = 0
        self._todo = _names()
        self._timer = QTimer(self, interval=1)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        if not self.done:
            self._timer.start()

    def _step(self) -> None:
        self.turns += 1
        if "pyqtgraph" not in sys.modules:  # imported already: nothing left to gain
            end = time.perf_counter() + SLICE_MS / 1000
            for module, name in self._todo:
                if module is not None and name is not None:
                    try:
                        getattr(module, name)
                    except Exception:  # noqa: BLE001 - a name that fails is pyqtgraph's too
                        pass
                if time.perf_counter() >= end:
                    return
        self._timer.stop()
        self.done = True
        self.finished.emit()
