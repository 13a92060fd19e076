"""Helper process for the crash test: a fork server whose children save in a loop until killed.

Started once (so the imports are paid once); for each line ``PATH SEED`` on stdin it forks a
child that moves random outfalls with :func:`geodata.outfall_store.commit_batches` -- the
code path the window and the command line save through -- as fast as it can, and reports
``pid N``, then ``go`` from the child once it is saving, then ``dead N`` when it died.
"""

from __future__ import annotations

import os
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from geodata import outfall_store  # noqa: E402
from geodata.outfall_store import GEOMETRY, AuditRow, Batch, StoredChange  # noqa: E402


def fmt(xy: tuple[float, float]) -> str:
    return f"{xy[0]:.7f},{xy[1]:.7f}"


def save_forever(path: str, seed: int) -> None:
    rng = random.Random(seed)
    pos = {c: (round(p[0], 7), round(p[1], 7)) for c, p in
           outfall_store.read_positions(path).items() if p is not None}
    codes = sorted(pos)
    os.write(1, b"go\n")
    while True:
        chosen = rng.sample(codes, rng.randint(1, 6))
        b = Batch(uuid.uuid4().hex)
        for c in chosen:
            new = (round(118.4 + rng.random() * 0.4, 7), round(24.7 + rng.random() * 0.3, 7))
            b.changes.append(StoredChange(c, GEOMETRY, new))
            b.audit.append(AuditRow("t", "crash", c, "move", GEOMETRY, fmt(pos[c]), fmt(new),
                                    "", b.batch_id))
            pos[c] = new
        outfall_store.commit_batches(path, [b])


def main() -> None:
    os.write(1, b"ready\n")
    for line in sys.stdin:
        path, seed = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                save_forever(path, int(seed))
            finally:
                os._exit(3)  # only reached on an error: the test sees it as an early death
        os.write(1, f"pid {pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(1, f"dead {status}\n".encode())


if __name__ == "__main__":
    main()
