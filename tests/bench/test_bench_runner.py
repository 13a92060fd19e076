"""The benchmark tools run end to end on a tiny workspace and print the JSON they promise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

from geodata import schema

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench")


def test_make_workspace_writes_a_valid_workspace(cache: Path) -> None:
    out = cache / "o2000_u100.gpkg"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "make_workspace.py"),
                           "--outfalls", "2000", "--units", "100", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["outfalls"] == 2000 and 90 <= info["units"] <= 110
    assert 50 <= info["unit_vertices_mean"] <= 210
    units = pyogrio.read_dataframe(out, layer="control_units")
    outfalls = pyogrio.read_dataframe(out, layer="outfalls")
    assert len(outfalls) == 2000
    for code in units["code"]:
        schema.validate_unit_code(code)
    for code in outfalls["code"].head(200):
        schema.validate_outfall_code(code)
    assert set(units["unit_class"]) <= {1, 2, 3}
    assert set(outfalls["outfall_type"]) <= set(schema.OUTFALL_TYPES)
    assert units.geometry.is_valid.all()
    names = {n for n, _ in pyogrio.list_layers(out)}
    assert {"counties", "control_units", "outfalls", "metadata"} <= names


def test_runner_prints_every_figure_without_qgis(cache: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run_benchmarks.py"),
                           "--sizes", "tiny", "--runs", "1", "--no-qgis", "--no-import",
                           "--no-bundled", "--cache", str(cache)],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["qgis"] is False and out["size_px"] == [1600, 1000]
    tiny = out["sizes"]["tiny"]
    assert {"render", "window", "join", "table"} <= set(tiny)
    assert "qgis" not in tiny
    r = tiny["render"]
    for key in ("cold_ms", "warm_ms", "load_ms", "index_ms", "peak_memory_mb",
                "symbols_warm_ms"):
        assert r[key] is not None and r[key] > 0, key
    w = tiny["window"]
    for key in ("cold_start_ms", "event_loop_max_gap_ms", "peak_memory_mb"):
        assert w[key] > 0, key
    for key in ("pan_frame_ms", "zoom_frame_ms", "identify_ms"):
        assert set(w[key]) == {"median", "p95", "max"}
    # the window as app.py opens it: the inventory, its flags, clicks and an edit's re-check
    for key in ("table_ms", "flags_ms", "edit_ms", "recheck_ms"):
        assert w[key] is not None and w[key] > 0, key
    for key in ("startup_gaps", "click_gaps", "recheck_gaps"):
        # the intervals over 16 ms, and whose they were (bench/steal.py)
        whose = ("over_16ms_machine", "over_16ms_machine_elsewhere", "over_16ms_program")
        assert set(w[key]) == {"max_ms", "over_16ms", *whose}, key
        assert sum(w[key][k] for k in whose) == w[key]["over_16ms"], key
    assert w["click_gaps"]["max_ms"] is not None
    assert {"first_paint", "table", "flags", "recheck"} <= set(w["peak_memory_mb_after"])
    assert tiny["join"]["points"] == 2000 and tiny["join"]["grid_ms"] > 0
    assert tiny["table"]["worst_warm_ms"] is not None
    gaps = tiny["gaps"]  # the idle window's gaps (the machine's own) before the activities
    assert gaps["idle"]["ticks"] > 100 and gaps["idle"]["wall_ms"] >= 2000, gaps["idle"]
    assert gaps["edit"]["checks"]["table_shows"], gaps["edit"]
    for activity in ("idle", "edit"):  # each long gap with its CPUs' steal and stops
        a = gaps[activity]
        assert sum(a[f"gaps_over_16ms_{k}"] for k in ("machine", "machine_elsewhere",
                                                      "program")) == a["gaps_over_16ms"], a
        assert all(len(g) == 7 for g in a["long_gaps"]), a
    check = tiny["check"]  # outfalls check --json and the window's flags (issue 17)
    assert check["cli_exit_codes"] == [0] and check["cli_peak_rss_mb"] > 0, check
    assert check["flags_s"] >= 0 and check["flags_peak_rss_mb"] > 0, check
    assert Path(r["png"]).stat().st_size > 10_000


def test_import_benchmark_prints_every_phase(cache: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_import.py"),
                           "--rows", "300", "--cache", str(cache / "import")],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    for kind in ("csv", "shapefile", "xlsx"):
        fig = out[kind]
        assert fig["imported"] == 300 and fig["rejected"] == 0, kind
        for key in ("read_ms", "validate_ms", "encode_ms", "write_ms", "total_ms", "undo_ms"):
            assert fig[key] >= 0, (kind, key)
        assert fig["total_ms"] >= fig["read_ms"] + fig["validate_ms"] + fig["encode_ms"] - 3


def test_bench_compare_json() -> None:
    p = subprocess.run([sys.executable, "bench/bench_compare.py", "--runs", "1"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["benchmark"] == "compare_editions" and doc["compare_ms"] > 0
    assert doc["counts"]["split"] == 1 and doc["counts"]["merged"] == 1
