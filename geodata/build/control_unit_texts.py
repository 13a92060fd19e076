"""Access-list texts (生态环境准入清单) of the ILLUSTRATIVE control units, in Chinese and English.

Composable templates in the style of Fujian/Quanzhou lists: a few sentences for the class
and domain, then the theme's own, numbered.  ``{county}``, ``{place}``, ``{bay}`` and
``{bay_or_county}`` are filled in so each unit's text names where it is.  Content follows
the two plans in shared/seeds (石化 VOCs, 电镀 heavy metals, 印染 尾水深海排放, 安海湾
消除劣四类, 入海排污口 规范化 ...).

Every Chinese template has an English one at the same key with the same number of
sentences (``control_unit_texts_en``), so the numbered items of both languages line up; the
English templates are filled with the English names of counties, sites and bays.  These are
generated, illustrative texts, not the official lists.
"""

from __future__ import annotations

from geodata.build import control_unit_texts_en as en
from geodata.messages import in_language

DIMS = ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq")

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


_FALLBACK = "严格执行{county}生态环境分区管控要求"

#: Per language: class/domain sentences, theme sentences, bay sentences, filler sentence.
TEMPLATES = {
    "zh": (_CLASS_BASE, _THEME, _BAY_EXTRA, _FALLBACK),
    "en": (en.CLASS_BASE_EN, en.THEME_EN, en.BAY_EXTRA_EN, en.FALLBACK_EN),
}


def _sentence(text: str, lang: str) -> str:
    return in_language(lang, text + "。", text[:1].upper() + text[1:] + ".")


def access_texts(
    cls: int, theme: str, domain: str, bay: str, names: dict[str, str], lang: str = "zh"
) -> dict[str, str]:
    """The four access-list texts of a unit, numbered "1. … 2. …" (2–5 sentences each).

    Parameters
    ----------
    cls, theme, domain : int, str, str
        The unit's class (1/2/3), theme (Chinese key of ``_THEME``, '' for none) and
        'land' or 'sea'.
    bay : str
        The Chinese name of the unit's bay ('' for none): selects the bay's own sentence.
    names : dict
        ``county``, ``place`` and ``bay`` names in the language of the text.
    lang : str
        'zh' or 'en'.
    """
    class_base, themes, bay_extra, fallback = TEMPLATES[lang]
    base = class_base[(cls, domain)]
    theme_s = themes.get(theme, themes[""])
    fill = {"county": names["county"], "place": names["place"], "bay": names["bay"],
            "bay_or_county": names["bay"] or names["county"]}
    out = {}
    for i, dim in enumerate(DIMS):
        sentences = [base[i], *theme_s[i]]
        if bay in bay_extra and bay_extra[bay][0] == dim:
            sentences.append(bay_extra[bay][1])
        if len(sentences) < 2:
            sentences.append(fallback)
        out[dim] = " ".join(f"{k}. {_sentence(s.format(**fill), lang)}"
                            for k, s in enumerate(sentences[:5], 1))
    return out
