"""A process's own peak resident memory, with nothing heavy imported (the paint processes
report theirs, :mod:`ui.paint_process`).  Qt-free."""

from __future__ import annotations


def peak_rss_mb() -> float:
    """This process's peak resident memory, MB: ``VmHWM`` of /proc/self/status on Linux
    (``getrusage``'s maximum is carried over ``exec`` from the process that started this
    one: a check process started by the window at 1M said ~2 GB it never had), else
    ``getrusage`` (macOS); 0.0 where unknown, as on Windows."""
    import sys

    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource  # POSIX only

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, AttributeError, OSError):
        return 0.0
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
