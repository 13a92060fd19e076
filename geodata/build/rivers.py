"""Approximate centre lines of the main rivers of 泉州市 (basemap layer ``rivers``).

Hand-drawn from general geographic knowledge through the towns each river really passes;
accurate to a few hundred metres at the towns and to about a kilometre between them.  They
serve as a basemap, as the receiving waters of the illustrative river outfalls, and as the
spine of the river-shaped protected areas (桃溪 wetland park, 湖洋溪 fish reserve).

A gentle deterministic meander is added between the hand vertices so the lines do not look
like a ruler was used; it is zero at every hand vertex, so confluences and mouths stay
exactly where they were drawn.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import LineString

#: name_zh -> (name_en, vertices upstream to downstream, lon/lat).
_RIVERS: dict[str, tuple[str, list[tuple[float, float]]]] = {
    # 晋江 main stem: from the 双溪口 confluence of 东溪 and 西溪 past 丰州, 金鸡 and the
    # south edge of the old city (浮桥, 笋江) to the estuary between 丰泽 and 陈埭.
    "晋江": (
        "Jin River",
        [
            (118.515, 24.966),
            (118.532, 24.948),
            (118.552, 24.928),
            (118.568, 24.905),
            (118.590, 24.893),
            (118.612, 24.875),
            (118.632, 24.866),
            (118.652, 24.857),
        ],
    ),
    # 东溪: 永春 桃溪 continues into 南安 through 山美水库 and 仑苍 to 双溪口.
    "东溪": (
        "East Branch (Dongxi)",
        [
            (118.372, 25.268),
            (118.385, 25.215),
            (118.382, 25.165),
            (118.385, 25.128),
            (118.395, 25.080),
            (118.402, 25.035),
            (118.440, 25.000),
            (118.485, 24.980),
            (118.515, 24.966),
        ],
    ),
    # 西溪: from 安溪 凤城 east through 城厢 into 南安, past 溪美 and 柳城 to 双溪口.
    "西溪": (
        "West Branch (Xixi)",
        [
            (118.190, 25.058),
            (118.228, 25.038),
            (118.268, 25.012),
            (118.312, 24.988),
            (118.350, 24.968),
            (118.386, 24.957),
            (118.430, 24.955),
            (118.472, 24.960),
            (118.515, 24.966),
        ],
    ),
    # 蓝溪: the upper 西溪 in 安溪, from 感德 via 湖头 and 魁斗 down to 凤城.
    "蓝溪": (
        "Lan Creek",
        [
            (117.905, 25.265),
            (117.965, 25.235),
            (118.030, 25.205),
            (118.070, 25.185),
            (118.110, 25.140),
            (118.150, 25.095),
            (118.190, 25.058),
        ],
    ),
    # 桃溪: the upper 东溪 through 达埔, 五里街 and the county seat 桃城 to 东平/东关.
    "桃溪": (
        "Tao Creek",
        [
            (118.150, 25.395),
            (118.200, 25.365),
            (118.240, 25.345),
            (118.275, 25.332),
            (118.296, 25.318),
            (118.322, 25.302),
            (118.348, 25.287),
            (118.372, 25.268),
        ],
    ),
    # 湖洋溪: tributary coming down from the north-east through 湖洋镇 to join 桃溪 above
    # the 永春-南安 boundary.
    "湖洋溪": (
        "Huyang Creek",
        [
            (118.470, 25.356),
            (118.445, 25.336),
            (118.420, 25.316),
            (118.396, 25.296),
            (118.372, 25.268),
        ],
    ),
    # 洛阳江: from 罗溪/马甲 in 洛江 south past 河市 and 洛阳桥 into the north of 泉州湾.
    "洛阳江": (
        "Luoyang River",
        [
            (118.602, 25.115),
            (118.628, 25.060),
            (118.655, 25.010),
            (118.668, 24.975),
            (118.676, 24.953),
            (118.684, 24.925),
            (118.690, 24.893),
            (118.692, 24.866),
        ],
    ),
    # 九十九溪: from the foot of 紫帽山 east through 池店 to the 晋江 below the city.
    "九十九溪": (
        "Jiushijiu Creek",
        [
            (118.480, 24.835),
            (118.510, 24.848),
            (118.540, 24.862),
            (118.565, 24.878),
            (118.590, 24.893),
        ],
    ),
    # 大盈溪: from 南安 霞美/大盈 into the 晋江 at 金鸡.
    "大盈溪": (
        "Daying Creek",
        [
            (118.440, 24.880),
            (118.470, 24.898),
            (118.500, 24.915),
            (118.530, 24.925),
            (118.552, 24.928),
        ],
    ),
    # 浐溪: 德化's river, from the south of the county through 浔中 (county seat) north-east
    # toward 涌溪 and the 大樟溪 (闽江 basin).
    "浐溪": (
        "Chan Creek",
        [
            (118.175, 25.425),
            (118.205, 25.455),
            (118.230, 25.482),
            (118.250, 25.500),
            (118.290, 25.540),
            (118.335, 25.580),
            (118.380, 25.620),
        ],
    ),
}

#: Meander amplitude as a fraction of segment length (about 3 %).
_MEANDER = 0.03


def _meander(vertices: list[tuple[float, float]], rng: np.random.Generator) -> LineString:
    """Densify each segment and offset it sideways by a smooth sine that is 0 at its ends."""
    out: list[tuple[float, float]] = [vertices[0]]
    for (x0, y0), (x1, y1) in zip(vertices[:-1], vertices[1:], strict=False):
        dx, dy = x1 - x0, y1 - y0
        length = float(np.hypot(dx, dy))
        nx, ny = -dy / length, dx / length
        waves = int(rng.integers(1, 3))
        amp = _MEANDER * length * float(rng.uniform(0.5, 1.0)) * (1 if rng.random() < 0.5 else -1)
        for t in np.linspace(0.0, 1.0, 9)[1:]:
            off = amp * np.sin(np.pi * waves * t)
            out.append((x0 + t * dx + off * nx, y0 + t * dy + off * ny))
    return LineString(out)


def build_rivers() -> gpd.GeoDataFrame:
    """Build the river centre lines.

    Returns
    -------
    GeoDataFrame
        name_zh, name_en, approximate (1), geometry (LineString, EPSG:4490).
    """
    rng = np.random.default_rng(20240611)
    rows = [
        {"name_zh": zh, "name_en": en, "approximate": 1, "geometry": _meander(pts, rng)}
        for zh, (en, pts) in _RIVERS.items()
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4490")
