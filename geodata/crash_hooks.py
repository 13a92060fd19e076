"""Unexpected exceptions: logged with their traceback, then shown, never silently lost.

:func:`install` replaces ``sys.excepthook`` and ``threading.excepthook`` so that every
uncaught exception

- is written to the log with its traceback (:mod:`geodata.app_logging`), then
- is shown by the window's dialog when a window gave one (:mod:`ui.error_dialog`), or
- prints one line and the log path on stderr (the command line, the offscreen platform of
  tests and the ``screenshot`` command).

Qt-free, so that a command that draws nothing need not import Qt to report its errors;
the window's dialog plugs in as a :class:`Gui` (``ui.error_dialog.install_excepthook``).
While one exception is being shown, further ones are only logged (a failing paint event
would otherwise stack dialogs).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

log = logging.getLogger("ecozone.crash")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
#: Shows one exception to the user: (exc_info, log path) -> None.
Presenter = Callable[[ExcInfo, Path], None]


class Gui(Protocol):
    """How the window shows an exception (``ui.error_dialog``)."""

    def available(self) -> bool:
        """A window runs on a real screen (not offscreen)."""

    def show(self, exc_info: ExcInfo, log_file: Path) -> None:
        """Show it now (called on the GUI thread)."""

    def post(self, exc_info: ExcInfo, log_file: Path) -> bool:
        """Show it from the GUI thread (called on a worker); False if it cannot."""


_state: dict[str, Any] = {"installed": False, "showing": False, "presenter": None,
                          "gui": None, "log_path": None, "count": 0}


def one_line(exc: BaseException, log_file: Path) -> str:
    """``ecozone: unexpected error: ValueError: bad thing (details: /path/ecozone.log)``."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"ecozone: unexpected error: {what} (details: {log_file})"


def print_line(exc_info: ExcInfo, log_file: Path) -> None:
    stream = sys.stderr or sys.__stderr__
    if stream is not None:  # a windowed Windows program has neither
        print(one_line(exc_info[1], log_file), file=stream, flush=True)


def handle_exception(exc_type: type[BaseException], exc: BaseException,
                     tb: TracebackType | None, thread_name: str | None = None) -> None:
    """Log an uncaught exception and tell the user; the body of both hooks."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log_file = _log_file()
    where = f" in thread {thread_name}" if thread_name else ""
    log.critical("uncaught exception%s", where, exc_info=(exc_type, exc, tb))
    _state["count"] += 1
    exc_info: ExcInfo = (exc_type, exc, tb)
    presenter, gui = _state["presenter"], _state["gui"]
    if presenter is not None:
        present(presenter, exc_info, log_file)
    elif gui is not None and gui.available():
        if threading.current_thread() is threading.main_thread():
            present(gui.show, exc_info, log_file)
        elif not gui.post(exc_info, log_file):
            print_line(exc_info, log_file)
    else:
        print_line(exc_info, log_file)


def present(presenter: Presenter, exc_info: ExcInfo, log_file: Path) -> None:
    """Show one exception through ``presenter``, unless another is being shown."""
    if _state["showing"]:
        log.warning("another exception while the error dialog is open; logged only")
        return
    _state["showing"] = True
    try:
        presenter(exc_info, log_file)
    except Exception:  # the dialog itself failed: the log and stderr still have it
        log.exception("could not show the error dialog")
        print_line(exc_info, log_file)
    finally:
        _state["showing"] = False


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else None
    handle_exception(args.exc_type, args.exc_value, args.exc_traceback, thread_name=name)


def _log_file() -> Path:
    if _state["log_path"] is not None:
        return Path(_state["log_path"])
    from geodata.app_logging import log_path

    return log_path()


def current_presenter() -> Presenter | None:
    """The presenter :func:`install` was given (tests), if any."""
    return _state["presenter"]  # type: ignore[no-any-return]


def install(log_file: Path | None = None, presenter: Presenter | None = None,
            gui: Gui | None = None) -> None:
    """Install the hooks.  Call after :func:`geodata.app_logging.setup_logging`.

    ``log_file`` is the path shown to the user (default: the current log file),
    ``presenter`` replaces the dialog/stderr choice (tests), ``gui`` the window's dialog
    (kept from an earlier call when None)."""
    _state["log_path"] = log_file
    _state["presenter"] = presenter
    if gui is not None:
        _state["gui"] = gui
    # install when not yet ours — also when something replaced the hook since (a test
    # harness, a library): "installed once" must not mean "someone else's hook stays"
    if not _state["installed"] or sys.excepthook is not handle_exception:
        _state["previous"] = (sys.excepthook, threading.excepthook)
        sys.excepthook = handle_exception
        threading.excepthook = _thread_hook
        _state["installed"] = True


def uninstall() -> None:
    """Restore the hooks that were there before (tests)."""
    if _state["installed"]:
        sys.excepthook, threading.excepthook = _state["previous"]
    _state.update(installed=False, presenter=None, gui=None, log_path=None, showing=False)
