"""The editing session on a workspace's outfalls: apply, undo, redo, save, recover.

The window, the command line and the tests edit through one :class:`EditSession`:

1. ``apply(edit)`` changes the in-memory outfall frame at once (views update from
   ``Workspace.outfalls_changed``), journals the edit to the recovery file (written at once, fsync'd
   a moment later on the journal's own thread), and,
   with autosave on, saves — or, with a ``saver`` (the window), hands the save to it: the
   window runs it in a worker (:meth:`EditSession.start_save`, :class:`SaveJob`), so
   the edit is in the journal when ``apply`` returns and in the GeoPackage a moment later.
2. ``save()`` writes every pending edit, each with its audit rows, in one transaction
   (:func:`geodata.outfall_store.commit_batches`).  If the file is read-only, the disk full
   or the workspace busy, nothing is written, the edits stay pending in memory and in the
   journal, and ``save_failed`` carries a readable reason; the next save retries them all.
3. ``undo(edit)``/``redo(edit)`` apply the compensating (or repeated) edit as a new batch
   with audit action ``undo``/``redo``: the audit log is append-only.
4. ``recoverable()`` lists journaled edits the GeoPackage lacks (after a crash or a failed
   save); ``recover()`` replays them with their original batch ids, ``discard_recovery()``
   drops them.  Qt-free.
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from psygnal import Signal

from geodata import outfall_store
from geodata.io.messages import Message
from geodata.outfall_store import GEOMETRY, AuditRow, Batch, SaveError, StoredChange
from geodata.recovery import RecoveryJournal
from geodata.workspace_lock import WorkspaceLock
from models.outfall_edits import Edit, EditRejected, format_value
from models.outfall_edits import positions as oe_positions
from models.workspace import Workspace

LAYER = "outfalls"


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (services, some containers)
        return "unknown"


def audit_rows(edit: Edit) -> list[AuditRow]:
    """The audit rows an edit writes: one per change, else one per outfall or photo."""
    def row(code: str, fld: str, old: str, new: str) -> AuditRow:
        return AuditRow(edit.at, edit.user, code, edit.action, fld, old, new, edit.note,
                        edit.batch)

    # a new code is recorded on the outfall as it is now known, naming the old code
    rows = [row(str(c.new) if c.renames else c.code, c.field, format_value(c.field, c.old),
                format_value(c.field, c.new)) for c in edit.changes]
    rows += [row(p.outfall_code, "photo", "", p.filename) for p in edit.photos_add]
    rows += [row(p.outfall_code, "photo", p.filename, "") for p in edit.photos_remove]
    if not rows:  # a note: one row per outfall it concerns
        old, new = ("", edit.note) if edit.action != "undo" else (edit.note, "")
        rows = [row(code, "note", old, new) for code in edit.codes]
    return rows


def to_batch(edit: Edit) -> Batch:
    return Batch(edit.batch,
                 [StoredChange(c.code, c.field, c.new) for c in edit.changes],
                 audit_rows(edit), list(edit.photos_add),
                 [p.photo_id for p in edit.photos_remove])


class SaveJob:
    """Pending edits saved off the thread that edits (:meth:`EditSession.start_save`):
    :meth:`run` in a worker — the transaction, then the journal trimmed of what it saved —
    then :meth:`EditSession.finish_save` back on the editing thread.  A synchronous
    :meth:`EditSession.save` meanwhile takes the job back if no worker has begun it, or
    waits for it: edits reach the file once each and in order."""

    def __init__(self, path: Path, edits: list[Edit], journal: RecoveryJournal,
                 busy_timeout: float, writer: outfall_store.Writer | None = None) -> None:
        self.path, self.edits, self.journal = path, edits, journal
        self.busy_timeout, self.writer = busy_timeout, writer
        self.error: SaveError | None = None
        self._state = "queued"  # -> running -> done; or dropped (taken back)
        self._lock = threading.Lock()
        self._done = threading.Event()

    def run(self) -> None:
        """Commit the edits (in a worker); an error is kept for :meth:`finish_save`."""
        with self._lock:
            if self._state != "queued":
                return
            self._state = "running"
        try:
            outfall_store.commit_batches(self.path, [to_batch(e) for e in self.edits],
                                         self.busy_timeout, self.writer)
            try:  # the edits are in the file: out of the journal (later ones stay)
                self.journal.drop({e.batch for e in self.edits})
            except OSError:
                pass  # recognised as saved by their batch ids on the next open
        except SaveError as err:
            self.error = err
        except Exception as exc:  # noqa: BLE001 - reported as a failed save, never lost
            self.error = SaveError(Message(f"无法保存到 {self.path}：{exc}",
                                           f"cannot save to {self.path}: {exc}"), "other")
        finally:
            with self._lock:
                self._state = "done"
            self._done.set()

    def take_back(self) -> bool:
        """True if no worker had begun it (it never will); else wait until it ends."""
        with self._lock:
            if self._state == "queued":
                self._state = "dropped"
                return True
        self._done.wait()
        return False


class EditSession:
    """Edits to one workspace's outfalls, kept in memory until saved, journaled meanwhile."""

    #: An edit was applied in memory (do, undo, redo or recovery).
    edited = Signal(object)
    #: Number of edits just saved.
    saved = Signal(int)
    #: A save failed; the SaveError (``.message`` zh/en, ``.kind``).
    save_failed = Signal(object)
    #: The recovery journal could not be written (a Message): the edit is applied and, with
    #: autosave, saved, but a crash before the next save would lose it — the user is told.
    journal_failed = Signal(object)

    def __init__(self, ws: Workspace, user: str | None = None, readonly: bool = False,
                 autosave: bool = True, readonly_reason: Message | None = None) -> None:
        self.ws = ws
        self.path = Path(ws.path)
        self.user = user or default_user()
        self.readonly = readonly
        self.readonly_reason = readonly_reason
        self.autosave = autosave
        #: seconds a save waits for readers of the file before it fails as ``busy`` (the
        #: window sets a few ms and retries: a save runs on its GUI thread, and the
        #: compliance check process reading a 1M-outfall file held a commit ~0.8 s)
        self.busy_timeout = 5.0
        #: the same for a save in a worker (:meth:`start_save`; None: ``busy_timeout``)
        self.worker_busy_timeout: float | None = None
        #: the saves' connection to the file, kept between them (:meth:`close` ends it)
        self.writer = outfall_store.Writer(self.path)
        self.pending: list[Edit] = []
        self.journal = RecoveryJournal(self.path)
        self.last_error: SaveError | None = None
        self.journal_error: Message | None = None
        self._pos: dict[str, int] = {}
        self._pos_frame: Any = None
        #: with autosave, ``apply`` calls this instead of :meth:`save` (the window runs
        #: the save in a worker: :meth:`start_save`)
        self.saver: Callable[[], None] | None = None
        self._job: SaveJob | None = None
        #: the edit being announced (``features_changed`` comes from this session), or None
        self.announcing: Edit | None = None
        #: set by the window: ``announce_later(edit, announce)`` may keep ``announce`` (the
        #: edit's announcement, :meth:`_announce`) for a later event-loop turn and return
        #: True; False (or no such callable): announced at once, as the command line does
        self.announce_later: Callable[[Edit, Callable[[], None]], bool] | None = None

    # -- editing --------------------------------------------------------------------------
    @property
    def frame(self) -> Any:
        return self.ws.layer(LAYER)

    def apply(self, edit: Edit) -> Edit:
        """Apply ``edit`` in memory, journal it, and (autosave) save.  Returns it stamped."""
        if self.readonly:
            raise EditRejected(self.readonly_reason or Message(
                "工作空间以只读方式打开，不能修改。", "the workspace is open read-only."))
        edit = edit.stamped(self.user)
        self._apply_in_memory(edit)
        self.pending.append(edit)
        try:
            self.journal.append(edit.to_json())
            self.journal_error = None
        except OSError as exc:
            self.journal_error = Message(
                f"无法写入恢复文件 {self.journal.path}：{exc}。修改已应用，但程序异常退出时可能丢失未保存的修改。",
                f"cannot write the recovery file {self.journal.path}: {exc}. The edit is "
                "applied, but unsaved edits could be lost if the program crashed.")
            self.journal_failed.emit(self.journal_error)
        if self.autosave and self.saver is not None:
            self.saver()  # journaled above: safe on disk; the GeoPackage follows
        elif self.autosave:
            self.save()
        # after saving, so views read the saved history and photos
        if self.announce_later is None or not self.announce_later(
                edit, lambda: self._announce(edit)):
            self._announce(edit)
        return edit

    def _announce(self, edit: Edit) -> None:
        self.announcing = edit
        try:
            self._announce_now(edit)
        finally:
            self.announcing = None
        self.edited.emit(edit)

    def _announce_now(self, edit: Edit) -> None:
        if edit.renames:  # keys changed: observers re-read the layer (no row came or went)
            # the rows and their GeoPackage fids are the same: the compliance check process
            # matches its answer to the frame by them
            self.ws.replace_layer(LAYER, self.frame, self.ws.fids.get(LAYER))
        else:
            # the fields it wrote: listeners refresh only those (a note or a photo: none)
            self.ws.announce_features_changed(
                LAYER, list(edit.all_codes), geometry=bool(edit.moves_points),
                fields={"geometry" if c.field == GEOMETRY else c.field for c in edit.changes})

    def undo(self, edit: Edit) -> Edit:
        return self.apply(edit.inverse())

    def redo(self, edit: Edit) -> Edit:
        return self.apply(edit.again())

    def _positions(self) -> dict[str, int]:
        frame = self.frame
        if self._pos_frame is not frame or len(self._pos) != len(frame):
            self._pos = {str(c): i for i, c in enumerate(frame["code"].tolist())}
            self._pos_frame = frame
        return self._pos

    def _apply_in_memory(self, edit: Edit) -> None:
        """Write the edit into the workspace's frame (announced after saving, _announce)."""
        if not edit.renames:  # one assignment per field (a batch confirms thousands)
            changes = edit.changes
            pos = oe_positions(self.frame, [ch.code for ch in changes])
            at = [pos.get(ch.code) for ch in changes]
            if None in at:
                code = changes[at.index(None)].code
                raise EditRejected(Message(f"未知排污口编码：{code}",
                                           f"unknown outfall code: {code}"))
            names = {ch.field for ch in changes}
            if len(names) == 1:  # the usual batch (确认位置, 批量设置): one column, no grouping
                name = names.pop()
                self.ws.write_values(LAYER, at, "geometry" if name == GEOMETRY else name,
                                     [ch.new for ch in changes])
                return
            columns: dict[str, tuple[list[int], list[object]]] = {}
            for ch, i in zip(changes, at, strict=True):
                rows, values = columns.setdefault(
                    "geometry" if ch.field == GEOMETRY else ch.field, ([], []))
                rows.append(i)
                values.append(ch.new)
            for fld, (rows, values) in columns.items():
                self.ws.write_values(LAYER, rows, fld, values)
            return
        pos = self._positions()
        for ch in edit.changes:
            i = pos.get(ch.code)
            if i is None:
                raise EditRejected(Message(f"未知排污口编码：{ch.code}",
                                           f"unknown outfall code: {ch.code}"))
            if ch.field == GEOMETRY:
                self.ws.write_value(LAYER, i, "geometry", ch.new)
            elif ch.renames:
                if str(ch.new) in pos:
                    raise EditRejected(Message(f"编码 {ch.new} 已被另一个排污口使用",
                                               f"code {ch.new} is already used by another "
                                               "outfall"))
                self.ws.write_value(LAYER, i, "code", ch.new)
                pos[str(ch.new)] = pos.pop(ch.code)
            else:
                self.ws.write_value(LAYER, i, ch.field, ch.new)

    # -- saving ---------------------------------------------------------------------------
    @property
    def saving(self) -> bool:
        """A save runs in a worker (:meth:`start_save`); its edits are still ``pending``."""
        return self._job is not None

    def start_save(self) -> SaveJob | None:
        """The pending edits' save as a job for a worker (``job.run()``), then
        :meth:`finish_save` on this thread; None when there is nothing to save, the file is
        read-only, or a save is already under way (its caller starts the next one after
        :meth:`finish_save`).  The edits stay ``pending`` until then."""
        if self.readonly or not self.pending or self._job is not None:
            return None
        wait = self.busy_timeout if self.worker_busy_timeout is None \
            else self.worker_busy_timeout
        self._job = SaveJob(self.path, list(self.pending), self.journal, wait, self.writer)
        return self._job

    def finish_save(self, job: SaveJob) -> bool:
        """After ``job.run()`` (on the editing thread): its edits leave ``pending`` and
        ``saved`` is emitted, or ``save_failed`` with the reason (they stay pending and in
        the journal).  A job a synchronous :meth:`save` settled already is ignored."""
        if job is not self._job:
            return job.error is None
        self._job = None
        if job.error is not None:
            self.last_error = job.error
            self.save_failed.emit(job.error)
            return False
        self._saved(job.edits, trimmed=True)
        return True

    def _saved(self, edits: list[Edit], trimmed: bool = False) -> None:
        done = {id(e) for e in edits}
        self.pending[:] = [e for e in self.pending if id(e) not in done]
        self.last_error = None
        if not trimmed:
            try:
                if self.pending:
                    self.journal.drop({e.batch for e in edits})
                else:
                    self.journal.clear()
            except OSError:
                pass  # entries are recognised as saved by their batch ids on the next open
        self.saved.emit(len(edits))

    def save(self) -> bool:
        """Write all pending edits in one transaction; False (and save_failed) if refused.
        A save under way in a worker is taken back, or waited for, first."""
        job, self._job = self._job, None
        if job is not None and not job.take_back() and job.error is None:
            self._saved(job.edits, trimmed=True)
        if not self.pending:
            return True
        if self.readonly:
            return False
        batches = [to_batch(e) for e in self.pending]
        try:
            outfall_store.commit_batches(self.path, batches, self.busy_timeout, self.writer)
        except SaveError as err:
            self.last_error = err
            self.save_failed.emit(err)
            return False
        self._saved(list(self.pending))
        return True

    def close(self) -> None:
        """End the saves' connection to the file, after the last :meth:`save` (which
        settles a save in a worker); a save after this opens it again."""
        self.writer.close()

    def status(self) -> Message:
        """One line for the status bar: saved, or how many edits wait and why."""
        if self.readonly:
            return Message("只读", "read-only")
        if not self.pending:
            return Message("已保存", "saved")
        n = len(self.pending)
        reason = self.last_error.message if self.last_error else Message("", "")
        where = self.journal.path
        return Message(f"{n} 项修改未保存（已记入恢复文件 {where}）{reason.zh}",
                       f"{n} edits not saved (kept in recovery file {where}) {reason.en}")

    # -- history --------------------------------------------------------------------------
    def _rows_of(self, code: str) -> list[tuple[tuple[int, int], dict[str, Any]]]:
        """(order, row) of the audit rows on ``code``: saved ones, then pending ones."""
        try:
            saved = outfall_store.read_audit(self.path, code)
        except Exception:  # noqa: BLE001 - unreadable file: still show the pending edits
            saved = []
        out = [((0, int(r.get("id") or 0)), r) for r in saved]
        # an edit being saved in a worker is pending until it ends, and may be in the
        # file already: shown once
        in_file = {str(r.get("batch")) for r in saved} if self._job is not None else set()
        k = 0
        for e in self.pending:
            if e.batch in in_file:
                continue
            for r in audit_rows(e):
                k += 1
                if r.outfall_code == code:
                    out.append(((1, k), dict(r.__dict__, saved=False)))
        return out

    def reading(self) -> Any:
        """A context in which this session's reads of the workspace share one connection
        (:func:`geodata.outfall_store.reading`): :meth:`history` of an outfall whose code
        changed reads under each of its codes."""
        return outfall_store.reading(self.path)

    def history(self, code: str) -> list[dict[str, Any]]:
        """Audit rows for one outfall, oldest first: saved ones from the workspace, then
        pending ones.  Audit rows are keyed by code; where the outfall was given a new code,
        the rows written under its earlier code (before the change) are part of its
        history too."""
        found: dict[tuple[int, int], dict[str, Any]] = {}
        todo: list[tuple[str, tuple[int, int] | None]] = [(code, None)]
        seen: set[tuple[str, tuple[int, int] | None]] = set()
        with self.reading():  # an outfall given new codes: one connection for its reads
            while todo:
                current, before = todo.pop()
                if (current, before) in seen:
                    continue
                seen.add((current, before))
                for order, row in self._rows_of(current):
                    if before is not None and order >= before:
                        continue
                    found[order] = row
                    old = str(row.get("old_value") or "")
                    if row.get("field") == "code" and old and old != current:
                        todo.append((old, order))
        return [found[k] for k in sorted(found)]

    def photos(self, code: str) -> list[outfall_store.Photo]:
        try:
            saved = outfall_store.read_photos(self.path, code)
        except Exception:  # noqa: BLE001
            saved = []
        by_id = {p.photo_id: p for p in saved}
        for e in self.pending:
            for p in e.photos_add:
                if p.outfall_code == code:
                    by_id[p.photo_id] = p
            for p in e.photos_remove:
                by_id.pop(p.photo_id, None)
        return list(by_id.values())

    def photo_data(self, photo: outfall_store.Photo) -> bytes:
        if photo.data:
            return photo.data
        return outfall_store.read_photo_data(self.path, photo.photo_id) or b""

    # -- recovery -------------------------------------------------------------------------
    def recoverable(self) -> list[Edit]:
        """Journaled edits that the workspace does not hold (unsaved before a crash)."""
        entries = self.journal.entries()
        if not entries:
            return []
        try:
            done = outfall_store.committed_batches(self.path, [str(e["batch"]) for e in entries])
        except Exception:  # noqa: BLE001 - unreadable: offer everything
            done = set()
        pending = {e.batch for e in self.pending}
        return [Edit.from_json(e) for e in entries
                if e["batch"] not in done and e["batch"] not in pending]

    def recover(self, edits: list[Edit]) -> None:
        """Replay journaled edits (original batch ids, so a replay is never doubled)."""
        for edit in edits:
            self._apply_in_memory(edit)
            self.pending.append(edit)
        self.save()
        for edit in edits:
            self._announce(edit)

    def reapply_pending(self) -> None:
        """After the layer was read again from the file (an import, its undo): the edits
        not saved yet — held up by a busy file, as by the import's own transaction — are
        not in the new frame; write them into it again and announce them, as
        :meth:`recover` replays journaled edits.  An edit of an outfall the file no longer
        has is left out of memory (it stays pending, and its save says so)."""
        done = []
        for edit in list(self.pending):
            try:
                self._apply_in_memory(edit)
            except EditRejected:
                continue
            done.append(edit)
        for edit in done:
            self._announce(edit)

    def discard_recovery(self) -> None:
        keep = {e.batch for e in self.pending}
        self.journal.keep_only(keep)


def open_session(ws: Workspace, user: str | None = None,
                 autosave: bool = True) -> tuple[EditSession, WorkspaceLock]:
    """A session holding the workspace lock, or a read-only one if another instance has it."""
    lock = WorkspaceLock(ws.path)
    holder = lock.acquire()
    if holder is None:
        return EditSession(ws, user=user, autosave=autosave), lock
    reason = holder.message(Path(ws.path))
    return EditSession(ws, user=user, readonly=True, autosave=autosave,
                       readonly_reason=reason), lock
