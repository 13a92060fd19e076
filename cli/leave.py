"""Leaving the process once a command is done, without the interpreter's teardown.

At exit Python takes every module apart object by object: with pandas, geopandas,
pyarrow, shapely and GDAL loaded that is ~0.16 s of every command (0.18-0.20 s from the
last output to the process's end, 0.02 s without it), paid after the command has
finished.  :func:`leave` does what an exit must -- waits for the threads that are not
daemons (and stops idle thread pools) as Python's exit does first, runs the ``atexit``
functions (the log's flush, temporary folders, multiprocessing's children), flushes the
output -- and then ends the process at once.

A process that loaded Qt (the window, screenshots, renders, printing) exits as Python
does: Qt's objects write on their way out (``QSettings``) and are taken apart in an order
of their own.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn


def leave(code: int) -> NoReturn:
    """End the process with ``code`` (see module docstring)."""
    shutdown = getattr(threading, "_shutdown", None)  # what Python's exit runs first
    if "PySide6" in sys.modules or shutdown is None:
        sys.exit(code)
    shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None and not stream.closed:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe (output into `head`): nothing to add
            pass
    os._exit(code)
