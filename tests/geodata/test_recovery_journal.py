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
