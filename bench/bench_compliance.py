"""Compliance check at scale: time and the process's own peak RSS (issue 17).

Two figures per workspace, each measured in a fresh process so that its peak RSS is its own:

- ``flags``: what the window's compliance check process runs
  (``models.compliance_process.flags_of_file``): the check's own read of the file
  (``models.compliance_input.read``, ``open_s``), then ``check_flag_bits`` (``check_s``).
  Until issue 17's session 22 this opened a whole ``Workspace`` first, as the window's
  worker once did: a peak (~1.2 GB at 1M) the window's check no longer has;
- ``cli``: ``python app.py outfalls check --json`` with its output to /dev/null, timed from
  outside; its peak RSS is the child's ``ru_maxrss``, ``cpu_s`` its user + system time
  (both cores), ``load_avg_1m`` the machine's load when it started.

Usage::

    python bench/make_workspace.py --outfalls 100000 --units 5000 --out /tmp/w100k.gpkg
    python bench/bench_compliance.py /tmp/w100k.gpkg /tmp/w1m.gpkg

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # KiB on Linux


def _flags(ws_path: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from models import compliance_input
    from models.compliance import ComplianceConfig, check_flag_bits

    t0 = time.perf_counter()
    inp = compliance_input.read(Path(ws_path), ComplianceConfig().required_fields)
    t1, c1 = time.perf_counter(), time.process_time()
    bits = check_flag_bits(inp)
    t2 = time.perf_counter()
    return {"open_s": round(t1 - t0, 2), "check_s": round(t2 - t1, 2),
            "check_cpu_s": round(time.process_time() - c1, 2),
            "flagged": int((bits != 0).sum()), "peak_rss_mb": _peak_mb()}


def _cli(ws_path: str) -> dict:
    import os

    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open("/dev/null", "wb") as null:
        rc = subprocess.run([sys.executable, "app.py", "outfalls", "check", "--json",
                             "--workspace", ws_path], cwd=ROOT, stdout=null,
                            check=False).returncode
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"rc": rc, "total_s": round(time.perf_counter() - t0, 2),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),  # both cores' time
            "peak_rss_mb": _peak_mb(resource.RUSAGE_CHILDREN), "load_avg_1m": round(load, 2)}


def _one(kind: str, ws_path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", kind, ws_path], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspaces", nargs="*")
    ap.add_argument("--one", choices=("flags", "cli"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps((_flags if args.one == "flags" else _cli)(args.workspaces[0])))
        return
    result = {}
    for w in args.workspaces:
        result[Path(w).name] = {"flags": _one("flags", w), "cli": _one("cli", w)}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
