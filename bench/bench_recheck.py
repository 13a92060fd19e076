"""Benchmark: the window's compliance re-check after an edit — event-loop gaps, time until
the flags show, memory of the window and of the check process (JSON).

    python bench/bench_recheck.py [--sizes small,medium,large] [--cache /tmp/ecozone-bench]
                                  [--repeats 3]

Per size (the workspaces of ``bench/run_benchmarks.py``'s cache), a fresh process opens the
main window as ``python app.py`` does (``MainWindow`` plus ``ui.features.install_features``)
offscreen at 1600x1000 on a copy of the workspace, waits until it is idle (table and flags
there), then ``--repeats`` times:

- ``recheck``: 确认位置 of one outfall through the outfall review (the edit itself, saved
  on the GUI thread, is done before the measure starts: its gap is bench/bench_gaps.py's
  ``edit``), then, while a 1 ms ``QTimer`` ticks, the event loop runs until the re-check
  the edit set off (400 ms debounce) has put its flags in the table: ``max_gap_ms``,
  ``gaps_over_16ms``, ``done_ms`` (edit saved → flags shown) and where the GUI thread was
  in the long gaps (bench/bench_gaps.py's ``GapMeter``);
- ``idle``: the same timer for 3 s with nothing to do: the noise floor of a shared
  machine (the process waiting for a core);
- ``move``: the same for a move of an outfall next to another (4 m away): ``checks``
  says whether the table then flags it a possible duplicate, and whether every row's
  flags equal ``check_flag_bits`` run in-process on the window's workspace.

Also ``peak_memory_mb`` (the window process's own peak RSS) and ``child_peak_mb`` (the
check process's own peak RSS, when the check runs in one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_gaps import GapMeter, Sampler, _idle, _run_json, workspace  # noqa: E402
from bench.run_benchmarks import SIZE_PX, SIZES, copy_written  # noqa: E402


def child(path: str, repeats: int, tail_ms: int, timeout: float) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    import pandas as pd
    import shapely

    from cli.render import peak_memory_mb
    from models import outfall_edits as oe
    from models.compliance import check_flag_bits
    from models.memory import huge_pages, no_fastbins
    from models.outfall_table import FLAG_BITS
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.language import set_language
    from ui.main import MainWindow, make_app

    huge_pages(False)  # as cli/window.run_window
    no_fastbins()
    make_app()
    set_language("zh")
    t0 = time.perf_counter()
    ws = Workspace.open(Path(path))
    win = MainWindow(ws, "zh", settings=None)
    install_features(win, interactive=False)
    win.resize(*SIZE_PX)
    win.show()
    review = win.features.review
    _idle(win)
    # the table and the flags of the start-up check (the idle wait covers the check)
    while review.loading or not review.settled():
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.processEvents()
        time.sleep(0.002)
    _idle(win)
    out: dict[str, Any] = {"open_to_idle_s": round(time.perf_counter() - t0, 1),
                           "outfalls": len(ws.layer("outfalls"))}
    sampler = Sampler(threading.get_ident())
    sampler.start()
    meter = GapMeter(sampler)
    checker = review.checker
    frame = ws.layer("outfalls")
    counts = pd.Series(frame["code"].astype(str)).value_counts()
    own = [c for c in frame["code"].astype(str).tolist()[::max(1, len(frame) // 997)]
           if counts.get(c) == 1 and c]  # codes of one outfall only (synthetic ones repeat)

    def flagged_after(started: int) -> Any:
        return lambda: checker.started > started and review.settled()

    # the noise floor: the same timer with nothing to do for 3 s (on a shared machine the
    # process waits for a core too; those gaps are not the window's)
    t_idle = time.perf_counter()
    out["idle"] = meter.run(lambda: None, lambda: time.perf_counter() - t_idle > 3.0, 0,
                            timeout)
    runs = []
    for k in range(repeats):
        code = own[k]
        started = checker.started
        t = time.perf_counter()
        review.do(oe.confirm_location(review.session.frame, [code]))
        edit_ms = (time.perf_counter() - t) * 1000
        r = meter.run(lambda: None, flagged_after(started), tail_ms, timeout)
        r["edit_ms"] = round(edit_ms, 1)
        runs.append(r)
        _idle(win)
    out["recheck"] = runs
    # a move next to another outfall: a possible duplicate the re-check must find
    a, b = own[repeats], own[repeats + 1]
    rows = review.session.frame.set_index(review.session.frame["code"].astype(str)).geometry
    pb = rows.loc[b]
    started = checker.started
    review.do(oe.move(review.session.frame, a, pb.x + 0.00004, pb.y, "cgcs2000"))
    r = meter.run(lambda: None, flagged_after(started), tail_ms, timeout)
    row = review.table.row_of(a)
    out["peak_memory_mb"] = peak_memory_mb()  # before the in-process check below
    expect = check_flag_bits(ws)  # in-process, on the window's own frame (order = table's)
    table_codes = np.asarray(review.table.codes, dtype=object)
    frame_codes = ws.layer("outfalls")["code"].astype(str).to_numpy(dtype=object)
    r["checks"] = {
        "moved_flagged_duplicate": bool(review.table.flag_bits[row]
                                        & FLAG_BITS["possible_duplicate"]),
        "rows_in_frame_order": bool(np.array_equal(table_codes, frame_codes)),
        "flags_equal_in_process": bool(np.array_equal(review.table.flag_bits, expect)),
        "moved_to": [float(shapely.get_x(pb)), float(shapely.get_y(pb))]}
    out["move"] = r
    sampler.stop_now.set()

    def med(key: str) -> float:
        vals = sorted(x[key] for x in runs if x.get(key) is not None)
        return vals[len(vals) // 2] if vals else None

    out["recheck_median"] = {k: med(k) for k in ("max_gap_ms", "gaps_over_16ms", "done_ms",
                                                  "edit_ms")}
    out["child_peak_mb"] = getattr(checker, "child_peak_mb", None)  # base: no process
    review.shutdown()
    return out


def bench_size(size: str, cache: Path, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    src = workspace(cache, size)
    path = tmp / f"{size}.gpkg"
    copy_written(src, path)
    load = [round(v, 2) for v in os.getloadavg()]
    res = _run_json([sys.executable, str(Path(__file__).resolve()), "--child", str(path),
                     "--repeats", str(args.repeats), "--tail-ms", str(args.tail_ms),
                     "--timeout", str(args.timeout)])
    res.update(load_avg_before=load, load_avg_after=[round(v, 2) for v in os.getloadavg()])
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ecozone-bench"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tail-ms", type=int, default=300)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.repeats, args.tail_ms, args.timeout),
                         ensure_ascii=False))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if [s for s in sizes if s not in SIZES]:
        print(f"bench_recheck: unknown size in {sizes} (use {', '.join(SIZES)})",
              file=sys.stderr)
        return 2
    out: dict[str, Any] = {"load_avg_start": [round(v, 2) for v in os.getloadavg()],
                           "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="ecozone-bench-recheck-") as tmp:
        for size in sizes:
            out["sizes"][size] = bench_size(size, args.cache, Path(tmp), args)
    out["load_avg_end"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
