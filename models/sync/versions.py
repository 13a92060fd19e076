"""The version of every outfall on either side of a pull, as arrays instead of dictionaries.

A pull compares the server's version of each outfall in scope with the version the laptop
last synced (its base): rows whose versions differ are fetched, rows the server no longer
has are gone.  At a million outfalls two dictionaries of a million entries each, built in
the sync's worker, stopped the window for 25-40 ms at a time: growing a dictionary that
large rehashes it whole in one step, with the GIL held (issue 17, a sync at 1M).  Here the
codes are Arrow text and the versions a numpy array, read a slice of rows at a time with
the GIL handed over between slices, and compared by Arrow's hash lookup, which runs without
the GIL.  They also take a sixth of the memory.  Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geodata import gil_slices


@dataclass(frozen=True)
class Versions:
    """``codes[i]`` has version ``versions[i]`` (each code once)."""

    codes: pa.Array
    versions: np.ndarray

    @classmethod
    def read(cls, cursor: Any) -> Versions:
        """The (code, version) rows of an executed cursor (sqlite3 or psycopg)."""
        codes: list[pa.Array] = []
        versions: list[np.ndarray] = []
        for rows in gil_slices.fetched_slices(cursor):
            codes.append(pa.array([str(r[0]) for r in rows], type=pa.string()))
            versions.append(np.fromiter((r[1] for r in rows), np.int64, len(rows)))
        return cls(pa.concat_arrays(codes) if codes else pa.array([], pa.string()),
                   np.concatenate(versions) if versions else np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.codes)


def to_fetch(theirs: Versions, base: Versions) -> list[str]:
    """The server's codes whose version the base lacks or has otherwise, in the server's
    order: the rows a pull fetches."""
    at = pc.fill_null(pc.index_in(theirs.codes, value_set=base.codes), -1)
    pos = np.asarray(at.to_numpy(zero_copy_only=False), dtype=np.int64)
    differs = (pos < 0) | (base.versions[np.maximum(pos, 0)] != theirs.versions) \
        if len(base) else np.ones(len(theirs), dtype=bool)
    return gil_slices.to_list(theirs.codes.filter(pa.array(differs)))  # (a million: sliced)


def gone(theirs: Versions, base: Versions) -> list[str]:
    """The base's codes the server no longer has (in scope), in the base's order."""
    there = pc.is_in(base.codes, value_set=theirs.codes)
    return gil_slices.to_list(base.codes.filter(pc.invert(there)))
