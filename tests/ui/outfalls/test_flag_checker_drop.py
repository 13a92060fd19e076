"""A finished check's flags replace the last check's without freeing them on the GUI
thread: at 1M outfalls the last check's codes (a million str objects of their own) held
the GUI thread ~18 ms as the re-check after an undo came in."""

from __future__ import annotations

import threading
import weakref

import numpy as np

from tests.ui.conftest import spin_until


def test_the_last_checks_codes_are_freed_on_the_drop_thread(qtbot):
    from ui.background import Runner
    from ui.main import make_app
    from ui.outfalls.flag_checker import FlagChecker

    make_app()
    checker = FlagChecker(Runner(None))
    try:
        n = 50_000
        first = np.array([f"PWK350582H{i:06d}" for i in range(n)], dtype=object)
        freed_in: list[str] = []
        weakref.finalize(first, lambda: freed_in.append(threading.current_thread().name))
        seen: list[np.ndarray] = []
        checker.done.connect(lambda bits, codes: seen.append(codes))
        checker._finished(np.zeros(n, np.int64), first)
        del first
        second = np.array([f"PWK350582R{i:06d}" for i in range(n)], dtype=object)
        checker._finished(np.ones(n, np.int64), second)
        assert checker.codes is second and int(checker.bits[0]) == 1  # the newest shown
        assert seen[-1] is second
        seen.clear()
        assert spin_until(lambda: bool(freed_in), timeout_ms=10_000)
        assert freed_in == ["ecozone-drop"]
    finally:
        checker.close()
