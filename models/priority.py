"""The compliance check's and the paint processes' children at a lower CPU priority than
the window.

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
