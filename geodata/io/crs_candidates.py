"""A coordinate system the coordinates of a file could be in, offered to the user.

A refusal for want of a CRS carries these as data (``ImportRefused.crs_candidates``), so
that the import dialog lists them and the command line prints them without parsing either
back out of the message text (issue 12).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A CRS the coordinates could be in (``crs``: 'EPSG:n', 'gcj02' or 'bd09')."""

    crs: str
    name: str
    in_quanzhou: bool

    def label(self) -> str:
        where = "落在泉州 / lands in Quanzhou" if self.in_quanzhou else \
            "不在泉州 / outside Quanzhou"
        return f"{self.crs} ({self.name}; {where})"

    def to_json(self) -> dict[str, object]:
        return {"crs": self.crs, "name": self.name, "in_quanzhou": self.in_quanzhou}
