"""Compliance flags of the outfall inventory, computed off the GUI thread and its GIL.

``models.compliance.check_flag_bits`` takes ~0.05 s for the bundled 855 outfalls, ~0.25 s
at 100k and ~1.4 s at 1M; the inventory re-checks after every change of the outfalls (a
move can make or break a possible duplicate), so it must not block the window.

A check runs in a child process (:mod:`models.compliance_process`: started on first use,
kept for the next) that reads the workspace file itself -- in a worker thread it held the
GIL inside long pandas/pyarrow/GEOS calls (gaps of 46 / 112 / ~700 ms at 10k / 100k / 1M
after an edit) and left ~0.35 GB of temporaries in the window at 1M.  The file is what the
window has once nothing is pending (an edit is saved before its command returns); the
answer is matched to the frame by fid (GeoPackage row id) and the table's flag column is
made on the window's worker thread, which only waits for the child meanwhile (the GIL is
free).  While edits wait unsaved (a save refused: the file is behind) the check runs in the
worker thread on a copy of the frame, as before.

Checks go through the window's one background mechanism (:mod:`ui.background`) on the
channel ``compliance``: the newest check wins and an older result is dropped, never
re-started.  A child that dies or fails keeps the old flags (the log says why); the next
check starts a new child.  Small inventories are checked at once when the window opens
(~0.05 s for the bundled data), so the flags are there when the table first shows.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from models.compliance import check_flag_bits
from models.compliance_process import CheckProcess, FileFlags
from models.memory import drop_later, release_memory
from ui.background import Runner, Token, strong_slot

log = logging.getLogger(__name__)

#: Up to this many outfalls the check runs synchronously (well under 0.5 s).
SYNC_LIMIT = 20_000
CHANNEL = "compliance"
#: flags of the last check made for a table built since (off the GUI thread at scale)
ALIGN_CHANNEL = "compliance_align"
#: a large inventory's first check, started while its table is made (start_early)
EARLY_CHANNEL = "compliance_early"


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
        #: the child process of the checks (started by the first check from the file)
        self.process = CheckProcess()
        # a window deleted without shutdown() (tests, a part removed) ends it too
        # (held strongly: a check's job holds the process too, and may be the last to let
        # go of it, in a worker -- ui.background.strong_slot)
        self.destroyed.connect(strong_slot(self.process.close))
        #: the check process's own peak RSS, MB (the laptop pays for it as well)
        self.child_peak_mb = 0.0
        #: [(workspace revision, answer)] of the check start_early began; written and
        #: read by the runner's one worker thread only, in the order the jobs were given
        self._early: list[tuple[int, FileFlags]] = []

    @property
    def running(self) -> bool:
        return any(self.runner.busy(c) for c in (CHANNEL, ALIGN_CHANNEL, EARLY_CHANNEL))

    def check_now(self, ws: Any) -> Any:
        """Check at once on the GUI thread (small inventories); returns the bits."""
        self.started += 1
        self.runner.cancel(CHANNEL)  # a background check under way is now stale
        frame = ws.layer("outfalls")
        self.bits = check_flag_bits(ws)
        self.codes = frame["code"].to_numpy(dtype=object)
        self.prepared = None
        return self.bits

    def start(self, ws: Any, prepare_for: Any = None, from_file: bool = True) -> None:
        """Check the outfalls in the background; ``done`` when finished, unless a newer
        check was started meanwhile.  ``prepare_for``: an
        :class:`~models.outfall_table.OutfallTable` whose flag columns are made on the
        worker too (:attr:`prepared`), so the GUI thread only installs them.
        ``from_file``: the workspace file holds what the window holds (no edit waits
        unsaved): checked in the child process; else in the worker thread on a snapshot."""
        self.started += 1
        table = prepare_for
        version = table.version if table is not None else None
        path = Path(ws.path)
        if from_file and path.exists() and not path.is_dir():
            # the frame's fids and row count now: the answer is matched to them
            fids = ws.fids.get("outfalls")
            process, early, revision = self.process, self._early, ws.revision

            def in_child(token: Token) -> Any:
                # the check start_early began, if nothing changed since it began (this
                # job runs after it: one worker, jobs in order)
                got = early[0][1] if early and early[0][0] == revision \
                    and table is not None and _same_rows(early[0][1], fids) else None
                early.clear()
                # without the codes (~20 MB at 1M) when the fids and the table will do
                if got is None:
                    got = process.check(path, token.cancelled,
                                        with_codes=fids is None or table is None)
                if got is not None and got.codes_ipc is None \
                        and not _by_position(got, fids, table):
                    got = process.check(path, token.cancelled, with_codes=True)
                if got is None:  # superseded or closing: dropped anyway
                    return None
                return _aligned(got, fids, table, version)

            self.runner.submit(in_child, self._finished_from, channel=CHANNEL,
                               on_error=self._failed)
            return
        # a snapshot: copy-on-write keeps it as it is when the GUI thread writes the frame
        # meanwhile (a deep copy held the GUI thread ~26 ms at 1M outfalls, in the turn of
        # the re-check after an edit whose save was refused: bench/bench_gaps.py)
        frame = ws.layer("outfalls").copy(deep=False)
        snap = _Snapshot(ws, frame)

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

    def align(self, table: Any) -> None:
        """The last check's flags for ``table`` (made since the check began), made on the
        worker (aligning 1M rows by code takes ~0.3 s); ``done`` when ready."""
        bits, codes, version = self.bits, self.codes, table.version

        def work(_token: Token) -> Any:
            return bits, codes, (table, version, *table.flag_columns_for(bits, codes))

        self.runner.submit(work, lambda res: self._finished(*res), channel=ALIGN_CHANNEL,
                           on_error=self._failed)

    def start_early(self, ws: Any) -> None:
        """Begin a large inventory's first check before its table exists (right after the
        first paint): the check process reads and checks the file while the window makes
        the table, and the check the table then asks for (:meth:`start`) takes this
        answer if the workspace did not change meanwhile."""
        path = Path(ws.path)
        if not path.exists() or path.is_dir():
            return
        process, early, revision = self.process, self._early, ws.revision

        def work(token: Token) -> None:
            early.clear()
            got = process.check(path, token.cancelled, with_codes=False)
            if got is not None:
                early.append((revision, got))
                self.child_peak_mb = max(self.child_peak_mb, got.child_peak_mb)

        self.runner.submit(work, None, channel=EARLY_CHANNEL, on_error=self._failed)

    def warm_up(self) -> None:
        """Start the check process ahead of the first check (its imports take seconds),
        from the worker: starting a process costs the calling thread ~20-30 ms (more on
        a busy machine), which the GUI thread must not pay; a no-op once it runs."""
        process = self.process
        if process.running:  # every announce calls this (a pull: one per piece): no job
            return

        def work(_token: Token) -> None:
            process.start()

        self.runner.submit(work, None, on_error=self._failed)

    def close(self) -> None:
        """End the check process (the window is closing); a check under way is dropped."""
        self.runner.cancel(CHANNEL)
        self.process.close()

    def _finished_from(self, res: Any) -> None:
        if res is None:
            return
        bits, codes, prepared, got = res
        self.child_peak_mb = max(self.child_peak_mb, got.child_peak_mb)
        self._finished(bits, codes, prepared)

    def _finished(self, bits: np.ndarray, codes: np.ndarray, prepared: Any = None) -> None:
        old = (self.bits, self.codes, self.prepared)
        self.bits, self.codes, self.prepared = bits, codes, prepared
        # the last check's codes are a million str objects of their own at 1M outfalls:
        # freed here they held the GUI thread ~18 ms as a re-check after an undo came in
        drop_later(*old)
        del old
        self.done.emit(bits, codes)

    def _failed(self, exc: BaseException) -> None:  # a failed check keeps the old flags
        log.error("compliance check failed", exc_info=exc)


def _same_rows(got: FileFlags, fids: Any) -> bool:
    """Whether the file's rows are the frame's (``fids``: the frame's fids), in order."""
    return fids is not None and got.fids is not None and len(fids) == len(got.bits) \
        and np.array_equal(np.asarray(fids, np.int64), got.fids)


def _by_position(got: FileFlags, fids: Any, table: Any) -> bool:
    """Whether the answer's rows are the table's by position: the file's rows are the
    frame's, and the table has as many (a table not yet made again for a replaced layer
    -- made in a worker at 1M -- has the old layer's rows: then the codes are needed)."""
    return _same_rows(got, fids) and table is not None and len(table) == len(got.bits)


def _aligned(got: FileFlags, fids: Any, table: Any, version: Any) -> tuple:
    """(bits, codes, prepared, got) of a check of the file, in the window's row order.

    The file's rows are the frame's rows when their fids agree (both read in fid order;
    rows an import or a pull added are read again by the window): then the table's own
    codes name them and its flag column is made by position.  Otherwise (a frame not read
    from this file) the rows are matched by code, as a check of a snapshot was."""
    bits = got.bits
    prepared = None
    if _by_position(got, fids, table):
        codes = table.codes
        prepared = (table, version, *table.flag_columns_for(bits, None))
    else:
        codes = got.codes()
        if table is not None:
            prepared = (table, version, *table.flag_columns_for(bits, codes))
    release_memory()  # the answer's buffers (~35 MB at 1M) once copied into the columns
    return bits, codes, prepared, got
