from __future__ import annotations

import pytest

from geodata.io.dms import parse_angle, parse_coordinate_pair

LON, LAT = 118 + 35 / 60 + 12.3 / 3600, 24 + 54 / 60 + 30 / 3600


@pytest.mark.parametrize("text", [
    "118°35'12.3\", 24°54'30\"",
    "118°35′12.3″, 24°54′30″",
    "118度35分12.3秒, 24度54分30秒",
    "E118°35'12.3\" N24°54'30\"",
    "118°35'12.3\"E 24°54'30\"N",
    "N24°54'30\" E118°35'12.3\"",          # latitude first, said so by the letters
    "24°54'30\", 118°35'12.3\"",          # latitude first, found from the range
    "东经118度35分12.3秒 北纬24度54分30秒",
    "118 35 12.3, 24 54 30",
    "118d35m12.3s 24d54m30s",
    "（118°35′12.3″，24°54′30″）",
])
def test_dms_spellings(text: str) -> None:
    lon, lat = parse_coordinate_pair(text)
    assert lon == pytest.approx(LON, abs=1e-9) and lat == pytest.approx(LAT, abs=1e-9)


@pytest.mark.parametrize("text,expected", [
    ("118.59, 24.91", (118.59, 24.91)),
    ("24.91 118.59", (118.59, 24.91)),
    ("24.91,118.59", (118.59, 24.91)),
    ("118.59;24.91", (118.59, 24.91)),
    ("118°35.205', 24°54.5'", (118.58675, 24.908333333)),
])
def test_decimal_and_swapped(text: str, expected: tuple[float, float]) -> None:
    assert parse_coordinate_pair(text) == pytest.approx(expected)


@pytest.mark.parametrize("text,value", [
    ("S1 05 30.6", -1.0918333), ("1 05 30.6-", -1.0918333), ("W035 51 20", -35.8555556),
    ("1d05m30.6s", 1.0918333), ("1d05m30.6s S", -1.0918333), ("35d51'20", 35.8555556),
    ("1 05.23", 1.0871667), ("  N  1 05 30.6 ", 1.0918333),
])
def test_single_angles(text: str, value: float) -> None:
    assert parse_angle(text)[0] == pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize("text", ["", "abc", "118 65 00, 24 54 30", "118 35 61, 24 54 30",
                                  "N24 E118 N25", "200, 100", "N24 54 30, N25 00 00"])
def test_readable_errors(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_coordinate_pair(text)
    assert "/" in str(exc.value)  # English / Chinese
