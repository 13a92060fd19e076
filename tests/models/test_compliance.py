"""Compliance checks: each planted defect of the small workspace is found, with a reason."""

from __future__ import annotations

import pytest

from models.compliance import ComplianceConfig, check_outfalls, flags_by_code
from models.workspace import Workspace
from tests.models import outfall_testdata as td

A, B, C, D, E, F, G, H = td.CODES


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return Workspace.open(td.build(tmp_path_factory.mktemp("c") / "ws.gpkg"))


def test_each_check_finds_its_outfall_and_names_the_zone(ws):
    findings = check_outfalls(ws)
    flags = flags_by_code(findings)
    assert flags[A] == ("in_protected_area", "far_from_water")
    assert flags[B] == ("in_priority_unit",)
    assert flags[C] == ("possible_duplicate",) and flags[D] == ("possible_duplicate",)
    assert "far_from_water" in flags[E]
    assert "outside_city" in flags[F]
    assert flags[G] == ("missing_fields",)
    assert H not in flags

    pa = next(f for f in findings if f.code == A and f.check == "in_protected_area")
    assert pa.zone == "测试湿地公园（实验区）"
    assert "测试湿地公园" in pa.message.zh and "Test Wetland Park" in pa.message.en
    unit = next(f for f in findings if f.check == "in_priority_unit")
    assert unit.zone_code == "ZH35058210001" and "优先保护单元" in unit.message.zh
    dup = next(f for f in findings if f.code == C)
    assert dup.other_code == D and 9 < dup.distance_m < 13
    miss = next(f for f in findings if f.code == G)
    assert miss.fields == ("receiving_water", "responsible_party")
    assert "受纳水体" in miss.message.zh and "Receiving water" in miss.message.en


def test_near_protected_area_uses_the_configured_distance(ws):
    # B is 0.04 degrees (about 4.05 km) east of the protected area's edge
    assert not any(f.check == "near_protected_area" for f in check_outfalls(ws))
    near = check_outfalls(ws, ComplianceConfig(near_protected_m=4500))
    hit = [f for f in near if f.check == "near_protected_area"]
    assert [f.code for f in hit] == [B]
    assert 4000 < hit[0].distance_m < 4100 and "米" in hit[0].message.zh


def test_bundled_data_protected_area_outfalls_are_found():
    from geodata import store

    path = store.bundled_path()
    if not path.exists():
        pytest.skip("bundled dataset not built (python -m geodata.build.build_dataset)")
    ws = Workspace.open(path)
    findings = check_outfalls(ws, checks=("in_protected_area",))
    zones = {f.zone.split("（")[0] for f in findings}
    # the bundled inventory places outfalls in these three (see geodata/build/outfalls.py)
    assert {"深沪湾海底古森林遗迹国家级自然保护区", "泉州湾河口湿地省级自然保护区",
            "崇武国家海洋公园"} <= zones
    assert len(findings) >= 8
    # exactly the outfalls that lie in a protected area by a plain spatial join
    import geopandas as gpd

    joined = gpd.sjoin(ws.layer("outfalls"), ws.layer("protected_areas"), predicate="intersects")
    assert {f.code for f in findings} == set(joined["code"])


def check_flags(ws, config=None) -> dict[str, tuple[str, ...]]:
    """code → check ids from :func:`check_flag_bits` (rows of a repeated code merged), as
    ``flags_by_code(check_outfalls(ws))`` gives them."""
    from models.compliance import CHECKS, check_flag_bits

    if not ws.has_layer("outfalls"):
        return {}
    bits = check_flag_bits(ws, config)
    names = list(CHECKS)
    merged: dict[str, int] = {}
    for code, b in zip(ws.layer("outfalls")["code"].astype(str), bits.tolist(), strict=True):
        if b:
            merged[code] = merged.get(code, 0) | b
    return {code: tuple(k for i, k in enumerate(names) if b >> i & 1)
            for code, b in sorted(merged.items())}


def test_flags_only_check_matches_the_findings():
    """The inventory's flag column comes from check_flag_bits: the same as the full findings."""
    from geodata import store
    from models.compliance import check_outfalls, flags_by_code
    from models.workspace import Workspace

    ws = Workspace.open(store.bundled_path())
    assert check_flags(ws) == flags_by_code(check_outfalls(ws))


def test_flag_bits_per_row_match_the_findings():
    from geodata import store
    from models.compliance import CHECKS, check_flag_bits, check_outfalls, flags_by_code
    from models.outfall_table import OutfallTable
    from models.workspace import Workspace

    ws = Workspace.open(store.bundled_path())
    frame = ws.layer("outfalls")
    expect = flags_by_code(check_outfalls(ws))
    bits = check_flag_bits(ws)
    names = list(CHECKS)
    for code, b in zip(frame["code"], bits.tolist(), strict=True):
        assert tuple(k for i, k in enumerate(names) if b >> i & 1) == expect.get(code, ())
    a, b2 = OutfallTable.from_frame(frame), OutfallTable.from_frame(frame)
    a.set_flags(expect)
    b2.set_flag_bits(bits)
    assert a.text["flags"].tolist() == b2.text["flags"].tolist()
    assert a.flag_bits.tolist() == b2.flag_bits.tolist()
