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
  elsewhere.  The four access-list texts come from ``control_unit_texts``.

金门县 is not zoned: the 泉州 plans do not cover it.  Everything is deterministic.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon

from geodata import schema
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


# --- Access-list texts (生态环境准入清单) --------------------------------------------------
# Composable templates in the style of Fujian/Quanzhou lists: a few sentences for the class
# and domain, then the theme's own, numbered.  {county}, {place} and {bay} are filled in so
# each unit's text names where it is.  Content follows the two plans in shared/seeds (石化
# VOCs, 电镀 heavy metals, 印染 尾水深海排放, 安海湾 消除劣四类, 入海排污口 规范化 ...).

_DIMS = ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq")

_CLASS_BASE: dict[tuple[int, str], tuple[str, str, str, str]] = {
    (1, "land"): (
        "严格执行生态保护红线管控要求，{place}范围内禁止新建、扩建与保护目标不符的开发建设项目",
        "区域内不得新增污染物排放，现有排污单位依法逐步退出或整改",
        "建立{place}生态环境风险排查制度，严防外来物种入侵和森林火灾",
        "严格控制{place}范围内的土地、水资源开发强度，维持自然生态空间面积不减少",
    ),
    (1, "sea"): (
        "{place}海域严格执行海洋生态保护红线管控要求，禁止围填海、采砂等改变海域自然属性的活动",
        "禁止在{place}范围内新设入海排污口，已设排污口限期取缔或迁出",
        "加强{place}海域船舶溢油、危化品运输风险监控，建立海洋环境突发事件应急预案",
        "严格控制{place}海域养殖规模和密度，自然岸线保有率不降低",
    ),
    (2, "land"): (
        "{place}新建、改建、扩建项目须符合园区规划及规划环评要求，禁止引入不符合产业定位的项目",
        "严格执行污染物排放总量控制，新建项目实行主要污染物排放量倍量或等量替代",
        "{place}建立健全企业、园区、区域三级环境风险防控体系，编制突发环境事件应急预案并定期演练",
        "单位工业增加值能耗、水耗达到{county}下达的年度控制目标",
    ),
    (2, "sea"): (
        "{place}用海项目须符合国土空间规划和海岸带保护利用规划，严格限制新增围填海",
        "推进{place}入海排污口排查整治，实施“一口一档”动态管理，规范化设置排污口标识和监测设施",
        "加强{place}海域船舶污染物接收、转运、处置监管，配备溢油应急设备",
        "严格海域使用审批，提高{place}海域空间资源利用效率",
    ),
    (3, "land"): (
        "{county}一般管控单元落实生态环境保护基本要求，禁止新建不符合国家产业政策的项目",
        "城镇生活污水和农村生活污水应收尽收、达标排放",
        "加强土壤和地下水污染风险管控，落实建设用地土壤环境调查评估制度",
        "落实{county}用水总量和用水效率控制指标，推广节水灌溉",
    ),
    (3, "sea"): (
        "{place}海域开发利用活动应符合海洋功能区划，优化海水养殖空间布局",
        "入海排污口依法备案，排放须达到相应排放标准",
        "加强{place}海域赤潮监测预警和海漂垃圾治理",
        "合理控制{place}海域开发强度，集约节约利用海域资源",
    ),
}

_THEME: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "石化": (
        (
            "禁止新建、扩建炼化一体化规划以外的石化项目，新建化工项目须进入{place}",
            "园区周边设置环境防护距离，防护距离内禁止新建居民区、学校、医院等环境敏感目标",
        ),
        (
            "严格执行石油炼制、石油化学工业污染物排放标准，全面实施挥发性有机物（VOCs）泄漏检测与修复（LDAR）",
            "园区污水集中处理率达到100%，尾水经深海排放管道达标排放",
        ),
        (
            "建立{place}有毒有害气体环境风险预警体系，落实园区—企业—装置三级防控",
            "储罐区、装卸区设置围堰和事故应急池，确保事故废水不出厂界",
        ),
        (
            "新建石化项目能效须达到国内先进水平，单位工业增加值能耗持续下降",
            "推进园区循环化改造，工业用水重复利用率不低于95%",
        ),
    ),
    "电镀": (
        ("{county}电镀项目一律进入{place}，集控区外禁止新建、扩建电镀项目",),
        (
            "严格执行电镀污染物排放标准，第一类污染物在车间或生产设施排放口达标",
            "实施重金属污染物排放总量控制，新建项目重金属排放实行“减量置换”",
        ),
        ("加强含重金属污泥等危险废物规范化贮存和转移管理，建立重金属污染隐患排查台账",),
        ("推广无氰、低铬等清洁生产工艺，电镀企业清洁生产审核全覆盖", "中水回用率不低于50%"),
    ),
    "印染": (
        ("{county}新建、扩建印染项目一律进入{place}，集控区外不得新增印染产能",),
        (
            "印染废水集中处理，尾水实施深海排放，严格执行纺织染整工业水污染物排放标准",
            "定型机废气须配套高效收集和治理设施",
        ),
        ("集中供热、集中治污设施须设置事故应急池，防止超标废水直排入海",),
        ("推广印染中水回用和低浴比染色工艺，单位产品取水量达到清洁生产先进水平",),
    ),
    "皮革": (
        ("{place}禁止新建制革项目，现有皮革企业进入园区集中管理",),
        ("制革废水含铬污染物须单独收集处理，严格执行制革及毛皮加工工业水污染物排放标准",),
        ("加强含铬污泥等危险废物规范化管理，防范{bay_or_county}水体重金属污染风险",),
        ("推广少铬鞣、无铬鞣等清洁生产技术",),
    ),
    "制鞋": (
        ("{place}制鞋企业应入园集聚发展，禁止在居住区周边新建使用溶剂型胶粘剂的项目",),
        ("推广使用水性胶粘剂，涉VOCs工序密闭收集，VOCs排放满足福建省工业涂装及制鞋行业排放标准",),
        ("加强危险化学品及有机溶剂储存管理，落实防火、防泄漏措施",),
        ("推进制鞋产业集群清洁生产改造和能源梯级利用",),
    ),
    "建陶": (
        ("{place}禁止新建、扩建建筑陶瓷项目（产能置换项目除外）",),
        (
            "建陶企业全面使用天然气等清洁能源，窑炉烟气颗粒物、二氧化硫、氮氧化物执行陶瓷工业污染物排放标准特别排放限值",
            "加强原料堆场、破碎等工序无组织粉尘管控",
        ),
        ("落实重污染天气应急减排措施，{county}建陶企业纳入应急减排清单",),
        ("单位产品综合能耗达到建筑卫生陶瓷单位产品能源消耗限额先进值",),
    ),
    "钢铁": (
        ("{place}严禁新增钢铁产能，确有必要的项目严格实施产能等量或减量置换",),
        ("钢铁企业全面完成超低排放改造，颗粒物、二氧化硫、氮氧化物达到超低排放水平",),
        ("加强煤气、危化品等重大危险源监控，完善{place}突发环境事件应急体系",),
        ("推进余热余压利用，吨钢综合能耗持续下降",),
    ),
    "港口": (
        ("{place}新建码头须同步建设船舶污染物接收设施和岸电设施",),
        ("港口码头初期雨水、含油污水收集处理，散货堆场实施封闭或防风抑尘措施",),
        ("完善{place}危险货物装卸、储存安全和溢油应急体系",),
        ("推进港口岸线集约利用，提高岸电使用率",),
    ),
    "养殖": (
        ("优化{place}海水养殖空间布局，清退禁养区内的养殖设施",),
        ("规模化水产养殖尾水须处理达标后排放，推进海水养殖排污口排查整治和规范化设置",),
        ("推动完善海水养殖垃圾上岸处置制度，网箱配齐垃圾回收桶，确保垃圾不入海",),
        ("推广生态健康养殖模式，控制养殖密度",),
    ),
    "水源": (
        (
            "{place}一级保护区内禁止新建、改建、扩建与供水设施和保护水源无关的建设项目",
            "二级保护区内禁止新建、改建、扩建排放污染物的建设项目",
        ),
        ("保护区内已建排污口依法拆除或关闭，禁止网箱养殖、畜禽养殖",),
        ("完善{place}水源地预警监控和突发环境事件应急预案，设置隔离防护设施",),
        ("保障{place}水源涵养林面积和生态流量",),
    ),
    "城镇": (
        ("{place}禁止新建、扩建工业项目（污染较轻的都市型工业除外），现有工业企业逐步退城入园",),
        (
            "城镇生活污水集中收集处理率持续提高，污水处理厂出水执行一级A及以上标准",
            "加强餐饮油烟、施工扬尘和机动车尾气污染防治",
        ),
        ("加强{place}建设用地土壤污染风险管控，重点监管单位腾退地块须开展调查评估",),
        ("落实“300米见绿、500米见园”要求，城市建成区绿化覆盖率达到45%以上",),
    ),
    "农业": (
        ("{county}禁止在永久基本农田集中区域新建可能造成土壤污染的建设项目",),
        ("推进化肥农药减量增效，规模化畜禽养殖场粪污综合利用率达到90%以上",),
        ("落实受污染耕地安全利用措施",),
        ("推广高效节水灌溉，农田灌溉水有效利用系数持续提高",),
    ),
    "生态": (
        ("{place}内禁止开矿、采石、挖沙等破坏生态的活动，严格控制林地转为建设用地",),
        ("{place}内禁止新建排放污染物的项目",),
        ("加强森林防火和林业有害生物防控",),
        ("实施水土流失综合治理，提升森林质量和水源涵养功能",),
    ),
    "海洋保护": (
        ("{place}核心区、缓冲区内禁止任何开发建设活动，实验区内活动须符合保护区总体规划",),
        ("禁止向{place}直接排放污水和倾倒废弃物",),
        ("加强{place}监管和巡护，防范互花米草等外来物种入侵",),
        ("保护滨海湿地和自然岸线，严禁占用{place}岸线",),
    ),
    "": (
        ("{place}新建项目须符合产业定位，禁止新建不符合园区规划的项目",),
        ("生产废水经预处理后纳入园区污水处理厂集中处理，严格执行相应行业排放标准",),
        ("企业编制突发环境事件应急预案，完善事故废水收集和应急处置设施",),
        ("推进清洁生产审核和节水改造",),
    ),
}

#: Extra sentences for particular bays (plans' bay-specific tasks).
_BAY_EXTRA = {
    "安海湾": (
        "pwwpfgk",
        "全力推进安海湾生态环境综合治理，到2025年安海湾水质稳定消除劣四类，入海排污口分类整治基本完成",
    ),
    "泉州湾": ("pwwpfgk", "2023年底前基本完成泉州湾排污口溯源排查，推进泉州湾互花米草整治"),
    "深沪湾": ("pwwpfgk", "2023年底前基本完成深沪湾排污口溯源排查，到2025年深沪湾基本建成美丽海湾"),
    "大港湾": ("kjbjys", "到2025年大港湾基本建成美丽海湾，严格保护自然岸线和沙滩"),
    "湄洲湾": ("hjfxfk", "落实环湄洲湾区域联防联控，加强湄洲湾石化码头及航道溢油风险防范"),
}


def access_texts(
    cls: int, theme: str, county: str, place: str, bay: str, domain: str
) -> dict[str, str]:
    """The four access-list texts of a unit, numbered "1. … 2. …" (2–5 sentences each)."""
    base = _CLASS_BASE[(cls, domain)]
    theme_s = _THEME.get(theme, _THEME[""])
    out = {}
    for i, dim in enumerate(_DIMS):
        sentences = [base[i], *theme_s[i]]
        if bay in _BAY_EXTRA and _BAY_EXTRA[bay][0] == dim:
            sentences.append(_BAY_EXTRA[bay][1])
        if len(sentences) < 2:
            sentences.append("严格执行{county}生态环境分区管控要求")
        fill = {"county": county, "place": place, "bay": bay, "bay_or_county": bay or county}
        out[dim] = " ".join(f"{k}. {s.format(**fill)}。" for k, s in enumerate(sentences[:5], 1))
    return out


class _Registry:
    """Collects units and hands out serials per (county, class)."""

    def __init__(self, county_names: dict[str, str]) -> None:
        self.rows: list[dict] = []
        self.serial: dict[tuple[str, int], int] = {}
        self.names = county_names

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
        county_zh = self.names[county]
        name_zh = name_zh.replace("{n}", str(n))
        texts = access_texts(cls, theme, county_zh, place or county_zh, bay, domain)
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
    reg = _Registry(dict(zip(counties["code"], counties["name_zh"], strict=False)))
    land_g = shapely.union_all(land.geometry.values)
    sea_g = shapely.union_all(sea.geometry.values)
    coast = shapely.simplify(shapely.boundary(land_g), 0.002)
    _land_units(reg, counties, protected_areas, coast, rng)
    _sea_units(reg, counties, land_g, sea_g, bays, protected_areas, rng)
    columns = [f.name for f in schema.CONTROL_UNIT_FIELDS] + ["area_km2", "geometry"]
    return gpd.GeoDataFrame(reg.rows, columns=columns, geometry="geometry", crs="EPSG:4490")
