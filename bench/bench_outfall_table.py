"""Benchmark: sort, filter and paint the outfall inventory table at 100k rows (JSON out).

    python bench/bench_outfall_table.py [--rows 100000] [--runs 7] [--no-paint]

Reports the median over ``--runs`` of: building the table, the first (cold, ranks computed)
and later (warm) sort by each column, each filter (county, type, status, flag, text search,
map extent, zone) and a combined filter + sort, in milliseconds.

``paint_ms``: the inventory panel's table (1400x700, offscreen) repainted, by its own
one-pass paint (``ui/painted_table.py``) and by ``QTableView``'s delegate paint of the
same view: ``same_rows`` (the rows painted before, their texts measured), ``new_rows``
(scrolled to rows never shown, as a map click's reveal does; the view's text measures
emptied), medians over ``--runs`` paints; ``cells`` on screen.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import shapely  # noqa: E402

from bench.synthetic import synthetic_frame  # noqa: E402
from models.outfall_table import KEYS, OutfallTable, TableFilter  # noqa: E402


def _ms(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        func()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def _paint_ms(table: OutfallTable, runs: int) -> dict[str, object]:
    """The panel's table repainted, by its own paint and by Qt's (module docstring)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.outfalls.table_dock import OutfallTablePanel
    from ui.painted_table import PaintedTableView

    app = QApplication.instance() or QApplication([])
    panel = OutfallTablePanel(table)
    panel.resize(1400, 700)
    panel.show()
    app.processEvents()
    view = panel.view
    bar = view.verticalScrollBar()
    shown = view.rowAt(view.viewport().height() - 1) - view.rowAt(0) + 1
    columns = sum(1 for c in range(panel.model.columnCount())
                  if view.columnViewportPosition(c) < view.viewport().width())
    own = PaintedTableView._paints_itself
    out: dict[str, object] = {"cells": shown * columns}
    for name, paints_itself in (("one_pass", own), ("qt", lambda _self: False)):
        PaintedTableView._paints_itself = paints_itself  # type: ignore[method-assign]
        try:
            bar.setValue(0)
            app.processEvents()
            view.viewport().repaint()
            same = _ms(view.viewport().repaint, runs)
            fresh = []
            for k in range(runs):
                bar.setValue((k + 1) * (bar.maximum() // (runs + 2)))
                app.processEvents()
                view._texts = None  # (its texts never measured)
                t = time.perf_counter()
                view.viewport().repaint()
                fresh.append((time.perf_counter() - t) * 1000)
        finally:
            PaintedTableView._paints_itself = own  # type: ignore[method-assign]
        out[name] = {"same_rows": same, "new_rows": round(statistics.median(fresh), 2)}
    panel.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-paint", action="store_true", help="no table paint figures")
    args = ap.parse_args(argv)
    frame = synthetic_frame(args.rows)
    flags = {c: ("possible_duplicate",) for c in frame["code"].iloc[::37]}
    names = {"350582": "晋江市", "350581": "石狮市", "350583": "南安市"}

    def build() -> OutfallTable:
        return OutfallTable.from_frame(frame, names, flags)

    out: dict[str, object] = {"rows": args.rows, "runs": args.runs,
                              "build_ms": _ms(build, max(1, args.runs // 2))}
    cold, warm = {}, {}
    for key in KEYS:
        def first(key: str = key) -> None:
            t = build()
            t0 = time.perf_counter()
            t.view(None, key)
            first.elapsed = (time.perf_counter() - t0) * 1000  # type: ignore[attr-defined]

        vals = []
        for _ in range(3):
            first()
            vals.append(first.elapsed)  # type: ignore[attr-defined]
        cold[key] = round(statistics.median(vals), 2)
    table = build()
    for key in KEYS:
        table.view(None, key)
        warm[key] = _ms(lambda key=key: table.view(None, key, descending=True), args.runs)
    out["sort_cold_ms"] = cold
    out["sort_ms"] = warm
    zone = shapely.box(118.4, 24.7, 118.8, 25.0).buffer(0.05)
    filters = {
        "county": TableFilter(counties=frozenset({"晋江市", "石狮市"})),
        "type": TableFilter(types=frozenset({"工业排污口"})),
        "review_status": TableFilter(review_status=frozenset({"待核查"})),
        "flag": TableFilter(flags=frozenset({"possible_duplicate"})),
        "text_search": TableFilter(text="泉州湾 12"),
        "map_extent": TableFilter(bbox=(118.4, 24.7, 118.8, 25.0)),
        "zone": TableFilter(zone=zone),
    }
    table.haystack()  # built once per edit, like the ranks
    out["filter_ms"] = {k: _ms(lambda f=f: table.view(f), args.runs) for k, f in filters.items()}
    out["filter_rows"] = {k: int(len(table.view(f))) for k, f in filters.items()}
    combined = TableFilter(counties=frozenset({"晋江市"}), review_status=frozenset({"待核查"}),
                           text="排口")
    out["filter_and_sort_ms"] = _ms(lambda: table.view(combined, "name_zh"), args.runs)
    out["haystack_build_ms"] = _ms(lambda: (setattr(table, "_haystack", None),
                                            table.haystack()), 3)
    worst = max(max(warm.values()), max(out["filter_ms"].values()),  # type: ignore[union-attr]
                out["filter_and_sort_ms"])  # type: ignore[type-var]
    out["worst_warm_ms"] = worst
    if not args.no_paint:
        out["paint_ms"] = _paint_ms(table, args.runs)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
