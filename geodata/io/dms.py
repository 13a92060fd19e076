"""Parse coordinates as people write them: decimal degrees and 度分秒 in every common spelling.

Used by the point-table reader, the search box and coordinate entry in the UI.

Accepted for one angle: ``118.59``, ``118°35'12.3"``, ``118°35′12.3″``, ``118度35分12.3秒``,
``118 35 12.3``, ``1d05m30.6s``, ``118°35.205'`` (degrees and decimal minutes), with a
hemisphere letter before or after (``E118°35'12.3"``, ``24 54 30 N``, 东经/北纬) or a sign
(``-1 05 30``, ``1 05 30-``).  Minutes and seconds must be below 60.
"""

from __future__ import annotations

import re

QUANZHOU_LON = (117.3, 119.5)
QUANZHOU_LAT = (24.2, 26.1)

_UNIT_CHARS = str.maketrans({
    "′": "'", "’": "'", "‘": "'", "´": "'", "`": "'", "＇": "'",
    "″": '"', "”": '"', "“": '"', "＂": '"',
    "º": "°", "˚": "°", "度": "°", "分": "'", "秒": '"',
    "，": ",", "；": ";", "：": ":", "　": " ", "－": "-", "＋": "+",
})
_HEMI_WORDS = (("东经", "E"), ("西经", "W"), ("北纬", "N"), ("南纬", "S"),
               ("东", "E"), ("西", "W"), ("北", "N"), ("南", "S"))
_NUMBER = r"\d+(?:\.\d*)?|\.\d+"
_ANGLE = re.compile(
    rf"^(?P<d>{_NUMBER})\s*(?:°|d|deg)?\s*"
    rf"(?:(?P<m>{_NUMBER})\s*(?:'|m|min)?\s*"
    rf"(?:(?P<s>{_NUMBER})\s*(?:\"|''|s|sec)?)?)?$",
    re.IGNORECASE,
)


def _hemisphere(text: str) -> tuple[str, str | None, int]:
    """Strip hemisphere letters and signs; return (rest, 'lon'|'lat'|None, sign)."""
    t = text.strip()
    for word, letter in _HEMI_WORDS:
        t = t.replace(word, f" {letter} ")
    t = t.strip()
    axis, sign = None, 1
    letter, rest = "", t
    pre = re.match(r"^([NSEWnsew])\s*(.*)$", t)
    post = re.match(r"^(.*?)\s*([NSEWnsew])$", t)
    if pre:
        letter, rest = pre.group(1), pre.group(2)
    elif post:
        letter, rest = post.group(2), post.group(1)
        # "1d05m30.6s": an 's' glued to the seconds of a d/m/s spelling is a unit, not South
        if letter in "sS" and not t[-2].isspace() and re.search(r"[mM']\s*[\d.]+$", rest):
            letter, rest = "", t
    if letter:
        axis = "lat" if letter.upper() in "NS" else "lon"
        sign = -1 if letter.upper() in "SW" else 1
        t = rest.strip()
    if t[:1] in "+-":
        sign *= -1 if t[0] == "-" else 1
        t = t[1:].strip()
    elif t[-1:] in "+-":
        sign *= -1 if t[-1] == "-" else 1
        t = t[:-1].strip()
    return t, axis, sign


def parse_angle(text: str) -> tuple[float, str | None]:
    """One angle in degrees and the axis its hemisphere letter names ('lon', 'lat', None).

    Raises ValueError with a readable message.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty coordinate / 坐标为空")
    raw = text
    t = text.translate(_UNIT_CHARS).replace("''", '"')
    t, axis, sign = _hemisphere(t)
    t = re.sub(r"\s+", " ", t).strip()
    m = _ANGLE.match(t)
    if not m:
        raise ValueError(f"cannot read '{raw}' as a coordinate / 无法识别坐标“{raw}”")
    d = float(m.group("d"))
    mins = float(m.group("m")) if m.group("m") else 0.0
    secs = float(m.group("s")) if m.group("s") else 0.0
    if m.group("m") and "." in m.group("d"):
        raise ValueError(f"'{raw}': decimal degrees followed by minutes / 度带小数又有分")
    if m.group("s") and "." in (m.group("m") or ""):
        raise ValueError(f"'{raw}': decimal minutes followed by seconds / 分带小数又有秒")
    if mins >= 60 or secs >= 60:
        raise ValueError(f"'{raw}': minutes and seconds must be below 60 / 分、秒须小于 60")
    if m.group("s") and re.match(r"^0\d\d", m.group("s")):
        raise ValueError(f"'{raw}': seconds have three digits / 秒为三位数")
    return sign * (d + mins / 60.0 + secs / 3600.0), axis


def in_quanzhou(lon: float, lat: float) -> bool:
    return QUANZHOU_LON[0] <= lon <= QUANZHOU_LON[1] and QUANZHOU_LAT[0] <= lat <= QUANZHOU_LAT[1]


def order_lon_lat(a: float, b: float, axis_a: str | None = None,
                  axis_b: str | None = None) -> tuple[float, float, bool]:
    """Decide which of two numbers is the longitude: (lon, lat, swapped).

    Hemisphere letters decide first; else a value beyond ±90 must be a longitude; else, in
    China, the longitude is the larger one (east of 73°E, north of 3°N, so lon > lat
    everywhere in the country).  Without any clue the order given (lon, lat) is kept.
    """
    if axis_a == "lat" or axis_b == "lon":
        return b, a, True
    if axis_a == "lon" or axis_b == "lat":
        return a, b, False
    if abs(a) > 90 >= abs(b):
        return a, b, False
    if abs(b) > 90 >= abs(a):
        return b, a, True
    if in_quanzhou(b, a) and not in_quanzhou(a, b):
        return b, a, True
    return a, b, False


def check_range(lon: float, lat: float) -> None:
    if not (-180 <= lon <= 180) or not (-90 <= lat <= 90):
        raise ValueError(f"({lon:g}, {lat:g}) is not a longitude/latitude / 不是经纬度")


_PAIR_SPLIT = re.compile(r"\s*[,;/|]\s*|\s{2,}|\t")


def _split_pair(text: str) -> tuple[str, str]:
    t = text.translate(_UNIT_CHARS).strip().strip("()[]（）")
    parts = [p for p in _PAIR_SPLIT.split(t) if p.strip()]
    if len(parts) == 2:
        return parts[0], parts[1]
    # "E118°35'12.3\" N24°54'30\"", "118.59 24.91", "24 54 30 N 118 35 12 E"
    m = re.match(r"^(.*?[NSEWnsew\"])\s+(.*)$", t)
    if m and m.group(2):
        return m.group(1), m.group(2)
    nums = t.split()
    if len(nums) == 2:
        return nums[0], nums[1]
    if len(nums) in (4, 6) and all(re.fullmatch(_NUMBER, n) for n in nums):
        half = len(nums) // 2
        return " ".join(nums[:half]), " ".join(nums[half:])
    raise ValueError(f"cannot split '{text}' into two coordinates / 无法拆分为经度和纬度")


def parse_coordinate_pair(text: str) -> tuple[float, float]:
    """Parse "118.59, 24.91", "24.91 118.59", 度分秒 and E/N forms into (lon, lat).

    Swapped order is detected from hemisphere letters or from the value ranges.
    Raises ValueError with a readable (bilingual) message.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty coordinate / 坐标为空")
    a_txt, b_txt = _split_pair(text)
    a, axis_a = parse_angle(a_txt)
    b, axis_b = parse_angle(b_txt)
    if axis_a and axis_a == axis_b:
        raise ValueError(f"'{text}': both values are {axis_a} / 两个值同为经度或纬度")
    lon, lat, _ = order_lon_lat(a, b, axis_a, axis_b)
    check_range(lon, lat)
    return lon, lat
