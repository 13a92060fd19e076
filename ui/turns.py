"""Work put off to a turn of the event loop of its own.

``QTimer.singleShot(0, fn)`` does not give ``fn`` a turn of its own.  Qt sends it as a
posted event, in the same pass as the events posted around it: ``fn`` runs *before* the
repaint the current turn asked for (``QWidget.update`` posts a low-priority event that
the same pass sends after it), and a chain of them runs back to back with no timer and
no input between them.  So "painted in the next turn" with ``singleShot(0)`` was painted
in the same turn, after the code meant to come first (bench/README.md, issue 17,
session 31; ``tests/ui/test_turns.py``).

A ``QTimer`` *object* of interval 0 is a timer: the event dispatcher fires it when it
next looks at its timers, after this pass of posted events (the repaint included) and
with the input that came meanwhile handled first.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def next_turn(owner: QObject, fn: Callable[[], object]) -> QTimer:
    """Call ``fn`` in a later turn of the event loop than this one and its repaint
    (never if ``owner`` is deleted first).  The timer deletes itself once fired."""
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(fn)
    timer.timeout.connect(timer.deleteLater)
    timer.start()
    return timer
