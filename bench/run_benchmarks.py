"""EcoZone at scale, measured side by side with QGIS: one JSON document on stdout.

    python bench/run_benchmarks.py [--sizes small,medium,large] [--runs 3] [--no-qgis]
                                   [--cache /tmp/ecozone-bench] [--no-import]

Sizes: ``small`` 10k outfalls + 1k units, ``medium`` 100k + 5k, ``large`` 1M + 20k
(``tiny`` 2k + 100 for tests).  Workspaces are generated once into the cache folder by
``bench/make_workspace.py`` and reused.  Every figure is the median of ``--runs`` runs
(fresh processes where start-up matters).  Per size:

- ``render``: ``app.py render`` at 1600x1000, full extent: ``cold_ms`` (first render in a
  fresh process: projection, simplification, painting, composite), ``warm_ms`` (same
  view again with the layer images cleared), ``pan_ms`` (a drag by a third of the width
  at the same zoom, with the images of the view before), ``zoom_ms`` (the next zoom level
  in, first time at that level), ``zoom_again_ms``, CPU time of cold and warm (all
  threads), ``load_ms``, ``index_ms``, peak memory; ``symbols_*`` the same with the level
  of detail off (every outfall a symbol).
- ``window``: the window as ``python app.py`` opens it (map, panels, outfall inventory and
  record docks, statistics, sync) in a fresh process, on a copy of the workspace:
  ``cold_start_ms`` (process spawn to the first painted whole map: every layer, not the
  first layers of the progressive composite), ``table_ms`` (to the
  inventory table filled), ``flags_ms`` (to the compliance flags shown), ``startup_gaps``
  (longest gap of a 1 ms timer and gaps > 16 ms from the first paint until all arrived);
  a scripted pan (90 drag frames with re-renders) and zoom (30 wheel steps): per-frame GUI
  time and the timer's gaps; ``identify_ms`` at 200 random positions; ``click_gaps`` over
  10 clicks on outfalls (identify, selection, table row, record card; the spots are found
  before the timer starts); ``edit_ms`` of a
  确认位置 and ``recheck_ms``/``recheck_gaps`` of the compliance re-check it triggers;
  ``peak_memory_mb``, the process's own peak RSS (largest of the runs), and
  ``paint_processes_peak_mb``, its paint processes' (:mod:`ui.paint_process`) together;
  before the pan the map is left idle until they are ready (``paint_processes_ready_ms``:
  how long, ~2 s of idle and their start).
- ``join``: outfalls -> units (:mod:`models.spatial_join`), grid method and the STRtree
  reference; on ``large`` also 1M outfalls x the 5k units of ``medium``.
- ``table``: ``bench/bench_outfall_table.py`` (outfall-review engineer's) at the size's
  outfall count: build, worst warm sort/filter, and ``paint_ms``: the panel's table
  repainted by its own one-pass paint and by Qt's delegate paint (same rows, new rows).
- ``gaps``: ``bench/bench_gaps.py`` in the real window: longest event-loop gap and
  the count over 16 ms during an import, its undo, a batch edit, its undo, sync pull/push.
- ``recheck``: ``bench/bench_recheck.py``: the window's event-loop gaps from an edit
  until its compliance re-check's flags show, that time, the window's and the check
  process's own peak RSS.
- ``check``: ``app.py outfalls check --json`` (time, CPU time, the command's own peak
  RSS) and the window's check process's ``check_flag_bits`` after its own read
  (``bench/bench_compliance.py``, fresh processes).
- ``qgis`` (when ``/usr/bin/python3 -c 'import qgis.core'`` works): ``bench/qgis_side.py``
  renders the same extent and size and runs ``native:joinattributesbylocation``;
  ``ratio`` = EcoZone / QGIS for each figure.

Once per run: ``import`` of 100k rows from CSV, XLSX and Shapefile through
``geodata.io.readers.read_any``, and ``bundled`` (the window on the bundled data).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import machine_speed  # noqa: E402 - after the path
from bench.steal import (  # noqa: E402
    LAG_MS,
    CpuStops,
    StealClock,
    steal_between,
    stopped_in,
    whose,
)

SIZES = {"tiny": (2_000, 100), "small": (10_000, 1_000), "medium": (100_000, 5_000),
         "large": (1_000_000, 20_000)}
SIZE_PX = (1600, 1000)
SYSTEM_PY = "/usr/bin/python3"


def _med(values: list[float]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(statistics.median(vals), 1) if vals else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _run_json(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 1800,
              ) -> dict[str, Any]:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env or _env(),
                          timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed ({proc.returncode}): "
                           f"{proc.stderr.strip()[-800:]}")
    text = proc.stdout.strip()
    return json.loads(text[text.index("{"):])  # type: ignore[no-any-return]


def copy_written(src: Path, dst: Path) -> None:
    """``src`` copied to ``dst`` and written out to the disk before a window opens it.  A
    fresh copy is the system's dirty pages until they are written back: the first save's
    COMMIT, whose fsync writes them, then took 8-15 ms more at 10k outfalls (all of the
    file's ~7 MB) in the edit's own turn -- a cost of the harness's copy, not of the
    program.  (A workspace with no review tables hid it: their making, in the save
    worker, paid it.)"""
    import shutil

    shutil.copyfile(src, dst)
    with open(dst, "rb+") as f:
        os.fsync(f.fileno())


def workspace(cache: Path, size: str) -> tuple[Path, dict[str, Any] | None]:
    n_out, n_units = SIZES[size]
    path = cache / f"o{n_out}_u{n_units}.gpkg"
    if path.exists():
        return path, None
    info = _run_json([sys.executable, str(ROOT / "bench" / "make_workspace.py"),
                      "--outfalls", str(n_out), "--units", str(n_units), "--out", str(path)])
    return path, info


# -- render ----------------------------------------------------------------------------
def bench_render(path: Path, runs: int, cache: Path, lod: bool = True) -> dict[str, Any]:
    rs = []
    for _ in range(runs):
        cmd = [sys.executable, str(ROOT / "app.py"), "render", "--workspace", str(path),
               "--out", str(cache / f"{path.stem}{'' if lod else '_symbols'}.png"),
               "--size", f"{SIZE_PX[0]}x{SIZE_PX[1]}", "--runs", "3", "--json"]
        rs.append(_run_json(cmd, _env(ECOZONE_POINT_LOD="1" if lod else "0")))
    last = rs[-1]
    return {"cold_ms": _med([r["render_ms"] for r in rs]),
            "warm_ms": _med([r["render_warm_ms"] for r in rs]),
            "cold_cpu_ms": _med([r["render_cpu_ms"] for r in rs]),
            "warm_cpu_ms": _med([r["render_warm_cpu_ms"] for r in rs]),
            "pan_ms": _med([r["pan_ms"] for r in rs]),
            "zoom_ms": _med([r["zoom_ms"] for r in rs]),
            "zoom_again_ms": _med([r["zoom_again_ms"] for r in rs]),
            "load_ms": _med([r["load_ms"] for r in rs]),
            "index_ms": _med([r["index_ms"] for r in rs]),
            "command_total_ms": _med([r["total_ms"] for r in rs]),
            "peak_memory_mb": max(r["peak_memory_mb"] for r in rs),
            # the paint processes' own (not in peak_memory_mb): together, largest of the runs
            "paint_processes_peak_mb": max(r.get("paint_processes_peak_mb", 0.0) for r in rs),
            "outfalls_mode": last["layers"].get("outfalls", {}).get("mode"),
            "bbox_mercator": last["view"]["bbox_mercator"], "png": last["out"]}


# -- the window, in a child process ------------------------------------------------------
def _stats(values: list[float]) -> dict[str, float]:
    s = sorted(values)
    return {"median": round(statistics.median(s), 2),
            "p95": round(s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))], 2),
            "max": round(s[-1], 2)}


class _Gaps:
    """A 1 ms QTimer whose gaps are the time the GUI thread's event loop was blocked,
    kept per phase (``phase`` None: not counted).  Each interval over 16 ms is kept with
    the GUI thread's CPU in it and its wait for a core (Linux's schedstat, as
    ``bench_gaps.GapMeter``): the rest of such a gap was the GIL, a lock, or the machine
    itself stopped (session 28: the VM's cores stop on bursts of fresh page faults)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0.0
        self.last_cpu = self.last_wait = 0.0
        self.phase: str | None = None
        self.phase_t0 = 0.0
        self.by_phase: dict[str, list[float]] = {}
        # per phase: [gap, GUI CPU, core wait, ms since the phase began, steal of the GUI
        # thread's CPU, most steal of another CPU, ms its CPU ran nothing, ms that or
        # another CPU ran nothing] of gaps over 16 ms (bench/steal.py)
        self.long: dict[str, list[list[float]]] = {}
        # and when each began on CLOCK_MONOTONIC (s): to find it in a `perf record -k
        # CLOCK_MONOTONIC` of the run
        self.long_at: dict[str, list[float]] = {}
        self.events: Any = None  # bench_gaps.EventClock under ECOZONE_GAPS_EVENTS=1
        # the machine's steal per CPU (bench/steal.py): each long gap's entry gets its CPU's
        # steal and the others' once the accounting's lag has passed
        self.steal = StealClock()
        self.stops = CpuStops()
        self.last_steal = self.steal.read()
        self.pending: list[tuple[float, int, tuple[float, ...], list[float]]] = []
        self.long_cpu: dict[str, list[int]] = {}  # the CPU the GUI thread woke on
        try:
            self._schedstat: int | None = os.open("/proc/thread-self/schedstat",
                                                  os.O_RDONLY)
        except OSError:
            self._schedstat = None
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _run_delay(self) -> float:
        if self._schedstat is None:
            return 0.0
        return int(os.pread(self._schedstat, 64, 0).split()[1]) / 1e6

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        cpu, wait = time.thread_time() * 1000, self._run_delay()
        self._account_steal(now, self.last_steal)
        if self.phase is not None:
            gap = now - self.last
            self.by_phase.setdefault(self.phase, []).append(gap)
            if gap > 16.0:
                entry = [round(gap, 1), round(cpu - self.last_cpu, 1),
                         round(wait - self.last_wait, 1), round(self.last - self.phase_t0)]
                self.long.setdefault(self.phase, []).append(entry)
                self.long_at.setdefault(self.phase, []).append(
                    round(time.monotonic() - gap / 1000, 4))
                on_cpu = self.steal.cpu()
                self.long_cpu.setdefault(self.phase, []).append(on_cpu)
                self.pending.append((now, on_cpu, self.last_steal, entry))
        self.last, self.last_cpu, self.last_wait = now, cpu, wait
        self.last_steal = self.steal.read()

    def _account_steal(self, now: float, steal: tuple[float, ...]) -> None:
        """Append [steal of the GUI thread's CPU, most of another's] to the long gaps whose
        accounting lag (``bench.steal.LAG_MS``) ends before ``now``, with ``steal`` read at
        the last tick before it (as ``bench.steal.steal_in``)."""
        while self.pending and (now - self.pending[0][0] > LAG_MS or not steal):
            _end, cpu, before, entry = self.pending.pop(0)
            own, others = steal_between(before, steal, cpu)
            entry += [round(own), round(others)]

    def start(self, phase: str | None) -> None:
        self.phase = phase
        self.last = self.phase_t0 = self.clock.nsecsElapsed() / 1e6
        self.last_cpu, self.last_wait = time.thread_time() * 1000, self._run_delay()

    def figures(self, phase: str) -> dict[str, Any]:
        g = self.by_phase.get(phase, [0.0])
        self._account_steal(float("inf"), self.steal.read())
        long = self.long.get(phase, [])
        spans = self.stops.spans()
        for entry, at, cpu in zip(long, self.long_at.get(phase, []),
                                  self.long_cpu.get(phase, []), strict=True):
            if len(entry) == 6:  # + the ms its CPU, and any CPU, ran nothing
                own, any_cpu = stopped_in(spans, at, at + entry[0] / 1000, cpu)
                entry += [round(own, 1), round(any_cpu, 1)]
        owner = Counter(whose(e[0], e[6], e[7]) for e in long)
        out = {"max_ms": round(max(g), 1), "over_16ms": sum(x > 16.0 for x in g),
               # whose those were (bench/steal.py)
               "over_16ms_machine": owner["machine"],
               "over_16ms_machine_elsewhere": owner["machine_elsewhere"],
               "over_16ms_program": owner["program"],
               "long_gaps": long,
               "long_gaps_at": self.long_at.get(phase, [])}
        if self.events is not None:
            out["slow_events"] = self.events.slow_in(
                [(at, at + gap[0] / 1000) for at, gap in zip(out["long_gaps_at"],
                                                               out["long_gaps"],
                                                               strict=True)])
        return out


def _pump_until(pred: Any, timeout_s: float = 600.0) -> float | None:
    """Run the event loop (as QApplication.exec would, with idle pauses) until ``pred()``;
    the wall time when it held, or None."""
    from PySide6.QtCore import QCoreApplication

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        QCoreApplication.processEvents()
        if pred():
            return time.time()
        time.sleep(0.0002)
    return None


def _review_state(review: Any, n_outfalls: int) -> tuple[bool, bool]:
    """(table filled, flags shown) of the outfall review.  Written for both sides of a
    before/after comparison: the base commit built its table synchronously and had no
    ``loading``/``settled``."""
    if review is None:
        return True, True
    table = review.panel.model.rowCount() == n_outfalls and not getattr(review, "loading",
                                                                         False)
    if hasattr(review, "settled"):
        return table, table and review.settled()
    return table, table and review.checker.bits is not None and not review.checker.running


def child_window(path: str, t_spawn: float, startup_only: bool = False) -> dict[str, Any]:
    """The window as ``python app.py`` opens it (map, panels, outfall inventory and record
    docks, statistics, sync), in a child process: spawn → first painted map → inventory
    table filled → compliance flags shown; event-loop gaps from the first paint until
    all of that arrived, during a scripted pan/zoom, map clicks (identify and select) and
    the compliance re-check after an edit; peak RSS of the process."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import gc

    gc.disable()  # as cli/window.run_window: no collections until MainWindow freezes
    import numpy as np

    from cli.render import peak_memory_mb
    from cli.window import open_importing_window
    from models.memory import huge_pages, no_fastbins

    # as cli/window.run_window: the workspace read while the window's modules import
    huge_pages(False)
    no_fastbins()
    ws = open_importing_window(Path(path))
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    from ui.features import install_features
    from ui.main import MainWindow, make_app

    make_app()
    gaps = _Gaps()
    n_outfalls = len(ws.layers["outfalls"]) if "outfalls" in ws.layers else 0
    win = MainWindow(ws, "zh", settings=None)
    win.resize(*SIZE_PX)
    win.show()  # as ui.main.run_window: shown, then the parts installed
    features = install_features(win, interactive=False)
    if os.environ.get("ECOZONE_GAPS_EVENTS"):
        # diagnosis: which Qt events filled the gaps.  Installed once the window is made:
        # a Python event filter that sees a widget while Qt is still constructing it
        # gives PySide6 a wrapper of the base class for good (``menuBar()`` a QWidget)
        from bench_gaps import EventClock

        gaps.events = EventClock()
    review = features.review
    canvas = win.canvas
    painted: list[float] = []
    whole: list[bool] = []
    orig_paint = canvas.paintEvent
    # the renderer composites layer by layer as they finish: the first *whole* map is the
    # first paint after it said it was idle (every layer of the view drawn)
    canvas.renderer.idle.connect(lambda: whole.append(True))

    def paint_event(event: Any) -> None:
        orig_paint(event)
        if whole and canvas._composite is not None and not painted:
            painted.append(time.time())
            gaps.start("start")  # from the first paint until everything has arrived

    canvas.paintEvent = paint_event  # type: ignore[method-assign]
    t_table = t_flags = None

    def arrived() -> bool:
        nonlocal t_table, t_flags
        table, flags = _review_state(review, n_outfalls)
        if table and t_table is None:
            t_table = time.time()
        if flags and t_flags is None:
            t_flags = time.time()
        return bool(painted) and t_table is not None and t_flags is not None

    def arrived_noting_memory() -> bool:
        table_before = t_table is not None
        done = arrived()
        if painted and "first_paint" not in out_memory:
            out_memory["first_paint"] = peak_memory_mb()
        if t_table is not None and not table_before:
            out_memory["table"] = peak_memory_mb()
        return done

    out_memory: dict[str, float] = {}
    _pump_until(arrived_noting_memory)
    gaps.start(None)

    def ms(t: float | None) -> float | None:
        return round((t - t_spawn) * 1000, 1) if t is not None else None

    out: dict[str, Any] = {"cold_start_ms": ms(painted[0] if painted else None),
                           "table_ms": ms(t_table), "flags_ms": ms(t_flags),
                           "startup_gaps": gaps.figures("start"),
                           # the process's peak RSS so far, after each step (MB)
                           "peak_memory_mb_after": {**out_memory,
                                                    "flags": peak_memory_mb()}}

    if startup_only:  # (a commit whose window cannot take the clicks below)
        out["peak_memory_mb"] = peak_memory_mb()
        if review is not None:
            review.shutdown()
        return out

    def render_idle() -> bool:
        return not canvas.renderer.busy() and not canvas._render_timer.isActive()

    _pump_until(render_idle)
    out["first_full_render_ms"] = round(canvas.renderer.last_full_render_s * 1000, 1)
    painters = canvas.renderer.painters
    if painters is not None:
        # the map left idle until the paint processes it starts then are ready
        # (ui.render_worker.PAINTERS_IDLE_MS): the pan, zoom and clicks below with them
        t_idle = time.perf_counter()
        _pump_until(lambda: painters.ready() >= painters.n, 120.0)
        out["paint_processes_ready_ms"] = round((time.perf_counter() - t_idle) * 1000, 1)
    outfalls = win.model.get("outfalls")
    if outfalls is not None and len(outfalls):
        outfalls.point_index()  # identify's index (the renderer has built it already)
    from interaction import scripted_pan_zoom

    moves = scripted_pan_zoom(canvas, SIZE_PX)
    _pump_until(render_idle)
    out["peak_memory_mb_after"]["pan_zoom"] = peak_memory_mb()
    import random

    rnd = random.Random(7)
    ident = []
    for _ in range(200):
        sx, sy = rnd.uniform(0, canvas.width()), rnd.uniform(0, canvas.height())
        t = time.perf_counter()
        canvas.identify(sx, sy)
        ident.append((time.perf_counter() - t) * 1000)
    # clicks on outfalls, as a user picks them: identify, select, side panel, table row,
    # record card — with the event loop running between clicks
    picked = []
    if outfalls is not None and len(outfalls):
        # outfalls with a code of their own: the synthetic codes repeat beyond 9 999 per
        # county and water (bench/make_workspace.py), which a real inventory never does.
        # Asked of the layer per candidate (its key index is what a click builds anyway):
        # a value count of every key and a set of the unique ones were ~80 MB of this
        # harness in the window's measured peak at 1M
        def own_code(key: str) -> bool:
            return len(outfalls.rows_of([key])) == 1

        canvas.full_extent()
        _pump_until(render_idle)
        # the spots to click found first: the harness's own search (identify, the code's
        # rows) is no part of a click and was counted in its gaps before
        spots = []
        # up to 20 s of candidates: at 1M most synthetic codes repeat, and 200 random rows
        # gave 2 spots (session 21), too few for the clicks' gaps to say anything
        search_end = time.perf_counter() + 20.0
        for _ in range(20_000):
            if time.perf_counter() > search_end:
                break
            row = rnd.randrange(len(outfalls))
            if not own_code(outfalls.key_at(row)):
                continue
            x0, y0, x1, y1 = outfalls.feature_extent(row)
            sx, sy = (float(v) for v in canvas.view.to_screen(np.array((x0 + x1) / 2),
                                                                np.array((y0 + y1) / 2)))
            if not (0 <= sx < canvas.width() and 0 <= sy < canvas.height()):
                continue
            found = canvas.identify(sx, sy)
            if not found or found[0].layer != "outfalls" or not own_code(found[0].key):
                continue
            spots.append((sx, sy))
            if len(spots) >= 10:
                break
        _pump_until(render_idle)
        gaps.start("click")
        for sx, sy in spots:
            QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             QPointF(sx, sy).toPoint())
            picked.append(win.selection.current.keys[:1])
            end = time.perf_counter() + 0.05
            _pump_until(lambda end=end: time.perf_counter() > end)
        gaps.start(None)
    out["peak_memory_mb_after"]["clicks"] = peak_memory_mb()
    out["click_gaps"] = gaps.figures("click") if picked else None
    out["clicks"] = len(picked)
    # an edit (确认位置 of the selected outfall) and the compliance re-check it triggers
    if review is not None and picked and not review.session.readonly:
        from models import outfall_edits as oe

        code = str(picked[-1][0])
        gaps.start("recheck")
        t = time.perf_counter()
        review.do(oe.confirm_location(review.session.frame, [code]))
        out["edit_ms"] = round((time.perf_counter() - t) * 1000, 1)
        t_edit = time.time()
        _pump_until(lambda: review.checker.running or not review.settled()
                    if hasattr(review, "settled") else review.checker.running, 5)
        done = _pump_until(lambda: _review_state(review, n_outfalls)[1])
        gaps.start(None)
        out["recheck_ms"] = round((done - t_edit) * 1000, 1) if done else None
        out["recheck_gaps"] = gaps.figures("recheck")
        out["peak_memory_mb_after"]["recheck"] = peak_memory_mb()
        review.shutdown()
    canvas.renderer.wait(30000)
    out["paint_processes_peak_mb"] = painters.peak_mb() if painters is not None else 0.0
    out.update({"pan_frame_ms": _stats(moves["pan"]), "zoom_frame_ms": _stats(moves["zoom"]),
                "event_loop_max_gap_ms": round(moves["max_gap_ms"], 2),
                "event_loop_gaps_over_16ms": moves["gaps_over_16ms"],
                "identify_ms": _stats(ident), "peak_memory_mb": peak_memory_mb()})
    return out


def bench_window(path: Path, runs: int, startup_only: bool = False) -> dict[str, Any]:
    """:func:`child_window` in ``runs`` fresh processes on a copy of the workspace (the
    child saves an edit), medians; peak memory is the largest.  ``startup_only``: up to
    the flags shown (main before issue 17 raised on a click where the synthetic codes
    repeat, so a before/after at 1M compares the start-up only)."""
    import tempfile

    rs = []
    with tempfile.TemporaryDirectory(prefix="ecozone-window-") as tmp:
        for _ in range(runs):
            work = Path(tmp) / path.name
            copy_written(path, work)
            t = time.time()
            rs.append(_run_json([sys.executable, str(Path(__file__).resolve()),
                                 "--child-window", str(work), "--t-spawn", repr(t)]
                                + (["--startup-only"] if startup_only else [])))
            for f in Path(tmp).iterdir():
                f.unlink()

    def pick(key: str, sub: str | None = None) -> float | None:
        vals = [r.get(key) for r in rs]
        if sub is not None:
            vals = [v.get(sub) if v else None for v in vals]
        return _med(vals)

    out = {k: pick(k) for k in ("cold_start_ms", "table_ms", "flags_ms",
                                "first_full_render_ms", "edit_ms", "recheck_ms",
                                "event_loop_max_gap_ms", "event_loop_gaps_over_16ms")}
    for k in ("startup_gaps", "click_gaps", "recheck_gaps"):
        out[k] = {sub: pick(k, sub) for sub in ("max_ms", "over_16ms", "over_16ms_machine",
                                                "over_16ms_machine_elsewhere",
                                                "over_16ms_program")}
    for k in ("pan_frame_ms", "zoom_frame_ms", "identify_ms"):
        out[k] = {sub: pick(k, sub) for sub in ("median", "p95", "max")}
    out["peak_memory_mb_after"] = {
        step: max(r["peak_memory_mb_after"].get(step, 0.0) for r in rs)
        for step in rs[0].get("peak_memory_mb_after", {})}
    out["peak_memory_mb"] = max(r["peak_memory_mb"] for r in rs)
    out["paint_processes_peak_mb"] = max(r.get("paint_processes_peak_mb", 0.0) for r in rs)
    out["runs"] = rs
    return out


# -- join, table, import ---------------------------------------------------------------
def _timed(func: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        func()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def bench_join(path: Path, runs: int, units_from: Path | None = None) -> dict[str, Any]:
    import numpy as np
    import pyogrio
    import shapely

    from models.spatial_join import outfalls_in_units

    pts = pyogrio.read_dataframe(path, layer="outfalls", columns=[], use_arrow=True)
    units = pyogrio.read_dataframe(units_from or path, layer="control_units", columns=[],
                                   use_arrow=True)
    xy = shapely.get_coordinates(pts.geometry.values)
    geoms = np.asarray(units.geometry.array)
    res = outfalls_in_units(xy, geoms)
    out = {"points": len(xy), "units": len(geoms),
           "grid_ms": _timed(lambda: outfalls_in_units(xy, geoms), runs),
           "matched": int((res >= 0).sum())}
    if len(xy) <= 200_000:  # the reference is 5-10x slower: skip it at 1M
        out["strtree_ms"] = _timed(lambda: outfalls_in_units(xy, geoms, method="strtree"),
                                   max(1, runs // 2))
    return out


def bench_table(n_rows: int, runs: int) -> dict[str, Any]:
    r = _run_json([sys.executable, str(ROOT / "bench" / "bench_outfall_table.py"),
                   "--rows", str(n_rows), "--runs", str(max(3, runs))], timeout=1800)
    return {"rows": r.get("rows"), "build_ms": r.get("build_ms"),
            "sort_warm_max_ms": max(r["sort_ms"].values()) if r.get("sort_ms") else None,
            "sort_cold_max_ms": max(r["sort_cold_ms"].values()) if r.get("sort_cold_ms")
            else None,
            "filter_max_ms": max(r["filter_ms"].values()) if r.get("filter_ms") else None,
            "filter_and_sort_ms": r.get("filter_and_sort_ms"),
            "worst_warm_ms": r.get("worst_warm_ms"), "paint_ms": r.get("paint_ms")}


def make_import_files(src: Path, cache: Path, rows: int) -> dict[str, Path]:
    """CSV (经度/纬度 columns), XLSX and Shapefile of ``rows`` outfalls, made once."""
    import pandas as pd
    import pyogrio
    import shapely

    files = {"csv": cache / f"import_{rows}.csv", "xlsx": cache / f"import_{rows}.xlsx",
             "shapefile": cache / f"import_{rows}.shp"}
    if all(p.exists() for p in files.values()):
        return files
    frame = pyogrio.read_dataframe(src, layer="outfalls", use_arrow=True, max_features=rows)
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table.insert(2, "经度", shapely.get_x(frame.geometry.values).round(6))
    table.insert(3, "纬度", shapely.get_y(frame.geometry.values).round(6))
    table.to_csv(files["csv"], index=False, encoding="utf-8")
    table.to_excel(files["xlsx"], index=False, engine="openpyxl")
    pyogrio.write_dataframe(frame, files["shapefile"], encoding="UTF-8")
    return files


def bench_import(files: dict[str, Path], runs: int) -> dict[str, Any]:
    from geodata.io import readers

    out: dict[str, Any] = {}
    for kind, path in files.items():
        n = [0]

        def read(path: Path = path, n: list[int] = n) -> None:
            n[0] = len(readers.read_any(path).frame)

        out[f"{kind}_ms"] = _timed(read, max(1, runs))
        out[f"{kind}_rows"] = n[0]
    return out


# -- compliance check (issue 17) -------------------------------------------------------
def bench_check(path: Path, runs: int) -> dict[str, Any]:
    """``app.py outfalls check --json`` (wall time, CPU time and the command's own peak
    RSS) and what the window's check process runs (its own read of the file, then
    ``check_flag_bits``), each run in a fresh process by bench/bench_compliance.py;
    medians of ``runs``, the largest peak."""
    script = str(ROOT / "bench" / "bench_compliance.py")
    cli = [_run_json([sys.executable, script, "--one", "cli", str(path)])
           for _ in range(runs)]
    flags = [_run_json([sys.executable, script, "--one", "flags", str(path)])
             for _ in range(runs)]

    def med(rs: list[dict[str, Any]], key: str) -> float:
        return round(statistics.median(r[key] for r in rs), 2)

    return {"cli_s": med(cli, "total_s"), "cli_cpu_s": med(cli, "cpu_s"),
            "cli_peak_rss_mb": max(r["peak_rss_mb"] for r in cli),
            "cli_exit_codes": sorted({r["rc"] for r in cli}),
            "flags_s": med(flags, "check_s"), "flags_open_s": med(flags, "open_s"),
            "flags_peak_rss_mb": max(r["peak_rss_mb"] for r in flags)}


# -- QGIS ------------------------------------------------------------------------------
def qgis_available() -> bool:
    if not Path(SYSTEM_PY).exists():
        return False
    try:
        return subprocess.run([SYSTEM_PY, "-c", "import qgis.core"], capture_output=True,
                              timeout=60, env=_env()).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def bench_qgis(path: Path, bbox: list[float], runs: int, join: bool, cache: Path,
               ) -> dict[str, Any]:
    env = _env()
    env.pop("PYTHONPATH", None)  # the system Python must not see the venv's packages
    cmd = [SYSTEM_PY, str(ROOT / "bench" / "qgis_side.py"), "--workspace", str(path),
           "--size", f"{SIZE_PX[0]}x{SIZE_PX[1]}",
           "--bbox-mercator", ",".join(str(v) for v in bbox), "--runs", str(runs),
           "--out", str(cache / f"{path.stem}_qgis.png")]
    if join:
        cmd.append("--join")
    return _run_json(cmd, env, timeout=3600)


# -- event-loop gaps during imports, undo, edits and sync (bench/bench_gaps.py) ----------
def bench_gaps(size: str, cache: Path) -> dict[str, Any]:
    """The window's longest event-loop gap and the count over 16 ms while it is idle (the
    machine's own), during an import, its undo, a re-import and its undo, a batch edit and
    its undo, a sync pull and push (``bench/bench_gaps.py``)."""
    # the idle window first, the machine's own gaps: 10 s, 2 s for the smoke test's tiny
    idle_ms = 2000 if size == "tiny" else 10_000
    out = _run_json([sys.executable, str(ROOT / "bench" / "bench_gaps.py"), "--sizes", size,
                     "--cache", str(cache), "--idle-ms", str(idle_ms)], timeout=7200)
    return out["sizes"][size]  # type: ignore[no-any-return]


# -- the compliance re-check after an edit (bench/bench_recheck.py) ---------------------
def bench_recheck(size: str, cache: Path) -> dict[str, Any]:
    """The window's event-loop gaps from an edit until its re-check's flags show, the time
    that takes, the window's and the check process's own peak RSS
    (``bench/bench_recheck.py``)."""
    out = _run_json([sys.executable, str(ROOT / "bench" / "bench_recheck.py"), "--sizes",
                     size, "--cache", str(cache)], timeout=3600)
    return out["sizes"][size]  # type: ignore[no-any-return]


# -- main ------------------------------------------------------------------------------
def bench_size(size: str, args: argparse.Namespace, use_qgis: bool) -> dict[str, Any]:
    cache = args.cache
    path, generated = workspace(cache, size)
    n_out, n_units = SIZES[size]
    runs = args.runs
    out: dict[str, Any] = {"outfalls": n_out, "units": n_units, "workspace": str(path)}
    if generated:
        out["generated"] = generated
    out["render"] = bench_render(path, runs, cache)
    if n_out <= 100_000:
        sym = bench_render(path, 1, cache, lod=False)
        out["render"]["symbols_cold_ms"] = sym["cold_ms"]
        out["render"]["symbols_warm_ms"] = sym["warm_ms"]
    out["window"] = bench_window(path, runs)
    out["join"] = bench_join(path, runs)
    if size == "large":
        medium, _ = workspace(cache, "medium")
        out["join_1m_x_5k"] = bench_join(path, runs, units_from=medium)
    out["table"] = bench_table(n_out, runs)
    if not args.no_gaps:  # minutes at large (a PostgreSQL server, two checkouts)
        out["gaps"] = bench_gaps(size, cache)
    out["check"] = bench_check(path, runs)
    out["recheck"] = bench_recheck(size, cache)
    if use_qgis:
        try:
            q = bench_qgis(path, out["render"]["bbox_mercator"], runs, True, cache)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            q = {"error": str(exc)[-400:]}
        out["qgis"] = q
        r, j = out["render"], out["join"]
        out["ratio"] = {
            "render_cold_vs_qgis_first": _ratio(r["cold_ms"], q.get("render_first_ms")),
            "render_warm_vs_qgis": _ratio(r["warm_ms"], q.get("render_ms")),
            "render_symbols_warm_vs_qgis": _ratio(r.get("symbols_warm_ms"),
                                                  q.get("render_ms")),
            "render_pan_vs_qgis": _ratio(r["pan_ms"], q.get("pan_ms")),
            "render_zoom_vs_qgis": _ratio(r["zoom_ms"], q.get("zoom_ms")),
            "load_vs_qgis": _ratio(r["load_ms"], q.get("load_ms")),
            "join_vs_qgis": _ratio(j["grid_ms"], q.get("join_ms")),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-qgis", action="store_true")
    ap.add_argument("--no-import", action="store_true", help="skip the 100k-row import")
    ap.add_argument("--no-bundled", action="store_true", help="skip the bundled-data window")
    ap.add_argument("--no-gaps", action="store_true",
                    help="skip bench/bench_gaps.py (run it alone: it starts PostgreSQL)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ecozone-bench"))
    ap.add_argument("--child-window", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--t-spawn", type=float, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--startup-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_window:
        print(json.dumps(child_window(args.child_window, args.t_spawn or time.time(),
                                      args.startup_only)))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or args.runs < 1:
        print(f"run_benchmarks: unknown size {unknown} (use {', '.join(SIZES)}) or --runs < 1",
              file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    machine_speed.compile_sources(ROOT)  # as installed: no module compiled per process
    use_qgis = not args.no_qgis and qgis_available()
    import PySide6

    out: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "pyside6": PySide6.__version__,
                    "cpus": os.cpu_count(), "load_avg_start": [round(v, 2) for v in
                                                               os.getloadavg()],
                    "speed_start": machine_speed.speed()},
        "size_px": list(SIZE_PX), "runs": args.runs, "qgis": use_qgis, "sizes": {}}
    t0 = time.perf_counter()
    if not args.no_bundled:
        from geodata import store

        out["bundled"] = bench_window(store.bundled_path(), args.runs)
    for size in sizes:
        out["sizes"][size] = bench_size(size, args, use_qgis)
    if not args.no_import:
        src, _ = workspace(args.cache, "medium")
        files = make_import_files(src, args.cache, 100_000)
        out["import_100k"] = bench_import(files, args.runs)
    out["machine"]["load_avg_end"] = [round(v, 2) for v in os.getloadavg()]
    out["machine"]["speed_end"] = machine_speed.speed()
    out["elapsed_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
