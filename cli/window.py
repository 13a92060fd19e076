"""The window (no subcommand) and ``screenshot``: the real main window, on screen or
rendered offscreen to a PNG.  Qt is imported only when one of them runs."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Any

from cli.common import (
    UserError,
    command,
    common_options,
    lang_of,
    open_workspace,
    parse_size,
    print_json,
)
from geodata import collector


def add_parser(sub: Any) -> None:
    p = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--size", default="1600x1000")
    p.add_argument("--select", default=None, help="code or name of a feature to select")
    common_options(p)
    p.set_defaults(func=command(run_screenshot))


def run_screenshot(args: argparse.Namespace) -> int:
    from ui.screenshot import SelectionNotFound, take_screenshot

    size = parse_size(args.size)
    ws = open_workspace(args)
    try:
        take_screenshot(ws, args.out, size=size, select=args.select, lang=lang_of(args))
    except SelectionNotFound as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print_json({"out": str(args.out), "size": list(size)})
    return 0


@command
def run_window(args: argparse.Namespace) -> int:
    """The main window on the user's workspace (or ``--workspace``)."""
    # No cyclic garbage collection until the window has frozen the workspace (MainWindow
    # freezes it and turns the collector back on): at 1M outfalls the imports and
    # the read make over a million tracked objects, and the collections that keep scanning
    # them cost ~0.5 s before the first paint (issue 17).
    gc.disable()
    try:
        from geodata import store
        from models.memory import huge_pages, no_fastbins

        huge_pages(False)  # until the first map (MainWindow turns them back on)
        no_fastbins()  # a dropped layer's small blocks merged as freed, not all at once
        try:
            path, created = store.ensure_workspace(getattr(args, "workspace", None))
            ws = open_importing_window(path)
        except store.WorkspaceError as exc:
            if sys.stderr is None:  # the windowed launcher has no console to print on
                _show_error(exc.message.text(args.lang or "zh"))
            raise UserError(exc.message) from None
        from ui.error_dialog import install_qt_message_handler
        from ui.main import run_window as show

        install_qt_message_handler()
        # --lang given on the command line wins; otherwise the language saved in the window
        return int(show(ws, lang=args.lang, created=created))
    finally:
        # the window drives the collector from its GUI thread (ui/gui_collector.py); turned
        # on here only on the error paths, where no window was made
        if not collector.driven():
            gc.enable()


def open_importing_window(path: Path) -> Any:
    """``Workspace.open(path)`` in a thread while this one imports the window's modules
    (PySide6, pyqtgraph, the panels: ~0.4-0.6 s).  Most of the open is GDAL reading the
    file, which lets go of the GIL: at 1M outfalls the two overlap and the first map comes
    ~0.3 s sooner.  Raises what the open raises (``store.WorkspaceError``)."""
    from concurrent.futures import ThreadPoolExecutor

    from models.workspace import Workspace

    with ThreadPoolExecutor(1, thread_name_prefix="ecozone-open") as pool:
        opening = pool.submit(Workspace.open, path)
        import ui.features  # noqa: F401  (what the window is made of; the caller's next step)
        import ui.main  # noqa: F401
        # and what install_features imports when it adds the outfall review and the sync
        # menu: ~0.1 s of the GUI thread between the window and its first render otherwise
        import models.sync.engine  # noqa: F401
        import ui.outfalls  # noqa: F401
        import ui.sync  # noqa: F401

        return opening.result()


def _show_error(text: str) -> None:
    """A message box for a window that cannot open (no console in the windowed launcher)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication([sys.argv[0]])
    QMessageBox.critical(None, "EcoZone", text)
    del app
