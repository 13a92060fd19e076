"""Background work at a lower CPU priority than the window's GUI thread.

On the county offices' two-core laptops an import's worker, the drop thread, a render and
the compliance check's child process all want a core at once; the GUI thread, which wakes
every few milliseconds for a short turn, then waited for one: up to ~12 ms of a turn's
gap was the GUI thread runnable with no core (issue 17, Linux's schedstat).  Lowered, the
workers still have every core the window does not use, and the window gets a core as soon
as it wakes.  Only ever lowered: raising a priority back needs rights a user lacks.
"""

from __future__ import annotations

import os
import sys
import threading

#: Linux nice steps below the window (a nice-10 thread weighs ~1/10 of a nice-0 one)
NICE_STEPS = 10
#: Windows' THREAD_PRIORITY_BELOW_NORMAL and BELOW_NORMAL_PRIORITY_CLASS
_WIN_THREAD_BELOW_NORMAL = -1
_WIN_CLASS_BELOW_NORMAL = 0x4000


def lower_this_thread() -> None:
    """Lower the calling thread's priority (only its own: Linux keeps a nice value per
    thread, and threads it starts inherit it; Windows per thread too).  Elsewhere, or if
    not allowed, the thread keeps its priority."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel.SetThreadPriority(kernel.GetCurrentThread(), _WIN_THREAD_BELOW_NORMAL)
        elif sys.platform.startswith("linux"):
            tid = threading.get_native_id()
            # below the main thread's (the window's), wherever the process started
            target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + NICE_STEPS)
            if os.getpriority(os.PRIO_PROCESS, tid) < target:
                os.setpriority(os.PRIO_PROCESS, tid, target)
    except (OSError, AttributeError):
        pass


def lower_this_process() -> None:
    """Lower the whole process (the compliance check's child: its threads, 3 reading and
    2 checking, otherwise took the cores from the window's GUI thread, which waited up to
    ~0.3 s for one although no thread of its own held the GIL)."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel.SetPriorityClass(kernel.GetCurrentProcess(), _WIN_CLASS_BELOW_NORMAL)
        else:
            os.nice(NICE_STEPS)
    except (OSError, AttributeError):
        pass
