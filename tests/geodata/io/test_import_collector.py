"""An import's check and write run with the cyclic collector paused (issue 17).

In the window they run in a worker: a full collection there, started by the rows' tuples,
held the GIL for 17-23 ms and stopped the window as long (``bench/bench_gaps.py``).
"""

from __future__ import annotations

import gc
from pathlib import Path

from geodata.io.import_session import ImportSession
from geodata.store import read_layer


def _csv(path: Path, n: int) -> Path:
    lines = ["编码,名称,经度,纬度"]
    lines += [f"PWK350582H{1000 + i:04d},试验排口{i},{118.5 + i * 1e-5:.6f},{24.6 + i * 1e-5:.6f}"
              for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_collects_nothing_while_it_checks_and_writes(workspace, tmp_path,
                                                               collector_on):
    session = ImportSession(workspace, _csv(tmp_path / "new.csv", 3000))
    session.read()
    session.suggest()
    collections: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        report = session.run(False)
    finally:
        gc.callbacks.remove(seen)
    assert collections == []
    assert gc.isenabled()  # and back on afterwards
    assert len(report.new) == 3000
    codes = set(read_layer(workspace, "outfalls")["code"].astype(str))
    assert {"PWK350582H1000", "PWK350582H3999"} <= codes
