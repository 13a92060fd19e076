"""The generated revision of the bundled units: the comparison finds what was done, the
class matrix adds up, the reports come out in both languages marked 示例数据."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from geodata import store
from models.edition_compare import compare
from models.edition_match import area_transformer, areas_m2

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.edition_revision import make_revision  # noqa: E402


@pytest.fixture(scope="module")
def bundled():
    path = store.bundled_path()
    units = store.read_layer(path, "control_units")
    outfalls = store.read_layer(path, "outfalls")
    counties = store.read_layer(path, "counties")
    revised, done = make_revision(units, outfalls)
    return units, revised, done, compare(units, revised, "示例", "修订", outfalls=outfalls,
                                         counties=counties)


def test_revision_found(bundled) -> None:
    _units, _revised, done, r = bundled
    old, parts = done["split"]
    assert [(s["codes_before"], s["codes_after"]) for s in r.split] == [([old], sorted(parts))]
    before, after = done["merged"]
    assert [(m["codes_before"], m["codes_after"]) for m in r.merged] == [(sorted(before), [after])]
    renamed = {(x["code_before"], x["code_after"]) for x in r.renamed}
    assert renamed == {done["renamed"], done["reclassified_renamed"][:2]}
    rec = {(x["code_before"], x["code"], x["class_before"], x["class_after"])
           for x in r.reclassified}
    code = done["reclassified"][0]
    old3, new2, n_outfalls = done["reclassified_renamed"]
    assert rec == {(code, code, 2, 1), (old3, new2, 3, 2)}
    assert {x["code"] for x in r.redrawn} == set(done["redrawn"])
    assert [(x["code"], x["dimension"]) for x in r.requirements_changed] == [done["requirement"]]
    assert [x["code"] for x in r.removed] == [done["removed"]] and not r.added
    # the outfalls of the unit made key control are affected (but those also inside a
    # stricter neighbour's overlapping sliver, whose strictest class was already 2 or 1)
    hit = sum(o["unit_before"] == old3 for o in r.affected_outfalls)
    assert 0.9 * n_outfalls <= hit <= n_outfalls
    assert all(o["class_after"] < o["class_before"] for o in r.affected_outfalls)


def test_matrix_adds_up_to_unit_areas_by_county(bundled) -> None:
    units, revised, _done, r = bundled
    tr = area_transformer(np.asarray(units.geometry.array))
    for side, frame, axis in (("old", units, 1), ("new", revised, 0)):
        area = areas_m2(np.asarray(frame.geometry.array), tr)
        for county, mat in r.matrix.by_county.items():
            mask = (frame["county_code"] == county).to_numpy()
            if not mask.any():
                continue
            total = mat.sum(axis=axis)[1:].sum()  # rows (old) / columns (new), classes 1-3
            # units overlap their neighbours by slivers in the bundled data: 0.1 % at most
            assert total == pytest.approx(area[mask].sum(), rel=1e-3), (side, county)
