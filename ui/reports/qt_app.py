"""A QGuiApplication on demand, for writing PDFs and map images from the command line.

The ``screen`` and map-export commands need Qt's PDF writer and SVG renderer but no window:
if there is no display, Qt is told to use the offscreen platform before the application is
created.  Inside the running GUI the existing application is returned.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFontDatabase, QGuiApplication

#: CJK families in order of preference; the first one installed is used.
CJK_FAMILIES = ("Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
                "WenQuanYi Micro Hei", "SimHei", "Noto Sans SC")


def ensure_app() -> QGuiApplication:
    """The running Qt application, or a new headless one."""
    app = QGuiApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and \
            not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(sys.argv[:1])


def cjk_family() -> str:
    """A font family with Chinese glyphs (Microsoft YaHei on Windows, Noto Sans CJK on Linux)."""
    ensure_app()
    installed = set(QFontDatabase.families())
    for fam in CJK_FAMILIES:
        if fam in installed:
            return fam
    return QGuiApplication.font().family()
