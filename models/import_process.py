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

Only files of at least :data:`PROCESS_ROWS` rows go to a child: starting one (spawn, as on
Windows; its imports) costs ~1-2 s, which a small import should not pay.
``ECOZONE_IMPORT_PROCESS=0`` turns the child off.  The answer is the report or the
exception, pickled (:class:`~geodata.io.messages.ImportRefused` keeps its bilingual
message).  A child that ends without answering (killed, out of memory) fails the import
with a message that says whether its batch reached the workspace: a transaction either
commits whole or not at all.

Qt-free; the child imports no Qt.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from pathlib import Path
from typing import Any

from geodata import gil_slices
from geodata.io.messages import ImportCancelled, ImportRefused, msg
from geodata.io.read_result import Progress
from geodata.io.workspace_import import ImportReport, list_batches

#: rows read at or above which the import's check and write go to a child process
PROCESS_ROWS = 20_000
#: how often the waiting worker looks whether the child is still there (s)
POLL_S = 0.2
#: items of a report's list per message of the answer (~1-2 ms to unpickle)
ANSWER_PIECE = 8_192

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
    before = _batch_ids(Path(session.workspace))
    report, batch = _in_child(choices, session.read_stamp, dry_run, before)
    if not dry_run:
        session.last_batch = batch
    return report


def _batch_ids(workspace: Path) -> set[int]:
    try:
        return {int(b["batch_id"]) for b in list_batches(workspace)}
    except Exception:  # noqa: BLE001 - only for the message should the child die
        return set()


def _in_child(choices: dict[str, Any], stamp: tuple[int, int] | None, dry_run: bool,
              before: set[int]) -> tuple[ImportReport, int | None]:
    ctx = multiprocessing.get_context("spawn")  # as on Windows, and no fork of Qt
    ours, theirs = ctx.Pipe()
    proc = ctx.Process(target=serve, args=(theirs, choices, stamp, dry_run, ANSWER_PIECE),
                       daemon=True, name="ecozone-import")
    proc.start()
    theirs.close()

    def receive() -> Any:
        while not ours.poll(POLL_S):
            if not proc.is_alive() and not ours.poll(0):
                raise _died(proc.exitcode, choices, before)
        try:
            return ours.recv()
        except (EOFError, OSError):
            raise _died(proc.exitcode, choices, before) from None

    try:
        kind, value = receive()
        if kind == "ok":  # the report's long lists follow a piece at a time
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


def _died(code: int | None, choices: dict[str, Any], before: set[int]) -> ImportProcessDied:
    """The message for a child that ended without an answer: whether its batch is in the
    workspace (the transaction committed) or nothing was written."""
    name = Path(str(choices["path"])).name
    written = sorted(_batch_ids(Path(choices["workspace"])) - before)
    if written:
        return ImportProcessDied(msg(
            f"导入 {name} 的进程意外结束（退出码 {code}），但批次 {written[-1]} 已完整写入工作区；"
            "请重新载入图层查看",
            f"the process importing {name} ended unexpectedly (exit code {code}), but batch "
            f"{written[-1]} was written to the workspace whole; reload the layer to see it"))
    return ImportProcessDied(msg(
        f"导入 {name} 的进程意外结束（退出码 {code}），工作区未作任何改动",
        f"the process importing {name} ended unexpectedly (exit code {code}); the workspace "
        "was not changed"))


def serve(conn: Any, choices: dict[str, Any], stamp: tuple[int, int] | None,
          dry_run: bool, piece: int = ANSWER_PIECE) -> None:
    """The child: read with ``choices``, check and write as the dialog's session would,
    answer ``("ok", (report, batch))`` or ``("error", exception)``.  A file that is no
    longer the one the window read (``stamp``) is refused: the user checked and previewed
    that one."""
    from geodata.io.import_session import ImportSession
    from models.priority import lower_this_process

    lower_this_process()  # the window's GUI thread first on a two-core laptop
    try:
        session = ImportSession(**choices)
        if session.read() is None and session.crs_refusal is not None:
            raise session.crs_refusal
        if session.read_stamp is None or session.read_stamp != stamp:
            name = Path(str(choices["path"])).name
            raise ImportRefused(msg(
                f"文件 {name} 在预览之后已被修改，未导入；请返回第 1 步重新选择该文件",
                f"{name} was changed after it was previewed and was not imported; go back "
                "to step 1 and choose it again"))
        report = session.run(dry_run)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the window
        try:
            conn.send(("error", exc))
        except Exception as why:  # noqa: BLE001 - an exception that does not pickle
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc} ({why})")))
        conn.close()
        return
    # the long lists (a 100k import's new or updated codes) apart, a piece a message: the
    # window unpickles each message in one call holding its GIL (100k codes: ~10 ms)
    long = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)
            if isinstance(getattr(report, f.name), list)
            and len(getattr(report, f.name)) > piece}
    conn.send(("ok", (dataclasses.replace(report, **{k: [] for k in long}),
                      session.last_batch)))
    for name, items in long.items():
        for start in range(0, len(items), piece):
            conn.send(("part", name, items[start:start + piece]))
    conn.send(("end",))
    conn.close()
