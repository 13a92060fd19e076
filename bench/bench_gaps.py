"""Benchmark: event-loop gaps in the real window during imports, undo, edits and sync (JSON).

    python bench/bench_gaps.py [--sizes small,medium,large] [--cache /tmp/ecozone-bench]
                               [--no-sync] [--import-rows N] [--edits 1000] [--pull 10000]
                               [--idle-ms 10000] [--no-sampling]

Per size (``small`` 10k outfalls + 1k units, ``medium`` 100k + 5k, ``large`` 1M + 20k; the
workspaces of ``bench/run_benchmarks.py``'s cache, made by ``bench/make_workspace.py``), a
fresh process opens the main window as ``python app.py`` does (``MainWindow`` plus
``ui.features.install_features``: the outfall table and record card, statistics, sync),
offscreen at 1600x1000, waits until it is idle, and then, while a 1 ms ``QTimer`` ticks,
does each activity as the user would and keeps the event loop running until what the user
sees is complete and the window has settled (``--tail-ms`` after, which covers the
debounced re-check, statistics and re-render the change starts):

- ``import``: 文件 ▸ 导入数据 — the wizard's 导入 step (``SummaryPage.start_work``) on a CSV
  of ``--import-rows`` new outfalls (read and dry run done before, as the user reads the
  summary; a big file's import child started then, as the dry run's job starts it),
  until the map, the inventory table and the search show the new outfalls;
- ``import_undo``: the wizard's 撤销本次导入, until they are gone from map and table;
- ``reimport``: the same 导入 step on a CSV of as many outfalls already in the layer (every
  tenth, 整治状态 changed, a tenth of them moved ~100 m: a county sending its inventory
  again), until the table shows the new value; ``reimport_undo``: its 撤销本次导入
  (``--no-reimport`` leaves both out);
- ``edit``: 确认位置 on ``--edits`` selected outfalls through the outfall review
  (``EditSession``), until the table shows them confirmed; ``edit_undo``: Ctrl+Z;
- ``sync_pull``: 同步 in a checkout while another laptop has pushed ``--pull`` edits (a
  PostgreSQL 15 + PostGIS server of ``tests/pg_server.py``, as the ``postgres`` user when
  run as root), until the table shows them; ``sync_push``: 同步 after ``--edits`` local
  edits, until the sync is done.

For each: ``max_gap_ms`` (the longest interval between ticks), ``max_gap_gui_cpu_ms`` (the
GUI thread's own CPU time in it: the rest was waiting for a core or the GIL),
``max_gap_core_wait_ms`` (of that rest, the time it was runnable but had no core: Linux's
schedstat), ``long_gaps`` (each gap over 16 ms as [gap, GUI CPU, core wait, steal of the
GUI thread's CPU, most steal of another CPU, ms the GUI thread's CPU ran nothing, ms that
or another CPU ran nothing] ms: ``bench/steal.py``, the virtual machine's host holding a
vCPU), and whose they were: ``gaps_over_16ms_machine`` (within budget less their CPU's
stops), ``..._machine_elsewhere`` (less any CPU's: the GUI thread waited for the GIL or a
lock held on a stopped CPU), ``..._program`` (the rest: the program's to fix),
``gui_cpu_in_long_gaps_ms``, ``gaps_over_16ms``,
``ticks``, ``wall_ms`` (start to settled), ``done_ms`` (start to complete) and ``where``:
a sampling of the GUI thread's Python stack (every ~2 ms, by a helper thread) during the
intervals over 16 ms, as the project functions the GUI thread was in, with the sampled
milliseconds — what to fix ("Qt / C++" when it was in no Python frame: Qt's own work, or
waiting for the GIL); ``workers_meanwhile``: what the worker threads ran meanwhile.
``checks`` says whether the user saw the result (rows in the table, on the map, found by
the search).  ``trims``: the window's ``release_memory`` calls meanwhile (count, longest,
those that overlapped a long gap, with their thread).

``idle`` comes first: the window doing nothing for ``--idle-ms`` (10 s), measured as the
activities are.  Its gaps are the machine's own (a virtual machine's core taken by its
host, other processes), not the program's: on the two-core VM of the benchmarks a bare
Python loop sleeping 1 ms, alone or beside one busy thread, saw stops of 36 and 61 ms in
10 s (session 20).  Read an activity's gaps against it.

The stack sampling is itself a load: a Python thread that reads every thread's stack every
2 ms (at 1M, 0.6-1.5 s of CPU during an import or re-import, more than the GUI thread's
own).  ``--no-sampling`` leaves it out (no ``where``, ``workers_meanwhile``, ``gil_late``,
``gil_holders`` then).  In session 20's six alternated runs at 1M its effect on the gap
counts was lost in the sitting's noise (3-116 gaps a run without it, 7-76 with it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import machine_speed  # noqa: E402
from bench.run_benchmarks import SIZE_PX, SIZES, copy_written  # noqa: E402 - the runner's
from bench.run_benchmarks import workspace as _workspace  # noqa: E402
from bench.steal import CpuStops, StealClock, steal_in, stopped_in, whose  # noqa: E402

#: new outfalls imported per size (the large import is the 100k of the issue's import test)
IMPORT_ROWS = {"tiny": 1_000, "small": 10_000, "medium": 10_000, "large": 100_000}
BUDGET_MS = 16.0


# -- measuring ---------------------------------------------------------------------------
class Sampler(threading.Thread):
    """Samples the GUI thread's Python stack every ``period`` seconds (project frames)."""

    def __init__(self, thread_id: int, period: float = 0.002) -> None:
        super().__init__(daemon=True, name="bench-sampler")
        self.thread_id, self.period = thread_id, period
        self.samples: list[tuple[float, tuple[str, ...], tuple[str, ...]]] = []
        self.on = threading.Event()
        self.stop_now = threading.Event()
        self.root = str(ROOT)
        #: (when, ms this thread got the GIL late, where the other threads were): after a
        #: long wait the thread that held the GIL has just let go of it, so its innermost
        #: frame's line is (or follows) the call that held it
        self.late: list[tuple[float, float, tuple[str, ...]]] = []
        #: (when, late ms, [(thread's line, its CPU ms in the wait)], most CPU first): the
        #: thread that used the CPU while this one waited for the GIL is the one that held it
        self.holders: list[tuple[float, float, list[tuple[str, float]]]] = []
        self._clocks: dict[int, int] = {}

    def _cpu(self, tids: Any) -> dict[int, float]:
        """Each Python thread's CPU seconds (its own POSIX clock; empty where there is none)."""
        out: dict[int, float] = {}
        for tid in tids:
            try:
                clock = self._clocks.get(tid)
                if clock is None:
                    clock = self._clocks[tid] = time.pthread_getcpuclockid(tid)
                out[tid] = time.clock_gettime(clock)
            except (AttributeError, OSError):  # not POSIX, or the thread is gone
                continue
        return out

    def run(self) -> None:
        slept = time.perf_counter()
        cpu: dict[int, float] = {}
        while not self.stop_now.is_set():
            late = time.perf_counter() - slept - self.period
            frames = sys._current_frames() if self.on.is_set() else {}
            now_cpu = self._cpu(frames) if frames else {}
            if self.on.is_set() and late > 0.006:
                self.late.append((time.perf_counter(), late * 1000, tuple(sorted(
                    self._line(f) for tid, f in frames.items()
                    if tid != threading.get_ident()))))
                used = sorted(((now_cpu[t] - cpu[t]) * 1000, t) for t in now_cpu
                              if t in cpu and t != threading.get_ident())[::-1][:2]
                self.holders.append((time.perf_counter(), late * 1000,
                                     [(self._line(frames[t]), round(ms, 1))
                                      for ms, t in used if ms >= 1.0]))
            cpu = now_cpu
            if self.on.is_set():
                others = tuple(sorted(
                    self._where(f, 2, True) for tid, f in frames.items()
                    if tid not in (self.thread_id, threading.get_ident())))
                self.samples.append((time.perf_counter(),
                                     self._where(frames.get(self.thread_id), 4), others))
            # at once: a frame object outlives its call with the call's locals, and this
            # thread, its last holder then, would free them (a worker's arrays: seen in
            # perf as an 18 ms munmap of OGR's Arrow buffers here, not in the program)
            del frames
            slept = time.perf_counter()
            time.sleep(self.period)

    def _line(self, frame: Any) -> str:
        """The innermost three frames with their lines, innermost first."""
        where = []
        while frame is not None and len(where) < 3:
            code = frame.f_code
            where.append(f"{Path(code.co_filename).name}:{code.co_name}:{frame.f_lineno}")
            frame = frame.f_back
        return " < ".join(where)

    def _where(self, frame: Any, depth: int, innermost: bool = False) -> Any:
        """The project functions of a stack, innermost first (``innermost``: as one string
        that starts with the innermost function of any file, e.g. a pandas call)."""
        where: list[str] = []
        if innermost and frame is not None:
            code = frame.f_code
            where.append(f"{Path(code.co_filename).name}:{code.co_name}")
        while frame is not None and len(where) < depth + innermost:
            name = frame.f_code.co_filename
            if name.startswith(self.root) and "/bench/" not in name:
                where.append(f"{name[len(self.root) + 1:]}:{frame.f_code.co_name}")
            frame = frame.f_back
        return " < ".join(where) if innermost else tuple(where)


def _threads_cpu() -> dict[str, tuple[float, int]]:
    """Each thread of this process (name + tid: the Python thread's name where it is one,
    else the OS's, "python" for threads native code started): its CPU seconds so far and
    nice value (Linux's /proc; empty elsewhere)."""
    out: dict[str, tuple[float, int]] = {}
    py_names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/self/task/{tid}/stat", encoding="ascii", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        name = py_names.get(int(tid)) or text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        out[f"{name}/{tid}"] = ((int(fields[11]) + int(fields[12])) / tick, int(fields[16]))
    return out


class EventClock:
    """Diagnosis (``ECOZONE_GAPS_EVENTS=1``): an application event filter that notes when
    each event is handed out; the time to the next is roughly that event's handling —
    which Qt event, for which widget, filled a gap that had no Python frame."""

    def __init__(self) -> None:
        from PySide6.QtCore import QObject
        from PySide6.QtWidgets import QApplication

        clock = self

        class _Filter(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
                clock.seen.append((time.perf_counter(), event.type(), obj))
                return False

        self.seen: list[tuple[float, Any, Any]] = []
        self.filter = _Filter()
        QApplication.instance().installEventFilter(self.filter)

    def slow_in(self, spans: list[tuple[float, float]], over_ms: float = 2.0) -> list[Any]:
        out = []
        for (t, kind, obj), (t2, _k, _o) in zip(self.seen, self.seen[1:], strict=False):
            ms = (t2 - t) * 1000
            if ms > over_ms and any(a - 0.02 <= t <= b for a, b in spans):
                who = _describe(obj)
                out.append([round(ms, 1), str(kind).split(".")[-1], who])
        return out[:int(os.environ.get("ECOZONE_GAPS_EVENTS_N", "20"))]  # (more to diagnose)


def _describe(obj: Any) -> str:
    """``Class:objectName`` of ``obj`` and of its parents up to the window, with a label's or
    line edit's first characters: which of a dozen QLabels a slow paint was."""
    parts = []
    try:
        while obj is not None and len(parts) < 5:
            name = f"{type(obj).__name__}:{obj.objectName()}"
            text = getattr(obj, "text", None)
            if len(parts) == 0 and callable(text) and type(obj).__name__ in ("QLabel",
                                                                           "QLineEdit"):
                name += f"[{str(text())[:16]}]"
            parts.append(name)
            obj = obj.parent()
    except RuntimeError:
        parts.append("(deleted)")
    return " < ".join(parts)


class GapMeter:
    """A 1 ms timer's ticks while an activity runs; the long intervals and where they went."""

    def __init__(self, sampler: Sampler) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.ticks: list[float] = []
        self.cpu: list[float] = []
        self.name = ""  # the activity measured (ECOZONE_GAPS_PROFILE names one to profile)
        self.runq: list[float] = []
        # the machine's steal per CPU and the GUI thread's CPU at each tick (bench/steal.py)
        self.steal_clock = StealClock()
        # and to the millisecond: the spans each CPU ran nothing, from its canary process
        self.stops = CpuStops()
        self.steals: list[tuple[float, ...]] = []
        self.on_cpu: list[int] = []
        self.sampler = sampler
        self.trims: TrimMeter | None = None
        # the GUI thread's time spent runnable but waiting for a core (Linux's schedstat,
        # ns): what of a gap was not the GIL's nor the thread's own work
        try:
            self._schedstat: int | None = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:
            self._schedstat = None

    def _run_delay(self) -> float:
        if self._schedstat is None:
            return 0.0
        return int(os.pread(self._schedstat, 64, 0).split()[1]) / 1e9

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())
        self.cpu.append(time.thread_time())
        self.runq.append(self._run_delay())
        self.steals.append(self.steal_clock.read())
        self.on_cpu.append(self.steal_clock.cpu())

    def run(self, start: Any, done: Any, tail_ms: int, timeout_s: float) -> dict[str, Any]:
        """Call ``start()`` from the event loop, run the loop until ``done()`` holds, then
        ``tail_ms`` more; the figures of the ticks in between."""
        from PySide6.QtCore import QEventLoop, QTimer

        perf = None
        if os.environ.get("ECOZONE_GAPS_PERF") == self.name:
            # diagnosis: where the window's threads blocked (sched_switch with their
            # stacks) and what they ran (cpu-clock every 0.5 ms): who held the GIL
            perf = subprocess.Popen(
                ["perf", "record", "-q", "-k", "CLOCK_MONOTONIC", "-e", "sched:sched_switch",
                 "-e", "cpu-clock", "-c", "500000",
                 "--call-graph",
                 "dwarf,16384", "-p", str(os.getpid()), "-o",
                 os.environ.get("ECOZONE_GAPS_PERF_OUT", "gaps.perf")])
            time.sleep(1.0)  # (perf attaching)
            # what came due while this thread slept is handled before the measuring starts:
            # it is not the activity's, and perf's start would be a gap of a second
            settle = QEventLoop()
            QTimer.singleShot(500, settle.quit)
            settle.exec()
        # the meter's own housekeeping before the first tick: the last activity's samples
        # and ticks (~10^4 tuples of strings, freed here) and the threads' CPU read from
        # /proc were 10-15 ms of the GUI thread, counted in every activity's first gap
        # (perf, session 15: ``list_clear`` and ``do_task_stat`` in it)
        self.sampler.samples.clear()
        self.sampler.late.clear()
        self.sampler.holders.clear()
        self.ticks.clear()
        self.cpu.clear()
        self.runq.clear()
        self.steals.clear()
        self.on_cpu.clear()
        events = EventClock() if os.environ.get("ECOZONE_GAPS_EVENTS") else None
        threads_before = _threads_cpu()
        self.ticks.append(time.perf_counter())
        self.cpu.append(time.thread_time())
        self.runq.append(self._run_delay())
        self.steals.append(self.steal_clock.read())
        self.on_cpu.append(self.steal_clock.cpu())
        if self.sampler.is_alive():  # (not started under --no-sampling)
            self.sampler.on.set()
        self.timer.start()
        t0 = time.perf_counter()
        state: dict[str, Any] = {"done_at": None}
        loop = QEventLoop()

        def poll() -> None:
            now = time.perf_counter()
            if state["done_at"] is None and done():
                state["done_at"] = now
            if state["done_at"] is not None and now - state["done_at"] >= tail_ms / 1000:
                loop.quit()
            elif now - t0 > timeout_s:
                state["timeout"] = True
                loop.quit()

        poller = QTimer()
        poller.setInterval(5)
        poller.timeout.connect(poll)
        profile = None
        if os.environ.get("ECOZONE_GAPS_PROFILE") == self.name:
            import cProfile  # the GUI thread's calls in this activity, for finding its work

            profile = cProfile.Profile()
            profile.enable()
        spy = None
        if os.environ.get("ECOZONE_GAPS_PYSPY") == self.name:
            # diagnosis: the Python stacks of the threads holding the GIL (py-spy, sampled
            # every ms without pausing the window): which worker code keeps the GUI waiting
            spy = subprocess.Popen(
                ["py-spy", "record", "--gil", "--threads", "--nonblocking", "-r", "1000",
                 "-f", "raw", "-p", str(os.getpid()), "-o",
                 os.environ.get("ECOZONE_GAPS_PYSPY_OUT", "gaps.pyspy.txt")],
                stdout=subprocess.DEVNULL)
            time.sleep(1.0)
        QTimer.singleShot(0, start)
        poller.start()
        loop.exec()
        if spy is not None:
            import signal

            spy.send_signal(signal.SIGINT)
            spy.wait()
        if perf is not None:
            import signal

            perf.send_signal(signal.SIGINT)
            perf.wait()
        if profile is not None:
            profile.disable()
            profile.dump_stats(os.environ.get("ECOZONE_GAPS_PROFILE_OUT", "gaps.prof"))
        poller.stop()
        self.timer.stop()
        self.sampler.on.clear()
        ticks, cpu, runq = self.ticks, self.cpu, self.runq
        threads_after = _threads_cpu()
        gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False)]
        # the GUI thread's own CPU time in each interval: on a shared machine a gap is
        # also time spent waiting for a core or for the GIL, which this separates out
        busy = [(b - a) * 1000 for a, b in zip(cpu, cpu[1:], strict=False)]
        waiting = [(b - a) * 1000 for a, b in zip(runq, runq[1:], strict=False)]
        longest = max(range(len(gaps)), key=gaps.__getitem__) if gaps else None
        # of each long gap, the machine's steal on the GUI thread's CPU and on the others
        times_ms = [t * 1000 for t in ticks]
        stolen = {i: steal_in(times_ms, self.steals, self.on_cpu, i)
                  for i, g in enumerate(gaps) if g > BUDGET_MS}
        spans = self.stops.spans()
        stopped = {i: stopped_in(spans, ticks[i], ticks[i + 1], self.on_cpu[i + 1])
                   for i in stolen}
        owner = Counter(whose(gaps[i], *stopped[i]) for i in stolen)
        long = [(a, b) for a, b in zip(ticks, ticks[1:], strict=False)
                if (b - a) * 1000 > BUDGET_MS]
        where: Counter[str] = Counter()
        workers: Counter[str] = Counter()
        period_ms = self.sampler.period * 1000
        for t, stack, others in list(self.sampler.samples):
            if any(a <= t <= b for a, b in long):
                where[" < ".join(stack) or "(Qt / C++ outside project code)"] += 1
                for other in others:
                    if "threading.py:wait" not in other and "_Pool._work" not in other:
                        workers[other] += 1
        out = {"max_gap_ms": round(max(gaps), 1) if gaps else None,
               "gaps_over_16ms": len(long),
               "time_in_long_gaps_ms": round(sum((b - a) * 1000 for a, b in long), 1),
               "max_gap_gui_cpu_ms": round(busy[longest], 1) if longest is not None else None,
               "gui_cpu_in_long_gaps_ms": round(sum(c for g, c in zip(gaps, busy, strict=True)
                                                    if g > BUDGET_MS), 1),
               # of the longest gap, the GUI thread's wait for a core (the rest of what was
               # not its own CPU was the GIL, or Qt waiting)
               "max_gap_core_wait_ms": round(waiting[longest], 1)
               if longest is not None else None,
               "long_gaps": [[round(g, 1), round(c, 1), round(w, 1),
                              round(stolen[i][0]), round(stolen[i][1]),
                              round(stopped[i][0], 1), round(stopped[i][1], 1)]
                             for i, (g, c, w) in enumerate(zip(gaps, busy, waiting,
                                                               strict=True))
                             if g > BUDGET_MS][:20],
               # whose the long gaps were (bench/steal.py): within budget less their CPU's
               # stops, less any CPU's, or the program's
               "gaps_over_16ms_machine": owner["machine"],
               "gaps_over_16ms_machine_elsewhere": owner["machine_elsewhere"],
               "gaps_over_16ms_program": owner["program"],
               "ticks": len(ticks),
               "done_ms": round((state["done_at"] - t0) * 1000, 1)
               if state["done_at"] is not None else None,
               "wall_ms": round((time.perf_counter() - t0) * 1000, 1),
               "where": [{"stack": k, "sampled_ms": round(n * period_ms)}
                         for k, n in where.most_common(8)],
               # what the other threads (workers) were running meanwhile: a worker in a
               # long call that holds the GIL stops the GUI thread as surely as its own work
               "workers_meanwhile": [{"stack": k, "sampled_ms": round(n * period_ms)}
                                     for k, n in workers.most_common(5)],
               # the CPU each thread of the window's process used meanwhile [ms, nice]
               "threads_cpu_ms": {
                   k: [round((v[0] - threads_before.get(k, (0.0, 0))[0]) * 1000), v[1]]
                   for k, v in sorted(threads_after.items(),
                                      key=lambda kv: -kv[1][0])
                   if v[0] - threads_before.get(k, (0.0, 0))[0] > 0.005},
               # the sampler's own late wake-ups in the long gaps: who let go of the GIL
               "gil_late": [{"late_ms": round(ms, 1), "threads": list(threads)}
                            for t, ms, threads in self.sampler.late
                            if any(a <= t <= b + 0.002 for a, b in long)][:12],
               # the same wake-ups with the threads that used the CPU while it waited (the
               # GIL's holder, with the line it was on when it let go) and their CPU ms
               "gil_holders": [{"late_ms": round(ms, 1), "used": used}
                               for t, ms, used in self.sampler.holders
                               if any(a <= t <= b + 0.002 for a, b in long)][:12]}
        if self.trims is not None:
            out["trims"] = self.trims.between(t0, time.perf_counter(), long)
        if perf is not None:  # the long gaps on perf's clock (perf_counter is monotonic)
            out["long_gaps_at"] = [[round(a, 6), round(b, 6)] for a, b in long]
        if events is not None:
            from PySide6.QtWidgets import QApplication

            QApplication.instance().removeEventFilter(events.filter)
            out["slow_events"] = events.slow_in(long, float(os.environ.get("ECOZONE_GAPS_EVENTS_MS",
                                                                           "2.0")))
            # when each long gap began, from the activity's start (its first turn, or its end)
            out["long_gaps_from_start_ms"] = [round((a - t0) * 1000, 1) for a, _b in long]
            if state.get("done_at") is not None:
                out["done_at_ms"] = round((state["done_at"] - t0) * 1000, 1)
        if state.get("timeout"):
            out["timeout"] = True
        return out


# -- the child: one window, every activity -----------------------------------------------
def _idle(win: Any, seconds: float = 600) -> None:
    from PySide6.QtCore import QCoreApplication

    canvas, review = win.canvas, win.features.review
    t = time.perf_counter()
    quiet = 0
    while time.perf_counter() - t < seconds:
        QCoreApplication.processEvents()
        busy = (canvas.renderer.busy() or canvas._render_timer.isActive()
                or (review is not None and (review.checker.running
                                            or review._flags_timer.isActive())))
        quiet = 0 if busy else quiet + 1
        if quiet > 200:
            return
        time.sleep(0.002)


class CollectionMeter:
    """Each cyclic collection from the first paint on: on which thread, of which
    generation, how long (``gc.callbacks``).  The window runs them on its GUI thread only
    (ui/gui_collector.py); a worker's would be listed under its thread's name."""

    def __init__(self) -> None:
        import gc

        self.seen: dict[str, dict[int, list[float]]] = {}
        self.t0 = 0.0
        gc.callbacks.append(self._on)

    def _on(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.t0 = time.perf_counter()
            return
        name = threading.current_thread().name
        ms = (time.perf_counter() - self.t0) * 1000
        self.seen.setdefault(name, {}).setdefault(int(info["generation"]), []).append(ms)

    def stop(self) -> dict[str, Any]:
        import gc

        gc.callbacks.remove(self._on)
        return {name: {str(g): {"n": len(v), "total_ms": round(sum(v), 1),
                                "max_ms": round(max(v), 2)} for g, v in sorted(gens.items())}
                for name, gens in self.seen.items()}


class TrimMeter:
    """Times each ``models.memory.release_memory`` (Arrow's release and glibc's
    ``malloc_trim``, which walks every malloc arena holding each one's lock: a thread
    that allocates in an arena being trimmed waits for it) wherever the window calls it:
    the product's function wrapped in every module that imported it."""

    def __init__(self) -> None:
        from models import memory

        self.calls: list[tuple[float, float, str]] = []
        original = memory.release_memory
        meter = self

        def release_memory() -> None:
            t = time.perf_counter()
            try:
                original()
            finally:
                meter.calls.append((t, time.perf_counter(), threading.current_thread().name))

        for module in list(sys.modules.values()):
            if getattr(module, "release_memory", None) is original:
                module.release_memory = release_memory  # type: ignore[attr-defined]

    def between(self, t0: float, t1: float, long: list[tuple[float, float]]) -> dict[str, Any]:
        mine = [c for c in self.calls if t0 <= c[0] <= t1]
        return {"n": len(mine), "max_ms": round(max((b - a) * 1000 for a, b, _ in mine), 1)
                if mine else 0.0,
                "in_long_gaps": [[round((b - a) * 1000, 1), name] for a, b, name in mine
                                 if any(a < g1 and b > g0 for g0, g1 in long)]}


def child(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cli.render import peak_memory_mb
    from models import import_process
    from models import outfall_edits as oe
    from models.memory import huge_pages, no_fastbins
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.language import set_language
    from ui.main import MainWindow, make_app

    huge_pages(False)  # as cli/window.run_window
    no_fastbins()
    make_app()
    set_language("zh")
    t_open = time.perf_counter()
    ws = Workspace.open(Path(args.child))
    win = MainWindow(ws, "zh", settings=None)
    install_features(win, interactive=False)
    win.resize(*SIZE_PX)
    win.show()
    _idle(win)
    out: dict[str, Any] = {"open_s": round(time.perf_counter() - t_open, 1),
                           "outfalls": len(ws.layer("outfalls"))}
    sampler = Sampler(threading.get_ident())
    out["sampling"] = not args.no_sampling
    if not args.no_sampling:
        sampler.start()
    meter = GapMeter(sampler)
    meter.trims = TrimMeter()
    collections = CollectionMeter()
    review = win.features.review
    table = review.table if review is not None else None

    def table_row(code: str) -> Any:
        return review.table.row_of(code)

    def cell(code: str, field: str) -> Any:
        row = table_row(code)
        return None if row is None else review.table.cell(row, field)

    def on_map(code: str) -> bool:
        layer = win.model.get("outfalls")
        return layer is not None and layer.row_of(code) is not None

    timeout = args.timeout
    tail = args.tail_ms
    del table

    # the machine's own stops, with the window idle (see the module's docstring)
    meter.name = "idle"
    out["idle"] = meter.run(lambda: None, lambda: True, args.idle_ms, timeout)

    # sync first: the checkout is then still a plain copy of the server's
    if args.pull_codes:
        codes = json.loads(Path(args.pull_codes).read_text())
        menu = win.features.sync
        probe, value = codes["probe"], codes["value"]
        # done when the sync's result is applied (the table is updated in the same call);
        # the table is looked at after: its code dictionary is not the bench's to build
        meter.name = "sync_pull"
        out["sync_pull"] = meter.run(
            menu.sync, lambda: menu.job is None and (menu.last_report is not None
                                                     or menu.last_error is not None),
            tail, timeout)
        out["sync_pull"]["checks"] = {"table_shows_pulled": cell(probe, "review_status") == value,
                                      "error": str(menu.last_error) if menu.last_error else None}
        _idle(win)
        frame = ws.layer("outfalls")
        mine = list(dict.fromkeys(frame["code"].astype(str).tolist()[-3 * args.edits:]))
        mine = [c for c in mine if c not in set(codes["pulled"])][:args.edits]
        review.do(oe.confirm_location(frame, mine))
        review.session.save()
        _idle(win)
        meter.name = "sync_push"
        out["sync_push"] = meter.run(menu.sync, lambda: menu.job is None, tail, timeout)
        rep = menu.last_report
        out["sync_push"]["checks"] = {
            "pushed_fields": getattr(rep, "pushed_fields", None),
            "error": str(menu.last_error) if menu.last_error else None}
        _idle(win)

    # import through the wizard: read and dry run first (the user reads the summary), then
    # the measured 导入 step
    csv = Path(args.import_csv)
    new_codes = json.loads(Path(args.import_csv + ".codes.json").read_text())
    last = new_codes[-1]
    dlg = win.features.open_import()
    _chosen(dlg, csv)
    s = dlg.state.session
    s.path, s.target = csv, "outfalls"
    s.read()
    s.suggest()
    import_process.warm(s)  # as the dry run's job does (ui/importing/mapping_page.py)
    dlg.state.dry_report = s.run(True)
    dlg.summary_page.show_report(dlg.state.dry_report)
    _on_page(dlg, dlg.summary_page)
    _idle(win)
    n0 = review.panel.model.rowCount()
    # done when the map and the table hold the new layer (checked cheaply while measuring;
    # that they show the new outfalls is checked after)
    n_all = len(ws.layer("outfalls"))
    map0, table0 = win.model.get("outfalls"), review.table

    def replaced(n: int) -> bool:
        layer = win.model.get("outfalls")
        return (layer is not map0 and layer is not None and len(layer.keys) == n
                and review.table is not table0 and len(review.table) == n)

    meter.name = "import"

    out["import"] = meter.run(dlg.summary_page.start_work,
                              lambda: dlg.state.final_report is not None
                              and replaced(n_all + len(new_codes)), tail, timeout)
    win.search.setText(last)
    found = win.search.go()
    out["import"]["checks"] = {
        "rows": len(new_codes), "table_rows_added": review.panel.model.rowCount() - n0,
        "on_map": on_map(last) and on_map(new_codes[0]),
        "in_table": table_row(last) is not None and table_row(new_codes[0]) is not None,
        "found_by_search": found is not None}
    _idle(win)
    map0, table0 = win.model.get("outfalls"), review.table
    meter.name = "import_undo"
    out["import_undo"] = meter.run(dlg.result_page.undo,
                                   lambda: dlg.result_page.is_undone and replaced(n_all),
                                   tail, timeout)
    out["import_undo"]["checks"] = {"table_rows_back": review.panel.model.rowCount() == n0,
                                    "gone_from_map": not on_map(last) and not on_map(new_codes[0])}
    dlg.close()
    _idle(win)

    # a re-import: the same file of existing outfalls sent again with a field changed and
    # a tenth of them moved (updates, not inserts), then its undo
    if args.reimport_csv:
        again = json.loads(Path(args.reimport_csv + ".codes.json").read_text())
        probe, value = again["probe"], again["value"]
        was = cell(probe, "remediation_status")
        dlg = win.features.open_import()
        _chosen(dlg, Path(args.reimport_csv))
        s = dlg.state.session
        s.path, s.target = Path(args.reimport_csv), "outfalls"
        s.read()
        s.suggest()
        import_process.warm(s)
        dlg.state.dry_report = s.run(True)
        dlg.summary_page.show_report(dlg.state.dry_report)
        _on_page(dlg, dlg.summary_page)
        _idle(win)
        meter.name = "reimport"
        out["reimport"] = meter.run(dlg.summary_page.start_work,
                                    lambda: dlg.state.final_report is not None
                                    and cell(probe, "remediation_status") == value,
                                    tail, timeout)
        rep = dlg.state.final_report
        out["reimport"]["checks"] = {
            "rows": again["rows"], "updated": len(rep.updated) if rep else None,
            "table_shows": cell(probe, "remediation_status") == value,
            "moved_on_map": on_map(again["moved"])}
        _idle(win)
        meter.name = "reimport_undo"
        out["reimport_undo"] = meter.run(dlg.result_page.undo,
                                         lambda: dlg.result_page.is_undone
                                         and cell(probe, "remediation_status") == was,
                                         tail, timeout)
        out["reimport_undo"]["checks"] = {"table_shows": cell(probe, "remediation_status") == was}
        dlg.close()
        _idle(win)

    # a batch edit through the EditSession (确认位置 on the selected outfalls), then Ctrl+Z
    frame = ws.layer("outfalls")
    todo = frame.loc[frame["review_status"].astype(str) != "已核查", "code"].astype(str)
    picked = list(dict.fromkeys(todo.tolist()))[:args.edits]
    review.panel.select_codes(picked)
    _idle(win)
    probe = picked[-1]
    meter.name = "edit"
    out["edit"] = meter.run(lambda: review.request("confirm"),
                            lambda: cell(probe, "review_status") == "已核查", tail, timeout)
    # saved: the edit is on disk (a workspace whose codes repeat, as the synthetic 1M one
    # does, refuses the save: the figures are then those of a failed save and its retry)
    out["edit"]["checks"] = {"edited": len(picked),
                             "table_shows": cell(probe, "review_status") == "已核查",
                             "saved": not review.session.pending}
    _idle(win)
    meter.name = "edit_undo"
    out["edit_undo"] = meter.run(review.stack.undo,
                                 lambda: cell(probe, "review_status") != "已核查", tail, timeout)
    out["edit_undo"]["checks"] = {"table_shows": cell(probe, "review_status") != "已核查",
                                  "saved": not review.session.pending}
    _idle(win)
    sampler.stop_now.set()
    out["collections"] = collections.stop()
    out["peak_memory_mb"] = peak_memory_mb()
    review.shutdown()
    return out


# -- the parent: data, server, one child per size -----------------------------------------
def _on_page(dlg: Any, page: Any) -> None:
    """The import wizard on ``page``, as the user is when they press its 导入: the
    wizard's ``next()`` at the end of the import then goes to the result page, as it does
    for them.  (Left on the first page, that ``next()`` validated the file page instead,
    which took the session's file from its empty path box and repainted the page in the
    measured turns; bench/README.md, issue 17, session 31.)"""
    for pid in dlg.pageIds():
        if dlg.page(pid) is page:
            dlg.setCurrentId(pid)  # (the current page validated first, as by its Next)
            if dlg.currentPage() is not page:
                raise RuntimeError(f"the wizard stayed on {type(dlg.currentPage()).__name__}:"
                                   f" {dlg.currentPage().status.text()}")
            return
    raise LookupError("page not in the wizard")


def _chosen(dlg: Any, path: Path) -> None:
    """The wizard's first page as the user fills it: the file, and 排污口 as the layer to
    import into (what its Next then finds already read)."""
    dlg.file_page.set_file(path)
    dlg.file_page.r_outfalls.setChecked(True)


def _run_json(cmd: list[str], timeout: float = 7200) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed ({p.returncode}): {p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def workspace(cache: Path, size: str) -> Path:
    """The size's workspace in the runner's cache (made once by bench/make_workspace.py)."""
    return _workspace(cache, size)[0]


def make_import_csv(src: Path, out: Path, rows: int) -> Path:
    """``rows`` new outfalls (codes no synthetic workspace uses: county 3599xx) as a CSV
    with 经度/纬度 columns, as bench/bench_import.py makes them; their codes beside it."""
    import numpy as np
    import pandas as pd
    import pyogrio
    import shapely

    frame = pyogrio.read_dataframe(src, layer="outfalls", use_arrow=True, max_features=rows)
    i = np.arange(len(frame))
    frame["code"] = [f"PWK3599{(k // 19998) % 100:02d}{'HR'[(k // 9999) % 2]}{k % 9999 + 1:04d}"
                     for k in i]
    frame["name_zh"] = [f"新增排口{k}" for k in i]
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table.insert(2, "经度", shapely.get_x(frame.geometry.values).round(6))
    table.insert(3, "纬度", shapely.get_y(frame.geometry.values).round(6))
    table.to_csv(out, index=False, encoding="utf-8")
    Path(str(out) + ".codes.json").write_text(json.dumps(frame["code"].tolist()))
    return out


def unique_codes(src: Path, tmp: Path) -> Path:
    """``src``, or a copy whose outfall codes are unique: the synthetic 1M inventory wraps
    its 4-digit serials (codes repeat), and the server refuses a repeated code.  The copy
    numbers every outfall by its fid (PWK35 + 1000.. + H/R + serial: no other code has
    that county)."""
    import sqlite3

    con = sqlite3.connect(src)
    try:
        (dups,) = con.execute("SELECT count(*) - count(DISTINCT code) FROM outfalls").fetchone()
    finally:
        con.close()
    if not dups:
        return src
    from geodata import gpkg_sql

    out = tmp / f"{src.stem}_unique.gpkg"
    shutil.copyfile(src, out)
    con = gpkg_sql.connect(out)  # with the functions of GDAL's R-tree triggers
    try:
        con.execute("UPDATE outfalls SET code = printf('PWK35%04d%s%04d', 1000 + (fid - 1) / 19998,"
                    " CASE WHEN ((fid - 1) / 9999) % 2 = 0 THEN 'H' ELSE 'R' END,"
                    " (fid - 1) % 9999 + 1)")
        con.commit()
    finally:
        con.close()
    return out


def make_reimport_csv(src: Path, out: Path, rows: int) -> Path:
    """``rows`` outfalls of ``src`` (every tenth, codes as they are) as a CSV with
    经度/纬度 columns, their 整治状态 changed and a tenth of them moved ~100 m: a county
    sending its inventory again.  Beside it, the probe code, its new value and a moved
    code."""
    import numpy as np
    import pandas as pd
    import pyogrio
    import shapely

    frame = pyogrio.read_dataframe(src, layer="outfalls", use_arrow=True,
                                   max_features=rows * 10)
    frame = frame.iloc[::10].iloc[:rows].reset_index(drop=True)
    old = frame["remediation_status"].astype(str)
    frame["remediation_status"] = np.where(old == "整治中", "已完成", "整治中")
    x, y = shapely.get_x(frame.geometry.values), shapely.get_y(frame.geometry.values)
    moved = np.arange(len(frame)) % 10 == 0
    x = np.where(moved, x + 0.001, x)
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table.insert(2, "经度", x.round(6))
    table.insert(3, "纬度", y.round(6))
    table.to_csv(out, index=False, encoding="utf-8")
    Path(str(out) + ".codes.json").write_text(json.dumps({
        "rows": len(table), "probe": str(table["code"].iloc[-1]),
        "value": str(table["remediation_status"].iloc[-1]),
        "moved": str(table["code"].iloc[0])}, ensure_ascii=False))
    return out


def prepare_sync(server: Any, src: Path, tmp: Path, n_edits: int) -> tuple[Path, Path]:
    """A checkout for the window and ``n_edits`` pushed by another laptop: (workspace of the
    window, JSON of the pulled codes)."""
    import psycopg

    from geodata import outfall_store
    from geodata.pg.connection import connect
    from models.outfall_edits import Change, Edit
    from models.outfall_session import to_batch
    from models.sync.checkout import checkout, init_server
    from models.sync.engine import sync
    from tests.sync.support import laptop_rows

    src = unique_codes(src, tmp)
    name = f"gaps_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(server.url(), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    url = server.url(name)
    with connect(url, autocommit=True) as con:
        init_server(con, src, explicit=True)
    a, b = tmp / f"{src.stem}_other.gpkg", tmp / f"{src.stem}_window.gpkg"
    with connect(url, autocommit=True) as con:
        checkout(con, url, a, None)
        checkout(con, url, b, None)
    rows = laptop_rows(a)
    codes = sorted(rows)[: n_edits]
    value = "位置存疑"
    batches = [to_batch(Edit("set", (Change(c, "review_status", rows[c]["review_status"],
                                            value),)).stamped("bench")) for c in codes
               if rows[c]["review_status"] != value]
    pulled = [c for c in codes if rows[c]["review_status"] != value]
    outfall_store.commit_batches(a, batches)
    sync(a)
    info = tmp / f"{src.stem}_pull.json"
    info.write_text(json.dumps({"probe": pulled[-1], "value": value, "pulled": pulled}))
    return b, info


def bench_size(size: str, cache: Path, tmp: Path, server: Any, args: argparse.Namespace
               ) -> dict[str, Any]:
    src = workspace(cache, size)
    rows = args.import_rows or IMPORT_ROWS[size]
    csv = make_import_csv(src, tmp / f"import_{size}.csv", rows)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--import-csv", str(csv),
           "--edits", str(args.edits), "--tail-ms", str(args.tail_ms),
           "--timeout", str(args.timeout), "--idle-ms", str(args.idle_ms)] \
        + (["--no-sampling"] if args.no_sampling else [])
    prep: dict[str, Any] = {}
    if server is not None:
        t = time.perf_counter()
        path, info = prepare_sync(server, src, tmp, args.pull)
        prep["sync_setup_s"] = round(time.perf_counter() - t, 1)
        cmd += ["--pull-codes", str(info)]
    else:
        # codes unique, so that an edit's save at 1M is a save and not a refusal
        path = unique_codes(src, tmp)
        if path == src:
            path = tmp / f"{size}.gpkg"
            copy_written(src, path)
    if not args.no_reimport:
        cmd += ["--reimport-csv",
                str(make_reimport_csv(path, tmp / f"reimport_{size}.csv", rows))]
    load = [round(v, 2) for v in os.getloadavg()]
    res = _run_json(cmd + ["--child", str(path)])
    res.update(prep, load_avg_before=load, import_rows=rows,
               load_avg_after=[round(v, 2) for v in os.getloadavg()])
    return res


def bench_gaps(sizes: list[str], cache: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Per size, the gaps of every activity (the function bench/run_benchmarks.py calls)."""
    server = None
    out: dict[str, Any] = {}
    if not args.no_sync:
        from tests.pg_server import PgServer, missing_reason

        reason = missing_reason()
        if reason:
            out["sync_skipped"] = reason
        else:
            server = PgServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="ecozone-bench-gaps-") as tmp:
            for size in sizes:
                try:
                    out[size] = bench_size(size, cache, Path(tmp), server, args)
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    out[size] = {"error": str(exc)[-2000:]}
    finally:
        if server is not None:
            server.stop()
    return out


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ecozone-bench"))
    ap.add_argument("--no-sync", action="store_true")
    ap.add_argument("--no-reimport", action="store_true")
    ap.add_argument("--import-rows", type=int, default=0)
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--pull", type=int, default=10_000)
    ap.add_argument("--tail-ms", type=int, default=2000)
    ap.add_argument("--idle-ms", type=int, default=10_000,
                    help="how long the idle window is measured first (the machine's own gaps)")
    ap.add_argument("--no-sampling", action="store_true",
                    help="no stack sampler: the gaps without the observer's own thread "
                         "(a Python thread reading every thread's stack every 2 ms takes "
                         "the GIL and a core's time from the window); no where/gil_* then")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--import-csv", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--reimport-csv", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--pull-codes", default=None, help=argparse.SUPPRESS)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.child:
        print(json.dumps(child(args), ensure_ascii=False))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if [s for s in sizes if s not in SIZES]:
        print(f"bench_gaps: unknown size in {sizes} (use {', '.join(SIZES)})", file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    machine_speed.compile_sources(ROOT)  # as installed: no module compiled per process
    t = time.perf_counter()
    out = {"load_avg_start": [round(v, 2) for v in os.getloadavg()],
           "speed_start": machine_speed.speed(), "budget_ms": BUDGET_MS,
           "sizes": bench_gaps(sizes, args.cache, args)}
    out["load_avg_end"] = [round(v, 2) for v in os.getloadavg()]
    out["speed_end"] = machine_speed.speed()
    out["elapsed_s"] = round(time.perf_counter() - t, 1)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
