"""How fast the machine is right now, in three small fixed tasks (issue 17).

The 2-core benchmark machine's speed drifts by up to 2x within an hour (other work on its
host): the same code took 4.9 s and 7.8 s for ``outfalls check`` at 1M on one day, and a
Python loop 232 ms and 452 ms minutes apart.  Benchmarks print these figures with their
own, at the start and at the end, so that two runs can be compared for what the machine
was doing and not only for what the code did.  Each figure is the median of three; lower is
faster.

- ``python_loop_ms``: 3 million additions in a Python loop (the interpreter);
- ``numpy_sort_ms``: sorting 4 million random doubles (a core and its caches);
- ``fault_200mb_ms``: writing 200 MB of fresh memory (the kernel's page faults: a VM's
  are several times a bare machine's, and every new array pays them).

``python bench/machine_speed.py`` prints them as JSON.  :func:`compile_sources` (called by
the runners first) byte-compiles the program as an installed one is.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np


def _loop() -> float:
    t = time.perf_counter()
    s = 0
    for i in range(3_000_000):
        s += i
    return (time.perf_counter() - t) * 1000


def _sort(values: np.ndarray) -> float:
    t = time.perf_counter()
    np.sort(values)
    return (time.perf_counter() - t) * 1000


def _fault() -> float:
    t = time.perf_counter()
    block = np.empty(200_000_000 // 8)
    block[:] = 1.0  # every page touched
    ms = (time.perf_counter() - t) * 1000
    del block
    return ms


def speed() -> dict[str, float]:
    """The three figures (ms, median of three runs each); about 2 s on the 2-core machine."""
    values = np.random.default_rng(1).random(4_000_000)
    return {"python_loop_ms": round(statistics.median(_loop() for _ in range(3)), 1),
            "numpy_sort_ms": round(statistics.median(_sort(values) for _ in range(3)), 1),
            "fault_200mb_ms": round(statistics.median(_fault() for _ in range(3)), 1)}


def compile_sources(root: Path) -> None:
    """Byte-compile the program's modules, as an installed program has them.

    With ``PYTHONDONTWRITEBYTECODE`` set (this machine's environment has it) nothing is
    cached, and every fresh process of a benchmark compiled the program's modules from
    source (the window's ``install_features`` alone compiled 50 of them, 0.14 s).  pip
    compiles an installed package, and a checkout run without that variable writes the
    files at its first start; a benchmark measures that steady state."""
    import compileall

    for name in ("app.py", "cli", "ui", "layers", "models", "geodata", "bench"):
        path = root / name
        if path.is_dir():
            compileall.compile_dir(str(path), quiet=1, workers=0)
        elif path.exists():
            compileall.compile_file(str(path), quiet=1)


if __name__ == "__main__":
    print(json.dumps(speed()))
