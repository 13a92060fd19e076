"""The command line: ``ecozone [COMMAND] …`` (``python app.py …``).

- :mod:`cli.common` -- the user-error type, the common options, opening the workspace,
  printing JSON, parsing sizes;
- :mod:`cli.main` -- the parser, the one list of commands, ``main``;
- one module per group of commands: :mod:`cli.info` (info, query), :mod:`cli.window`
  (the window, screenshot), :mod:`cli.render`, :mod:`cli.import_export` (import, export),
  :mod:`cli.outfalls`, :mod:`cli.reports` (screen, the web map export).

``cli`` sits above ``ui`` in the layering (docs/ARCHITECTURE.md): it may import ``ui``, lazily,
for the window, screenshots, rendering and PDF; nothing below imports ``cli``.  Heavy
modules are imported inside the commands so that ``--help`` and the window start fast.
"""

from __future__ import annotations

from cli.common import UserError
from cli.main import build_parser, main

__all__ = ["UserError", "build_parser", "main"]
