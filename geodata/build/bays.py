"""The six bays of 泉州市 named in the plans, as approximate sea polygons.

No public boundary of these bays exists in a usable form, so each bay is a hand-drawn hull
(lon/lat vertices read off the coastline, wider than the water on purpose) intersected with
the basemap sea: the shore of every bay is then exactly the basemap coastline, and the hull
only decides where a bay ends at sea (its mouth) and where one bay hands over to the next.
Every row is flagged ``approximate = 1``.

The basemap coastline (Amap's provincial outline) is generalised: the inner 安海湾 north of
东石/石井 and the 洛阳江 estuary above 后渚 are land in it, so those parts of the real bays
cannot appear here.  The hulls were drawn so that three well-known points fall in the right
bay (see ``QUERY_POINTS``), which the tests check.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import Polygon

#: Points that must answer with the given bay (a user clicking there expects that bay).
QUERY_POINTS = {
    "安海湾": (118.47, 24.60),
    "泉州湾": (118.75, 24.83),
    "深沪湾": (118.70, 24.64),
}

#: Hull vertices (lon, lat).  Mouths follow the headlands: 泉州湾 from 祥芝 to 秀涂/獭窟,
#: 深沪湾 from 深沪角 to 永宁, 安海湾 from 石井 to 东石/金井 (its real mouth), 围头湾 from
#: there out to the 围头角 - 金门 line, 大港湾 between 崇武/大岞 and the 山霞-净峰 shore,
#: 湄洲湾 south of the 泉州-莆田 sea boundary (roughly 枫亭 to 湄洲岛's west side).
_HULLS: dict[str, list[tuple[float, float]]] = {
    "泉州湾": [
        (118.635, 24.790),
        (118.640, 24.885),
        (118.700, 24.895),
        (118.760, 24.892),
        (118.825, 24.900),
        (118.862, 24.895),
        (118.850, 24.845),
        (118.800, 24.790),
        (118.770, 24.770),
        (118.720, 24.775),
        (118.680, 24.780),
    ],
    "深沪湾": [
        (118.620, 24.640),
        (118.628, 24.690),
        (118.690, 24.690),
        (118.712, 24.672),
        (118.735, 24.652),
        (118.705, 24.615),
        (118.672, 24.595),
        (118.640, 24.600),
    ],
    "安海湾": [
        (118.395, 24.578),
        (118.405, 24.640),
        (118.470, 24.640),
        (118.540, 24.630),
        (118.560, 24.600),
        (118.545, 24.574),
        (118.470, 24.572),
    ],
    "围头湾": [
        (118.395, 24.578),
        (118.470, 24.572),
        (118.545, 24.574),
        (118.560, 24.540),
        (118.575, 24.505),
        (118.520, 24.470),
        (118.470, 24.480),
        (118.440, 24.500),
        (118.400, 24.520),
        (118.370, 24.545),
    ],
    "大港湾": [
        (118.915, 24.930),
        (118.925, 24.985),
        (118.975, 24.990),
        (119.040, 24.985),
        (119.045, 24.955),
        (119.010, 24.915),
        (118.985, 24.890),
        (118.945, 24.888),
    ],
    "湄洲湾": [
        (118.870, 25.085),
        (118.880, 25.245),
        (118.960, 25.250),
        (118.990, 25.215),
        (119.030, 25.150),
        (119.075, 25.090),
        (119.080, 25.030),
        (119.020, 25.010),
        (118.950, 25.015),
        (118.890, 25.040),
    ],
}

_NAMES_EN = {
    "泉州湾": "Quanzhou Bay",
    "深沪湾": "Shenhu Bay",
    "安海湾": "Anhai Bay",
    "围头湾": "Weitou Bay",
    "大港湾": "Dagang Bay",
    "湄洲湾": "Meizhou Bay (Quanzhou part)",
}

_PLAN = "泉州市深入打好污染防治攻坚战实施方案"

#: (wq_class, wq_target, target_year, source).  Only 安海湾 has a water-quality target in the
#: plan's words; the others carry the plan's 美丽海湾/排污口 tasks as their honest basis.
_QUALITY: dict[str, tuple[str, str, int | None, str]] = {
    "安海湾": ("劣四类", "稳定消除劣四类", 2025, f"{_PLAN} 二、（四）16."),
    "泉州湾": (
        "",
        "2023年底前基本完成排污口溯源排查；蓝色海湾综合整治并巩固成果",
        2023,
        f"{_PLAN} 二、（四）17.、18.",
    ),
    "深沪湾": (
        "",
        "2023年底前基本完成排污口溯源排查；到2025年基本建成美丽海湾",
        2025,
        f"{_PLAN} 二、（四）17.、18.",
    ),
    "大港湾": ("", "到2025年基本建成美丽海湾", 2025, f"{_PLAN} 二、（四）18."),
    "围头湾": ("", "", None, "无专项水质目标（近岸海域一般要求，见同方案二、（四）17.）"),
    "湄洲湾": ("", "", None, "无专项水质目标（环湄洲湾区域协作，见同方案二、（二）10.）"),
}


def bay_hulls() -> dict[str, Polygon]:
    """The hand-drawn hulls, before intersection with the sea (for checks and plots)."""
    return {name: Polygon(pts) for name, pts in _HULLS.items()}


def build_bays(sea: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Build the bay layer: each hull intersected with the sea.

    Parameters
    ----------
    sea : GeoDataFrame
        The basemap sea (EPSG:4490), as from ``counties.load_land_and_sea()``.

    Returns
    -------
    GeoDataFrame
        One row per bay: name_zh, name_en, wq_class, wq_target, target_year, source,
        approximate, geometry (Polygon or MultiPolygon, EPSG:4490).
    """
    sea_geom = shapely.union_all(sea.geometry.values)
    rows = []
    for name, hull in bay_hulls().items():
        geom = shapely.make_valid(shapely.intersection(hull, sea_geom))
        # Drop slivers a generalised coastline leaves at the hull's edge (< ~1 ha).
        parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 1e-6]
        geom = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
        wq_class, wq_target, year, source = _QUALITY[name]
        rows.append(
            {
                "name_zh": name,
                "name_en": _NAMES_EN[name],
                "wq_class": wq_class,
                "wq_target": wq_target,
                "target_year": year,
                "source": source,
                "approximate": 1,
                "geometry": geom,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4490")
    gdf["target_year"] = gdf["target_year"].astype("Int64")
    return gdf
