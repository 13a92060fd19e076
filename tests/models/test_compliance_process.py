"""The check process (models/compliance_process.py) answers with what the check gives
in-process on the opened workspace, survives a failed check, is replaced after it dies,
and ends when closed -- also in the middle of a check."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from models.compliance import check_flag_bits
from models.compliance_process import CheckProcess, CheckProcessDied
from models.workspace import Workspace
from tests.models import outfall_testdata as td


@pytest.fixture
def process():
    p = CheckProcess()
    yield p
    p.close()


def test_flags_fids_and_codes_equal_the_check_of_the_opened_workspace(process, tmp_path):
    folder = tmp_path / "泉州 工作空间#1"
    folder.mkdir()
    path = td.build(folder / "排污口.gpkg")
    got = process.check(path)
    ws = Workspace.open(path)
    assert np.array_equal(got.bits, check_flag_bits(ws))
    assert np.array_equal(got.fids, ws.fids["outfalls"])
    assert got.codes().tolist() == td.CODES
    assert got.child_peak_mb >= 0


def test_a_failed_check_is_an_error_and_the_process_answers_the_next(process, tmp_path):
    bad = tmp_path / "not_a_workspace.gpkg"
    bad.write_text("这不是 GeoPackage")
    with pytest.raises(RuntimeError, match="compliance check failed"):
        process.check(bad)
    got = process.check(td.build(tmp_path / "ws.gpkg"))
    assert len(got.bits) == len(td.CODES)
    assert process.starts == 1  # the same process


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"),
                                reason="a FIFO nobody writes holds the child mid-check")


def _held(process, tmp_path):
    """Start a check that stays inside its read (the workspace is a FIFO); its thread and
    what it returned or raised."""
    fifo = tmp_path / "held.gpkg"
    os.mkfifo(fifo)
    out: dict = {}

    def run():
        try:
            out["result"] = process.check(fifo)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    return t, out


@needs_fifo
def test_a_child_killed_mid_check_fails_that_check_and_the_next_starts_a_new_one(
        process, tmp_path):
    t, out = _held(process, tmp_path)
    while process.pid is None:
        t.join(0.05)
    t.join(1.0)
    assert t.is_alive()  # waiting for the child
    os.kill(process.pid, 9)
    t.join(60)
    assert not t.is_alive() and isinstance(out.get("error"), CheckProcessDied)
    got = process.check(td.build(tmp_path / "ws.gpkg"))
    assert process.starts == 2 and len(got.bits) == len(td.CODES)


@needs_fifo
def test_close_mid_check_ends_the_child_and_the_wait(process, tmp_path):
    t, out = _held(process, tmp_path)
    while process.pid is None:
        t.join(0.05)
    proc = process._proc
    process.close()
    assert not proc.is_alive() and proc.exitcode is not None  # ended and reaped
    t.join(60)
    assert not t.is_alive() and out == {"result": None}
    assert process.check(tmp_path / "anything.gpkg") is None  # closed for good


def test_fids_with_gaps_and_an_answer_without_codes(process, tmp_path):
    import sqlite3

    path = td.build(tmp_path / "ws.gpkg")
    con = sqlite3.connect(path)
    with con:  # a deleted outfall leaves a gap in the fids
        con.execute("DELETE FROM outfalls WHERE code = ?", (td.CODES[3],))
    con.close()
    got = process.check(path, with_codes=False)
    ws = Workspace.open(path)
    assert np.array_equal(got.fids, ws.fids["outfalls"]) and len(got.fids) == 7
    assert np.array_equal(got.bits, check_flag_bits(ws))
    assert got.codes_ipc is None


def test_an_idle_child_ends_and_the_next_check_starts_another(tmp_path):
    import time

    process = CheckProcess(idle_exit_s=0.5)
    try:
        path = td.build(tmp_path / "ws.gpkg")
        assert len(process.check(path).bits) == len(td.CODES)
        proc = process._proc
        deadline = time.monotonic() + 60
        while proc.is_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.exitcode == 0  # ended by itself, idle
        assert len(process.check(path).bits) == len(td.CODES)
        assert process.starts == 2
    finally:
        process.close()


def test_the_child_keeps_a_checks_memory_while_edits_come_and_gives_it_back_when_idle(
        tmp_path, monkeypatch):
    """Re-checks in a burst of edits reuse the last check's memory (faulted in afresh, a
    burst of page faults stopped the window's event loop on the benchmarks' virtual
    machine); a while after the last check the child gives it back and still answers."""
    import time
    from multiprocessing import Pipe

    import models.memory as memory
    from models import compliance_process

    released: list[float] = []
    monkeypatch.setattr(memory, "release_memory", lambda: released.append(time.monotonic()))
    # serve() run here, in a thread of the test process: leave this process's priority
    # and malloc settings alone
    for name in ("keep_freed_memory", "keep_arrow_pages", "share_arenas", "no_fastbins"):
        monkeypatch.setattr(memory, name, lambda: None)
    monkeypatch.setattr(compliance_process, "lower_this_process", lambda: None)
    path = str(td.build(tmp_path / "ws.gpkg"))
    window, child = Pipe()
    served = threading.Thread(target=compliance_process.serve, args=(child, 30.0, 0.5))
    served.start()
    try:
        window.send((1, path, False))
        rid, ok, _ = window.recv()
        answered = time.monotonic()
        assert (rid, ok) == (1, True)
        window.send((2, path, False))  # the next edit's check, at once
        rid, ok, payload = window.recv()
        assert (rid, ok) == (2, True) and payload["bits"]
        assert released == []  # kept for the next check
        last = time.monotonic()
        deadline = last + 10
        while not released and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(released) == 1 and released[0] - last >= 0.4 and released[0] > answered
        window.send((3, path, False))  # and after that it still answers
        rid, ok, _ = window.recv()
        assert (rid, ok) == (3, True)
    finally:
        window.send(None)
        served.join(10)
    assert not served.is_alive()
