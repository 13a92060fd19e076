"""The cyclic collector paused while a worker makes a layer's objects (geodata/collector.py)."""

from __future__ import annotations

import gc
import threading

import pytest

from geodata.collector import collect_due, collector_paused, drive_from_one_thread


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_paused_inside_then_on_with_the_new_objects_frozen(collector_on: None) -> None:
    before = gc.get_freeze_count()
    with collector_paused():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]  # tracked objects
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert frozen >= before + 1000
    del made  # frozen objects are still freed when no longer referenced
    assert gc.get_freeze_count() <= frozen - 1000


def test_nested_and_overlapping_threads_turn_it_on_once_at_the_end(collector_on: None) -> None:
    inside, leave = threading.Event(), threading.Event()
    seen: list[bool] = []

    def worker() -> None:
        with collector_paused():
            inside.set()
            leave.wait(5)
            seen.append(gc.isenabled())

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
    assert not gc.isenabled()  # the worker is still inside
    leave.set()
    t.join()
    assert seen == [False]
    assert gc.isenabled()


def test_left_off_when_it_was_off(collector_on: None) -> None:
    gc.disable()
    before = gc.get_freeze_count()
    with collector_paused():
        kept = [[i] for i in range(100)]
    assert not gc.isenabled()  # e.g. the window's start-up turns it on itself
    assert gc.get_freeze_count() == before
    assert len(kept) == 100


def test_an_error_inside_still_turns_it_back_on(collector_on: None) -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("read failed")
    assert gc.isenabled()


def test_cycles_made_outside_a_pause_are_still_collected(collector_on: None) -> None:
    with collector_paused():
        pass
    node = Node()
    ref = __import__("weakref").ref(node)
    del node
    gc.collect()
    assert ref() is None


def test_driven_a_worker_thread_never_collects_and_the_caller_does(driven: None) -> None:
    """A cycle left by anyone is freed by the thread that calls collect_due, not by a
    worker whose allocations cross the threshold (where a Qt object would be deleted on
    the wrong thread)."""
    import weakref

    freed_in: list[str] = []
    node = Node()
    weakref.finalize(node, lambda: freed_in.append(threading.current_thread().name))
    del node

    def allocate() -> None:
        junk = [[i] for i in range(50_000)]  # far past the threshold of 700
        del junk

    t = threading.Thread(target=allocate, name="worker")
    t.start()
    t.join()
    assert not gc.isenabled() and freed_in == []
    kept = []  # (alive: the count is of objects made less those freed)
    for _ in range(1_000):  # each call collects the generation due, up to a full one
        kept.append([[i] for i in range(1_000)])
        if collect_due() == 2:
            break
    assert freed_in == [threading.current_thread().name]


def test_driven_nothing_is_due_below_the_threshold_and_nothing_in_a_pause(driven: None
                                                                          ) -> None:
    gc.collect()
    assert collect_due() is None  # nothing allocated since
    made = [[i] for i in range(5_000)]
    with collector_paused():
        assert collect_due() is None  # a worker is making a layer's objects
    assert not gc.isenabled()  # the pause does not turn the automatic collector on
    assert gc.get_freeze_count() >= 5_000  # what was made is frozen, as when automatic
    assert len(made) == 5_000


def test_driven_off_turns_the_automatic_collector_back_on(driven: None) -> None:
    assert drive_from_one_thread(False) is True
    assert gc.isenabled()
    drive_from_one_thread(True)
    assert not gc.isenabled()


def test_driven_a_full_collection_waits_until_a_quarter_more_objects_are_long_lived(
        driven: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """CPython's rule, kept: a full collection scans every object not frozen, so it runs
    only once the objects moved to the oldest generation since the last full one are a
    quarter of what that one left."""
    from geodata import collector

    thresholds = gc.get_threshold()
    gc.set_threshold(100, 0, 0)  # each generation due at once, to see the rule alone
    try:
        monkeypatch.setattr(collector, "_long_lived_total", 10**9)
        monkeypatch.setattr(collector, "_long_lived_pending", 0)
        kept, seen = [], []
        for _ in range(50):
            kept.append([[i] for i in range(200)])
            seen.append(collect_due())
        assert 1 in seen and 2 not in seen
        assert collector._long_lived_pending >= 50 * 200 * 0.9  # the survivors counted
        monkeypatch.setattr(collector, "_long_lived_total", 4 * collector._long_lived_pending)
        kept.append([[i] for i in range(200)])
        assert collect_due() == 2
        assert collector._long_lived_pending == 0
        assert collector._long_lived_total >= len(kept) * 200  # what the full one left
    finally:
        gc.set_threshold(*thresholds)
