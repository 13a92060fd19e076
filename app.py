"""EcoZone 生态环境分区管控一张图 — entry point.

Wiring only: the command line lives in the ``cli`` package (cli/main.py lists the commands).

    python app.py                      open the window on the user's workspace
    python app.py info [--json]        layers, counts, CRS, illustrative layers
    python app.py query LON LAT        what applies at a point
    python app.py screenshot --out F   render the main window offscreen to a PNG

Exit codes: 0 success, 2 bad input (one-line reason on stderr), 1 unexpected failure.
"""

from __future__ import annotations

from cli import UserError, build_parser, main

__all__ = ["UserError", "build_parser", "main"]

if __name__ == "__main__":
    import multiprocessing

    # the frozen build's child processes (the window's compliance check,
    # models/compliance_process.py) start as this executable: run theirs, not the CLI
    multiprocessing.freeze_support()
    from cli.leave import leave

    leave(main())  # without the interpreter's teardown, unless Qt is loaded (cli/leave.py)
