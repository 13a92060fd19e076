"""Compliance flags of the outfall inventory, computed off the GUI thread.

``models.compliance.check_flag_bits`` takes ~0.05 s for the bundled 855 outfalls but
seconds at 100k; the inventory re-checks after every edit (a move can make or break a
possible duplicate), so at scale it must not block the window.  The check runs in a Python
thread on a *copy* of the outfall frame (edits go on in the GUI thread meanwhile) and the
newest result wins; small inventories are checked at once so the flags are there when the
table first shows.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from models.compliance import check_flag_bits

#: Up to this many outfalls the check runs synchronously (well under 0.5 s).
SYNC_LIMIT = 20_000


class _Snapshot:
    """What check_flag_bits reads of a workspace, with the outfall frame frozen."""

    def __init__(self, ws: Any, frame: Any) -> None:
        self.layers = dict(ws.layers)
        self.layers["outfalls"] = frame

    def layer(self, name: str) -> Any:
        return self.layers[name]

    def has_layer(self, name: str) -> bool:
        return name in self.layers and len(self.layers[name]) > 0


class FlagChecker(QObject):
    #: flag bits per outfall row (models.compliance.check_flag_bits), from the newest check
    done = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bits: Any = None  # numpy int64 per row, once a check has finished
        self._generation = 0
        self._lock = threading.Lock()
        self.running = False

    def check_now(self, ws: Any) -> Any:
        self.bits = check_flag_bits(ws)
        return self.bits

    def start(self, ws: Any) -> None:
        """Check a snapshot of the outfalls in the background; ``done`` when finished."""
        with self._lock:
            self._generation += 1
            gen = self._generation
        # a copy of the column arrays (pointers: the strings and points are shared and
        # immutable), so edits made meanwhile in the GUI thread cannot change what is read
        snap = _Snapshot(ws, ws.layer("outfalls").copy())
        self.running = True

        def work() -> None:
            try:
                bits = check_flag_bits(snap)
            except Exception:  # noqa: BLE001 - a failed check keeps the old flags
                import logging

                logging.getLogger(__name__).exception("compliance check failed")
                self.running = False
                return
            with self._lock:
                if gen != self._generation:
                    return  # a newer check is under way
            self.bits = bits
            self.running = False
            self.done.emit(bits)

        threading.Thread(target=work, name="compliance-check", daemon=True).start()
