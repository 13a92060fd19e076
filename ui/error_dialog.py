"""Unexpected exceptions: logged with their traceback, then shown, never silently lost.

A windowed program on Windows has no console: an exception in a slot would print to nowhere
and the user would see the window stop responding or vanish.  :func:`install_excepthook`
replaces ``sys.excepthook`` and ``threading.excepthook`` so that every uncaught exception

- is written to the log with its traceback (:mod:`ui.app_logging`), then
- shows a dialog that says where the log is (GUI), or
- prints one line and the log path on stderr (no QApplication, or the offscreen/minimal
  platform of tests and the ``screenshot`` command).

Exceptions raised in worker threads are shown from the GUI thread.  While one dialog is open,
further exceptions are only logged (a failing paint event would otherwise stack dialogs).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger("ecozone.crash")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
#: Shows one exception to the user: (exc_info, log path) -> None.
Presenter = Callable[[ExcInfo, Path], None]

_state: dict[str, Any] = {"installed": False, "showing": False, "presenter": None,
                          "bridge": None, "log_path": None, "count": 0}


# -- what the user sees ----------------------------------------------------------------------
def one_line(exc: BaseException, log_file: Path) -> str:
    """``ecozone: unexpected error: ValueError: bad thing (details: /path/ecozone.log)``."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"ecozone: unexpected error: {what} (details: {log_file})"


def dialog_texts(exc: BaseException, log_file: Path) -> dict[str, str]:
    """Title, text and informative text of the dialog, in Chinese and English."""
    name = type(exc).__name__
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return {
        "title": "EcoZone — 意外错误 / Unexpected error",
        "text": ("程序遇到意外错误，当前操作未完成。您的工作空间未受影响。\n"
                 "EcoZone hit an unexpected error; the last action did not finish. "
                 "Your workspace is unchanged."),
        "informative": (f"{name}: {msg}\n\n"
                        f"详细信息已写入日志 / Details are in the log:\n{log_file}\n\n"
                        "请将该日志文件发送给技术支持。/ Please send this file to support."),
    }


def show_dialog(exc_info: ExcInfo, log_file: Path) -> None:
    """A modal message box with the log path, the traceback and 'open the log folder'."""
    from PySide6.QtCore import Qt, QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QApplication, QMessageBox

    texts = dialog_texts(exc_info[1], log_file)
    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(texts["title"])
    box.setText(texts["text"])
    box.setInformativeText(texts["informative"])
    box.setDetailedText("".join(traceback.format_exception(*exc_info)))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # copy the path
    open_btn = box.addButton("打开日志文件夹 / Open log folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is open_btn:
        # a local folder in Explorer/the file manager: no network involved
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file.parent)))


def gui_available() -> bool:
    """True when a QApplication runs on a real screen (not offscreen/minimal)."""
    if "PySide6.QtWidgets" not in sys.modules:
        return False
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None or not isinstance(app, QApplication):
        return False
    return QApplication.platformName() not in ("offscreen", "minimal", "")


def print_line(exc_info: ExcInfo, log_file: Path) -> None:
    stream = sys.stderr or sys.__stderr__
    if stream is not None:  # a windowed Windows program has neither
        print(one_line(exc_info[1], log_file), file=stream, flush=True)


# -- the hooks -------------------------------------------------------------------------------
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
    presenter = _state["presenter"]
    if presenter is not None:
        _present(presenter, exc_info, log_file)
    elif gui_available():
        if threading.current_thread() is threading.main_thread():
            _present(show_dialog, exc_info, log_file)
        elif _state["bridge"] is not None:
            _state["bridge"].raised.emit(exc_info, str(log_file))  # queued to the GUI thread
        else:
            print_line(exc_info, log_file)
    else:
        print_line(exc_info, log_file)


def _present(presenter: Presenter, exc_info: ExcInfo, log_file: Path) -> None:
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
    from ui.app_logging import log_path

    return log_path()


def _make_bridge() -> Any:
    """A QObject in the GUI thread that receives exceptions from worker threads."""
    if "PySide6.QtWidgets" not in sys.modules:
        return None
    from PySide6.QtCore import QObject, Signal, Slot
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return None

    class _Bridge(QObject):
        raised = Signal(object, str)

        @Slot(object, str)
        def show(self, info: ExcInfo, path: str) -> None:
            _present(_state["presenter"] or show_dialog, info, Path(path))

    bridge = _Bridge()
    bridge.moveToThread(app.thread())
    # receiver lives in the GUI thread: an emit from a worker thread is queued to it
    bridge.raised.connect(bridge.show)
    return bridge


def install_excepthook(log_file: Path | None = None,
                       presenter: Presenter | None = None) -> None:
    """Install the hooks (once).  Call after :func:`ui.app_logging.setup_logging`.

    Parameters
    ----------
    log_file
        The path shown to the user; default: the current log file.
    presenter
        Replaces the dialog/stderr choice (tests).

    Call it once the QApplication exists, so that exceptions in worker threads can be
    shown from the GUI thread; before that they are logged and printed.
    """
    _state["log_path"] = log_file
    _state["presenter"] = presenter
    if _state["bridge"] is None:
        _state["bridge"] = _make_bridge()
    # install when not yet ours — also when something replaced the hook since (a test
    # harness, a library): "installed once" must not mean "someone else's hook stays"
    if not _state["installed"] or sys.excepthook is not handle_exception:
        _state["previous"] = (sys.excepthook, threading.excepthook)
        sys.excepthook = handle_exception
        threading.excepthook = _thread_hook
        _state["installed"] = True


def uninstall_excepthook() -> None:
    """Restore the hooks that were there before (tests)."""
    if _state["installed"]:
        sys.excepthook, threading.excepthook = _state["previous"]
    _state.update(installed=False, presenter=None, bridge=None, log_path=None, showing=False)
