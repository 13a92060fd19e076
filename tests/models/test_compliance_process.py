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
