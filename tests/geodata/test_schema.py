"""Control-unit and outfall code formats."""

from __future__ import annotations

import pytest

from geodata import schema


def test_valid_unit_code_is_split_into_county_class_serial():
    assert schema.validate_unit_code("ZH35058220003") == ("350582", 2, 3)


@pytest.mark.parametrize("bad", [
    "ZH3505822003",      # serial too short
    "ZH35058240003",     # class 4 does not exist
    "ZH11010120001",     # not a Fujian county code
    "zh35058220003",     # lower case prefix
    "35058220003",       # no prefix
    "",
])
def test_invalid_unit_codes_are_refused_with_the_expected_form(bad):
    with pytest.raises(ValueError, match="ZH \\+ 6-digit county code"):
        schema.validate_unit_code(bad)


def test_unit_code_builder_round_trips():
    code = schema.unit_code("350581", 1, 12)
    assert code == "ZH35058110012"
    assert schema.validate_unit_code(code) == ("350581", 1, 12)


def test_outfall_codes():
    assert schema.outfall_code("350581", "sea", 12) == "PWK350581H0012"
    assert schema.validate_outfall_code("PWK350582R0007") == ("350582", "R", 7)
    with pytest.raises(ValueError, match="PWK"):
        schema.validate_outfall_code("PWK350582X0007")
