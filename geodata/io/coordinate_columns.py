"""Which columns of a table hold the coordinates: longitude/latitude, X/Y or WKT.

Names are compared without spaces, underscores, brackets and what is inside them, and
without case: ``经度(°)``, ``Longitude``, ``X坐标`` all match.  Used by the point-table
reader and by the layout finder that looks for the header row of a spreadsheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LON_NAMES = ("经度", "lon", "lng", "long", "longitude", "东经", "x经度", "jd", "经度坐标",
             "centerlng", "中心经度")
LAT_NAMES = ("纬度", "lat", "latitude", "北纬", "y纬度", "wd", "纬度坐标", "centerlat", "中心纬度")
X_NAMES = ("x", "x坐标", "东坐标", "easting", "east", "坐标x", "横坐标")
Y_NAMES = ("y", "y坐标", "北坐标", "northing", "north", "坐标y", "纵坐标")
WKT_NAMES = ("wkt", "geom", "geometry", "the_geom", "shape", "几何")
ALL_NAMES = frozenset(LON_NAMES + LAT_NAMES + X_NAMES + Y_NAMES + WKT_NAMES)


def norm(name: object) -> str:
    return re.sub(r"[\s_()（）\[\]【】]|[(（].*?[)）]", "", str(name)).lower()


def find_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    normed = {norm(c): c for c in columns}
    for n in names:
        if n in normed:
            return normed[n]
    return None


def is_coordinate_name(name: object) -> bool:
    return norm(name) in ALL_NAMES


@dataclass(frozen=True)
class CoordinateColumns:
    """The coordinate columns found: ``kind`` is 'lonlat', 'xy' or 'wkt'."""

    kind: str
    columns: tuple[str, ...]


def find_coordinates(columns: list[str]) -> CoordinateColumns | None:
    """Longitude/latitude first, then X/Y, then a WKT column; None if there are none."""
    lon, lat = find_column(columns, LON_NAMES), find_column(columns, LAT_NAMES)
    if lon and lat:
        return CoordinateColumns("lonlat", (lon, lat))
    x, y = find_column(columns, X_NAMES), find_column(columns, Y_NAMES)
    if x and y:
        return CoordinateColumns("xy", (x, y))
    wkt = find_column(columns, WKT_NAMES)
    if wkt:
        return CoordinateColumns("wkt", (wkt,))
    return None
