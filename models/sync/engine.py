"""``sync`` = push then pull, and the open window told what changed.

The same code runs for ``app.py sync`` and the window's 同步 (in a worker thread there).
Order of events, and why each is safe to cut at any moment:

1. the laptop's changes are read and a push id chosen; the id is written to the workspace
   *before* anything is sent, so a retry after a cut reuses it;
2. the push runs as one server transaction (:mod:`models.sync.push`): it either committed
   (a retry gets its stored result) or did not (a retry applies it);
3. the result goes into the workspace in one SQLite transaction (new bases, conflicts,
   which audit batches the server has), clearing the push id;
4. the pull reads a consistent snapshot and writes it in one SQLite transaction.

A cut connection raises :class:`geodata.pg.connection.ServerError` with ``transient``; the
workspace is valid after every step and running ``sync`` again finishes the job.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from geodata import gpkg_sql, store
from geodata.messages import Message
from geodata.pg.connection import ServerError
from models import key_lookup
from models.sync import local, pull
from models.sync.merge import GEOMETRY, ROW, changed
from models.sync.push import PushPayload, describe, push
from models.workspace import by_column_of, column_with

Progress = Callable[[float, Message], None]


class SyncCancelled(Exception):
    """The user cancelled; nothing half-done was left behind."""


@dataclass
class SyncReport:
    pushed_fields: int = 0
    pushed_audit: int = 0
    replayed: bool = False
    pulled: int = 0
    added: int = 0
    removed: int = 0
    pulled_audit: int = 0
    pulled_photos: int = 0
    conflicts_new: list[dict[str, Any]] = field(default_factory=list)
    conflicts_open: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)
    last_sync: str = ""
    #: what changed in the workspace file (for a window that syncs in a worker thread and
    #: tells its Workspace afterwards, in the GUI thread: :func:`tell_workspace`)
    outcome: pull.PullOutcome | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"pushed": {"fields": self.pushed_fields, "audit_rows": self.pushed_audit,
                           "replayed": self.replayed},
                "pulled": {"outfalls": self.pulled, "added": self.added,
                           "removed": self.removed, "audit_rows": self.pulled_audit,
                           "photos": self.pulled_photos},
                "conflicts": {"new": self.conflicts_new, "open": self.conflicts_open},
                "refused": self.refused, "last_sync": self.last_sync}

    def summary(self) -> Message:
        return Message(
            f"已推送 {self.pushed_fields} 项修改，拉取 {self.pulled} 个排污口的更新；"
            f"新冲突 {len(self.conflicts_new)}，待解决 {self.conflicts_open}"
            + (f"；{len(self.refused)} 个排污口被拒绝" if self.refused else ""),
            f"pushed {self.pushed_fields} changes, pulled updates of {self.pulled} outfalls; "
            f"{len(self.conflicts_new)} new conflicts, {self.conflicts_open} open"
            + (f"; {len(self.refused)} outfalls refused" if self.refused else ""))


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _write(path: Path, fn: Callable[[Any], Any]) -> Any:
    """Run ``fn(con)`` in one BEGIN IMMEDIATE … COMMIT on the workspace."""
    con = gpkg_sql.connect(path)
    try:
        con.execute("BEGIN IMMEDIATE")
        out = fn(con)
        con.execute("UPDATE gpkg_contents SET last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                    "WHERE table_name IN ('outfalls', 'inspections')")
        con.execute("COMMIT")
        return out
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def read_state(path: Path | str) -> dict[str, str]:
    con = gpkg_sql.connect(path, readonly=True)
    try:
        return local.get_state(con)
    finally:
        con.close()


def sync_status(path: Path | str) -> tuple[dict[str, str], int, int]:
    """(sync state, edits not pushed yet, open conflicts) of a workspace, read through one
    connection: the window's status bar asks after every edit, on the GUI thread (three
    connections there were up to ~50 ms while a worker held the GIL, bench/bench_gaps.py).
    What cannot be read counts as nothing (an unreadable file: no sync state)."""
    try:
        con = gpkg_sql.connect(path, readonly=True)
    except Exception:  # noqa: BLE001 - unreadable workspace: no sync state
        return {}, 0, 0
    try:
        try:
            state = local.get_state(con)
        except Exception:  # noqa: BLE001
            return {}, 0, 0
        if "url" not in state:
            return state, 0, 0
        try:
            unsynced = local.unsynced_batches(con)
        except Exception:  # noqa: BLE001
            unsynced = 0
        try:
            (conflicts,) = con.execute(f'SELECT count(*) FROM "{local.CONFLICTS}"').fetchone()
        except Exception:  # noqa: BLE001 - no conflicts table: none open
            conflicts = 0
        return state, unsynced, int(conflicts)
    finally:
        con.close()


def build_payload(con: Any, push_id: str) -> PushPayload:
    """The laptop's changes since the last sync (open conflicts held back)."""
    codes = local.dirty_codes(con)  # only rows written since they matched their base
    base = local.read_base(con, codes)
    current = local.read_current(con, codes)
    held = local.conflict_keys(con)
    held_rows = {c for c, f in held if f == ROW}
    p = PushPayload(push_id)
    for code, row in current.items():
        if code in held_rows:
            continue
        if code not in base:
            p.new[code] = row
            p.county[code] = row.get("county_code") or ""
            continue
        version, b = base[code]
        if row == b:  # the unchanged majority: one dict comparison (JSON keeps floats exact)
            continue
        fields = [f for f in changed(b, row) if (code, f) not in held]
        if fields:
            p.edits[code] = {"version": version, "base": {f: b.get(f) for f in fields},
                             "mine": {f: row.get(f) for f in fields}}
    for code, (version, b) in base.items():
        if code not in current and code not in held_rows:
            p.deleted[code] = version
            p.county[code] = b.get("county_code") or ""
    p.audit = local.unsynced_audit(con)
    p.photos_add, p.photos_remove = local.unsynced_photos(con)
    others = {a["outfall_code"] for a in p.audit} | {x["outfall_code"] for x in p.photos_add}
    others -= set(p.county)
    rows = local.read_current(con, others)
    rows.update({c: r for c, (_v, r) in local.read_base(con, set(others) - set(rows)).items()})
    for code in others:
        p.county[code] = (rows.get(code) or {}).get("county_code") or ""
    return p


def _apply_push(con: Any, result: dict[str, Any], now: str) -> dict[str, dict[str, Any]]:
    """Write a push result into the workspace; returns values taken from the server."""
    from models.sync.merge import merge_row

    rows = result.get("rows", {})
    base = local.read_base(con, rows)
    current = local.read_current(con, rows)
    taken: dict[str, dict[str, Any]] = {}
    clash = {(c["code"], c["field"]) for c in result.get("conflicts", [])}
    for c in result.get("conflicts", []):
        theirs_row = c.get("theirs_row")
        if theirs_row is not None and c["code"] in rows:
            theirs_row = {"version": rows[c["code"]]["version"], **theirs_row}
        local.record_conflict(con, c["code"], c["field"], c["kind"], c["base"], c["mine"],
                              c["theirs"], c.get("who"), c.get("when"), c.get("distance_m"),
                              theirs_row, now)
    held = local.conflict_keys(con)
    new_base = {}
    for code, t in rows.items():
        if (code, ROW) in held:
            continue
        mine = current.get(code)
        if mine is None:
            continue
        skip = set(result.get("applied", {}).get(code, [])) | {f for c, f in held if c == code}
        skip |= {f for c, f in clash if c == code}
        b = base[code][1] if code in base else t["row"]
        m = merge_row(code, b, mine, t["row"], skip=skip)
        if m.take:
            taken[code] = m.take
        new_base[code] = (t["version"], t["row"])
    local.update_local(con, taken)
    local.write_base(con, new_base)
    local.mark_batches(con, set(result.get("batches", [])) -
                       set(result.get("batches_refused", [])), "pushed", result.get("push_id"))
    local.mark_batches(con, result.get("batches_refused", []), "refused",
                       result.get("push_id"))
    photos = result.get("photos", {})
    local.mark_photos(con, photos.get("added", []), photos.get("removed", []))
    local.set_state(con, pending_push=None)
    return taken


def sync(path: Path | str, password: str | None = None, ws: Any = None,
         progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
         connect: Callable[..., Any] | None = None) -> SyncReport:
    """Push this checkout's changes, then pull others'; tell ``ws`` (an open Workspace).

    Raises ServerError (``transient`` for a cut connection: run it again) or SyncCancelled.
    """
    from geodata.pg.connection import connect as pg_connect

    path = Path(path)
    report = SyncReport()
    say = progress or (lambda _f, _m: None)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise SyncCancelled()

    state = read_state(path)
    if "url" not in state:
        raise ServerError(Message(f"{path} 不是检出的工作空间（没有同步信息）；请先检出",
                                  f"{path} is not a checkout (no sync state); check out first"))
    say(0.02, Message("正在连接服务器…", "connecting to the server…"))
    con = (connect or pg_connect)(state["url"], password=password, autocommit=True)
    try:
        return _run(path, con, state, report, say, check, ws)
    except Exception as exc:
        _raise_readable(exc)
        raise
    finally:
        con.close()


def _raise_readable(exc: BaseException) -> None:
    import psycopg

    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ServerError(Message(f"与服务器的连接中断：{text}（再次同步即可继续）",
                                  f"the connection to the server was lost: {text} "
                                  "(sync again to finish)"), transient=True) from exc
    if isinstance(exc, psycopg.Error):
        text = str(exc).strip().splitlines()[0]
        raise ServerError(Message(f"服务器拒绝：{text}", f"the server refused: {text}")) \
            from exc


def _run(path: Path, con: Any, state: dict[str, str], report: SyncReport, say: Progress,
         check: Callable[[], None], ws: Any) -> SyncReport:
    now = now_iso()

    def prepare(c: Any) -> PushPayload:
        push_id = local.get_state(c).get("pending_push") or str(uuid.uuid4())
        payload = build_payload(c, push_id)
        local.set_state(c, pending_push=None if payload.is_empty() else push_id)
        return payload

    taken: dict[str, dict[str, Any]] = {}
    # A push that had committed before a cut comes back "replayed" with its stored result;
    # edits made since then go in a second push right away.
    for _round in range(2):
        payload = _write(path, prepare)
        check()
        if payload.is_empty():
            break
        say(0.1, Message("正在推送本机修改…", "pushing this laptop's changes…"))
        result = push(con, payload)
        if not result.get("read_only"):
            def apply_push(c: Any, r: dict[str, Any] = result) -> dict[str, dict[str, Any]]:
                return _apply_push(c, r, now)

            for code, values in _write(path, apply_push).items():
                taken.setdefault(code, {}).update(values)
        report.replayed = report.replayed or bool(result.get("replayed"))
        report.pushed_fields += sum(len(v) for v in result.get("applied", {}).values())
        report.pushed_audit += int(result.get("audit_inserted", 0))
        report.refused = result.get("refused", [])
        report.conflicts_new += [describe(c) for c in result.get("conflicts", [])]
        if not result.get("replayed"):
            break
    check()
    say(0.5, Message("正在拉取他人的修改…", "pulling others' changes…"))
    county = state.get("county") or None

    ro = gpkg_sql.connect(path, readonly=True)
    try:
        versions = local.read_versions(ro)
        batches = {str(b) for (b,) in ro.execute(f'SELECT batch FROM "{local.BATCHES}"')}
        photos = {str(p) for (p,) in ro.execute(f'SELECT photo_id FROM "{local.PHOTOS}"')}
    finally:
        ro.close()
    fetched = pull.fetch(con, county, versions, batches, known_photos=photos)
    check()

    def apply(c: Any) -> pull.PullOutcome:
        out = pull.apply(c, fetched, now)
        local.prune_dirty(c)
        local.set_state(c, last_sync=now)
        return out

    out = _write(path, apply)
    for code, values in taken.items():
        out.updated.setdefault(code, {}).update(values)
    report.pulled = len(fetched["rows"])
    report.added, report.removed = len(out.added), len(out.removed)
    report.pulled_audit = out.audit_rows
    report.pulled_photos = out.photos
    seen = {(c["code"], c["field"]) for c in report.conflicts_new}
    report.conflicts_new += [c for c in out.conflicts if (c["code"], c["field"]) not in seen]
    ro = gpkg_sql.connect(path, readonly=True)
    try:
        report.conflicts_open = len(local.conflict_keys(ro))
    finally:
        ro.close()
    report.last_sync = now
    report.outcome = out
    say(0.95, Message("正在刷新窗口…", "updating the window…"))
    if ws is not None:
        tell_workspace(ws, out)
    say(1.0, report.summary())
    return report


def tell_workspace(ws: Any, out: pull.PullOutcome, read: WorkspaceRead | None = None,
                   announce: bool = True) -> list[str]:
    """Show a pull in the open workspace through the change flow (issue 9).  ``read``: what
    :func:`read_for_workspace` read in the sync's worker (used unless the workspace changed
    since: then it is read here, as before).

    ``announce=False``: pulled values are written into the frame but their keys are not
    announced; they are returned for the caller to announce (the window does it in pieces
    across event-loop turns: ten thousand keys at once held its GUI thread ~50-90 ms).
    Rows that came or went are always announced here (``layer_replaced``)."""
    fresh = read is not None and read.revision == ws.revision
    pending: list[str] = []
    if out.added or out.removed:
        ws.reload_layer("outfalls", read.outfalls if read is not None else None)
    elif out.updated:
        pending = update_frame(ws, out.updated, announce=announce, read=read)
    # photos are read from the file when shown
    ws.reload_table("inspections", read.inspections if fresh and read is not None else None)
    return [] if announce else pending


@dataclass
class WorkspaceRead:
    """The files' side of a pull, read off the GUI thread: the outfalls when rows came or
    went (a ``models.workspace.LayerRead``), the inspections table, and the workspace's
    revision when the reading began.  For a pull that only changed values: ``changes``,
    the values to write (:func:`pulled_changes`), and ``rows``, their row positions in the
    frame as it was at ``revision`` (valid while the revision is unchanged)."""

    outfalls: Any
    inspections: Any
    revision: int
    changes: dict[str, dict[str, Any]] | None = None
    rows: list[int] | None = None
    #: the fields the pull wrote ("geometry" for the geometry), for the announcement
    #: (``Workspace.features_changed``): listeners refresh only what shows them
    fields: frozenset[str] | None = None
    #: ``changes`` at ``rows`` grouped by column (``models.workspace.by_column_of``)
    by_column: Any = None
    #: the key column ``rows`` are positions in (``FrameAtStart.codes``), and the rows of
    #: the keys ``by_column`` writes, in its order: the window hands them to the listeners
    #: of each announced piece (``models.key_lookup.remember``), who then look none up
    codes: Any = None
    written_rows: Any = None
    #: the written text and vocabulary columns made whole from the frame of the sync's
    #: start (``models.workspace.column_with``): swapped in by ``Workspace.set_values``
    made: dict[str, Any] | None = None

    def rows_written(self, keys: list[str]) -> Any:
        """The row positions (in :attr:`codes`) of ``keys`` when they are the keys
        :func:`update_frame` wrote from this read's rows (its very list), else None."""
        if self.by_column is None or self.written_rows is None or keys is not self.by_column[1]:
            return None
        return self.written_rows


@dataclass
class FrameAtStart:
    """What the sync's worker may read of the open outfalls, taken on the GUI thread when
    the sync starts: the key column and the column names, and the frame itself (a shallow
    copy: pandas copies on write, so an edit meanwhile leaves these be)."""

    codes: Any
    columns: frozenset[str]
    frame: Any = None

    @classmethod
    def of(cls, ws: Any) -> FrameAtStart | None:
        frame = ws.layers.get("outfalls")
        if frame is None or "code" not in frame.columns:
            return None
        return cls(frame["code"], frozenset(frame.columns), frame.copy(deep=False))


def read_for_workspace(ws: Any, out: pull.PullOutcome | None, since: int,
                       start: FrameAtStart | None = None) -> WorkspaceRead | None:
    """In the sync's worker, after the pull: what :func:`tell_workspace` would otherwise
    read or work out on the GUI thread.  ``since``: ``ws.revision`` taken on the GUI thread
    when the sync started (see ``Workspace.read_layer``); ``start``: the outfalls then."""
    if ws is None or out is None:
        return None
    revision = since
    layer = ws.read_layer("outfalls", since) if out.added or out.removed else None
    read = WorkspaceRead(layer, store.read_table(ws.path, "inspections"), revision)
    if layer is None and out.updated and start is not None:
        read.changes = pulled_changes(out.updated, start.columns)
        read.rows = key_lookup.positions_of(start.codes, list(read.changes))
        if read.rows is not None:
            read.by_column = by_column_of(read.changes, read.rows)
            read.codes = start.codes
            read.written_rows = np.asarray([r for r in read.rows if r >= 0], dtype=np.int64)
            read.made = made_columns(start.frame, read.by_column)
    if out.updated:
        read.fields = frozenset("geometry" if f == GEOMETRY else f
                                for values in out.updated.values() for f in values)
    return read


def made_columns(frame: Any, by_column: Any) -> dict[str, Any] | None:
    """The text and vocabulary columns of ``frame`` (the outfalls at the sync's start)
    with the pull's values written (``models.workspace.column_with``), made in the sync's
    worker; the geometry and other columns are written on the GUI thread as before."""
    if frame is None:
        return None
    made = {}
    for name, (at, values) in by_column[0].items():
        if name in frame.columns and name != frame.geometry.name:
            column = column_with(frame[name], at, values)
            if column is not None:
                made[name] = column
    return made


def pulled_changes(updated: dict[str, dict[str, Any]],
                   columns: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The pulled values as ``Workspace.set_values`` takes them: the fields the open
    layer has (``columns``), the geometry as "geometry"."""
    columns = set(columns)
    return {code: {("geometry" if f == GEOMETRY else f): v for f, v in values.items()
                   if f == GEOMETRY or f in columns}
            for code, values in updated.items()}


def update_frame(ws: Any, updated: dict[str, dict[str, Any]], announce: bool = True,
                 read: WorkspaceRead | None = None) -> list[str]:
    """Write pulled values into the open workspace, which announces them (change flow)
    unless ``announce`` is False; returns the keys written.  ``read``: its ``changes`` and
    ``rows`` made in the sync's worker, used while no row moved since (same revision)."""
    if read is not None and read.changes is not None and read.revision == ws.revision:
        return ws.set_values("outfalls", read.changes, announce=announce, rows=read.rows,
                             by_column=read.by_column, made=read.made)
    changes = pulled_changes(updated, ws.layer("outfalls").columns)
    return ws.set_values("outfalls", changes, announce=announce)
