"""Benchmark: import 100k-row point files (CSV, Shapefile, XLSX) into a workspace (JSON out).

    python bench/bench_import.py [--rows 100000] [--formats csv,shapefile,xlsx]
        [--as outfalls] [--runs 1] [--cache /tmp/ecozone-bench-import] [--cli]

The files are made once into ``--cache`` from ``make_workspace.make_outfalls`` (synthetic
outfalls over Quanzhou, every schema field filled), with codes made unique in the national
format (``PWK`` + county + H/R + serial, serials above the bundled ones, so every row is new).
CSV and XLSX carry 经度/纬度 columns; the Shapefile is written by pyogrio (UTF-8).

Each run imports one file into a fresh copy of the bundled workspace
(``geodata.store.bundled_path()``) with ``workspace_import.import_file`` and reports, in ms:

- ``read``: ``read_any`` (file to GeoDataFrame in CGCS2000, coordinate parsing),
- ``validate``: ``prepare`` (mapping, code and geometry checks),
- ``encode``: ``workspace_import._rows`` (GeoPackage blobs and the parameter tuples),
- ``write``: the rest of the transaction (classification against the layer, SQL, commit),
- ``total``: the whole ``import_file`` call (``total_cpu``: its CPU time, which other
  processes on the machine disturb less than the wall-clock figures),
- ``undo``: ``undo_import`` of that batch afterwards (not part of ``total``).

With ``--cli`` it also times ``python app.py import FILE --into W --as LAYER --json`` in a
fresh process (``cli_ms``: interpreter start and imports included).  Figures are medians
over ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent))

FORMATS = ("csv", "shapefile", "xlsx")
SUFFIX = {"csv": ".csv", "shapefile": ".shp", "xlsx": ".xlsx"}


def make_import_files(cache: Path, rows: int, formats: tuple[str, ...] = FORMATS
                      ) -> dict[str, Path]:
    """``rows`` synthetic outfalls as CSV, Shapefile and XLSX, made once into ``cache``."""
    import numpy as np
    import pandas as pd
    import pyogrio
    import shapely
    from make_workspace import make_outfalls

    from geodata import store

    files = {k: cache / f"outfalls_{rows}{SUFFIX[k]}" for k in formats}
    if all(p.exists() for p in files.values()):
        return files
    cache.mkdir(parents=True, exist_ok=True)
    counties = pyogrio.read_dataframe(store.bundled_path(), layer="counties")
    frame = make_outfalls(rows, counties)
    i = np.arange(rows)
    county = counties["code"].astype(str).to_numpy()[i % len(counties)]
    hr = np.where((i // len(counties)) % 2 == 0, "H", "R")
    serial = pd.Series(1001 + i // (2 * len(counties))).astype(str).str.zfill(4).to_numpy()
    frame["code"] = "PWK" + county.astype(object) + hr.astype(object) + serial.astype(object)
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table.insert(2, "经度", shapely.get_x(frame.geometry.values).round(6))
    table.insert(3, "纬度", shapely.get_y(frame.geometry.values).round(6))
    for kind, path in files.items():
        if path.exists():
            continue
        if kind == "csv":
            table.to_csv(path, index=False, encoding="utf-8")
        elif kind == "xlsx":
            table.to_excel(path, index=False, engine="openpyxl")
        else:
            pyogrio.write_dataframe(frame, path, encoding="UTF-8")
    return files


class _Timer:
    """Wrap module-level functions of ``workspace_import`` and add up their time."""

    def __init__(self, module: Any, names: dict[str, str]) -> None:
        self.module, self.names = module, names
        self.ms = dict.fromkeys(names.values(), 0.0)
        self.saved: dict[str, Any] = {}

    def __enter__(self) -> _Timer:
        for attr, phase in self.names.items():
            real = getattr(self.module, attr)
            self.saved[attr] = real

            def timed(*a: Any, _real: Any = real, _phase: str = phase, **k: Any) -> Any:
                t = time.perf_counter()
                try:
                    return _real(*a, **k)
                finally:
                    self.ms[_phase] += (time.perf_counter() - t) * 1000

            setattr(self.module, attr, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        for attr, real in self.saved.items():
            setattr(self.module, attr, real)


def import_once(path: Path, layer: str, tmp: Path) -> dict[str, Any]:
    from geodata import store
    from geodata.io import workspace_import as wi

    ws = tmp / "workspace.gpkg"
    shutil.copy(store.bundled_path(), ws)
    ws.chmod(0o644)
    with _Timer(wi, {"read_any": "read", "prepare": "validate", "_rows": "encode"}) as timer:
        t, cpu = time.perf_counter(), time.process_time()
        report = wi.import_file(path, ws, layer)
        total = (time.perf_counter() - t) * 1000
        cpu = (time.process_time() - cpu) * 1000
    ms = timer.ms
    t = time.perf_counter()
    wi.undo_import(ws, int(report.batch_id or 0))
    undo = (time.perf_counter() - t) * 1000
    return {"read_ms": ms["read"], "validate_ms": ms["validate"], "encode_ms": ms["encode"],
            "write_ms": total - ms["read"] - ms["validate"] - ms["encode"], "total_ms": total,
            "total_cpu_ms": cpu, "undo_ms": undo, **report.counts()}


def cli_once(path: Path, layer: str, tmp: Path) -> float:
    from geodata import store

    ws = tmp / "workspace_cli.gpkg"
    shutil.copy(store.bundled_path(), ws)
    ws.chmod(0o644)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "app.py"), "import", str(path),
                           "--into", str(ws), "--as", layer, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    elapsed = (time.perf_counter() - t) * 1000
    if proc.returncode != 0:
        raise RuntimeError(f"app.py import failed: {proc.stderr.strip()[-300:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--as", dest="layer", default="outfalls",
                    help="outfalls (keyed by code) or a new layer name")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir())
                    / "ecozone-bench-import")
    ap.add_argument("--cli", action="store_true", help="also time app.py import end to end")
    args = ap.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    t = time.perf_counter()
    files = make_import_files(args.cache, args.rows, formats)
    out: dict[str, Any] = {"rows": args.rows, "layer": args.layer, "runs": args.runs,
                           "make_files_ms": round((time.perf_counter() - t) * 1000)}
    for kind in formats:
        runs = []
        cli = []
        for _ in range(max(1, args.runs)):
            with tempfile.TemporaryDirectory(prefix="ecozone-bench-") as tmpdir:
                runs.append(import_once(files[kind], args.layer, Path(tmpdir)))
                if args.cli:
                    cli.append(cli_once(files[kind], args.layer, Path(tmpdir)))
        fig: dict[str, Any] = {k: (round(statistics.median(r[k] for r in runs))
                                   if k.endswith("_ms") else runs[-1][k]) for k in runs[0]}
        if cli:
            fig["cli_ms"] = round(statistics.median(cli))
        out[kind] = fig
        print(json.dumps({kind: fig}, ensure_ascii=False), file=sys.stderr)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
