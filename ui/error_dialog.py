"""The window's dialog for unexpected exceptions (the hooks: :mod:`geodata.crash_hooks`).

A windowed program on Windows has no console: an exception in a slot would print to nowhere
and the user would see the window stop responding or vanish.  Once the window exists,
:func:`install_excepthook` gives the hooks this dialog: every uncaught exception is logged
with its traceback and shown in a message box that says where the log is.  Without a real
screen (the offscreen platform of tests and the ``screenshot`` command) the hooks print
one line and the log path on stderr, as on the command line.  Exceptions raised in worker
threads are shown from the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import Any

from geodata import crash_hooks
from geodata.crash_hooks import ExcInfo, Presenter

__all__ = ["dialog_texts", "show_dialog", "gui_available", "install_excepthook",
           "uninstall_excepthook", "install_qt_message_handler"]


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


class _Gui:
    """The dialog as the hooks' :class:`geodata.crash_hooks.Gui`."""

    def __init__(self) -> None:
        self.bridge = _make_bridge()

    def available(self) -> bool:
        return gui_available()

    def show(self, exc_info: ExcInfo, log_file: Path) -> None:
        show_dialog(exc_info, log_file)

    def post(self, exc_info: ExcInfo, log_file: Path) -> bool:
        if self.bridge is None:
            return False
        self.bridge.raised.emit(exc_info, str(log_file))  # queued to the GUI thread
        return True


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
            crash_hooks.present(crash_hooks.current_presenter() or show_dialog, info,
                                Path(path))

    bridge = _Bridge()
    bridge.moveToThread(app.thread())
    # receiver lives in the GUI thread: an emit from a worker thread is queued to it
    bridge.raised.connect(bridge.show)
    return bridge


_gui: dict[str, _Gui] = {}


def install_excepthook(log_file: Path | None = None,
                       presenter: Presenter | None = None) -> None:
    """Install the hooks with this dialog.  Call after
    :func:`geodata.app_logging.setup_logging`, once the QApplication exists, so that
    exceptions in worker threads can be shown from the GUI thread; before that they are
    logged and printed.  ``presenter`` replaces the dialog/stderr choice (tests)."""
    if "gui" not in _gui or _gui["gui"].bridge is None:
        _gui["gui"] = _Gui()
    crash_hooks.install(log_file, presenter, _gui["gui"])


def uninstall_excepthook() -> None:
    """Restore the hooks that were there before (tests)."""
    crash_hooks.uninstall()
    _gui.clear()


def install_qt_message_handler() -> None:
    """Route Qt's own messages (qWarning, qCritical …) into the log instead of stderr."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("ecozone.qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(mode: QtMsgType, context: object, message: str) -> None:
        qt_log.log(levels.get(mode, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)
