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
:func:`steal_in` with the lag that the accounting has.  An interval whose length less that
steal is within the 16 ms budget was the machine's, not the program's.  The 10 ms unit
makes the figure coarse (±10 ms): it separates a 25 ms stop from a 25 ms Python call, not
a 17 ms interval from a 15 ms one.  On a bare machine, or a guest that does not count steal,
every figure is 0 and every interval counts as the program's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
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
    before, after = steals[i], steals[j]
    delta = [b - a for a, b in zip(before, after, strict=False)]
    cpu = cpus[i + 1] if 0 <= cpus[i + 1] < len(delta) else -1
    own = delta[cpu] if cpu >= 0 else max(delta)
    others = max((d for k, d in enumerate(delta) if k != cpu), default=0.0)
    return own, others


def the_machines(gap_ms: float, own_steal_ms: float, budget_ms: float = 16.0) -> bool:
    """Whether an interval over the budget was the machine's: without its CPU's stolen
    time it would have been within the budget."""
    return gap_ms - own_steal_ms <= budget_ms
