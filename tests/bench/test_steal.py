"""The machine's stops, by which the gap benchmarks tell the host's stops from the
program's (bench/steal.py)."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from bench.steal import CpuStops, StealClock, steal_in, stopped_in, whose

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's /proc")


@linux
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
    assert steal_in(times, steals, [1] * len(times), 2) == (30.0, 10.0)  # (140: too late)
    # the same interval on a CPU that was not stolen
    assert steal_in(times, steals, [0] * len(times), 2) == (10.0, 30.0)
    assert steal_in(times, [(), (), ()], [-1, -1, -1], 0) == (0.0, 0.0)  # no figures


def test_an_intervals_stops_are_its_cpus_and_any_cpus_merged() -> None:
    stops = {0: [(10.000, 10.020)], 1: [(10.010, 10.025), (11.0, 11.1)]}
    own, any_cpu = stopped_in(stops, 10.000, 10.030, 0)
    assert own == pytest.approx(20.0) and any_cpu == pytest.approx(25.0)
    own, any_cpu = stopped_in(stops, 10.000, 10.030, 1)
    assert own == pytest.approx(15.0) and any_cpu == pytest.approx(25.0)
    assert stopped_in({}, 10.0, 10.03, 0) == (0.0, 0.0)


def test_whose_an_interval_was() -> None:
    assert whose(30.0, 20.0, 20.0) == "machine"  # 10 ms left: within budget
    assert whose(30.0, 0.0, 20.0) == "machine_elsewhere"  # the other CPU held it
    assert whose(30.0, 10.0, 10.0) == "program"  # 20 ms of its own
    assert whose(16.0, 0.0, 0.0) == "machine"  # (within the budget anyway)


@linux
def test_a_canary_that_does_not_run_reports_its_cpu_stopped() -> None:
    # a canary stopped by a signal is not runnable, as one whose vCPU the host holds: it
    # wakes late with no wait for its core, and reports the span
    watch = CpuStops(min_ms=5.0)
    canaries = list(watch.procs.values())
    assert len(canaries) == len(os.sched_getaffinity(0))  # one a CPU
    try:
        cpu, proc = next(iter(watch.procs.items()))
        time.sleep(0.3)  # (started, sleeping in its loop)
        proc.send_signal(signal.SIGSTOP)
        t0 = time.monotonic()
        time.sleep(0.08)
        proc.send_signal(signal.SIGCONT)
        t1 = time.monotonic()
        time.sleep(0.2)
        spans = watch.spans()[cpu]
    finally:
        watch.close()
    assert len(spans) >= 1, spans
    a, b = max(spans, key=lambda s: s[1] - s[0])
    assert 60 <= (b - a) * 1000 <= (t1 - t0) * 1000 + 5
    assert t0 - 0.005 <= a and b <= t1 + 0.01
    assert all(p.poll() is not None for p in canaries)  # gone with the meter
