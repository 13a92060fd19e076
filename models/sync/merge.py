"""The three-way merge of one outfall, field by field.

``base`` is what the server held when this laptop last synced, ``mine`` the laptop's row
now, ``theirs`` the server's row now.  For each field:

- mine == base: nothing changed here; take theirs;
- theirs == base: only this laptop changed it; keep (push) mine;
- mine == theirs: both made the same change: no conflict;
- otherwise: a conflict, kept with base, mine and theirs until someone resolves it.

The point (``geometry``) is one field: both sides moving it to different places is a
conflict, reported with both positions and the distance between them.  Rows are plain
dicts: field → value, and ``geometry`` → ``[lon, lat]`` or None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from geodata import schema

GEOMETRY = "geometry"
ROW = "row"  # the pseudo field of whole-row conflicts (deleted on one side, new on both)
FIELDS: tuple[str, ...] = tuple(f.name for f in schema.OUTFALL_FIELDS if f.name != "code")
#: Positions closer than this (degrees, ~1 mm) are the same position.
XY_TOLERANCE = 1e-8

Row = Mapping[str, Any]


def _norm(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value if isinstance(value, str) else str(value)


def same(field: str, a: Any, b: Any) -> bool:
    """Whether two values of ``field`` are the same (NULL and '' are; positions within
    :data:`XY_TOLERANCE`)."""
    if field == GEOMETRY:
        if a is None or b is None:
            return a is None and b is None
        return abs(float(a[0]) - float(b[0])) <= XY_TOLERANCE and \
            abs(float(a[1]) - float(b[1])) <= XY_TOLERANCE
    return bool(_norm(a) == _norm(b))


def fields_of(*rows: Row) -> list[str]:
    names = [f for f in FIELDS if any(f in r for r in rows)]
    return [*names, GEOMETRY]


def changed(base: Row, mine: Row, fields: Iterable[str] | None = None) -> list[str]:
    """The fields of ``mine`` that differ from ``base``."""
    names = list(fields) if fields is not None else fields_of(base, mine)
    return [f for f in names if not same(f, base.get(f), mine.get(f))]


def distance_m(a: Any, b: Any) -> float | None:
    """Geodesic distance in metres between two [lon, lat] positions (None if one is none)."""
    if a is None or b is None:
        return None
    from pyproj import Geod

    _, _, d = Geod(ellps="GRS80").inv(float(a[0]), float(a[1]), float(b[0]), float(b[1]))
    return float(d)


@dataclass(frozen=True)
class FieldConflict:
    code: str
    field: str
    base: Any
    mine: Any
    theirs: Any

    @property
    def distance_m(self) -> float | None:
        return distance_m(self.mine, self.theirs) if self.field == GEOMETRY else None


@dataclass
class Merged:
    """What merging one incoming server row does to the laptop's row."""

    take: dict[str, Any]  # fields the laptop takes from the server
    keep: list[str]  # fields the laptop keeps (its own change, still to push)
    conflicts: list[FieldConflict]


def merge_row(code: str, base: Row, mine: Row, theirs: Row,
              skip: Iterable[str] = ()) -> Merged:
    """Merge ``theirs`` into ``mine`` against ``base``; fields in ``skip`` (open conflicts,
    or fields this laptop just pushed) are left as they are."""
    out = Merged({}, [], [])
    skipped = set(skip)
    for f in fields_of(base, mine, theirs):
        if f in skipped:
            continue
        b, m, t = base.get(f), mine.get(f), theirs.get(f)
        if same(f, m, b):
            if not same(f, m, t):
                out.take[f] = t
        elif same(f, t, b) or same(f, m, t):
            out.keep.append(f)
        else:
            out.conflicts.append(FieldConflict(code, f, b, m, t))
    return out


def decide_push(base: Row, mine: Row, theirs: Row, fields: Iterable[str]
                ) -> tuple[dict[str, Any], list[str]]:
    """For the locally changed ``fields``: which values to write on the server, and which
    fields conflict (the server changed them too, to something else)."""
    write: dict[str, Any] = {}
    conflicts: list[str] = []
    for f in fields:
        b, m, t = base.get(f), mine.get(f), theirs.get(f)
        if same(f, t, m):
            continue  # the same change on both sides
        if same(f, t, b):
            write[f] = m
        else:
            conflicts.append(f)
    return write, conflicts


def display(field: str, value: Any) -> str:
    """How a value is shown in the conflict list (and stored in its text columns)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if field == GEOMETRY:
        return f"{float(value[0]):.7f},{float(value[1]):.7f}"
    return str(value)
