"""The compliance check's and the paint processes' children at a lower CPU priority than
the window, and the window's GUI thread quick to take a core when it wakes
(:func:`prefer_quick_wakeups`).

On the county offices' two-core laptops the check's threads otherwise took the cores from
the window's GUI thread.  Only a *process* that holds no GIL of the window's is lowered:
the window's own worker threads were lowered too for a while (issue 17, session 8) and
that made things worse — a lowered worker holding the GIL, preempted by busier processes
(PostgreSQL serving a pull), kept the GUI thread waiting for the GIL (a priority
inversion: a pull at 100k outfalls had 14-23 gaps over 16 ms instead of 0-4).
"""

from __future__ import annotations

import os
import sys

#: nice steps below the window (a nice-10 process weighs ~1/10 of a nice-0 one)
NICE_STEPS = 10
#: Windows' BELOW_NORMAL_PRIORITY_CLASS
_WIN_CLASS_BELOW_NORMAL = 0x4000


def lower_this_process() -> None:
    """Lower the whole process (the compliance check's child: its threads, 3 reading and
    2 checking, otherwise took the cores from the window's GUI thread, which waited up to
    ~0.3 s for one although no thread of its own held the GIL).

    On Linux the process also gets the kernel's default time slice back.  It inherits the
    window's short one (:func:`prefer_quick_wakeups`: Linux copies a thread's slice to
    the threads and processes it makes), and a thread only takes a core on waking from a
    running thread of a *longer* slice.  With the check child's threads on the window's
    slice, Qt's painting threads (which the GUI thread waits for in a paint) waited 3-7 ms
    behind them for the next scheduler tick in the 1M start-up (bench/README.md, issue
    17, session 29).  Like ``os.nice``, this applies to the calling thread and the
    threads it makes after: call it first."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel.SetPriorityClass(kernel.GetCurrentProcess(), _WIN_CLASS_BELOW_NORMAL)
        elif not _set_fair(min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICE_STEPS), 0):
            os.nice(NICE_STEPS)
    except (OSError, AttributeError):
        pass


#: the window's GUI thread's time slice on Linux (ns): see :func:`prefer_quick_wakeups`
GUI_SLICE_NS = 200_000
#: sched_setattr's system call number by machine (Linux has no libc wrapper for it)
_SCHED_SETATTR = {"x86_64": 314, "aarch64": 274}


def prefer_quick_wakeups(slice_ns: int = GUI_SLICE_NS) -> bool:
    """Ask Linux for a short time slice for the calling thread (the window's GUI thread):
    on Linux 6.12 and later (EEVDF) a thread of a shorter slice takes the core from a
    running thread of the same priority when it wakes, where with the default ~3 ms it
    waited behind the window's own busy workers: 4-10 ms of a 16-22 ms interval of the
    event loop during a re-import at 1M outfalls (bench/README.md, issue 17, session 28).
    Its share of the CPU stays what it was.  No privilege is needed.  The threads and
    processes it makes afterwards inherit the slice (the window's workers and Qt's
    painting threads, which the GUI thread waits for); the children that run at a lower
    priority take the default back (:func:`lower_this_process`).  Older kernels take and
    ignore it; Windows boosts the foreground window's threads itself, and elsewhere this
    does nothing.  True when the kernel accepted it."""
    if sys.platform != "linux":
        return False
    try:
        return _set_fair(os.getpriority(os.PRIO_PROCESS, 0), slice_ns)  # nice kept
    except OSError:
        return False


def _set_fair(nice: int, slice_ns: int) -> bool:
    """``sched_setattr`` of the calling thread: SCHED_OTHER at ``nice`` with a time slice
    of ``slice_ns`` (0: the kernel's default).  False where the call is not available or
    the kernel refused it."""
    if sys.platform != "linux":
        return False
    number = _SCHED_SETATTR.get(os.uname().machine)
    if number is None:
        return False
    import ctypes

    class SchedAttr(ctypes.Structure):
        _fields_ = [("size", ctypes.c_uint32), ("sched_policy", ctypes.c_uint32),
                    ("sched_flags", ctypes.c_uint64), ("sched_nice", ctypes.c_int32),
                    ("sched_priority", ctypes.c_uint32), ("sched_runtime", ctypes.c_uint64),
                    ("sched_deadline", ctypes.c_uint64), ("sched_period", ctypes.c_uint64)]

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        attr = SchedAttr(size=ctypes.sizeof(SchedAttr), sched_policy=0,  # SCHED_OTHER
                         sched_nice=nice, sched_runtime=slice_ns)
        return bool(libc.syscall(number, 0, ctypes.byref(attr), 0) == 0)
    except (OSError, AttributeError):
        return False
