"""Water-quality classes at the class boundaries of GB 3838-2002 and GB 3097-1997."""

from __future__ import annotations

import math

import pytest

from models.water_quality import classify_sea, classify_surface


@pytest.mark.parametrize("nh3n,expected", [
    (0.15, "I类"), (0.1501, "II类"), (0.5, "II类"), (0.51, "III类"), (1.0, "III类"),
    (1.5, "IV类"), (2.0, "V类"), (2.0001, "劣V类"),
])
def test_surface_ammonia_boundaries(nh3n, expected):
    assert classify_surface({"nh3n": nh3n}).name_zh == expected


@pytest.mark.parametrize("cod,expected", [
    (15.0, "I类"), (15.1, "III类"), (20.0, "III类"), (30.0, "IV类"), (40.0, "V类"),
    (40.1, "劣V类"),
])
def test_surface_cod_boundaries(cod, expected):
    # COD has the same limit (15) for classes I and II, so 15.1 jumps to III
    assert classify_surface({"cod": cod}).name_zh == expected


def test_surface_worst_parameter_sets_the_class_and_is_named():
    c = classify_surface({"cod": 10.0, "nh3n": 1.2, "tp": 0.05, "ph": 7.2})
    assert c.name_zh == "IV类"
    assert c.limiting == ("nh3n",)
    assert c.name("en") == "Class IV"


def test_surface_dissolved_oxygen_is_a_lower_limit():
    assert classify_surface({"do": 7.5}).name_zh == "I类"
    assert classify_surface({"do": 5.0}).name_zh == "III类"
    assert classify_surface({"do": 1.9}).name_zh == "劣V类"


def test_surface_ph_outside_6_to_9_is_worse_than_v():
    assert classify_surface({"ph": 9.0}).name_zh == "I类"
    assert classify_surface({"ph": 9.1}).name_zh == "劣V类"


@pytest.mark.parametrize("din,expected", [
    (0.20, "一类"), (0.21, "二类"), (0.30, "二类"), (0.40, "三类"), (0.50, "四类"),
    (0.5001, "劣四类"),
])
def test_sea_inorganic_nitrogen_boundaries(din, expected):
    assert classify_sea({"din": din}).name_zh == expected


def test_sea_phosphate_shares_the_class_ii_and_iii_limit():
    assert classify_sea({"phosphate": 0.015}).name_zh == "一类"
    assert classify_sea({"phosphate": 0.030}).name_zh == "二类"
    assert classify_sea({"phosphate": 0.031}).name_zh == "四类"
    assert classify_sea({"phosphate": 0.046}).name_zh == "劣四类"


def test_sea_ph_ranges():
    assert classify_sea({"ph": 8.1}).name_zh == "一类"
    assert classify_sea({"ph": 7.0}).name_zh == "三类"
    assert classify_sea({"ph": 9.0}).name_zh == "劣四类"


def test_missing_values_are_skipped_and_nothing_gives_none():
    assert classify_sea({"din": None, "cod": math.nan}) is None
    assert classify_surface({}) is None
