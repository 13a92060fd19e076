"""Protected areas of 泉州市 named in the plans, as approximate polygons sized to their
published areas.

No public boundary files exist, so every polygon is built from a hand-drawn window around
the real site combined with the basemap (a coastal band of sea for the marine sites, a
river corridor for the river sites, a hill for the forest park) whose width is solved by
bisection so that the geodesic area matches the published area.  Where the published area
is not known to us it is left empty and the polygon is sized to what the site looks like.
Zoning (核心区/缓冲区/实验区) is illustrative: the two national reserves are split into
plausible rings around what each protects, as separate rows.  All rows are
``approximate = 1``; ``area_published_ha`` is the whole reserve's published area, repeated
on each zoning row of that reserve.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

_GEOD = Geod(ellps="GRS80")

_PLAN = "泉州市深入打好污染防治攻坚战实施方案 二、（六）25."
_SHISHI = "石狮市“十四五”生态环境保护专项规划 自然保护地体系"


def geodesic_area_ha(geom: shapely.Geometry) -> float:
    """Geodesic area of a lon/lat geometry on the GRS80 ellipsoid, in hectares."""
    if geom is None or geom.is_empty:
        return 0.0
    return abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e4


def _solve_width(
    make: Callable[[float], shapely.Geometry], target_ha: float, lo: float = 1e-4, hi: float = 0.05
) -> shapely.Geometry:
    """Bisect the width parameter of ``make`` so its area matches ``target_ha`` (±2 %)."""
    geom = make(hi)
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        geom = make(mid)
        area = geodesic_area_ha(geom)
        if abs(area - target_ha) <= 0.02 * target_ha:
            break
        lo, hi = (mid, hi) if area < target_ha else (lo, mid)
    return geom


def _clean(geom: shapely.Geometry, tol: float = 0.0002) -> shapely.Geometry:
    """Valid, polygonal, simplified to ~20 m, without crumbs."""
    geom = shapely.make_valid(shapely.simplify(geom, tol, preserve_topology=True))
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 2e-7]
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _county_of(geom: shapely.Geometry, counties: gpd.GeoDataFrame) -> str:
    """The county a site belongs to: most overlap with the site grown by ~500 m (so a sea
    site is given the county whose shore it fronts)."""
    grown = geom.buffer(0.005)
    shares = shapely.area(shapely.intersection(counties.geometry.values, grown))
    return str(counties.iloc[int(np.argmax(shares))]["code"])


def _coastal_band(
    window: Polygon, land: shapely.Geometry, sea: shapely.Geometry, target_ha: float
) -> shapely.Geometry:
    """The sea within ``window`` that lies within w of the shore, w solved for the area."""
    local_land = shapely.intersection(land, window.buffer(0.06))
    local_sea = shapely.intersection(sea, window)
    return _solve_width(
        lambda w: shapely.intersection(local_sea, local_land.buffer(w, 8)), target_ha
    )


def _river_strip(river: LineString, clip: shapely.Geometry, target_ha: float) -> shapely.Geometry:
    return _solve_width(
        lambda w: shapely.intersection(river.buffer(w, 8), clip), target_ha, hi=0.01
    )


def _river_part(rivers: gpd.GeoDataFrame, name: str, start: float, end: float) -> LineString:
    """The stretch of a river between two fractions of its length (0 = source)."""
    line = rivers.loc[rivers["name_zh"] == name].geometry.iloc[0]
    return shapely.ops.substring(line, start, end, normalized=True)


def build_protected_areas(
    land: gpd.GeoDataFrame, sea: gpd.GeoDataFrame, counties: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Build the protected-area layer.

    Parameters
    ----------
    land, sea : GeoDataFrame
        The basemap land and sea (EPSG:4490).
    counties : GeoDataFrame
        The county boundaries with a ``code`` column.

    Returns
    -------
    GeoDataFrame
        name_zh, name_en, level, kind, zone, area_published_ha, county_code, domain,
        approximate, source, geometry; one row per site, or per zone where zoned.
    """
    import shapely.ops  # noqa: F401  (substring)

    from geodata.build.rivers import build_rivers

    land_g = shapely.union_all(land.geometry.values)
    sea_g = shapely.union_all(sea.geometry.values)
    by_code = dict(zip(counties["code"], counties.geometry, strict=False))
    rivers = build_rivers()
    rows: list[dict] = []

    def add(
        name_zh: str,
        name_en: str,
        level: str,
        kind: str,
        zone: str,
        published: float | None,
        geom: shapely.Geometry,
        domain: str,
        source: str,
    ) -> None:
        geom = _clean(geom)
        rows.append(
            {
                "name_zh": name_zh,
                "name_en": name_en,
                "level": level,
                "kind": kind,
                "zone": zone,
                "area_published_ha": published,
                "county_code": _county_of(geom, counties),
                "domain": domain,
                "approximate": 1,
                "source": source,
                "geometry": geom,
            }
        )

    # 深沪湾海底古森林遗迹国家级自然保护区: 31 km² in all, about 5 km² of it land (the 石圳
    # metamorphic coast and the dunes behind the beach) and the rest sea and intertidal.
    # The fossil tree stumps and the oyster reef lie ~150 m off the south shore at 深沪
    # 华峰村, so the core zone is a ring there, buffer around it, the rest experimental.
    name = "深沪湾海底古森林遗迹国家级自然保护区"
    en = "Shenhu Bay Submarine Ancient Forest Relics National Nature Reserve"
    window = Polygon(
        [(118.625, 24.60), (118.628, 24.69), (118.712, 24.69), (118.725, 24.655), (118.690, 24.600)]
    )
    sea_part = _coastal_band(window, land_g, sea_g, 2600.0)
    relic = Point(118.662, 24.624)
    core = shapely.intersection(sea_part, relic.buffer(0.016))
    buffer_zone = shapely.difference(shapely.intersection(sea_part, relic.buffer(0.032)), core)
    experimental = shapely.difference(sea_part, relic.buffer(0.032))
    shore_land = shapely.intersection(land_g, window)
    land_part = _solve_width(
        lambda w: shapely.intersection(shore_land, sea_g.intersection(window).buffer(w, 8)),
        500.0,
        hi=0.02,
    )
    src = f"{_PLAN}；国函〔1992〕166号（总面积31 km²）"
    add(name, en, "国家级", "自然保护区", "核心区", 3100.0, core, "sea", src)
    add(name, en, "国家级", "自然保护区", "缓冲区", 3100.0, buffer_zone, "sea", src)
    add(name, en, "国家级", "自然保护区", "实验区", 3100.0, experimental, "sea", src)
    add(name, en, "国家级", "自然保护区", "实验区", 3100.0, land_part, "land", src)

    # 泉州湾河口湿地省级自然保护区: the mudflats and mangroves of the 晋江 and 洛阳江
    # estuaries (inner bay), and the shore bands of 蚶江 (石狮段) and 惠安 秀涂 outward.
    window = Polygon(
        [
            (118.635, 24.785),
            (118.640, 24.890),
            (118.720, 24.895),
            (118.815, 24.900),
            (118.815, 24.860),
            (118.765, 24.845),
            (118.765, 24.790),
            (118.720, 24.780),
        ]
    )
    add(
        "泉州湾河口湿地省级自然保护区",
        "Quanzhou Bay Estuary Wetland Provincial Nature Reserve",
        "省级",
        "自然保护区",
        "",
        7040.0,
        _coastal_band(window, land_g, sea_g, 7040.0),
        "sea",
        f"{_PLAN}；{_SHISHI}（石狮段）",
    )

    # 崇武国家海洋公园: the rocky and sandy shore round the 崇武 peninsula and 大岞.
    window = Polygon(
        [
            (118.880, 24.895),
            (118.885, 24.860),
            (118.950, 24.855),
            (119.000, 24.885),
            (118.985, 24.920),
            (118.945, 24.900),
        ]
    )
    add(
        "崇武国家海洋公园",
        "Chongwu National Marine Park",
        "国家级",
        "海洋公园",
        "",
        1355.0,
        _coastal_band(window, land_g, sea_g, 1355.0),
        "sea",
        "泉州市深入打好污染防治攻坚战实施方案 二、（四）18.；国家级海洋公园批复面积1355 ha",
    )

    # 永春桃溪国家湿地公园: the 桃溪 river and its banks through 五里街 and 桃城 to 东平.
    yongchun = by_code["350525"]
    add(
        "永春桃溪国家湿地公园",
        "Yongchun Taoxi National Wetland Park",
        "国家级",
        "湿地公园",
        "",
        200.0,
        _river_strip(_river_part(rivers, "桃溪", 0.40, 0.95), yongchun, 200.0),
        "land",
        _PLAN,
    )

    # 湖洋溪黑脊倒刺鲃国家级水产种质资源保护区: the channel of 湖洋溪, core in the middle
    # reach (spawning pools), experimental upstream and down.  Published area unknown to us:
    # sized as a ~60 m wide channel.
    name = "湖洋溪黑脊倒刺鲃国家级水产种质资源保护区"
    en = "Huyang Creek Spinibarbus caldwelli National Aquatic Germplasm Reserve"
    for zone, (a, b) in (
        ("实验区", (0.0, 0.35)),
        ("核心区", (0.35, 0.70)),
        ("实验区", (0.70, 1.0)),
    ):
        strip = shapely.intersection(
            _river_part(rivers, "湖洋溪", a, b).buffer(0.0003, 8), yongchun
        )
        add(
            name,
            en,
            "国家级",
            "水产种质资源保护区",
            zone,
            None,
            strip,
            "land",
            f"{_PLAN}；农业部公告（国家级水产种质资源保护区名单），面积未录入",
        )

    # 灵秀山省级森林公园: the hill of 灵秀镇 in 石狮 (not 晋江), a forest island in the town.
    shishi = by_code["350581"]
    rng = np.random.default_rng(5)
    ang = np.linspace(0, 2 * np.pi, 25)[:-1]
    radius = 1 + 0.15 * rng.standard_normal(ang.size)
    hill = Polygon(
        np.c_[118.660 + 0.011 * radius * np.cos(ang), 24.768 + 0.009 * radius * np.sin(ang)]
    )
    add(
        "灵秀山省级森林公园",
        "Lingxiushan Provincial Forest Park",
        "省级",
        "森林公园",
        "",
        None,
        shapely.intersection(hill, shishi),
        "land",
        f"{_SHISHI}；面积未录入（约3 km²，按山体范围示意）",
    )

    # 戴云山国家级自然保护区 (德化): the 戴云山 massif, core on the summit ridge, buffer and
    # experimental rings around it.  Published total ~13,472 ha.
    dehua = by_code["350526"]
    summit = Point(118.205, 25.675)
    ang = np.linspace(0, 2 * np.pi, 33)[:-1]
    wobble = 1 + 0.12 * np.sin(3 * ang + 0.7) + 0.06 * np.cos(5 * ang)

    def massif(r: float) -> shapely.Geometry:
        ring = Polygon(
            np.c_[summit.x + 1.25 * r * wobble * np.cos(ang), summit.y + r * wobble * np.sin(ang)]
        )
        return shapely.intersection(ring, dehua)

    whole = _solve_width(massif, 13472.0, hi=0.15)
    r_whole = shapely.minimum_bounding_radius(whole)
    core = shapely.intersection(whole, summit.buffer(0.40 * r_whole))
    buf = shapely.difference(shapely.intersection(whole, summit.buffer(0.62 * r_whole)), core)
    exp_zone = shapely.difference(whole, summit.buffer(0.62 * r_whole))
    name, en = "戴云山国家级自然保护区", "Daiyunshan National Nature Reserve"
    src = "国家级自然保护区名录（总面积约13,472 ha）；分区示意"
    for zone, g in (("核心区", core), ("缓冲区", buf), ("实验区", exp_zone)):
        add(name, en, "国家级", "自然保护区", zone, 13472.0, g, "land", src)

    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4490")
    gdf["area_published_ha"] = gdf["area_published_ha"].astype("Float64")
    return gdf
