"""ILLUSTRATIVE sea and river outfalls (入海/入河排污口) of 泉州市 and their monitoring.

No public outfall inventory with coordinates exists, so this module generates one that has
the shape of the real thing: outfalls sit on the real shoreline (within ~50 m, land side)
and on the banks of the rivers, concentrate where the plans say the problems are (石狮's
~212 sea outfalls, 晋江, 泉州湾, 安海湾, 深沪湾), and carry the HJ 1312-2023 vocabulary
from ``geodata.schema``.  Some defects are planted on purpose so the compliance checks have
something to find: outfalls inside protected areas, near-duplicate pairs (< 20 m apart, as
when two surveys register the same pipe) and ~2 % of rows missing a required field.
Responsible parties are invented (甲号/乙号… companies) and must not be read as real.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from geodata import schema
from geodata.build.rivers import build_rivers

#: Sea outfalls per county (石狮's ~212 follows its plan's inventory; the rest by coast).
SEA_QUOTA = {"350581": 212, "350582": 160, "350521": 85, "350583": 50, "350505": 40, "350503": 18}
#: River outfalls per river.
RIVER_QUOTA = {
    "晋江": 60,
    "东溪": 40,
    "西溪": 50,
    "蓝溪": 30,
    "桃溪": 25,
    "湖洋溪": 8,
    "洛阳江": 35,
    "九十九溪": 25,
    "大盈溪": 20,
    "浐溪": 22,
}
#: Bays that attract outfalls (weight multiplier on their shores).
BAY_WEIGHT = {
    "泉州湾": 3.0,
    "安海湾": 4.0,
    "深沪湾": 3.0,
    "围头湾": 1.5,
    "湄洲湾": 1.5,
    "大港湾": 1.0,
}

_VIL1 = "东西南北前后上下新大港塘溪埔岑林洋厝坑湖"
_VIL2 = "头尾埔厝山边美垵园店坑洋兜内仔亭坂后"
_FIRMS = "甲乙丙丁戊己庚辛壬癸"
_INDUSTRY = {
    "350581": "染整",
    "350582": "鞋服",
    "350583": "建材",
    "350521": "石材",
    "350505": "化工",
    "350503": "食品",
    "350502": "食品",
    "350504": "石材",
    "350524": "茶叶加工",
    "350525": "陶瓷",
    "350526": "陶瓷",
}

# (type, subtype, weight) for sea and river outfalls.
_SEA_MIX = (
    ("其他排口", "生活污水散排口", 30),
    ("其他排口", "城镇雨洪排口", 20),
    ("工业排污口", "工业废水排污口", 9),
    ("工业排污口", "雨洪排口", 8),
    ("工业排污口", "工业园区污水处理厂排污口", 2),
    ("农业排口", "规模化水产养殖排污口", 16),
    ("其他排口", "港口码头排口", 6),
    ("城镇污水处理厂排污口", "城镇污水处理厂排污口", 3),
    ("其他排口", "其他", 6),
)
_RIVER_MIX = (
    ("其他排口", "生活污水散排口", 30),
    ("其他排口", "城镇雨洪排口", 18),
    ("工业排污口", "工业废水排污口", 12),
    ("工业排污口", "雨洪排口", 6),
    ("农业排口", "规模化畜禽养殖排污口", 8),
    ("农业排口", "农田退水口", 10),
    ("其他排口", "大中型灌区排口", 3),
    ("城镇污水处理厂排污口", "城镇污水处理厂排污口", 5),
    ("其他排口", "其他", 8),
)
_MODE_BY_SUB = {
    "城镇污水处理厂排污口": ("管道",),
    "工业园区污水处理厂排污口": ("管道",),
    "工业废水排污口": ("管道", "明渠"),
    "雨洪排口": ("箱涵", "涵闸", "明渠"),
    "城镇雨洪排口": ("箱涵", "涵闸", "明渠"),
    "生活污水散排口": ("明渠", "管道", "其他"),
    "规模化水产养殖排污口": ("管道", "泵站", "明渠"),
    "港口码头排口": ("管道", "明渠"),
}


def _weighted(rng: np.random.Generator, mix: tuple, n: int) -> list[tuple[str, str]]:
    w = np.array([m[2] for m in mix], float)
    return [mix[i][:2] for i in rng.choice(len(mix), n, p=w / w.sum())]


def _village(rng: np.random.Generator) -> str:
    return _VIL1[rng.integers(len(_VIL1))] + _VIL2[rng.integers(len(_VIL2))]


def _inland(pt: Point, land: shapely.Geometry, step: float = 0.0002) -> Point:
    """Nudge a point on the coastline ~20 m onto land (try the 8 directions)."""
    for ang in np.linspace(0, 2 * np.pi, 9)[:-1]:
        cand = Point(pt.x + step * np.cos(ang), pt.y + step * np.sin(ang))
        if land.contains(cand):
            return cand
    return pt


def _shore_samples(
    county: shapely.Geometry,
    coast: shapely.Geometry,
    n: int,
    bays: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> list[Point]:
    """``n`` points on the county's shore, denser along the bays that attract outfalls."""
    shore = shapely.intersection(coast, county.buffer(0.002))
    parts = [p for p in shapely.get_parts(shore) if p.length > 0.002]
    # Candidate points every ~100 m, weighted by the bay they face.
    cand = []
    for p in parts:
        cand.extend(shapely.line_interpolate_point(p, np.arange(0, p.length, 0.001)))
    cand = np.asarray(cand)
    w = np.ones(len(cand))
    for name, geom in zip(bays["name_zh"], bays.geometry, strict=False):
        near = shapely.dwithin(cand, geom, 0.004)
        w[near] *= BAY_WEIGHT.get(name, 1.0)
    # Three times what is needed, in random order: the caller takes the first n it accepts.
    pick = rng.choice(len(cand), size=min(3 * n, len(cand)), replace=False, p=w / w.sum())
    return list(cand[pick])


def _river_samples(line: shapely.LineString, n: int, rng: np.random.Generator) -> list[Point]:
    """``n`` points on the banks: along the line, 15–35 m to one side."""
    d = np.sort(rng.uniform(0.02, 0.98, n)) * line.length
    out = []
    for s in d:
        a, b = line.interpolate(max(s - 0.0005, 0)), line.interpolate(min(s + 0.0005, line.length))
        dx, dy = b.x - a.x, b.y - a.y
        norm = np.hypot(dx, dy) or 1.0
        off = rng.uniform(0.00015, 0.00035) * (1 if rng.random() < 0.5 else -1)
        c = line.interpolate(s)
        out.append(Point(c.x - dy / norm * off, c.y + dx / norm * off))
    return out


def _name(county_zh: str, town: str, sub: str, village: str, firm: str) -> str:
    stem = f"{county_zh}{town}"
    return {
        "生活污水散排口": f"{stem}{village}村生活污水散排口",
        "城镇雨洪排口": f"{stem}{village}雨水排口",
        "工业废水排污口": f"{firm}废水排污口",
        "雨洪排口": f"{stem}{village}工业区雨洪排口",
        "工业园区污水处理厂排污口": f"{stem}工业园区污水处理厂排污口",
        "城镇污水处理厂排污口": f"{stem}污水处理厂排污口",
        "规模化水产养殖排污口": f"{stem}{village}养殖尾水排口",
        "规模化畜禽养殖排污口": f"{stem}{village}养殖场排污口",
        "农田退水口": f"{stem}{village}农田退水口",
        "大中型灌区排口": f"{stem}{village}灌区退水口",
        "港口码头排口": f"{stem}{village}渔港码头排口",
    }.get(sub, f"{stem}{village}排口")


def _government(county_zh: str, town: str) -> str:
    if town.endswith("镇"):
        return f"{town}人民政府"
    if town.endswith("街道"):
        return f"{county_zh}{town}办事处"
    return f"{county_zh}人民政府"


def _party(county_zh: str, town: str, sub: str, village: str, firm: str) -> str:
    if sub in ("工业废水排污口", "雨洪排口"):
        return firm
    if sub in ("城镇污水处理厂排污口", "工业园区污水处理厂排污口"):
        return f"{county_zh}{town}污水处理厂"
    if sub in ("规模化水产养殖排污口", "规模化畜禽养殖排污口"):
        return f"{town}{village}{'水产' if '水产' in sub else '畜牧'}养殖专业合作社"
    if sub in ("城镇雨洪排口", "港口码头排口", "大中型灌区排口"):
        return _government(county_zh, town)
    return f"{town}{village}{'社区居民' if town.endswith('街道') else '村民'}委员会"


def build_outfalls(
    counties: gpd.GeoDataFrame,
    land: gpd.GeoDataFrame,
    sea: gpd.GeoDataFrame,
    coastline: gpd.GeoDataFrame,
    control_units: gpd.GeoDataFrame,
    protected_areas: gpd.GeoDataFrame,
    bays: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Build the ILLUSTRATIVE outfall layer.

    Parameters
    ----------
    counties, land, sea, coastline : GeoDataFrame
        Basemap layers (EPSG:4490).
    control_units, protected_areas, bays : GeoDataFrame
        The generated layers; protected areas receive a few planted violations.

    Returns
    -------
    GeoDataFrame
        The ``schema.OUTFALL_FIELDS`` columns and a Point geometry (EPSG:4490).
    """
    from geodata.build.places import build_places

    del control_units  # classes are read by the compliance checks, not needed to place
    rng = np.random.default_rng(1312)
    land_g = shapely.union_all(land.geometry.values)
    coast = shapely.union_all(coastline.geometry.values)
    by_code = dict(zip(counties["code"], counties.geometry, strict=False))
    county_zh = dict(zip(counties["code"], counties["name_zh"], strict=False))
    places = build_places(land)
    towns = places[places["rank"] >= 2].reset_index(drop=True)
    county_tree = shapely.STRtree(counties.geometry.values)

    # Protected areas stay mostly clear (the planted violations below are the point); a
    # pipe on the shore of a reserve's land part is let through one time in ten.
    pa_g = shapely.union_all(protected_areas.geometry.values)
    shapely.prepare(pa_g)

    def admissible(p: Point, taken: list[Point]) -> bool:
        if pa_g.contains(p) and rng.random() > 0.1:
            return False
        # Two counties' shore samples meet at their boundary: keep one of a close pair.
        return not any(p.distance(q) < 0.0004 for q in taken[-400:])

    pts: list[Point] = []
    kinds: list[str] = []
    waters: list[str] = []
    for code, n in SEA_QUOTA.items():
        start = len(pts)
        for p in _shore_samples(by_code[code], coast, n, bays, rng):
            if len(pts) - start >= n:
                break
            p = _inland(p, land_g)
            if admissible(p, pts):
                pts.append(p)
                kinds.append("sea")
    bay_tree = shapely.STRtree(bays.geometry.values)
    for p in pts:
        i, d = bay_tree.query_nearest(p, return_distance=True)
        waters.append(bays["name_zh"].iloc[int(i[0])] if d[0] < 0.02 else "")
    rivers = build_rivers()
    for name, line in zip(rivers["name_zh"], rivers.geometry, strict=False):
        for p in _river_samples(line, RIVER_QUOTA.get(name, 10), rng):
            if land_g.contains(p) and admissible(p, pts):
                pts.append(p)
                kinds.append("river")
                waters.append(name)

    # Planted defects 1: outfalls inside protected areas, just off the shore.
    for pa_name, k, water in (
        ("深沪湾海底古森林遗迹国家级自然保护区", 3, "深沪湾"),
        ("泉州湾河口湿地省级自然保护区", 3, "泉州湾"),
        ("崇武国家海洋公园", 2, "崇武近岸海域"),
    ):
        geom = shapely.union_all(
            protected_areas.loc[protected_areas["name_zh"] == pa_name].geometry.values
        )
        edge = shapely.intersection(coast, geom.buffer(0.0003))
        for t in rng.uniform(0.1, 0.9, k):
            p = edge.interpolate(t, normalized=True) if edge.length else geom.representative_point()
            # Step just inside the protected water (a pipe end on the flats).
            inner = shapely.intersection(geom, p.buffer(0.0004))
            pts.append(inner.representative_point() if not inner.is_empty else p)
            kinds.append("sea")
            waters.append(water)

    n = len(pts)
    geoms = np.asarray(pts, dtype=object)
    cidx = county_tree.query_nearest(geoms, all_matches=False)[1]
    codes_county = counties["code"].values[cidx]
    # Name each outfall after the nearest town of its own county (a county seat by its
    # seat township: "惠安县(螺城镇)" -> 螺城镇).
    town_county = counties["code"].values[
        county_tree.query_nearest(towns.geometry.values, all_matches=False)[1]
    ]
    labels = np.array(
        [t.split("(")[1].rstrip(")") if "(" in t else t for t in towns["name_zh"]], dtype=object
    )
    town_names = []
    for g, cc in zip(geoms, codes_county, strict=False):
        mine = np.flatnonzero(town_county == cc)
        if mine.size == 0:
            town_names.append("")
            continue
        dist = shapely.distance(towns.geometry.values[mine], g)
        town_names.append(labels[mine[int(np.argmin(dist))]])
    sea_mix = _weighted(rng, _SEA_MIX, n)
    river_mix = _weighted(rng, _RIVER_MIX, n)
    rows = []
    serial: dict[tuple[str, str], int] = {}
    for i in range(n):
        code_c, kind = codes_county[i], kinds[i]
        otype, sub = sea_mix[i] if kind == "sea" else river_mix[i]
        key = (code_c, kind)
        serial[key] = serial.get(key, 0) + 1
        cz, town, village = county_zh[code_c], town_names[i], _village(rng)
        firm = f"{cz}{_FIRMS[rng.integers(len(_FIRMS))]}号{_INDUSTRY.get(code_c, '制造')}有限公司"
        water = waters[i] or f"{cz}近岸海域"
        rem = rng.choice(
            schema.REMEDIATION, p=[0.45, 0.15, 0.40] if "散排" in sub else [0.1, 0.15, 0.75]
        )
        rows.append(
            {
                "code": schema.outfall_code(code_c, kind, serial[key]),
                "name_zh": _name(cz, town, sub, village, firm),
                "outfall_type": otype,
                "subtype": sub,
                "water_kind": kind,
                "receiving_water": water,
                "discharge_mode": str(rng.choice(_MODE_BY_SUB.get(sub, schema.DISCHARGE_MODES))),
                "responsible_party": _party(cz, town, sub, village, firm),
                "county_code": code_c,
                "remediation": str(rem),
                "remediation_status": str(
                    rng.choice(schema.REMEDIATION_STATUS, p=[0.15, 0.3, 0.55])
                ),
                "review_status": str(rng.choice(schema.REVIEW_STATUS, p=[0.22, 0.70, 0.08])),
                "coord_source": str(rng.choice(schema.COORD_SOURCES, p=[0.65, 0.2, 0.1, 0.05])),
                "geometry": geoms[i],
            }
        )

    # Planted defects 2: near-duplicate registrations (< 20 m apart, name variant).
    for j in rng.choice(np.flatnonzero(np.array(kinds) == "sea")[:400], 4, replace=False):
        src = dict(rows[int(j)])
        code_c = src["county_code"]
        serial[(code_c, "sea")] += 1
        p = src["geometry"]
        src.update(
            code=schema.outfall_code(code_c, "sea", serial[(code_c, "sea")]),
            name_zh=src["name_zh"].replace("排口", "排放口", 1),
            review_status="待核查",
            coord_source="资料",
            geometry=Point(p.x + 0.00008, p.y + 0.00005),
        )
        rows.append(src)
    # Planted defects 3: ~2 % of rows miss a required field.
    for j in rng.choice(len(rows), max(1, round(0.02 * len(rows))), replace=False):
        rows[int(j)]["receiving_water" if rng.random() < 0.5 else "responsible_party"] = ""

    columns = [f.name for f in schema.OUTFALL_FIELDS] + ["geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs="EPSG:4490")


#: Typical concentrations (mg/L) and flow (m³/d) by subtype: (cod, nh3n, tp, tn, flow).
_LEVELS = {
    "城镇污水处理厂排污口": (22, 1.0, 0.25, 9, 40000),
    "工业园区污水处理厂排污口": (35, 2.0, 0.3, 10, 15000),
    "工业废水排污口": (60, 4.0, 0.5, 15, 1500),
    "生活污水散排口": (120, 18.0, 2.0, 28, 80),
    "规模化水产养殖排污口": (25, 1.5, 0.3, 4, 2000),
    "规模化畜禽养殖排污口": (150, 25.0, 4.0, 40, 60),
}


def build_samples(outfalls: gpd.GeoDataFrame) -> pd.DataFrame:
    """Quarterly monitoring 2021–2025 for about 60 % of the outfalls (ILLUSTRATIVE).

    WWTP outfalls stay near GB 18918 一级A (COD ≤ 50, 氨氮 ≤ 5, 总磷 ≤ 0.5, 总氮 ≤ 15 mg/L);
    industrial and scattered outfalls scatter wider and now and then exceed.

    Returns
    -------
    DataFrame
        outfall_code, sample_date (ISO text), flow_m3d, ph, cod_mgl, nh3n_mgl, tp_mgl, tn_mgl.
    """
    rng = np.random.default_rng(18918)
    monitored = outfalls[rng.random(len(outfalls)) < 0.6]
    quarters = [(y, m) for y in range(2021, 2026) for m in (2, 5, 8, 11)]
    frames = []
    for code, sub in zip(monitored["code"], monitored["subtype"], strict=False):
        cod, nh3n, tp, tn, flow = _LEVELS.get(sub, (45, 3.0, 0.4, 12, 300))
        # Each outfall has its own level, drifting down a little as remediation proceeds.
        own = rng.lognormal(0, 0.25)
        trend = np.linspace(1.1, 0.85, len(quarters))
        noise = rng.lognormal(0, 0.3, (len(quarters), 4))
        spikes = (rng.random(len(quarters)) < (0.06 if "处理厂" not in sub else 0.01)) * 1.8 + 1
        conc = np.array([cod, nh3n, tp, tn]) * own * trend[:, None] * noise * spikes[:, None]
        days = rng.integers(3, 26, len(quarters))
        frames.append(
            pd.DataFrame(
                {
                    "outfall_code": code,
                    "sample_date": [
                        f"{y}-{m:02d}-{d:02d}" for (y, m), d in zip(quarters, days, strict=False)
                    ],
                    "flow_m3d": np.round(flow * own * rng.lognormal(0, 0.2, len(quarters)), 1),
                    "ph": np.round(np.clip(rng.normal(7.2, 0.35, len(quarters)), 5.5, 9.5), 2),
                    "cod_mgl": np.round(conc[:, 0], 1),
                    "nh3n_mgl": np.round(conc[:, 1], 2),
                    "tp_mgl": np.round(conc[:, 2], 3),
                    "tn_mgl": np.round(conc[:, 3], 2),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
