"""A big import's check and write in a child process (issue 17, goal 4).

In the window the import ran in a worker *thread*.  Its write is SQLite statements one row
at a time, and each row's step lets go of the GIL and takes it back at once: the GUI thread,
woken each time, rarely gets it.  Handing it over every few milliseconds
(:mod:`geodata.gil_slices`) still left gaps of 16-31 ms in the window's event loop at a
100k-row import into 1M outfalls, with the GUI thread at ~0.5 ms of its own CPU in each:
it was waiting for the GIL (``bench/bench_gaps.py``'s ``gil_holders``: the insert, the
check's pandas calls).

Here :func:`run_import` runs the same :meth:`ImportSession.run` in a child process with its
own GIL.  The child is given the session's *choices* (file, layer, encoding, CRS, mapping,
target, edition), reads the file again with them and writes the workspace file in its own
transaction -- exactly what the thread did, so the report, the batch and the rows written
are the same (tests/geodata/io/test_import_process.py).  Re-reading costs the child about
what the read cost the dialog; it avoids pickling the read rows, which would itself hold
the window's GIL for every value.  A file changed since the dialog read it is refused (its
size and modification time, ``ImportSession.read_stamp``): the user previewed that one.
The window's worker thread only waits on a pipe.

:func:`run_undo` does the same for the result page's undo of a batch of as many rows (its
deletes and restores are the same row-by-row SQLite).

Only files of at least :data:`PROCESS_ROWS` rows go to a child: starting one (spawn, as on
Windows; its imports) costs ~1-2 s, which a small import should not pay.  The import's
child is started ahead (:func:`warm`, from the dialog's dry run), so that cost overlaps the
dry run and the user's reading of it; :func:`discard` ends one the dialog did not use.
``ECOZONE_IMPORT_PROCESS=0`` turns the child off.  The answer is the report or the
exception, pickled (:class:`~geodata.io.messages.ImportRefused` keeps its bilingual
message).  A child that ends without answering (killed, out of memory) fails the import
with a message that says whether its batch reached the workspace: a transaction either
commits whole or not at all.

Qt-free; the child imports no Qt.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geodata import gil_slices, gpkg_sql
from geodata.io.messages import ImportCancelled, ImportRefused, Message, msg
from geodata.io.read_result import Progress
from geodata.io.workspace_import import ImportReport, list_batches

#: rows read at or above which the import's check and write go to a child process
PROCESS_ROWS = 20_000
#: how often the waiting worker looks whether the child is still there (s)
POLL_S = 0.2
#: items of a report's list per message of the answer (~1-2 ms to unpickle)
ANSWER_PIECE = 8_192
#: a child started ahead that gets no job in this long ends
IDLE_EXIT_S = 900.0

#: the ImportSession fields that decide what is read and written (the child re-reads)
CHOICES = ("workspace", "path", "file_layer", "target", "encoding", "crs", "mapping",
           "keep_edition", "edition")


class ImportProcessDied(ImportRefused):
    """The child ended without an answer."""


def enabled() -> bool:
    raw = os.environ.get("ECOZONE_IMPORT_PROCESS", "").strip().lower()
    return raw not in ("0", "off", "no", "false")


def wants_process(session: Any) -> bool:
    """Whether :func:`run_import` would use a child for this session now: a read of at
    least :data:`PROCESS_ROWS` rows, still valid for the current choices."""
    result = getattr(session, "result", None)
    return (enabled() and result is not None and not session.needs_read()
            and len(result.frame) >= PROCESS_ROWS)


def run_import(session: Any, dry_run: bool, progress: Progress | None = None
               ) -> ImportReport:
    """``session.run(dry_run, progress)``, in a child process for a big read
    (:func:`wants_process`); sets ``session.last_batch`` as ``run`` does."""
    if not wants_process(session):
        return session.run(dry_run, progress)
    if progress is not None and progress(0.9, msg("检查记录", "checking rows")) is False:
        raise ImportCancelled()
    choices = {name: getattr(session, name) for name in CHOICES}
    workspace = Path(session.workspace)
    before = _batch_ids(workspace)
    name = Path(str(session.path)).name

    def died(code: int | None) -> ImportProcessDied:
        """Whether the batch is in the workspace (a transaction commits whole or not at
        all) or nothing was written."""
        written = sorted(_batch_ids(workspace) - before)
        if written:
            return ImportProcessDied(msg(
                f"导入 {name} 的进程意外结束（退出码 {code}），但批次 {written[-1]} 已完整写入"
                "工作区；请重新载入图层查看",
                f"the process importing {name} ended unexpectedly (exit code {code}), but "
                f"batch {written[-1]} was written to the workspace whole; reload the layer "
                "to see it"))
        return ImportProcessDied(msg(
            f"导入 {name} 的进程意外结束（退出码 {code}），工作区未作任何改动",
            f"the process importing {name} ended unexpectedly (exit code {code}); the "
            "workspace was not changed"))

    def stop() -> bool:  # the user's Cancel, asked through the job's progress callback
        return progress is not None and progress(
            0.9, msg("检查并写入记录", "checking and writing rows")) is False

    try:
        report, batch = _in_child(("import", choices, session.read_stamp, dry_run), died,
                                  stop)
    except _Stopped:
        # the child is gone: either its transaction committed or nothing was written
        written = sorted(_batch_ids(workspace) - before)
        if not written:
            raise ImportCancelled() from None
        report, batch = stored_report(workspace, written[-1]), written[-1]
    if not dry_run:
        session.last_batch = batch
    return report


def stored_report(workspace: Path, batch: int) -> ImportReport:
    """The report of a batch as the workspace keeps it (its layer, source, counts, and the
    codes it inserted, updated and removed), with a note that it was read back: for an
    import whose child was stopped on Cancel just after its transaction committed."""
    con = gpkg_sql.connect(workspace, readonly=True)
    try:
        layer, source, counts = con.execute(
            "select layer, source, counts from import_batches where batch_id=?",
            (batch,)).fetchone()
        done: dict[str, list[str]] = {"insert": [], "update": [], "delete": []}
        for action, code in con.execute(
                "select action, code from import_undo where batch_id=? order by rowid",
                (batch,)):
            done.setdefault(str(action), []).append(str(code))
    finally:
        con.close()
    report = ImportReport(layer=str(layer), source=str(source), dry_run=False,
                          new=done["insert"], updated=done["update"],
                          removed=done["delete"], batch_id=batch,
                          stored_counts=json.loads(counts) if counts else None)
    report.notes.add(f"取消时导入已完整写入工作区（批次 {batch}），无法取消；"
                     "如不需要，可在下一步撤销本批次",
                     f"the import had been written to the workspace whole (batch {batch}) "
                     "when it was cancelled; undo the batch in the next step if it is not "
                     "wanted")
    return report


def run_undo(session: Any, batch: int, rows: int) -> Message:
    """``session.undo(batch)`` (its report: ``rows`` rows imported or updated), in a child
    process for a big batch: deleting and restoring 100k rows is the same row-by-row
    SQLite as the import."""
    if not (enabled() and rows >= PROCESS_ROWS):
        return session.undo(batch)
    workspace = Path(session.workspace)

    def died(code: int | None) -> ImportProcessDied:
        undone = _batch_status(workspace, batch) not in (None, "applied")
        if undone:
            return ImportProcessDied(msg(
                f"撤销批次 {batch} 的进程意外结束（退出码 {code}），但撤销已完整写入工作区；"
                "请重新载入图层查看",
                f"the process undoing batch {batch} ended unexpectedly (exit code {code}), "
                "but the undo was written to the workspace whole; reload the layer to see it"))
        return ImportProcessDied(msg(
            f"撤销批次 {batch} 的进程意外结束（退出码 {code}），批次仍在工作区中，未作任何改动",
            f"the process undoing batch {batch} ended unexpectedly (exit code {code}); the "
            "batch is still in the workspace, nothing was changed"))

    done = _in_child(("undo", workspace, batch), died)
    if batch == session.last_batch:
        session.last_batch = None
    return done


def _batch_ids(workspace: Path) -> set[int]:
    try:
        return {int(b["batch_id"]) for b in list_batches(workspace)}
    except Exception:  # noqa: BLE001 - only for the message should the child die
        return set()


def _batch_status(workspace: Path, batch: int) -> str | None:
    try:
        return next((str(b["status"]) for b in list_batches(workspace)
                     if int(b["batch_id"]) == batch), None)
    except Exception:  # noqa: BLE001 - only for the message should the child die
        return None


#: a child started ahead (:func:`warm`), not yet given a job: (process, our pipe end,
#: when it started)
_warm: tuple[Any, Any, float] | None = None
_warm_lock = threading.Lock()


def warm(session: Any) -> None:
    """Start the child a big import will use now, if :func:`wants_process`: its start
    (a new interpreter and its imports, ~1 s) then overlaps the dry run and the user's
    reading of it rather than the import.  From the dialog's worker, not the GUI thread."""
    global _warm
    if not wants_process(session):
        return
    with _warm_lock:
        if _warm is not None and _ready(_warm):
            return
        old, _warm = _warm, _start()
    _end(old)


def discard() -> None:
    """End a child started ahead and never used (the import dialog closed)."""
    global _warm
    with _warm_lock:
        taken, _warm = _warm, None
    _end(taken)


def _ready(child: tuple[Any, Any, float]) -> bool:
    """Alive, and far from its idle end (:data:`IDLE_EXIT_S`): a job sent just as it
    ended idle would find it gone."""
    return child[0].is_alive() and time.monotonic() - child[2] < IDLE_EXIT_S / 2


def _end(child: tuple[Any, Any, float] | None) -> None:
    """End a child that was given no job, so writes nothing: at once, not waited for (on
    the GUI thread as the dialog closes; a child still importing its modules would notice
    its closed pipe only after them)."""
    if child is not None:
        child[1].close()
        child[0].terminate()


def _start() -> tuple[Any, Any, float]:
    ctx = multiprocessing.get_context("spawn")  # as on Windows, and no fork of Qt
    ours, theirs = ctx.Pipe()
    proc = ctx.Process(target=serve, args=(theirs, ANSWER_PIECE), daemon=True,
                       name="ecozone-import")
    proc.start()
    theirs.close()
    return proc, ours, time.monotonic()


def _take() -> tuple[Any, Any]:
    """The child started ahead if it is ready, else a new one: (process, our pipe end)."""
    global _warm
    with _warm_lock:
        taken, _warm = _warm, None
    if taken is None or not _ready(taken):
        _end(taken)
        taken = _start()
    return taken[0], taken[1]


class _Stopped(Exception):
    """The child was killed because ``stop()`` said so."""


def _in_child(job: tuple[Any, ...], died: Callable[[int | None], ImportProcessDied],
              stop: Callable[[], bool] | None = None) -> Any:
    """``job`` done by :func:`serve` in a child; its answer, or its exception raised here;
    ``died(exit code)`` raised for a child that ends without answering.  ``stop()``, asked
    while waiting, True: the child is killed and :class:`_Stopped` raised (whatever it had
    committed stays: a transaction is whole or absent)."""
    proc, ours = _take()
    try:
        ours.send(job)
    except OSError:  # the child ended before it was asked anything
        ours.close()
        proc, ours, _ = _start()
        ours.send(job)

    def receive() -> Any:
        while not ours.poll(POLL_S):
            if stop is not None and stop():
                proc.kill()
                proc.join(5)
                raise _Stopped()
            if not proc.is_alive() and not ours.poll(0):
                raise died(proc.exitcode)
        try:
            return ours.recv()
        except (EOFError, OSError):  # its end of the pipe closed: it ended, or is ending
            proc.join(5)  # (its exit code is known once it is reaped)
            raise died(proc.exitcode) from None

    try:
        kind, value = receive()
        if kind == "report":  # the report's long lists follow a piece at a time
            report = value[0]
            while (part := receive())[0] == "part":
                getattr(report, part[1]).extend(part[2])
                if gil_slices.in_worker():
                    gil_slices.hand_over()  # the GUI thread's turn
    finally:
        ours.close()
        proc.join(5)
        if proc.is_alive():
            proc.terminate()
    if kind == "error":
        raise value
    return value


def serve(conn: Any, piece: int = ANSWER_PIECE) -> None:
    """The child: import what a job needs, wait for the job (at most
    :data:`IDLE_EXIT_S`; the window closing the pipe ends it), do it and answer.

    ``("import", choices, stamp, dry_run)``: read with ``choices``, check and write as the
    dialog's session would; answer ``("report", (report, batch))``, the report's long
    lists then in ``("part", field, items)`` messages of ``piece`` items and ``("end",)``.
    A file that is no longer the one the window read (``stamp``) is refused: the user
    checked and previewed that one.  ``("undo", workspace, batch)``: answer
    ``("done", message)``.  A failure answers ``("error", exception)``."""
    from models.priority import lower_this_process

    lower_this_process()  # the window's GUI thread first on a two-core laptop, imports too
    from geodata.io.import_session import ImportSession
    from geodata.io.workspace_import import undo_import

    try:
        if not conn.poll(IDLE_EXIT_S):
            return
        job = conn.recv()
    except (EOFError, OSError):  # the window let go of it: not needed
        return
    try:
        if job[0] == "undo":
            answer: tuple[str, Any] = ("done", undo_import(Path(job[1]), int(job[2])))
        else:
            _, choices, stamp, dry_run = job
            session = ImportSession(**choices)
            if session.read() is None and session.crs_refusal is not None:
                raise session.crs_refusal
            if session.read_stamp is None or session.read_stamp != stamp:
                name = Path(str(choices["path"])).name
                raise ImportRefused(msg(
                    f"文件 {name} 在预览之后已被修改，未导入；请返回第 1 步重新选择该文件",
                    f"{name} was changed after it was previewed and was not imported; go "
                    "back to step 1 and choose it again"))
            report = session.run(dry_run)
            answer = ("report", (report, session.last_batch))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the window
        try:
            conn.send(("error", exc))
        except Exception as why:  # noqa: BLE001 - an exception that does not pickle
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc} ({why})")))
        conn.close()
        return
    if answer[0] == "done":
        conn.send(answer)
        conn.close()
        return
    # the long lists (a 100k import's new or updated codes) apart, a piece a message: the
    # window unpickles each message in one call holding its GIL (100k codes: ~10 ms)
    long = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)
            if isinstance(getattr(report, f.name), list)
            and len(getattr(report, f.name)) > piece}
    conn.send(("report", (dataclasses.replace(report, **{k: [] for k in long}),
                          session.last_batch)))
    for name, items in long.items():
        for start in range(0, len(items), piece):
            conn.send(("part", name, items[start:start + piece]))
    conn.send(("end",))
    conn.close()
