"""The machine's stops, as the virtual machine's kernel counts them: steal time (issue 17).

On a virtual machine a vCPU that is ready to run can be kept waiting by its host, which
runs something else on the physical core.  For the threads on that vCPU nothing runs at
all: the GUI thread's 1 ms timer fires late, with none of its own CPU and no wait for a
core in it (session 32 took such an interval with ``perf``: no thread of the window's
process ran for 25 ms).  A paravirtualised Linux guest (KVM's steal-time MSR, Xen, Hyper-V)
counts that time per CPU as *steal* in ``/proc/stat`` (8th figure of each ``cpuN`` line),
in USER_HZ ticks (10 ms), added at the CPU's next scheduler tick after it runs again
(4 ms at HZ=250).

A gap meter reads :meth:`StealClock.read` at each of its ticks (one ``pread``, ~6 µs here)
and so can say of each long interval how much of it the GUI thread's CPU was stolen:
:func:`steal_in` with the lag that the accounting has.  The 10 ms unit makes that figure
coarse (±10 ms): it separates a 25 ms stop from a 25 ms Python call, not an 18 ms interval
with 8 ms stolen from one with none.

:class:`CpuStops` measures the same stops to the millisecond: one small *canary* process
per CPU, pinned to it at real-time priority, sleeping 1 ms at a time.  A canary that wakes
late without having waited for its core (its schedstat) found its CPU running nothing in
the guest: its timer's interrupt could not be taken while the host held the vCPU.  Each
such span is a stop of that CPU; :func:`overlap` gives a long interval's share of them.
An interval whose length less its CPU's stops is within the 16 ms budget was the
machine's, not the program's.  On a bare machine, or a guest that does not count steal,
the figures are 0 and every interval counts as the program's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

#: how long after an interval its steal may still be added: the CPU's next scheduler tick
#: (4 ms at HZ=250) plus the 1 ms timer's next tick reading it
LAG_MS = 8.0


class StealClock:
    """Per-CPU steal so far (ms) and the CPU this thread is on now."""

    def __init__(self) -> None:
        try:
            self._fd: int | None = os.open("/proc/stat", os.O_RDONLY)
        except OSError:
            self._fd = None
        self.unit_ms = 1000.0 / (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)
        self.cpus = os.cpu_count() or 1
        # at most ~150 bytes a ``cpuN`` line; the CPUs' lines come first in /proc/stat
        self._size = 200 + 160 * self.cpus
        self._getcpu: Any = None
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            self._getcpu = libc.sched_getcpu
            self._getcpu.restype = ctypes.c_int
        except (OSError, AttributeError):
            self._getcpu = None

    def cpu(self) -> int:
        """The CPU the calling thread runs on (-1 where that cannot be asked)."""
        return int(self._getcpu()) if self._getcpu is not None else -1

    def read(self) -> tuple[float, ...]:
        """Each CPU's steal so far in ms (empty where /proc/stat has none)."""
        if self._fd is None:
            return ()
        lines = os.pread(self._fd, self._size, 0).split(b"\n")
        out = []
        for line in lines[1:1 + self.cpus]:
            fields = line.split()
            if not fields or not fields[0].startswith(b"cpu") or len(fields) < 9:
                break
            out.append(int(fields[8]) * self.unit_ms)
        return tuple(out)


def steal_in(times_ms: Sequence[float], steals: Sequence[tuple[float, ...]],
             cpus: Sequence[int], i: int, lag_ms: float = LAG_MS) -> tuple[float, float]:
    """Of the interval between ticks ``i`` and ``i + 1``: (steal of the CPU the thread woke
    on, most steal of any other CPU), in ms, from tick ``i`` to the last tick within
    ``lag_ms`` of the interval's end (the accounting's lag).  Both 0 without figures."""
    if not steals or not steals[i]:
        return 0.0, 0.0
    end = times_ms[i + 1] + lag_ms
    j = i + 1
    while j + 1 < len(times_ms) and times_ms[j + 1] <= end:
        j += 1
    return steal_between(steals[i], steals[j], cpus[i + 1])


def steal_between(before: tuple[float, ...], after: tuple[float, ...],
                  cpu: int) -> tuple[float, float]:
    """(steal of ``cpu``, most steal of any other CPU) between two readings, in ms; with
    ``cpu`` unknown (-1), the most of any CPU for both."""
    delta = [b - a for a, b in zip(before, after, strict=False)]
    if not delta:
        return 0.0, 0.0
    cpu = cpu if 0 <= cpu < len(delta) else -1
    own = delta[cpu] if cpu >= 0 else max(delta)
    others = max((d for k, d in enumerate(delta) if k != cpu), default=0.0)
    return own, others


# -- the canaries ------------------------------------------------------------------------
def _canary(cpu: int, period_ms: float, min_ms: float) -> None:
    """One CPU's canary (``python bench/steal.py --canary CPU PERIOD MIN``): prints
    ``[start, end]`` (CLOCK_MONOTONIC s) of each span over ``min_ms`` in which its CPU ran
    nothing, as it finds it; stops at end of input."""
    import select
    import time

    os.sched_setaffinity(0, {cpu})
    try:  # woken at once on a running CPU: its wait for the core stays ~0
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except (OSError, AttributeError):
        pass
    fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
    period, least = period_ms / 1000, min_ms / 1000
    poller = select.poll()
    poller.register(sys.stdin.fileno(), select.POLLIN | select.POLLHUP)
    before, waited = time.monotonic(), int(os.pread(fd, 64, 0).split()[1])
    while True:
        if poller.poll(period_ms):  # (the meter closed our input: done)
            return
        now, wait = time.monotonic(), int(os.pread(fd, 64, 0).split()[1])
        # late beyond the period, less what it waited for a core once woken
        woke = now - (wait - waited) / 1e9
        if woke - before - period > least:
            print(json.dumps([round(before + period, 6), round(woke, 6)]), flush=True)
        before, waited = now, wait


class CpuStops:
    """The spans in which each CPU ran nothing (the host held it), from one canary process
    per CPU (~1% of a core each).  :meth:`spans` reads what they found so far."""

    def __init__(self, period_ms: float = 1.0, min_ms: float = 2.0) -> None:
        self.found: dict[int, list[tuple[float, float]]] = {}
        self.procs: dict[int, subprocess.Popen[str]] = {}
        if not sys.platform.startswith("linux"):
            return
        cpus = sorted(os.sched_getaffinity(0))
        for cpu in cpus:
            self.found[cpu] = []
            proc = subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), "--canary", str(cpu),
                 str(period_ms), str(min_ms)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            os.set_blocking(proc.stdout.fileno(), False)
            self.procs[cpu] = proc

    def spans(self) -> dict[int, list[tuple[float, float]]]:
        """Each CPU's stops found so far, [(start, end)] on CLOCK_MONOTONIC (s)."""
        for cpu, proc in self.procs.items():
            assert proc.stdout is not None
            while True:
                try:
                    line = proc.stdout.readline()
                except (BlockingIOError, ValueError):
                    break
                if not line:
                    break
                a, b = json.loads(line)
                self.found[cpu].append((a, b))
        return self.found

    def close(self) -> None:
        self.spans()
        for proc in self.procs.values():
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.spans()
        self.procs = {}


def overlap(spans: Sequence[tuple[float, float]], a: float, b: float) -> float:
    """How much of [a, b] (s) the spans cover, in ms."""
    return sum(max(0.0, min(b, y) - max(a, x)) for x, y in spans) * 1000


def stopped_in(stops: dict[int, list[tuple[float, float]]], a: float, b: float,
               cpu: int) -> tuple[float, float]:
    """Of the interval [a, b] (CLOCK_MONOTONIC s) of a thread that woke on ``cpu``: (ms its
    CPU ran nothing, ms that it or another CPU ran nothing).  The second covers a thread
    that waited for the GIL or a lock held by a thread on a stopped CPU."""
    own = overlap(stops.get(cpu, ()), a, b)
    edges = sorted((max(a, x), min(b, y)) for spans in stops.values() for x, y in spans
                   if y > a and x < b)
    union, reach = 0.0, a
    for x, y in edges:  # (the spans of all CPUs merged)
        if y > reach:
            union += y - max(x, reach)
            reach = y
    return own, union * 1000


def whose(gap_ms: float, own_ms: float, any_ms: float, budget_ms: float = 16.0) -> str:
    """Whose an interval over the budget was: ``"machine"`` if without its CPU's stops
    it would have been within the budget, ``"machine_elsewhere"`` if it would have been
    without any CPU's (the thread waited for one held on a stopped CPU), else
    ``"program"``."""
    if gap_ms - own_ms <= budget_ms:
        return "machine"
    if gap_ms - any_ms <= budget_ms:
        return "machine_elsewhere"
    return "program"


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "--canary":
    _canary(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))
