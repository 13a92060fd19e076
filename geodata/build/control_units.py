"""ILLUSTRATIVE environmental control units (环境管控单元) for 泉州市.

The real units of the 泉州市 "三线一单" are not published as geometry, so this module
generates a plausible stand-in that behaves like the real thing for the viewer:

* on land, the units of each county partition it exactly (no gaps, no overlaps): named
  sites (protected areas, water sources, industrial parks, town centres) are carved out
  first as their own units, and the rest is split into Voronoi cells of seeded points;
* at sea, the near-shore water (within ~15 km of the city's mainland coast) is split at
  the median line with the neighbouring coasts (莆田, 厦门, 金门), assigned to the county
  whose shore is nearest, and split again by bays, reserves and Voronoi cells;
* classes follow the plans: 优先保护 over reserves, water sources, mountain forest and the
  sensitive bays; 重点管控 over the industrial areas and towns the plans name; 一般管控
  elsewhere.  The four access-list texts, in Chinese and English, come from
  ``control_unit_texts``.

金门县 is not zoned: the 泉州 plans do not cover it.  Everything is deterministic.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon

from geodata import schema
from geodata.build import english_names
from geodata.build.control_unit_texts import access_texts
from geodata.build.protected_areas import geodesic_area_ha

KINMEN = "350527"
SIMPLIFY_DEG = 0.0002  # ~20 m
SEA_BAND_DEG = 0.14  # ~15 km
KM = 1 / 101.0  # degrees of lon per km at 24.9N (lat: 1/111); ellipses use it for both

#: Named land sites: county, class, theme, label (goes into the unit name), lon, lat,
#: semi-axes in km.  Order matters: earlier sites win where they overlap.
LAND_SITES: tuple[tuple[str, int, str, str, float, float, float, float], ...] = (
    ("350583", 1, "水源", "山美水库饮用水水源保护区", 118.382, 25.130, 5.0, 3.0),
    ("350521", 1, "水源", "惠女水库饮用水水源保护区", 118.740, 25.070, 2.5, 2.0),
    ("350503", 1, "生态", "清源山风景名胜区", 118.600, 24.948, 2.8, 2.2),
    ("350582", 1, "生态", "紫帽山生态公益林", 118.500, 24.852, 2.2, 1.8),
    ("350505", 2, "石化", "石化工业园区", 118.935, 25.165, 4.0, 2.8),
    ("350521", 2, "石化", "泉惠石化工业园区", 118.925, 25.062, 3.2, 2.4),
    ("350582", 2, "电镀", "五里电镀集控区", 118.550, 24.750, 1.4, 1.2),
    ("350583", 2, "电镀", "水头-石井电镀集控区", 118.437, 24.655, 1.5, 1.2),
    ("350581", 2, "印染", "伍堡-鸿山染整集控区", 118.722, 24.722, 2.0, 1.6),
    ("350582", 2, "制鞋", "陈埭镇制鞋产业", 118.615, 24.835, 2.4, 2.0),
    ("350582", 2, "皮革", "安海镇皮革产业", 118.466, 24.722, 2.0, 1.6),
    ("350582", 2, "建陶", "磁灶镇建陶产业", 118.512, 24.815, 2.4, 2.0),
    ("350524", 2, "钢铁", "湖头镇光电-钢铁产业", 118.055, 25.200, 3.0, 2.4),
    ("350583", 2, "", "仑苍镇水暖卫浴产业", 118.405, 25.035, 2.0, 1.6),
    ("350581", 2, "港口", "祥芝港区", 118.765, 24.784, 1.5, 1.2),
    ("350582", 2, "港口", "深沪港区", 118.675, 24.598, 1.2, 1.0),
    # Town centres (city-proper districts get bigger ones).
    ("350502", 2, "城镇", "中心城区", 118.586, 24.914, 3.2, 2.6),
    ("350503", 2, "城镇", "中心城区", 118.625, 24.895, 3.5, 2.6),
    ("350504", 2, "城镇", "万安城区", 118.668, 24.942, 2.2, 1.8),
    ("350505", 2, "城镇", "山腰城区", 118.905, 25.125, 2.0, 1.6),
    ("350521", 2, "城镇", "螺城城区", 118.797, 25.030, 2.6, 2.2),
    ("350524", 2, "城镇", "凤城城区", 118.186, 25.056, 2.6, 2.0),
    ("350525", 2, "城镇", "桃城城区", 118.294, 25.321, 2.0, 1.6),
    ("350526", 2, "城镇", "浔中城区", 118.241, 25.492, 2.0, 1.6),
    ("350581", 2, "城镇", "中心城区", 118.648, 24.732, 2.8, 2.4),
    ("350582", 2, "城镇", "青阳中心城区", 118.577, 24.808, 3.0, 2.4),
    ("350583", 2, "城镇", "溪美中心城区", 118.386, 24.960, 2.8, 2.2),
)

#: Target land area per Voronoi cell (km²) and the share of cells, furthest from the county
#: seat, that are mountain forest (优先保护).  Urban districts have no mountain share.
CELL_KM2 = 55.0
MOUNTAIN_SHARE = {
    "350526": 0.55,
    "350525": 0.45,
    "350524": 0.40,
    "350583": 0.25,
    "350504": 0.30,
    "350505": 0.15,
    "350521": 0.10,
}

#: Bay waters: class and theme of the bay units (reserves inside them are carved first).
BAY_CLASS = {
    "深沪湾": (1, "海洋保护"),
    "大港湾": (1, "海洋保护"),
    "泉州湾": (2, "港口"),
    "安海湾": (2, "养殖"),
    "湄洲湾": (2, "港口"),
    "围头湾": (3, "养殖"),
}


def _polys(geom: shapely.Geometry, min_area: float = 1e-6) -> shapely.Geometry:
    """Only the polygonal parts of ``geom`` above ~1 ha, valid; empty polygon if none."""
    geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > min_area]
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _ellipse(lon: float, lat: float, ax_km: float, ay_km: float) -> Polygon:
    """An irregular oval (a site drawn by hand is never a perfect ellipse)."""
    t = np.linspace(0, 2 * np.pi, 41)[:-1]
    phase = (lon * 1000 + lat * 100) % (2 * np.pi)  # deterministic per site
    r = 1 + 0.14 * np.sin(3 * t + phase) + 0.07 * np.cos(5 * t + 2 * phase)
    return Polygon(np.c_[lon + r * ax_km * KM * np.cos(t), lat + r * ay_km / 111.0 * np.sin(t)])


def _seeds(region: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points spread over ``region``: uniform samples, then two Lloyd iterations so
    the cells come out roughly even in size (like real units drawn along townships)."""
    minx, miny, maxx, maxy = region.bounds
    shapely.prepare(region)
    pts: list[tuple[float, float]] = []
    while len(pts) < n:
        cand = np.c_[rng.uniform(minx, maxx, 4 * n), rng.uniform(miny, maxy, 4 * n)]
        inside = shapely.contains_xy(region, cand[:, 0], cand[:, 1])
        pts.extend(map(tuple, cand[inside][: n - len(pts)]))
    xy = np.asarray(pts)
    for _ in range(2):
        cells = _voronoi(region, xy)
        cents = [shapely.centroid(c) for c in cells]
        xy = np.array(
            [(c.x, c.y) if not c.is_empty else p for c, p in zip(cents, xy, strict=False)]
        )
    return xy


def _voronoi(region: shapely.Geometry, xy: np.ndarray) -> list[shapely.Geometry]:
    """Voronoi cells of ``xy`` clipped to ``region``, in the order of ``xy``."""
    if len(xy) == 1:
        return [region]
    cells = shapely.get_parts(shapely.voronoi_polygons(MultiPoint(xy), extend_to=region.envelope))
    # voronoi_polygons does not keep input order: match each cell to the seed it contains.
    out: list[shapely.Geometry] = [Polygon()] * len(xy)
    for cell in cells:
        hit = np.flatnonzero(shapely.contains_xy(cell, xy[:, 0], xy[:, 1]))
        if hit.size:
            out[int(hit[0])] = _polys(shapely.intersection(cell, region), 0.0)
    return out


def _quarter(pt: shapely.Geometry, ref: shapely.Geometry) -> str:
    """Which part of the county a point is in (东部/西北部/...), for unit names."""
    dx, dy = pt.x - ref.x, pt.y - ref.y
    if abs(dx) < 0.03 and abs(dy) < 0.03:
        return "中部"
    ns = "北" if dy > 0.02 else "南" if dy < -0.02 else ""
    ew = "东" if dx > 0.02 else "西" if dx < -0.02 else ""
    return (ew + ns if ew and ns else ew or ns) + "部"


def _place_en(place: str, bay: str, county_en: str) -> str:
    """The English name of a unit's place as it reads inside a sentence: a county or bay as
    it is, a site with "the", a generic site ("central urban area") with its county too."""
    if not place:
        return county_en
    name = english_names.translate(place)
    if place == bay:
        return name
    if name[:1].islower():
        return f"the {name} of {county_en}"
    return f"the {name}"


class _Registry:
    """Collects units and hands out serials per (county, class)."""

    def __init__(self, county_names: dict[str, str], county_names_en: dict[str, str]) -> None:
        self.rows: list[dict] = []
        self.serial: dict[tuple[str, int], int] = {}
        self.names = county_names
        self.names_en = county_names_en

    def add(
        self,
        county: str,
        cls: int,
        theme: str,
        name_zh: str,
        name_en: str,
        domain: str,
        geom: shapely.Geometry,
        place: str = "",
        bay: str = "",
    ) -> None:
        geom = _polys(geom)
        if geom.is_empty:
            return
        n = self.serial.get((county, cls), 0) + 1
        self.serial[(county, cls)] = n
        county_zh, county_en = self.names[county], self.names_en[county]
        name_zh = name_zh.replace("{n}", str(n))
        zh = {"county": county_zh, "place": place or county_zh, "bay": bay}
        # English texts name the same places in English (translate raises on a label
        # without an English form, so no Chinese slips into the _en columns).
        en = {"county": county_en, "place": _place_en(place, bay, county_en),
              "bay": english_names.translate(bay) if bay else ""}
        texts = access_texts(cls, theme, domain, bay, zh)
        texts_en = access_texts(cls, theme, domain, bay, en, "en")
        self.rows.append(
            {
                "code": schema.unit_code(county, cls, n),
                "name_zh": name_zh,
                "name_en": name_en.replace("{n}", str(n)),
                "unit_class": cls,
                "county_code": county,
                "domain": domain,
                "theme": theme,
                **texts,
                **{f"{dim}_en": text for dim, text in texts_en.items()},
                "area_km2": round(geodesic_area_ha(geom) / 100.0, 3),
                "geometry": geom,
            }
        )


def _land_units(
    reg: _Registry,
    counties: gpd.GeoDataFrame,
    pas: gpd.GeoDataFrame,
    coast: shapely.Geometry,
    rng: np.random.Generator,
) -> None:
    simplified = shapely.coverage_simplify(counties.geometry.values, SIMPLIFY_DEG)
    seats = {s[0]: Point(s[4], s[5]) for s in LAND_SITES if s[2] == "城镇"}
    for code, name_en, county in zip(
        counties["code"], counties["name_en"], simplified, strict=False
    ):
        if code == KINMEN:
            continue
        cz = reg.names[code]
        rest = county
        # Protected areas first (grown ~100 m so the unit contains the reserve).
        for pa_name, pa_geom in pas.dissolve("name_zh").geometry.items():
            piece = shapely.intersection(pa_geom.buffer(0.001), rest)
            if geodesic_area_ha(piece) < 5:
                continue
            theme = "海洋保护" if "海" in pa_name else "生态"
            reg.add(
                code,
                1,
                theme,
                f"{cz}{pa_name}优先保护单元",
                f"{name_en} {pa_name} priority protection unit",
                "land",
                piece,
                pa_name,
            )
            rest = shapely.difference(rest, piece)
        for c, cls, theme, label, x, y, ax, ay in LAND_SITES:
            if c != code:
                continue
            piece = shapely.intersection(_ellipse(x, y, ax, ay), rest)
            kind = schema.UNIT_CLASSES[cls][0]
            reg.add(
                code,
                cls,
                theme,
                f"{cz}{label}{kind}",
                f"{name_en} {label} {schema.UNIT_CLASSES[cls][1].lower()} unit",
                "land",
                piece,
                label,
            )
            rest = shapely.difference(rest, piece)
        rest = _polys(rest, 0.0)
        n = max(3, round(geodesic_area_ha(rest) / 100.0 / CELL_KM2))
        xy = _seeds(rest, n, rng)
        cells = _voronoi(rest, xy)
        seat = seats.get(code, shapely.centroid(county))
        # Mountain forest is far from the county seat and far from the sea (南安's south
        # is industrial lowland, its north is the 戴云山 foothills).
        dist = np.hypot(xy[:, 0] - seat.x, xy[:, 1] - seat.y)
        inland = shapely.distance(shapely.points(xy), coast)
        score = dist / dist.max() + inland / max(inland.max(), 1e-9) + 0.25 * rng.random(len(xy))
        k = round(MOUNTAIN_SHARE.get(code, 0.0) * len(xy))
        mountain = set(np.argsort(-score)[:k].tolist())
        centre = shapely.centroid(county)
        for i, cell in enumerate(cells):
            if i in mountain:
                q = _quarter(shapely.centroid(cell), centre)
                reg.add(
                    code,
                    1,
                    "生态",
                    f"{cz}{q}山地生态优先保护单元{{n}}",
                    f"{name_en} mountain forest priority protection unit {{n}}",
                    "land",
                    cell,
                )
            else:
                reg.add(
                    code,
                    3,
                    "农业",
                    f"{cz}一般管控单元{{n}}",
                    f"{name_en} general control unit {{n}}",
                    "land",
                    cell,
                )


def _sea_owner_regions(
    counties: gpd.GeoDataFrame, land: shapely.Geometry, sea: shapely.Geometry
) -> dict[str, shapely.Geometry]:
    """Near-shore sea of each county: within the band of the city's coast, and nearer to
    that county's shore than to any other shore (median line with 莆田, 厦门, 金门)."""
    region_box = shapely.box(118.2, 24.3, 119.35, 25.45)
    coast = shapely.intersection(shapely.boundary(land), region_box)
    # Sample every shore every ~300 m.  Islets (< ~2 km²) are left out: the median line
    # is drawn between the mainland and the large islands (莆田, 厦门 with 大嶝, 金门),
    # else 金门's islets would claim most of 围头湾.
    samples = []
    for poly in shapely.get_parts(shapely.intersection(land, region_box)):
        if poly.geom_type != "Polygon" or poly.area < 2e-4:
            continue
        for ring in (poly.exterior, *poly.interiors):
            samples.extend(shapely.line_interpolate_point(ring, np.arange(0.0, ring.length, 0.003)))
    samples = np.asarray(samples)
    # Drop the samples on the basemap box's edge (not a shore).
    samples = samples[shapely.distance(samples, region_box.exterior) > 1e-6]
    tree = shapely.STRtree(counties.geometry.values)
    idx, dist = tree.query_nearest(samples, return_distance=True, all_matches=False)
    owner = np.where(dist[1] < 0.01, counties["code"].values[idx[1]], "other")
    # 金门 does not split the water with the mainland here: the 泉州 plans zone 围头湾 up
    # to 金门's waters, so 金门's shore is left out of the median line and only a ~2 km
    # margin round it is kept unzoned (below).
    kinmen_shore = owner == KINMEN
    samples, owner = samples[~kinmen_shore], owner[~kinmen_shore]
    xy = shapely.get_coordinates(samples)
    cells = shapely.get_parts(shapely.voronoi_polygons(MultiPoint(xy), extend_to=region_box))
    cell_tree = shapely.STRtree(cells)
    pairs = cell_tree.query(samples, predicate="within")
    qz = (owner != "other") & (owner != KINMEN)
    # Buffer a generalised copy of the city's coast (buffering the detailed one or the
    # samples costs ~40 s and changes the 15 km line by metres).
    mainland = counties.loc[counties["code"] != KINMEN].geometry.values
    qz_coast = shapely.intersection(coast, shapely.union_all(mainland).buffer(0.01))
    band = shapely.intersection(
        sea, shapely.buffer(shapely.simplify(qz_coast, 0.003), SEA_BAND_DEG, quad_segs=4)
    )
    kinmen = counties.loc[counties["code"] == KINMEN].geometry.values
    band = shapely.difference(band, shapely.union_all(kinmen).simplify(0.002).buffer(0.02, 4))
    out = {}
    for code in sorted(set(owner[qz])):
        mine = pairs[1][np.isin(pairs[0], np.flatnonzero(owner == code))]
        region = shapely.union_all(cells[mine])
        out[code] = _polys(shapely.intersection(band, region).simplify(SIMPLIFY_DEG))
    return out


def _sea_units(
    reg: _Registry,
    counties: gpd.GeoDataFrame,
    land: shapely.Geometry,
    sea: shapely.Geometry,
    bays: gpd.GeoDataFrame,
    pas: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> None:
    en = dict(zip(counties["code"], counties["name_en"], strict=False))
    sea_pas = pas[pas["domain"] == "sea"].dissolve("name_zh")
    for code, rest in _sea_owner_regions(counties, land, sea).items():
        cz = reg.names[code]
        for pa_name, pa_geom in sea_pas.geometry.items():
            piece = shapely.intersection(pa_geom.buffer(0.001), rest)
            if geodesic_area_ha(piece) < 5:
                continue
            short = pa_name.replace("国家级自然保护区", "保护区").replace(
                "省级自然保护区", "保护区"
            )
            bay = next((b for b in BAY_CLASS if b in pa_name), "")
            reg.add(
                code,
                1,
                "海洋保护",
                f"{cz}{short}优先保护单元",
                f"{en[code]} {pa_name} priority protection unit (sea)",
                "sea",
                piece,
                pa_name,
                bay,
            )
            rest = shapely.difference(rest, piece)
        for bay, bay_geom in zip(bays["name_zh"], bays.geometry, strict=False):
            piece = shapely.intersection(bay_geom, rest)
            if geodesic_area_ha(piece) < 20:
                continue
            cls, theme = BAY_CLASS[bay]
            reg.add(
                code,
                cls,
                theme,
                f"{cz}{bay}海域{schema.UNIT_CLASSES[cls][0]}",
                f"{en[code]} {bay} waters unit",
                "sea",
                piece,
                bay,
                bay,
            )
            rest = shapely.difference(rest, piece)
        rest = _polys(rest, 0.0)
        if rest.is_empty:
            continue
        n = max(1, round(geodesic_area_ha(rest) / 100.0 / 80.0))
        for cell in _voronoi(rest, _seeds(rest, n, rng)):
            reg.add(
                code,
                3,
                "养殖",
                f"{cz}近岸海域一般管控单元{{n}}",
                f"{en[code]} near-shore sea general control unit {{n}}",
                "sea",
                cell,
            )


def build_control_units(
    counties: gpd.GeoDataFrame,
    land: gpd.GeoDataFrame,
    sea: gpd.GeoDataFrame,
    bays: gpd.GeoDataFrame,
    protected_areas: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Build the ILLUSTRATIVE control-unit layer.

    Parameters
    ----------
    counties : GeoDataFrame
        County boundaries (code, name_zh, name_en).
    land, sea : GeoDataFrame
        The basemap land and sea.
    bays, protected_areas : GeoDataFrame
        From ``build_bays`` and ``build_protected_areas``.

    Returns
    -------
    GeoDataFrame
        One row per unit with the ``schema.CONTROL_UNIT_FIELDS`` columns, ``area_km2``
        (geodesic) and geometry (EPSG:4490).
    """
    rng = np.random.default_rng(350500)
    reg = _Registry(dict(zip(counties["code"], counties["name_zh"], strict=False)),
                    dict(zip(counties["code"], counties["name_en"], strict=False)))
    land_g = shapely.union_all(land.geometry.values)
    sea_g = shapely.union_all(sea.geometry.values)
    coast = shapely.simplify(shapely.boundary(land_g), 0.002)
    _land_units(reg, counties, protected_areas, coast, rng)
    _sea_units(reg, counties, land_g, sea_g, bays, protected_areas, rng)
    columns = [f.name for f in schema.CONTROL_UNIT_FIELDS] + ["area_km2", "geometry"]
    return gpd.GeoDataFrame(reg.rows, columns=columns, geometry="geometry", crs="EPSG:4490")
