"""Fixtures of the geodata tests."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def _collector(driven: bool) -> Iterator[None]:
    """The collector automatic (on) or driven by ``collect_due``; the state before
    restored after, and the objects the test froze unfrozen."""
    from geodata.collector import drive_from_one_thread

    was = gc.isenabled()
    was_driven = drive_from_one_thread(driven)
    if not driven:
        gc.enable()
    try:
        yield
    finally:
        drive_from_one_thread(was_driven)
        gc.unfreeze()
        if not was:
            gc.disable()


@pytest.fixture
def collector_on() -> Iterator[None]:
    """Python's automatic cyclic collector on, as outside the window (a UI test earlier in
    this process may have left it driven from the GUI thread, ui/gui_collector.py)."""
    with _collector(driven=False):
        yield


@pytest.fixture
def driven() -> Iterator[None]:
    """Collections only by ``collect_due``, as in the window."""
    with _collector(driven=True):
        yield
