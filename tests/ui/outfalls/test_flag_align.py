"""A check's answer matched to the window's rows (``ui.outfalls.flag_checker``): by position
only when the file's rows are the frame's *and* the table has as many; a table not yet
made again for a replaced layer has the old layer's rows, and the answer then needs its
codes (asked for again, not a failed check)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from models.compliance_process import FileFlags
from ui.outfalls.flag_checker import _aligned, _by_position


class _Table:
    def __init__(self, codes: list[str]) -> None:
        self.codes = np.asarray(codes, dtype=object)

    def __len__(self) -> int:
        return len(self.codes)

    def flag_columns_for(self, bits, codes):  # noqa: ANN001, ANN201
        return (list(bits), None if codes is None else list(codes))


def _answer(fids: list[int], codes: list[str] | None) -> FileFlags:
    ipc = None
    if codes is not None:
        sink = pa.BufferOutputStream()
        batch = pa.record_batch([pa.array(codes)], names=["code"])
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_batch(batch)
        ipc = sink.getvalue().to_pybytes()
    return FileFlags(bits=np.arange(len(fids), dtype=np.int64),
                     fids=np.asarray(fids, np.int64), codes_ipc=ipc,
                     child_peak_mb=0.0, cpu_s=0.0, wall_s=0.0)


def test_by_position_when_the_file_the_frame_and_the_table_agree() -> None:
    got = _answer([1, 2, 3], None)
    table = _Table(["A", "B", "C"])
    assert _by_position(got, [1, 2, 3], table)
    bits, codes, prepared, _got = _aligned(got, [1, 2, 3], table, 7)
    assert list(codes) == ["A", "B", "C"] and prepared[1] == 7


def test_a_table_still_of_the_old_layer_needs_the_codes() -> None:
    """The layer replaced (an import added a row), its table not yet made again: the
    frame's fids are the file's, the table is one row short."""
    stale = _Table(["A", "B"])
    assert not _by_position(_answer([1, 2, 3], None), [1, 2, 3], stale)
    # asked again with its codes (as the check's job does), the answer is matched by code
    got = _answer([1, 2, 3], ["A", "B", "C"])
    bits, codes, prepared, _got = _aligned(got, [1, 2, 3], stale, 7)
    assert list(codes) == ["A", "B", "C"]
    assert prepared[3] == ["A", "B", "C"]  # the flag columns made by code


def test_rows_that_differ_are_never_matched_by_position() -> None:
    assert not _by_position(_answer([1, 2, 4], None), [1, 2, 3], _Table(["A", "B", "C"]))
    assert not _by_position(_answer([1, 2, 3], None), None, _Table(["A", "B", "C"]))
    assert not _by_position(_answer([1, 2, 3], None), [1, 2, 3], None)
