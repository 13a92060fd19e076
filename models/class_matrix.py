"""Area that moved between unit classes (从 → 到, km²), by county, from the overlay.

Rows are the class in the old edition, columns the class in the new one; index 0 is "no
unit" (area zoned in one edition only), 1 优先保护, 2 重点管控, 3 一般管控.  Cell (k, m)
is the area of every old-unit ∩ new-unit piece with old class k and new class m; (k, 0) is
the part of old units no new unit covers, (0, m) the part of new units no old unit covered.
So a row sums to the old edition's area of that class and a column to the new edition's,
and the whole matrix of a county to its zoned area (the county's area where the units tile
it, as they do on land).

A piece counts for the county of its old unit (``county_code``), a new-only piece for the
county of its new unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from models.edition_match import Overlay

CLASSES = (0, 1, 2, 3)
CLASS_LABELS = {0: ("无单元", "no unit"), 1: ("优先保护", "Priority protection"),
                2: ("重点管控", "Key control"), 3: ("一般管控", "General control")}


@dataclass
class ClassMatrix:
    """m² per county: ``by_county[code]`` is a 4 × 4 array indexed by CLASSES."""

    by_county: dict[str, np.ndarray]

    def total(self) -> np.ndarray:
        out = np.zeros((4, 4))
        for m in self.by_county.values():
            out += m
        return out

    def moved(self, county: str | None = None) -> float:
        """m² whose class changed (off the diagonal, both editions zoned)."""
        m = self.total() if county is None else self.by_county[county]
        inner = m[1:, 1:]
        return float(inner.sum() - np.trace(inner))

    def to_json(self, county_names: dict[str, tuple[str, str]] | None = None
                ) -> dict[str, Any]:
        def km2(m: np.ndarray) -> list[list[float]]:
            return [[round(float(v) / 1e6, 4) for v in row] for row in m]

        names = county_names or {}
        return {
            "unit": "km2",
            "classes": list(CLASSES),
            "class_labels": {str(k): {"zh": v[0], "en": v[1]} for k, v in CLASS_LABELS.items()},
            "rows": "old class (从)", "columns": "new class (到)",
            "total": km2(self.total()),
            "by_county": {c: {"name_zh": names.get(c, (c, c))[0],
                              "name_en": names.get(c, (c, c))[1], "matrix": km2(m)}
                          for c, m in sorted(self.by_county.items())},
        }


def class_matrix(ov: Overlay, old_class: np.ndarray, new_class: np.ndarray,
                 old_county: list[str], new_county: list[str]) -> ClassMatrix:
    """The matrix from an overlay and the classes and counties of the units."""
    out: dict[str, np.ndarray] = {}

    def add(county: str, k: int, m: int, area: float) -> None:
        if area <= 0:
            return
        mat = out.setdefault(county, np.zeros((4, 4)))
        mat[k if k in CLASSES else 0, m if m in CLASSES else 0] += area

    ko = old_class[ov.pair_old]
    kn = new_class[ov.pair_new]
    for i, a, k, m in zip(ov.pair_old.tolist(), ov.pair_area.tolist(), ko.tolist(),
                          kn.tolist(), strict=True):
        add(old_county[i], int(k), int(m), a)
    # the part of each unit no unit of the other edition covers (overlaps within an edition
    # could make it slightly negative: nothing is left then)
    covered_old = np.bincount(ov.pair_old, weights=ov.pair_area, minlength=len(ov.old_area))
    covered_new = np.bincount(ov.pair_new, weights=ov.pair_area, minlength=len(ov.new_area))
    for i, rest in enumerate((ov.old_area - covered_old).tolist()):
        add(old_county[i], int(old_class[i]), 0, rest)
    for j, rest in enumerate((ov.new_area - covered_new).tolist()):
        add(new_county[j], 0, int(new_class[j]), rest)
    return ClassMatrix(out)
