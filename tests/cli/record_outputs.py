"""Run a fixed set of command-line cases in one process and record what a user sees.

``python -m tests.cli.record_outputs OUT.json`` runs every case of :data:`CASES` through
``app.main`` (the same entry point the ``ecozone`` script and ``python app.py`` use) with
stdout and stderr captured as bytes, and writes ``{case: {exit, stdout, stderr}}`` with the
volatile parts masked (temporary folders, timings, clock times).  One process for all cases
keeps the test quick; each case still goes through argument parsing, the workspace opening
and the printing exactly as from a console.

The golden file under ``tests/cli/golden/`` was written by this script from the code before
the command line moved into ``cli/`` (issue 12 item 6); the test compares later code with it.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_CSV = CORPUS / "csv_excel" / "nmc_provincial_capital.csv"

SITE = "118.50,24.70; 118.52,24.70; 118.52,24.72; 118.50,24.72"

# name -> argv (strings; "{ws}" the user's workspace copy, "{tmp}" a scratch folder,
# "{csv}" the corpus CSV).  Each case with a language runs in zh and en.
CASES: dict[str, list[str]] = {}


def _add(name: str, argv: list[str], langs: tuple[str, ...] = ("zh", "en")) -> None:
    for lang in langs:
        CASES[f"{name}.{lang}"] = [*argv, "--lang", lang]


_add("info", ["info"])
_add("info.json", ["info", "--json"], ("zh",))
_add("info.missing_workspace", ["info", "--workspace", "{tmp}/nope.gpkg"])
_add("info.not_gpkg", ["info", "--workspace", "{tmp}/bad.gpkg"])
_add("query.anhai", ["query", "118.47", "24.60"])
_add("query.anhai.json", ["query", "118.47", "24.60", "--json"])
_add("query.quanzhou_bay", ["query", "118.75", "24.83"])
_add("query.outside_city", ["query", "110", "30"])
_add("query.outside_city.json", ["query", "110", "30", "--json"], ("zh",))
_add("query.wgs84", ["query", "118.60", "24.90", "--crs", "wgs84", "--json"], ("zh",))
_add("query.bad_lon", ["query", "abc", "24.6"])
_add("query.lat_out_of_range", ["query", "118.5", "95"])
_add("query.bad_radius", ["query", "118.47", "24.60", "--radius", "0"])
_add("query.bad_crs", ["query", "118.47", "24.60", "--crs", "mars"])
_add("outfalls.check", ["outfalls", "check", "--workspace", "{ws}"])
_add("outfalls.check.json", ["outfalls", "check", "--workspace", "{ws}", "--json"], ("zh",))
_add("outfalls.check.bad_near", ["outfalls", "check", "--workspace", "{ws}", "--near-m", "-1"])
_add("outfalls.check.unknown_code", ["outfalls", "check", "--workspace", "{ws}",
                                     "--code", "NOPE-1"])
_add("outfalls.set.bad_status", ["outfalls", "set", "QZ-PWK-0001", "--workspace", "{ws}",
                                 "--status", "maybe"])
_add("outfalls.set.nothing", ["outfalls", "set", "QZ-PWK-0001", "--workspace", "{ws}"])
_add("import.dry_run", ["import", "{csv}", "--into", "{ws}", "--as", "capitals", "--dry-run"])
_add("import.dry_run.json", ["import", "{csv}", "--into", "{ws}", "--as", "capitals",
                             "--dry-run", "--json"])
_add("import.missing_file", ["import", "{tmp}/nope.csv", "--into", "{ws}", "--dry-run"])
_add("import.no_src", ["import", "--into", "{ws}"])
_add("import.bad_workspace", ["import", "{csv}", "--into", "{tmp}/nope.gpkg", "--dry-run"])
_add("screen.text", ["screen", SITE])
_add("screen.json", ["screen", SITE, "--json"], ("zh",))
_add("screen.bad_site", ["screen", "118.5,24.7; abc"])
_add("screen.bad_out", ["screen", SITE, "--out", "{tmp}/report.txt"])
_add("export.geojson", ["export", "--workspace", "{ws}", "--layer", "counties",
                        "--out", "{tmp}/counties.geojson"])
_add("export.csv.json", ["export", "--workspace", "{ws}", "--layer", "outfalls",
                         "--out", "{tmp}/outfalls.csv", "--json"])
_add("export.no_layer", ["export", "--workspace", "{ws}", "--out", "{tmp}/x.geojson"])
_add("export.unknown_layer", ["export", "--workspace", "{ws}", "--layer", "nope",
                              "--out", "{tmp}/x.geojson"])
_add("export.bad_suffix", ["export", "--workspace", "{ws}", "--layer", "counties",
                           "--out", "{tmp}/x.doc"])
_add("export.webmap.json", ["export", "--workspace", "{ws}", "--out", "{tmp}/map.html",
                            "--layers", "counties", "--json"], ("zh",))
_add("export.webmap.bad_layer", ["export", "--workspace", "{ws}", "--out", "{tmp}/map.html",
                                 "--layers", "nope"])
_add("screenshot.bad_size", ["screenshot", "--out", "{tmp}/s.png", "--size", "big"])
_add("render.bad_size", ["render", "--out", "{tmp}/r.png", "--size", "10x10"])
_add("render.bad_bbox", ["render", "--out", "{tmp}/r.png", "--bbox", "1,2,3"])

_MASKS = [
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?"),
     "<TIME>"),
    (re.compile(r'("[a-z_]*_ms"\s*:\s*)[-0-9.e]+'), r"\1<MS>"),
    (re.compile(r'("peak_memory_mb"\s*:\s*)[-0-9.e]+'), r"\1<MB>"),
]


def mask(text: str, tmp: str) -> str:
    """Temporary folder and clock-dependent values replaced by fixed tokens."""
    text = text.replace(tmp, "<TMP>").replace(str(CORPUS), "<CORPUS>")
    for pattern, repl in _MASKS:
        text = pattern.sub(repl, text)
    return text


BIG = 8000  # longer outputs are kept as their first lines plus a digest of the whole


def _stream(name: str, text: str) -> dict[str, object]:
    """The text itself, or for a long one its head, length and sha256 (golden file size)."""
    if len(text) <= BIG:
        return {name: text}
    import hashlib

    return {name + "_head": text[:BIG // 4], name + "_chars": len(text),
            name + "_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def run_case(argv: list[str]) -> tuple[int, bytes, bytes]:
    """``app.main(argv)`` with stdout/stderr captured as bytes (UTF-8 text streams)."""
    import app

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        try:
            code = int(app.main(argv))
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
    finally:
        sys.stdout, sys.stderr = saved
    out.flush()
    err.flush()
    return code, out.buffer.getvalue(), err.buffer.getvalue()  # type: ignore[attr-defined]


def record(names: list[str] | None = None) -> dict[str, dict[str, object]]:
    """Run the cases (all, or ``names``) in a fresh data folder; masked results by name."""
    from geodata import store

    tmp = Path(tempfile.mkdtemp(prefix="ecozone_cli_golden_"))
    try:
        os.environ["ECOZONE_HOME"] = str(tmp / "home")
        ws = tmp / "ws.gpkg"
        shutil.copyfile(store.bundled_path(), ws)
        (tmp / "bad.gpkg").write_text("hello", encoding="utf-8")
        subs = {"{ws}": str(ws), "{tmp}": str(tmp), "{csv}": str(CORPUS_CSV)}
        results: dict[str, dict[str, object]] = {}
        for name, argv in CASES.items():
            if names is not None and name not in names:
                continue
            if "{csv}" in argv and not CORPUS_CSV.exists():
                continue
            real = []
            for a in argv:
                for k, v in subs.items():
                    a = a.replace(k, v)
                real.append(a)
            code, out, err = run_case(real)
            results[name] = {"argv": argv, "exit": code,
                             **_stream("stdout", mask(out.decode("utf-8"), str(tmp))),
                             **_stream("stderr", mask(err.decode("utf-8"), str(tmp)))}
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    results = record()
    Path(argv[0]).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
