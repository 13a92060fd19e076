"""The window's one background mechanism: newest wins, stale results dropped, cancel,
progress, errors delivered on the GUI thread — spun with the application's event loop."""

from __future__ import annotations

import threading
import time

import pytest

from tests.ui.conftest import spin, spin_until


@pytest.fixture
def runner(qtbot):
    from ui.background import Runner
    from ui.main import make_app

    make_app()
    return Runner(None, threads=2)


def test_on_a_channel_the_newest_job_wins_and_older_results_are_dropped(runner):
    gate = threading.Event()
    got: list[int] = []

    def slow(token, n=0):
        gate.wait(5)
        return n

    runner.submit(slow, got.append, channel="c")
    runner.submit(lambda t: slow(t, 1), got.append, channel="c")
    last = runner.submit(lambda t: slow(t, 2), got.append, channel="c")
    gate.set()
    assert spin_until(lambda: not runner.busy())
    spin(50)
    assert got == [2] and not last.cancelled()


def test_results_arrive_on_the_gui_thread_and_errors_go_to_on_error(runner):
    seen: dict[str, object] = {}
    gui = threading.get_ident()

    def done(v):
        seen["thread"] = threading.get_ident()
        seen["value"] = v

    runner.submit(lambda t: threading.get_ident(), done)
    runner.submit(lambda t: 1 / 0, None, on_error=lambda e: seen.setdefault("error", e))
    assert spin_until(lambda: not runner.busy())
    assert seen["thread"] == gui and seen["value"] != gui  # computed in a worker
    assert isinstance(seen["error"], ZeroDivisionError)


def test_cancel_stops_a_running_job_through_its_progress_checks(runner):
    steps: list[int] = []
    progress: list[float] = []

    def work(token):
        for i in range(1000):
            if not token.progress(i / 1000):
                return "stopped"
            steps.append(i)
            time.sleep(0.002)
        return "finished"

    results: list[str] = []
    token = runner.submit(work, results.append, channel="import",
                          on_progress=lambda f, _m: progress.append(f))
    assert spin_until(lambda: len(steps) > 5)
    runner.cancel("import")
    assert spin_until(lambda: not runner.busy())
    assert token.cancelled() and results == [] and len(steps) < 1000
    assert progress and progress == sorted(progress)


def test_a_python_worker_keeps_pyprojs_thread_state_between_jobs(runner):
    """Qt's pool threads lost pyproj's thread-local PROJ objects between jobs and the
    second projection crashed the process; the runner's workers are Python threads."""
    import shapely

    from models.compliance import _project

    pts = shapely.points([[118.5, 24.8], [118.6, 24.9]])
    out: list[object] = []
    for _ in range(4):
        runner.submit(lambda t: _project(pts), out.append)
        assert spin_until(lambda: not runner.busy())
    assert len(out) == 4


def test_a_first_job_does_not_wait_for_its_thread_to_start(runner, monkeypatch):
    """The first job's worker thread is started off the GUI thread (``Thread.start`` waits
    until the new thread runs: a busy machine kept the event loop waiting), and the job
    runs once the thread does."""
    may_start = threading.Event()
    starters: list[bool] = []  # whether each start was asked for on the GUI thread
    real_start = threading.Thread.start

    def slow_start(thread):
        on_gui = threading.current_thread() is threading.main_thread()
        starters.append(on_gui)
        if not on_gui:
            may_start.wait(10)  # a thread slow to start
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", slow_start)
    got: list[str] = []
    runner.submit(lambda _token: "done", got.append)
    assert got == [] and runner.busy()
    may_start.set()
    assert spin_until(lambda: got == ["done"])
    assert starters == [False]


def test_a_runner_deleted_with_its_window_ends_its_threads_after_their_jobs(qtbot):
    """A runner's threads end with it (a window's runners die with the window), once the
    jobs already queued have run; the runner of a window shown a hundred times left its
    threads waiting for jobs for the rest of the process."""
    from PySide6.QtWidgets import QWidget

    from ui.background import Runner
    from ui.main import make_app

    make_app()
    window = QWidget()
    runner = Runner(window, threads=2)
    gate = threading.Event()
    ran: list[str] = []

    def job(name):
        def run(_token):
            gate.wait(5)
            ran.append(name)
        return run

    for name in ("a", "b", "c"):
        runner.submit(job(name))
    assert spin_until(lambda: sum(t.is_alive() for t in runner.pool.threads) == 2)
    threads = list(runner.pool.threads)
    pool = runner.pool
    window.deleteLater()  # the runner with it
    spin(50)
    assert all(t.is_alive() for t in threads)  # still at their jobs
    gate.set()
    for t in threads:
        t.join(5)
    assert not any(t.is_alive() for t in threads)
    assert sorted(ran) == ["a", "b", "c"]  # the jobs queued before ran to their end
    # a job started after the close runs in a thread of its own
    done = threading.Event()

    class _Job:
        def run(self):
            done.set()

    pool.start(_Job())  # type: ignore[arg-type]
    assert done.wait(5)


def test_a_deleted_runner_ends_its_threads_and_qt_holds_no_weak_reference_to_its_pool(qtbot):
    """The pool's last reference is often its ending worker thread's target.  Had PySide
    a weak reference to the pool (a bound method connected as a slot), its callback
    would run in that worker, on a runner Qt had destroyed: the rare crash of the test
    processes at ``threading.py``'s ``del self._target`` (ui.background.strong_slot)."""
    import gc
    import weakref

    from ui.background import Runner
    from ui.main import make_app

    make_app()
    r = Runner(None, threads=2)
    pool = r.pool
    assert weakref.getweakrefcount(pool) == 0
    r.submit(lambda t: 1, None)
    r.submit(lambda t: 2, None)
    assert pool.wait(5000)
    threads = list(pool.threads)  # (each started by a helper: wait until it runs)
    assert threads and spin_until(lambda: all(t.is_alive() for t in threads), 5000)
    freed = weakref.ref(pool)
    del r, pool
    gc.collect()
    for t in threads:  # the runner's end closed the pool: its threads end
        t.join(5)
    assert not any(t.is_alive() for t in threads)
    assert spin_until(lambda: freed() is None, timeout_ms=5000)


def test_a_flag_checker_holds_its_check_process_strongly(qtbot):
    import weakref

    from ui.background import Runner
    from ui.main import make_app
    from ui.outfalls.flag_checker import FlagChecker

    make_app()
    checker = FlagChecker(Runner(None))
    process = checker.process
    assert weakref.getweakrefcount(process) == 0
    assert not process.closed
    del checker
    assert spin_until(lambda: process.closed, timeout_ms=5000)  # its end still closes it
