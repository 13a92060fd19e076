"""ui.turns.next_turn: work in a turn of its own, after the repaint this turn asked for."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from ui.turns import next_turn


class _Logged(QWidget):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def paintEvent(self, event) -> None:  # noqa: N802, ANN001
        self.log.append("paint")


def _shown_logged(qtbot, log: list[str]) -> _Logged:  # noqa: ANN001
    """A shown :class:`_Logged` widget, its first paint done and the log emptied."""
    w = _Logged(log)
    qtbot.addWidget(w)
    w.resize(120, 80)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: "paint" in log)
    log.clear()
    return w


def _in_a_turn(qtbot, fn) -> None:  # noqa: ANN001
    """``fn`` called from a timer (a turn of the event loop, as a worker's result is)."""
    QTimer.singleShot(5, fn)
    qtbot.wait(5)


def test_after_the_repaint_this_turn_asked_for(qtbot) -> None:  # noqa: ANN001
    log: list[str] = []
    w = _shown_logged(qtbot, log)

    def turn() -> None:
        log.append("turn")
        w.update()
        next_turn(w, lambda: log.append("next"))
        # the same request made the old way: sent with the posted events, before the
        # repaint (why next_turn exists)
        QTimer.singleShot(0, lambda: log.append("posted"))

    _in_a_turn(qtbot, turn)
    qtbot.waitUntil(lambda: "next" in log)
    assert log.index("turn") < log.index("paint") < log.index("next")
    assert log.index("posted") < log.index("paint")


def test_each_link_of_a_chain_in_its_own_turn(qtbot) -> None:  # noqa: ANN001
    """A 1 ms timer, the way bench_gaps samples the loop, fires between the links."""
    owner = QWidget()
    qtbot.addWidget(owner)
    log: list[str] = []
    tick = QTimer(owner)
    tick.setInterval(1)
    tick.timeout.connect(lambda: log.append("tick"))

    def link(n: int) -> None:
        log.append(f"link{n}")
        t = QTimer()
        t.start(2)  # (a turn longer than the sampling timer's interval)
        while t.remainingTime() > 0:
            pass
        if n < 3:
            next_turn(owner, lambda: link(n + 1))

    def start() -> None:
        tick.start()
        link(0)

    _in_a_turn(qtbot, start)
    qtbot.waitUntil(lambda: "link3" in log)
    tick.stop()
    links = [i for i, x in enumerate(log) if x.startswith("link")]
    assert all("tick" in log[a:b] for a, b in zip(links, links[1:], strict=False)), log


def test_not_called_once_its_owner_is_gone_and_leaves_no_timer(qtbot) -> None:  # noqa: ANN001
    called: list[str] = []
    gone = QWidget()
    kept = QWidget()
    qtbot.addWidget(kept)
    next_turn(gone, lambda: called.append("gone"))
    next_turn(kept, lambda: called.append("kept"))
    gone.deleteLater()
    qtbot.waitUntil(lambda: "kept" in called)
    qtbot.wait(20)
    assert called == ["kept"]
    assert not kept.findChildren(QTimer)


def test_paint_after_runs_the_step_then_paints_in_the_turn_after(qtbot) -> None:  # noqa: ANN001
    """``paint_after``: the widget keeps its pixels in this turn, the step runs in the next
    and the paint comes after the step; asked again meanwhile, nothing more is put off."""
    from ui.turns import paint_after

    log: list[str] = []
    w = _shown_logged(qtbot, log)

    def turn() -> None:
        log.append("turn")
        assert paint_after(w, lambda: log.append("step"))
        assert not paint_after(w, lambda: log.append("second step"))  # (put off already)
        w.update()

    _in_a_turn(qtbot, turn)
    qtbot.waitUntil(lambda: "paint" in log)
    assert log == ["turn", "step", "paint"]
    assert w.updatesEnabled()
