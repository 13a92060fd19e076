"""Finishing an output file the way Windows allows.

Outputs are written to ``<name>.part`` beside the target and then moved onto it, so a
failed write never leaves half a file under the real name.  On Windows the move fails when
the target is open in another program (Excel, WPS, QGIS, a browser showing the report):
then the ``.part`` is removed -- it is ours and closed -- and the error goes to the caller,
which tells the user to close the file.  Callers close every handle on ``tmp`` first;
Windows refuses to move a file that is still open.
"""

from __future__ import annotations

import os
from pathlib import Path


def part_path(out: Path) -> Path:
    """Where the output is written before it is finished."""
    return out.with_name(out.name + ".part")


def finish(tmp: Path, out: Path) -> Path:
    """Move the finished, closed ``tmp`` onto ``out``; on failure remove ``tmp`` and raise."""
    try:
        os.replace(tmp, out)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return out
