"""The window's part of the shared inventory (issue 13): the 同步 menu, the background
sync, the conflicts dialog and the sync status in the status bar."""

from __future__ import annotations

from typing import Any


def install_sync(win: Any, review: Any = None, interactive: bool = True) -> Any:
    from ui.sync.menu import SyncMenu

    return SyncMenu(win, review, interactive)
