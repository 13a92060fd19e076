"""The window's compliance check in a child process (issue 17).

In a worker *thread* of the window, ``check_flag_bits`` held the GIL inside long pandas,
pyarrow and GEOS calls, so the GUI thread waited behind it (gaps of 46 / 112 / ~700 ms at
10k / 100k / 1M outfalls), and its temporaries (~0.35 GB at 1M) stayed in the window's
memory.  Here a long-lived child process (spawn start method, as on Windows; started on
first use, its imports paid once) reads the workspace GeoPackage itself with the
command line's light reader (:func:`models.compliance_input.read`) and answers with the
flag bits per outfall row of the file, the rows' fids and their codes -- as raw buffers
(int64 bytes; the codes as an Arrow IPC stream), never a pickled list of Python strings.

The file is what the window has: an edit is saved before its command returns
(``EditSession.apply``), imports and pulls write the file before the window reloads.  The
caller sends a check only when nothing is pending (``ui.outfalls.flag_checker``), and
aligns the answer to its frame by fid (``CheckProcess.check`` returns what it read).

Requests are answered in order; one sent while another is being checked waits, and of
several waiting only the newest is checked (the window wants the newest state only).  A
child that dies (killed, out of memory) fails the request under way with
:class:`CheckProcessDied`; the next request starts a new child.  :meth:`CheckProcess.close`
terminates it (the window closing mid-check does not wait for the check).  The child
runs at a lower priority than the window (:func:`models.priority.lower_this_process`),
keeps a check's freed memory for the next while edits come (``KEEP_WARM_S``), and ends
after ``IDLE_EXIT_S`` without a request (the next check starts another).

Qt-free; the child imports no Qt either.
"""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.priority import lower_this_process

#: how often a waiting caller looks whether it should stop (s)
POLL_S = 0.05
#: a child with no request for this long ends (it holds ~200-300 MB for nothing); the
#: next check starts another
IDLE_EXIT_S = 600.0
#: the check's freed temporaries are kept this long after a check for the next one (edits
#: come in bursts), then given back to the system (:func:`serve`)
KEEP_WARM_S = 20.0


class CheckProcessDied(RuntimeError):
    """The child process ended while a check was under way."""


@dataclass
class FileFlags:
    """The answer to one check of a workspace file."""

    bits: np.ndarray  # int64 per outfall row of the file (models.compliance.check_flag_bits)
    fids: np.ndarray | None  # int64 GeoPackage fid per row (None: the file did not say)
    #: the rows' codes, an Arrow IPC stream of one string column (None: not asked for)
    codes_ipc: bytes | None
    #: the child's own peak RSS (MB) and the check's CPU and wall seconds there
    child_peak_mb: float
    cpu_s: float
    wall_s: float

    def codes(self) -> np.ndarray:
        """The codes as an object array of str (only when alignment by fid fails: a
        million Python strings cost ~0.15 s and ~60 MB)."""
        import pyarrow as pa

        if self.codes_ipc is None:
            raise ValueError("the check was asked without its codes")
        col = pa.ipc.open_stream(self.codes_ipc).read_all().column(0)
        return np.asarray(col.to_numpy(zero_copy_only=False), dtype=object)


# -- the child ---------------------------------------------------------------------------
def flags_of_file(path: str, with_codes: bool = True) -> dict[str, Any]:
    """Check the workspace GeoPackage at ``path``: what :class:`FileFlags` carries, packed
    small (at 1M rows the bits as int64, fids and codes were ~35 MB through the pipe, and
    the window's worker held the GIL ~30 ms taking them in): bits as bytes when they fit
    (8 checks), fids as (first, count) when they run without gaps, the codes only
    ``with_codes``."""
    import pyarrow as pa

    from models import compliance_input
    from models.compliance import ComplianceConfig, check_flag_bits

    inp = compliance_input.read(Path(path), ComplianceConfig().required_fields)
    if inp is None:  # no outfalls
        bits, fids, codes = np.zeros(0, np.int64), np.zeros(0, np.int64), pa.array([], pa.string())
    else:
        bits = np.ascontiguousarray(check_flag_bits(inp), dtype=np.int64)
        fids = inp.fids
        codes = inp.codes_arrow if inp.codes_arrow is not None else \
            pa.array([str(c) for c in inp.codes.tolist()], pa.string())
    ipc = None
    if with_codes:
        sink = pa.BufferOutputStream()
        batch = pa.record_batch([codes], names=["code"])
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_batch(batch)
        ipc = sink.getvalue().to_pybytes()
    small = not len(bits) or (bits.min() >= 0 and bits.max() < 256)
    packed_fids: Any = None
    if fids is not None:
        fids = np.asarray(fids, np.int64)
        run = len(fids) > 0 and fids[-1] - fids[0] == len(fids) - 1 and \
            bool(np.all(np.diff(fids) == 1))
        packed_fids = (int(fids[0]), len(fids)) if run else fids.tobytes()
    return {"bits": bits.astype(np.uint8).tobytes() if small else bits.tobytes(),
            "bits_dtype": "u1" if small else "i8", "fids": packed_fids, "codes": ipc}


def serve(conn: Any, idle_exit_s: float = IDLE_EXIT_S, keep_warm_s: float = KEEP_WARM_S) -> None:
    """The child's loop: ``(request id, path, with codes)`` in, ``(id, ok, payload)`` out;
    None, a closed pipe (the window gone) or ``idle_exit_s`` without a request end it."""
    import signal
    import traceback

    from models.memory import (
        keep_arrow_pages,
        keep_freed_memory,
        no_fastbins,
        peak_rss_mb,
        release_memory,
        share_arenas,
    )

    try:  # Ctrl+C in the console is the window's to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        pass
    lower_this_process()
    share_arenas()
    no_fastbins()  # as the window (models/memory.py)
    # the temporaries of a check are kept for the next one while edits come, and given
    # back once the child is idle (models/memory.py, keep_freed_memory, says why)
    keep_freed_memory()
    keep_arrow_pages()
    # the check's imports now, while the window still makes its table: the first check
    # then waits only for itself (they are ~1-2 s of a cold start)
    import pyogrio  # noqa: F401
    import shapely  # noqa: F401

    from models import compliance  # noqa: F401
    warm = False  # a check's freed memory is kept for the next
    while True:
        try:
            if not conn.poll(min(keep_warm_s, idle_exit_s) if warm else idle_exit_s):
                if not warm:
                    return  # idle: exit code 0, and the window starts another when needed
                release_memory()  # no edit for a while: the child waits, small
                warm = False
                if not conn.poll(max(0.0, idle_exit_s - keep_warm_s)):
                    return
            request = conn.recv()
            while request is not None and conn.poll():  # of those waiting, the newest
                request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        rid, path, with_codes = request
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            payload, ok = flags_of_file(path, with_codes), True
        except Exception:  # noqa: BLE001 - the window logs it and keeps its old flags
            payload, ok = {"error": traceback.format_exc()}, False
        warm = True
        payload.update(peak_mb=peak_rss_mb(), cpu_s=time.process_time() - c0,
                       wall_s=time.perf_counter() - t0)
        try:
            conn.send((rid, ok, payload))
        except (EOFError, OSError):
            return


_IDLE_EXIT = object()


def _unpacked_bits(payload: dict[str, Any]) -> np.ndarray:
    raw = np.frombuffer(payload["bits"], np.uint8 if payload["bits_dtype"] == "u1"
                        else np.int64)
    return raw.astype(np.int64)


def _unpacked_fids(packed: Any) -> np.ndarray | None:
    if packed is None:
        return None
    if isinstance(packed, tuple):  # (first, count): fids without gaps
        first, count = packed
        return np.arange(first, first + count, dtype=np.int64)
    return np.frombuffer(packed, np.int64)


# -- the window's side -------------------------------------------------------------------
class CheckProcess:
    """The child process and its pipe, from the window's side.  :meth:`check` is called
    from one worker thread at a time; :meth:`close` from any thread."""

    def __init__(self, idle_exit_s: float = IDLE_EXIT_S) -> None:
        self.idle_exit_s = idle_exit_s
        self._proc: Any = None
        self._conn: Any = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.closed = False
        #: how many child processes were started (tests: a killed child is replaced)
        self.starts = 0

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None else None

    @property
    def running(self) -> bool:
        """Whether the child is alive (a non-blocking poll of it)."""
        proc = self._proc
        return proc is not None and proc.is_alive()

    def _ensure(self) -> tuple[Any, Any]:
        if self._proc is not None and self._proc.is_alive():
            return self._proc, self._conn
        self._discard()
        ctx = multiprocessing.get_context("spawn")  # as on Windows, and no fork of Qt
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=serve, args=(theirs, self.idle_exit_s), daemon=True,
                           name="ecozone-compliance-check")
        proc.start()
        theirs.close()  # the child's end: only the child holds it, so its death is EOF
        self._proc, self._conn = proc, mine
        self.starts += 1
        return proc, mine

    def start(self) -> None:
        """Start the child now (it imports what a check needs), so the first check does
        not wait for that; a no-op if it runs or the process was closed."""
        with self._lock:
            if not self.closed:
                self._ensure()

    def check(self, path: Path | str, stop: Callable[[], bool] = lambda: False,
              with_codes: bool = True) -> FileFlags | None:
        """Check the GeoPackage at ``path`` in the child; None if ``stop()`` turned true
        (the answer is then dropped when it comes) or the process was closed.  Raises
        :class:`CheckProcessDied` if the child ended, RuntimeError if the check failed.
        ``with_codes``: the answer carries the rows' codes (else only bits and fids)."""
        for attempt in (1, 2):
            got = self._ask(path, stop, with_codes, retry=attempt == 1)
            if got is not _IDLE_EXIT:
                return got  # type: ignore[return-value]
        raise CheckProcessDied("the compliance check process has ended")

    def _ask(self, path: Path | str, stop: Callable[[], bool], with_codes: bool,
             retry: bool) -> Any:
        """One request; ``_IDLE_EXIT`` if the child had ended idle before it took the
        request (and ``retry``: the caller asks a new one)."""
        with self._lock:
            if self.closed:
                return None
            proc, conn = self._ensure()
            rid = next(self._ids)
            try:
                conn.send((rid, str(path), with_codes))
            except (EOFError, OSError):
                self._discard()
                if retry and proc.exitcode == 0:  # it had ended idle: a new one
                    return _IDLE_EXIT
                raise CheckProcessDied("the compliance check process has ended") from None
        while True:
            if self.closed or stop():
                return None
            try:
                if not conn.poll(POLL_S):
                    if not proc.is_alive():
                        raise EOFError
                    continue
                got = conn.recv()
            except (EOFError, OSError, TypeError):  # TypeError: the pipe closed under us
                if self.closed:
                    return None
                proc.join(1)
                code = proc.exitcode
                with self._lock:
                    if self._proc is proc:
                        self._discard()
                if code == 0 and retry:  # it ended idle as the request came: once more
                    return _IDLE_EXIT
                raise CheckProcessDied(f"the compliance check process ended "
                                       f"(exit code {code})") from None
            if got[0] != rid:  # the answer to a request given up earlier
                continue
            _, ok, payload = got
            if not ok:
                raise RuntimeError("compliance check failed in its process:\n"
                                   + payload["error"])
            return FileFlags(_unpacked_bits(payload), _unpacked_fids(payload["fids"]),
                             payload["codes"], float(payload["peak_mb"]),
                             float(payload["cpu_s"]), float(payload["wall_s"]))

    def _discard(self) -> None:
        """Forget (and end) the current child."""
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is not None:
            if proc.is_alive():
                proc.terminate()
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """End the child now, mid-check or idle (the window is closing); no zombie."""
        self.closed = True
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.terminate()  # a check under way is not waited for
        with self._lock:
            self._discard()
