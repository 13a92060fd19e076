"""Place labels: the city, the 12 county seats and the towns the plans and outfalls name.

Coordinates are WGS84 (= CGCS2000 here) from general geographic knowledge, good to a few
hundred metres; the town centre is meant, not the township boundary.  The basemap coastline
is generalised, so a coastal town can fall just off its shore: ``build_places`` then moves
it onto the nearest land (a few hundred metres at most), because a town label in the sea
looks wrong and would make a "which county" lookup fail.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import Point
from shapely.ops import nearest_points

#: (name_zh, name_en, rank, lon, lat); rank 1 city, 2 county seat, 3 town.
PLACES: tuple[tuple[str, str, int, float, float], ...] = (
    ("泉州市", "Quanzhou", 1, 118.589, 24.908),
    # County seats (seat township in brackets where the label is the county's name).
    ("鲤城区(海滨街道)", "Licheng (Haibin)", 2, 118.586, 24.914),
    ("丰泽区(东湖街道)", "Fengze (Donghu)", 2, 118.612, 24.902),
    ("洛江区(万安街道)", "Luojiang (Wan'an)", 2, 118.668, 24.942),
    ("泉港区(山腰街道)", "Quangang (Shanyao)", 2, 118.913, 25.122),
    ("惠安县(螺城镇)", "Hui'an (Luocheng)", 2, 118.797, 25.030),
    ("安溪县(凤城镇)", "Anxi (Fengcheng)", 2, 118.186, 25.056),
    ("永春县(桃城镇)", "Yongchun (Taocheng)", 2, 118.294, 25.321),
    ("德化县(浔中镇)", "Dehua (Xunzhong)", 2, 118.241, 25.492),
    ("金门县(金城镇)", "Jinmen (Jincheng)", 2, 118.318, 24.436),
    ("石狮市区(湖滨街道)", "Shishi (Hubin)", 2, 118.648, 24.732),
    ("晋江市(青阳街道)", "Jinjiang (Qingyang)", 2, 118.577, 24.808),
    ("南安市(溪美街道)", "Nan'an (Ximei)", 2, 118.386, 24.960),
    # Towns along the coast.
    ("安海镇", "Anhai", 3, 118.463, 24.717),
    ("水头镇", "Shuitou", 3, 118.427, 24.697),
    ("石井镇", "Shijing", 3, 118.430, 24.628),
    ("东石镇", "Dongshi", 3, 118.487, 24.640),
    ("金井镇", "Jinjing", 3, 118.605, 24.568),
    ("围头村", "Weitou", 3, 118.560, 24.520),
    ("深沪镇", "Shenhu", 3, 118.650, 24.625),
    ("龙湖镇", "Longhu", 3, 118.620, 24.660),
    ("英林镇", "Yinglin", 3, 118.575, 24.615),
    ("永宁镇", "Yongning", 3, 118.705, 24.690),
    ("祥芝镇", "Xiangzhi", 3, 118.765, 24.782),
    ("蚶江镇", "Hanjiang", 3, 118.705, 24.800),
    ("鸿山镇", "Hongshan", 3, 118.745, 24.720),
    ("宝盖镇", "Baogai", 3, 118.670, 24.740),
    ("陈埭镇", "Chendai", 3, 118.615, 24.835),
    ("磁灶镇", "Cizao", 3, 118.515, 24.815),
    ("后渚", "Houzhu", 3, 118.675, 24.870),
    ("洛阳镇", "Luoyang", 3, 118.682, 24.955),
    ("张坂镇", "Zhangban", 3, 118.860, 24.960),
    ("崇武镇", "Chongwu", 3, 118.920, 24.885),
    ("山霞镇", "Shanxia", 3, 118.925, 24.962),
    ("净峰镇", "Jingfeng", 3, 118.960, 25.045),
    ("东桥镇", "Dongqiao", 3, 118.870, 25.070),
    ("辋川镇", "Wangchuan", 3, 118.912, 25.080),
    ("南埔镇", "Nanpu", 3, 118.930, 25.195),
    ("肖厝", "Xiaocuo", 3, 118.970, 25.180),
    # Inland towns named by the plans' industry and water-source tasks.
    ("湖头镇", "Hutou", 3, 118.055, 25.200),
    ("仑苍镇", "Luncang", 3, 118.405, 25.035),
    ("官桥镇(南安)", "Guanqiao (Nan'an)", 3, 118.405, 24.850),
    ("丰州镇", "Fengzhou", 3, 118.530, 24.955),
    ("灵秀镇", "Lingxiu", 3, 118.662, 24.772),
    ("湖洋镇", "Huyang", 3, 118.412, 25.310),
    ("五里街镇", "Wulijie", 3, 118.276, 25.334),
)


def _onto_land(pt: Point, land: shapely.Geometry, inset_deg: float = 0.002) -> Point:
    """Move a point that lies in the sea onto land, a little inside the coastline."""
    if land.contains(pt):
        return pt
    on_coast = nearest_points(land, pt)[0]
    # Step inland along the line from the sea point through the coast point (~200 m).
    dx, dy = on_coast.x - pt.x, on_coast.y - pt.y
    norm = max((dx * dx + dy * dy) ** 0.5, 1e-12)
    inland = Point(on_coast.x + inset_deg * dx / norm, on_coast.y + inset_deg * dy / norm)
    return inland if land.contains(inland) else on_coast


def build_places(land: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Build the place-label layer.

    Parameters
    ----------
    land : GeoDataFrame, optional
        The basemap land; when given, coastal towns that fall in the sea are moved onto it.
        Loaded from ``counties.load_land_and_sea()`` when omitted.

    Returns
    -------
    GeoDataFrame
        name_zh, name_en, rank, geometry (Point, EPSG:4490).
    """
    if land is None:
        from geodata.build.counties import load_land_and_sea

        land = load_land_and_sea()[0]
    land_geom = shapely.union_all(land.geometry.values)
    rows = [
        {"name_zh": zh, "name_en": en, "rank": rank, "geometry": _onto_land(Point(x, y), land_geom)}
        for zh, en, rank, x, y in PLACES
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4490")
