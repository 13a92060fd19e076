"""Compliance flags of the outfall inventory, computed off the GUI thread.

``models.compliance.check_flag_bits`` takes ~0.05 s for the bundled 855 outfalls, ~0.5 s
at 100k and ~3.5 s at 1M (bench/bench_compliance.py); the inventory re-checks after every
change of the outfalls (a move can make or break a possible duplicate), so at scale it must
not block the window.  The check runs
through the window's one background mechanism (:mod:`ui.background`) on a *copy* of the
outfall frame (edits go on in the GUI thread meanwhile), on the channel ``compliance``: the
newest check wins and an older result is dropped, never re-started.  Small inventories are
checked at once so the flags are there when the table first shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from models.compliance import check_flag_bits
from models.memory import release_memory
from ui.background import Runner, Token

#: Up to this many outfalls the check runs synchronously (well under 0.5 s).
SYNC_LIMIT = 20_000
CHANNEL = "compliance"


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
    #: (bits, codes): flag bits per outfall (models.compliance.check_flag_bits) and the
    #: outfall codes they belong to, in the same order, from the newest check
    done = Signal(object, object)

    def __init__(self, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.bits: Any = None  # numpy int64 per outfall, once a check has finished
        self.codes: Any = None
        #: how many checks were started (tests count them: one change, one check)
        self.started = 0
        #: (table, table version, bits per row, label per row) of the newest background
        #: check, made on the worker for the table passed as ``prepare_for``
        self.prepared: Any = None

    @property
    def running(self) -> bool:
        return self.runner.busy(CHANNEL)

    def check_now(self, ws: Any) -> Any:
        """Check at once on the GUI thread (small inventories); returns the bits."""
        self.started += 1
        self.runner.cancel(CHANNEL)  # a background check under way is now stale
        frame = ws.layer("outfalls")
        self.bits = check_flag_bits(ws)
        self.codes = frame["code"].to_numpy(dtype=object)
        self.prepared = None
        return self.bits

    def start(self, ws: Any, prepare_for: Any = None) -> None:
        """Check a snapshot of the outfalls in the background; ``done`` when finished,
        unless a newer check was started meanwhile.  ``prepare_for``: an
        :class:`~models.outfall_table.OutfallTable` whose flag columns are made on the
        worker too (:attr:`prepared`), so the GUI thread only installs them."""
        self.started += 1
        # a copy of the column arrays (copy-on-write: the strings and points are shared),
        # so edits made meanwhile in the GUI thread cannot change what is read
        frame = ws.layer("outfalls").copy()
        snap = _Snapshot(ws, frame)
        table = prepare_for
        version = table.version if table is not None else None

        def work(_token: Token) -> Any:
            codes = frame["code"].to_numpy(dtype=object)
            bits = check_flag_bits(snap)
            prepared = None
            if table is not None:
                prepared = (table, version, *table.flag_columns_for(bits, codes))
            # the check's temporaries (~0.4 GB at 1M) stay in this thread's malloc arena
            # unless given back: the next check, in another worker thread, would add its own
            release_memory()
            return bits, codes, prepared

        self.runner.submit(work, lambda res: self._finished(*res), channel=CHANNEL,
                           on_error=self._failed)

    def _finished(self, bits: np.ndarray, codes: np.ndarray, prepared: Any = None) -> None:
        self.bits, self.codes, self.prepared = bits, codes, prepared
        self.done.emit(bits, codes)

    def _failed(self, exc: BaseException) -> None:  # a failed check keeps the old flags
        import logging

        logging.getLogger(__name__).error("compliance check failed", exc_info=exc)
