"""What a pull fetches and what it finds gone, from the versions of both sides as arrays
(models/sync/versions.py): the same answers the dictionaries gave."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import numpy as np

from models.sync import versions
from models.sync.versions import Versions


def _of(pairs: dict[str, int]) -> Versions:
    con = sqlite3.connect(":memory:")
    con.execute("create table v (code text, version integer)")
    con.executemany("insert into v values (?, ?)", list(pairs.items()))
    return Versions.read(con.execute("select code, version from v order by rowid"))


def _as_dicts(theirs: dict[str, int], base: dict[str, int]) -> tuple[list[str], list[str]]:
    """What the pull computed with dictionaries before."""
    return ([c for c, v in theirs.items() if base.get(c) != v],
            [c for c in base if c not in theirs])


def test_changed_new_and_gone_codes() -> None:
    base = {"A": 1, "B": 2, "C": 3, "D": 1}
    theirs = {"B": 2, "A": 2, "E": 1, "C": 3}  # A newer, E new, D gone, B and C the same
    t, b = _of(theirs), _of(base)
    assert versions.to_fetch(t, b) == ["A", "E"]  # in the server's order
    assert versions.gone(t, b) == ["D"]
    assert (versions.to_fetch(t, b), versions.gone(t, b)) == _as_dicts(theirs, base)


def test_empty_sides() -> None:
    some = {"A": 1, "B": 1}
    assert versions.to_fetch(_of(some), _of({})) == ["A", "B"]
    assert versions.gone(_of(some), _of({})) == []
    assert versions.to_fetch(_of({}), _of(some)) == []
    assert versions.gone(_of({}), _of(some)) == ["A", "B"]
    assert len(_of({})) == 0


def test_many_codes_read_in_a_worker_match_the_dictionaries() -> None:
    rng = np.random.default_rng(7)
    n = 20_000  # several slices of rows
    base = {f"PWK{i:06d}": int(v) for i, v in enumerate(rng.integers(1, 4, n))}
    theirs = {c: v + int(rng.random() < 0.1) for c, v in base.items() if rng.random() > 0.01}
    theirs.update({f"NEW{i}": 1 for i in range(50)})
    got: dict[str, Any] = {}

    def run() -> None:  # in a worker, where the rows are read a slice at a time
        t, b = _of(theirs), _of(base)
        got["answer"] = (versions.to_fetch(t, b), versions.gone(t, b))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert got["answer"] == _as_dicts(theirs, base)
