"""The three-way merge rules, field by field (no server needed)."""

from __future__ import annotations

from models.sync.merge import GEOMETRY, decide_push, distance_m, merge_row, same

BASE = {"remediation_status": "未启动", "review_status": "待核查", GEOMETRY: [118.5, 24.7]}


def test_different_fields_merge():
    mine = {**BASE, "remediation_status": "整治中"}
    theirs = {**BASE, "review_status": "已核查"}
    m = merge_row("X", BASE, mine, theirs)
    assert m.take == {"review_status": "已核查"}
    assert m.keep == ["remediation_status"]
    assert m.conflicts == []


def test_same_field_same_value_is_no_conflict():
    mine = {**BASE, "remediation_status": "已完成"}
    m = merge_row("X", BASE, mine, dict(mine))
    assert m.conflicts == [] and m.take == {}


def test_same_field_different_values_conflict_with_base_mine_theirs():
    mine = {**BASE, "remediation_status": "整治中"}
    theirs = {**BASE, "remediation_status": "已完成"}
    m = merge_row("X", BASE, mine, theirs)
    assert [(c.field, c.base, c.mine, c.theirs) for c in m.conflicts] == \
        [("remediation_status", "未启动", "整治中", "已完成")]
    write, clash = decide_push(BASE, mine, theirs, ["remediation_status"])
    assert write == {} and clash == ["remediation_status"]


def test_both_moved_is_a_conflict_with_the_distance():
    mine = {**BASE, GEOMETRY: [118.5, 24.701]}
    theirs = {**BASE, GEOMETRY: [118.501, 24.7]}
    (c,) = merge_row("X", BASE, mine, theirs).conflicts
    assert c.field == GEOMETRY
    assert 145 < c.distance_m < 155  # 111 m north-south and 101 m east-west apart
    assert abs(distance_m([118.5, 24.7], [118.5, 24.701]) - 110.7) < 1


def test_null_and_empty_text_are_the_same_value():
    assert same("remediation", None, "")
    assert not same(GEOMETRY, None, [1, 2])
