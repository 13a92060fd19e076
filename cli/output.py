"""How the command line writes: JSON as UTF-8 bytes, text in the encoding its reader expects.

On Chinese Windows a console, a file (``> out.json``), a pipe into another tool and a
scheduled task all start Python with the ANSI code page (cp936/GBK) for stdout when
``PYTHONIOENCODING`` or the legacy console says so; characters outside GBK (², ³, •, ✓ …)
then raise UnicodeEncodeError in the middle of a report.  So, before a command prints:

- a console gets text through its own Unicode path: on Windows the console stream
  (``_WindowsConsoleIO``) takes UTF-8 and writes it with ``WriteConsoleW``, whatever the
  code page; a POSIX terminal keeps its locale's encoding;
- a file or a pipe gets UTF-8 (what every current Windows tool reads; a BOM only where a
  tool needs one, i.e. CSV files for Excel, see geodata/io/writers.py);
- whatever remains unencodable (a legacy console, a lone surrogate from a broken file name)
  is replaced, never raised;
- JSON is written as UTF-8 bytes to the byte stream underneath, console or not, so a
  script reading it never depends on the code page.

The frozen console launcher (``ecozone-cli.exe``) runs the same ``cli.main``, so it gets
the same treatment.  Only the standard library is used here.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any, TextIO


def _is_windows_console(stream: TextIO) -> bool:
    raw = getattr(getattr(stream, "buffer", None), "raw", None)
    return type(raw).__name__ == "_WindowsConsoleIO"


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (ValueError, OSError):
        return False


def configure_stream(stream: TextIO | None) -> None:
    """Re-encode one standard stream as described in the module docstring."""
    reconfigure = getattr(stream, "reconfigure", None)
    if stream is None or reconfigure is None:  # windowed program, or a test's StringIO
        return
    try:
        if _is_windows_console(stream):
            reconfigure(encoding="utf-8", errors="replace")
        elif _isatty(stream):
            reconfigure(errors="replace")
        else:
            reconfigure(encoding="utf-8", errors="replace")
    except (ValueError, OSError, io.UnsupportedOperation, LookupError):
        pass  # a stream that cannot change: leave it rather than fail the command


def configure_streams() -> None:
    """:func:`configure_stream` on stdout and stderr (called first by ``cli.main.main``)."""
    configure_stream(sys.stdout)
    configure_stream(sys.stderr)


def write_json(data: Any, indent: int | None = 1) -> None:
    """``data`` as JSON + newline, as UTF-8 bytes on stdout's byte stream.

    Non-ASCII stays as is (Chinese names are readable in the file); dates and paths as text.
    Where stdout has no byte stream (a test's StringIO), the text is written instead.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str) + "\n"
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    stream.flush()  # text printed before must come first
    buffer.write(text.encode("utf-8", errors="surrogateescape"))
    buffer.flush()
