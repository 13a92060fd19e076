"""The machine's steal time, by which the gap benchmarks tell the host's stops from the
program's (bench/steal.py)."""

from __future__ import annotations

import os
import sys

import pytest

from bench.steal import StealClock, steal_in, the_machines


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/stat is Linux's")
def test_the_clock_reads_each_cpus_steal_and_this_threads_cpu() -> None:
    clock = StealClock()
    first = clock.read()
    assert len(first) == os.cpu_count()
    assert all(v >= 0 and v % clock.unit_ms == 0 for v in first)  # whole USER_HZ ticks
    assert all(b >= a for a, b in zip(first, clock.read(), strict=True))  # never goes back
    assert 0 <= clock.cpu() < (os.cpu_count() or 1)


def test_an_intervals_steal_is_its_cpus_including_what_is_counted_after_it() -> None:
    # ticks every ms, an interval of 30 ms between ticks 2 and 3, on CPU 1; the host's 30 ms
    # are counted on CPU 1 at its next scheduler tick, two timer ticks later
    times = [0.0, 1.0, 2.0, 32.0, 33.0, 34.0, 35.0, 45.0]
    steals = [(0.0, 100.0)] * 4 + [(0.0, 100.0), (10.0, 130.0), (10.0, 130.0), (10.0, 140.0)]
    cpus = [1] * len(times)
    own, others = steal_in(times, steals, cpus, 2)
    assert (own, others) == (30.0, 10.0)  # the later 140 is past the accounting's lag
    assert the_machines(30.0, own)
    # the same interval on a CPU that was not stolen: the other CPU's steal is no excuse
    own, others = steal_in(times, steals, [0] * len(times), 2)
    assert (own, others) == (10.0, 30.0)
    assert not the_machines(30.0, own)


def test_without_figures_every_interval_is_the_programs() -> None:
    times = [0.0, 20.0, 21.0]
    assert steal_in(times, [(), (), ()], [-1, -1, -1], 0) == (0.0, 0.0)
    assert not the_machines(20.0, 0.0)
    assert the_machines(16.0, 0.0)  # (within the budget)
