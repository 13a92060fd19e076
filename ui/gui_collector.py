"""Python's cyclic garbage collected on the GUI thread only, on a timer.

An automatic collection runs in whatever thread crosses the threshold, and frees there
every unreachable cycle -- with a PySide object that Python owns, its C++ object is deleted
on a worker thread while the GUI thread may be using it (geodata/collector.py says more).
Here the collector's automatic runs are turned off and the GUI thread runs the collection
that is due (:func:`geodata.collector.collect_due`) every :data:`TICK_MS`: every cycle is
then freed on the thread that owns the window's objects.

The tick is short so that what a busy worker leaves meanwhile stays small (a collection's
cost is the young objects it scans: ~0.1 ms per thousand); a tick with nothing due costs
two calls.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from geodata import collector

#: how often the GUI thread looks for a collection that is due
TICK_MS = 50


class GuiCollector(QObject):
    """The timer that runs the due collection; a child of the application."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("ecozone-gui-collector")
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(collector.collect_due)
        self.timer.start()


def install(app: QCoreApplication | None = None) -> GuiCollector | None:
    """Collections from now on only on the application's (GUI) thread.  Idempotent;
    None without an application."""
    app = app or QCoreApplication.instance()
    if app is None:
        return None
    found = app.findChild(GuiCollector, "ecozone-gui-collector")
    if found is None:
        found = GuiCollector(app)
    collector.drive_from_one_thread(True)
    return found
