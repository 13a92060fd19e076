"""The cyclic collector paused while a worker makes a layer's objects (geodata/collector.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from geodata.collector import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        gc.unfreeze()  # the tests' own frozen objects back in reach
        if not was:
            gc.disable()


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
