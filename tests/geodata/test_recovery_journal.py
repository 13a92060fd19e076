"""The recovery journal keeps what it keeps byte for byte."""

from __future__ import annotations

import json

from geodata.recovery import RecoveryJournal


def test_dropping_saved_batches_keeps_the_other_lines_as_written(tmp_path):
    ws = tmp_path / "ws.gpkg"
    ws.write_bytes(b"")
    j = RecoveryJournal(ws)
    moves = {"batch": "b1", "note": "核查：位置偏移", "changes": [
        ["PWK350582H0001", "geometry", [118.123456789, 24.5], [118.1234571, 24.50000001]]]}
    other = {"batch": "b2", "note": "", "changes": [["PWK350582H0002", "review_status",
                                                   "待核查", "已核查"]]}
    j.append(moves)
    j.append(other)
    with open(j.path, "ab") as f:
        f.write(b'{"batch": "b3", "changes": [["torn')  # a crash mid-write
    before = j.path.read_bytes().splitlines()
    j.drop({"b2"})
    after = j.path.read_bytes().splitlines()
    assert after == [before[0]]  # the same bytes, the torn line gone with the dropped
    assert json.loads(after[0]) == moves
    j.keep_only({"b9"})
    assert not j.path.exists()


def test_an_entry_is_in_the_file_at_once_and_fsynced_on_another_thread(tmp_path, monkeypatch):
    """``append`` runs on the window's GUI thread: the line is written before it returns
    (a crash or kill of the program keeps it), the fsync follows on the sync thread."""
    import os
    import threading

    ws = tmp_path / "ws.gpkg"
    ws.write_bytes(b"")
    j = RecoveryJournal(ws)
    gate = threading.Event()
    synced_in: list[str] = []
    real_fsync = os.fsync

    def slow_fsync(fd):
        synced_in.append(threading.current_thread().name)
        gate.wait(10)  # a slow disk
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    entry = {"batch": "b1", "note": "", "changes": [["PWK350582H0001", "review_status",
                                                     "待核查", "已核查"]]}
    j.append(entry)  # returns though the fsync is held up
    assert [json.loads(line) for line in j.path.read_bytes().splitlines()] == [entry]
    assert not j.synced(timeout=0.2)
    gate.set()
    assert j.synced(timeout=10)
    assert synced_in and set(synced_in) == {"ecozone-journal-sync"}


def test_a_failed_fsync_is_reported_by_the_next_append(tmp_path, monkeypatch):
    import os

    import pytest

    ws = tmp_path / "ws.gpkg"
    ws.write_bytes(b"")
    j = RecoveryJournal(ws)

    def failing_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    j.append({"batch": "b1", "changes": []})
    assert j.synced(timeout=10)
    monkeypatch.undo()
    with pytest.raises(OSError, match="Input/output error"):
        j.append({"batch": "b2", "changes": []})
    j.append({"batch": "b3", "changes": []})  # reported once; the journal goes on
    assert j.synced(timeout=10)
    assert [e["batch"] for e in j.entries()] == ["b1", "b3"]


def test_a_journal_trimmed_before_its_fsync_is_not_made_again(tmp_path, monkeypatch):
    import threading

    ws = tmp_path / "ws.gpkg"
    ws.write_bytes(b"")
    j = RecoveryJournal(ws)
    gate = threading.Event()
    real_fsync = RecoveryJournal._fsync

    def late_fsync(self, path, upto):
        gate.wait(10)  # the save trims the journal first
        real_fsync(self, path, upto)

    monkeypatch.setattr(RecoveryJournal, "_fsync", late_fsync)
    j.append({"batch": "b1", "changes": []})
    j.drop({"b1"})  # saved: the journal is empty and removed
    gate.set()
    assert j.synced(timeout=10)
    assert not j.path.exists()
