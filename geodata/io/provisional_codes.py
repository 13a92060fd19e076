"""Provisional codes for outfalls found without one (a patrol's KML, a ledger's new rows).

Finding outfalls nobody has registered is the point of a patrol (排查), so a file of named
points without codes is imported, not refused.  Each such outfall gets a provisional code

    待编码-<6-digit county code>-<4-digit serial>      e.g. 待编码-350582-0001

- the county is the file's county code when it has a valid one (35xxxx), else the county
  whose boundary holds the point, else the nearest county within about 5 km (a point picked
  just offshore), else 350500 (泉州市 as a whole);
- the serial counts on from the highest ever given in that county -- in the outfalls and
  in the audit log, so a code given, then replaced by a real one or undone, is never
  given again to another outfall;
- the compliance check flags it 缺少编码 until an inspector gives it its real code
  (an ordinary, undoable review edit with an audit row: ``outfall_edits.set_code``).

Re-importing the same file must not add the outfalls again: a row without a code is the
outfall already in the workspace with the same name within :data:`MATCH_M` metres.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

PREFIX = "待编码"
PATTERN = re.compile(r"^待编码-(\d{6})-(\d{4,})$")
#: county code used when neither the file nor the boundaries give one (泉州市)
CITY_CODE = "350500"
#: how far offshore (degrees, ~5 km) a point still takes the nearest county's code
NEAREST_COUNTY_DEG = 0.05
#: a row without a code is an outfall already there with the same name this close
MATCH_M = 5.0
_COUNTY = re.compile(r"^35\d{4}$")


def is_provisional(code: object) -> bool:
    return isinstance(code, str) and PATTERN.match(code.strip()) is not None


def provisional_code(county: str, serial: int) -> str:
    return f"{PREFIX}-{county}-{serial:04d}"


def county_of(value: object) -> str | None:
    """A valid county code (35xxxx) from a cell, or None ('350582.0' from a number too)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    text = text[:-2] if text.endswith(".0") else text
    return text if _COUNTY.match(text) else None


def highest_serials(codes: Iterable[object]) -> dict[str, int]:
    """county → the highest provisional serial among ``codes``."""
    out: dict[str, int] = {}
    for c in codes:
        m = PATTERN.match(str(c).strip()) if c is not None else None
        if m:
            out[m.group(1)] = max(out.get(m.group(1), 0), int(m.group(2)))
    return out


def allocate(counties: Sequence[str], taken: Iterable[object]) -> list[str]:
    """A new provisional code for each county in ``counties`` (in order)."""
    last = highest_serials(taken)
    out = []
    for county in counties:
        last[county] = last.get(county, 0) + 1
        out.append(provisional_code(county, last[county]))
    return out


def metres_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance in metres, good to a few millimetres at the 5 m of :data:`MATCH_M`."""
    k = math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot((lon2 - lon1) * 111_320.0 * k, (lat2 - lat1) * 110_574.0)


def name_key(name: object) -> str:
    if name is None or (isinstance(name, float) and name != name):
        return ""
    return re.sub(r"\s+", "", str(name))


def match_by_name_and_position(
        rows: Sequence[tuple[str, float, float]],
        existing: Iterable[tuple[str, str, float, float]]) -> list[str | None]:
    """For each (name, lon, lat) the code of an existing (code, name, lon, lat) with the same
    name within :data:`MATCH_M` metres (the nearest), or None.  Each existing outfall is
    matched once."""
    by_name: dict[str, list[tuple[str, float, float]]] = {}
    for code, name, lon, lat in existing:  # (two unnamed points also match by position)
        by_name.setdefault(name_key(name), []).append((code, lon, lat))
    used: set[str] = set()
    out: list[str | None] = []
    for name, lon, lat in rows:
        best: tuple[float, str] | None = None
        for code, x, y in by_name.get(name_key(name), ()):
            d = metres_between(lon, lat, x, y)
            if d <= MATCH_M and code not in used and (best is None or d < best[0]):
                best = (d, code)
        out.append(best[1] if best else None)
        if best:
            used.add(best[1])
    return out
