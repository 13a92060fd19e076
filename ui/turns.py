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
from PySide6.QtWidgets import QWidget


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


def paint_after(widget: QWidget, step: Callable[[], object] | None = None) -> bool:
    """Put ``widget``'s next paint off: ``step`` (if given) runs in the next turn and the
    paint comes in the turn after it (without a step, in the next turn).  Meanwhile the
    widget's updates are off, so its area keeps the pixels it had.  What a click brings
    to the side (the record card, a zone's details, a table's rows far away) is then not
    painted in the click's own turn with the map (bench/README.md, issue 17, sessions 31
    and 32).  False when its paint is put off already: those turns will come, and the
    step pending reads the caller's state then."""
    if not widget.updatesEnabled():
        return False
    widget.setUpdatesEnabled(False)

    def paint() -> None:
        widget.setUpdatesEnabled(True)  # (and the widget repainted, its children with it)

    if step is None:
        next_turn(widget, paint)
    else:
        next_turn(widget, lambda: (step(), next_turn(widget, paint)))
    return True
