"""The workspace GeoPackage schema: layer names, their fields, and code formats.

One place that says what a workspace holds, so that the bundled-data builder, the readers,
the importers and the exporters agree.  Field names are short ASCII (they survive a
Shapefile export); the national 三线一单 names they correspond to are kept beside them for
import mapping and for export headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from geodata.messages import in_language

CRS = "EPSG:4490"  # CGCS2000 geographic; for a viewer equal to WGS84

#: Spatial layers, in drawing order bottom to top.
SPATIAL_LAYERS = (
    "land",
    "sea",
    "coastline",
    "counties",
    "city",
    "control_units",
    "bays",
    "protected_areas",
    "places",
    "outfalls",
)

#: Plain (attribute-only) tables.
TABLES = (
    "tasks",
    "indicators",
    "projects",
    "zone_links",
    "outfall_samples",
    "inspections",
    "metadata",
)

#: Layers whose content is illustrative in the bundled data (no public geometry exists).
ILLUSTRATIVE_LAYERS = ("control_units", "outfalls", "outfall_samples")


@dataclass(frozen=True)
class Field:
    name: str
    label_zh: str
    label_en: str
    national: str = ""  # the field name in the national/provincial format, if any


CONTROL_UNIT_FIELDS = (
    Field("code", "单元编码", "Unit code", "HJZHGKDYBM"),
    Field("name_zh", "单元名称", "Unit name", "HJZHGKDYMC"),
    Field("name_en", "英文名称", "Name (English)"),
    Field("unit_class", "管控单元分类", "Unit class", "ZHGKDYFL"),
    Field("county_code", "行政区代码", "County code", "XZQDM"),
    Field("domain", "陆域/海域", "Land or sea"),
    Field("theme", "主导类型", "Theme"),
    Field("kjbjys", "空间布局约束", "Spatial layout constraints", "KJBJYS"),
    Field("pwwpfgk", "污染物排放管控", "Pollutant discharge control", "PWWPFGK"),
    Field("hjfxfk", "环境风险防控", "Environmental risk prevention", "HJFXFK"),
    Field("zykfxlyq", "资源开发效率要求", "Resource efficiency requirements", "ZYKFXLYQ"),
    # English forms of the four texts.  Optional: an official file has none, and an import
    # that lacks them clears them, so a unit never shows a stale English text.  The labels
    # stay distinct from the Chinese fields' after the import mapping's normalisation
    # (which drops bracketed parts), so they never take the Chinese columns.
    Field("kjbjys_en", "空间布局约束英文", "Spatial layout constraints in English"),
    Field("pwwpfgk_en", "污染物排放管控英文", "Pollutant discharge control in English"),
    Field("hjfxfk_en", "环境风险防控英文", "Environmental risk prevention in English"),
    Field("zykfxlyq_en", "资源开发效率要求英文", "Resource efficiency requirements in English"),
)

#: The four access-list dimensions (生态环境准入清单) of a control unit.
UNIT_TEXT_FIELDS = ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq")
#: Columns holding the English form of another column: ``<field>_en``.
EN_SUFFIX = "_en"

OUTFALL_FIELDS = (
    Field("code", "排污口编码", "Outfall code", "PWKBM"),
    Field("name_zh", "排污口名称", "Outfall name", "PWKMC"),
    Field("outfall_type", "排污口类型", "Type"),
    Field("subtype", "排污口子类", "Subtype"),
    Field("water_kind", "入海/入河", "Sea or river"),
    Field("receiving_water", "受纳水体", "Receiving water", "SNST"),
    Field("discharge_mode", "排放方式", "Discharge mode"),
    Field("responsible_party", "责任主体", "Responsible party"),
    Field("county_code", "行政区代码", "County code", "XZQDM"),
    Field("remediation", "整治类型", "Remediation"),
    Field("remediation_status", "整治状态", "Remediation status"),
    Field("review_status", "核查状态", "Review status"),
    Field("coord_source", "坐标来源", "Coordinate source"),
)

#: Text fields that take their values from a short vocabulary (the schema's, or county
#: codes): read as pandas categoricals, one byte a row instead of one string each (a
#: million outfalls: ~160 MB less).  Values outside the vocabulary are kept as they are.
VOCABULARY_FIELDS = {
    "outfalls": ("outfall_type", "subtype", "water_kind", "discharge_mode", "county_code",
                 "remediation", "remediation_status", "review_status", "coord_source"),
}

UNIT_CLASSES = {1: ("优先保护单元", "Priority protection"), 2: ("重点管控单元", "Key control"),
                3: ("一般管控单元", "General control")}

#: Outfall types per HJ 1312-2023 and their subtypes.
OUTFALL_TYPES = {
    "工业排污口": ("工业废水排污口", "雨洪排口", "工业园区污水处理厂排污口"),
    "城镇污水处理厂排污口": ("城镇污水处理厂排污口",),
    "农业排口": ("规模化畜禽养殖排污口", "规模化水产养殖排污口", "农田退水口"),
    "其他排口": ("大中型灌区排口", "港口码头排口", "城镇雨洪排口", "生活污水散排口", "其他"),
}
OUTFALL_TYPES_EN = {
    "工业排污口": "Industrial",
    "城镇污水处理厂排污口": "Municipal WWTP",
    "农业排口": "Agricultural",
    "其他排口": "Other",
}
OUTFALL_SUBTYPES_EN = {
    "工业废水排污口": "Industrial wastewater outfall",
    "雨洪排口": "Stormwater outfall",
    "工业园区污水处理厂排污口": "Industrial-park WWTP outfall",
    "城镇污水处理厂排污口": "Municipal WWTP outfall",
    "规模化畜禽养殖排污口": "Large-scale livestock and poultry farm outfall",
    "规模化水产养殖排污口": "Large-scale aquaculture outfall",
    "农田退水口": "Farmland drainage outlet",
    "大中型灌区排口": "Large or medium irrigation district outlet",
    "港口码头排口": "Port and wharf outfall",
    "城镇雨洪排口": "Urban stormwater outfall",
    "生活污水散排口": "Scattered domestic sewage outlet",
    "其他": "Other",
}
DISCHARGE_MODES = ("明渠", "管道", "泵站", "涵闸", "箱涵", "其他")
DISCHARGE_MODES_EN = {"明渠": "Open channel", "管道": "Pipe", "泵站": "Pumping station",
                      "涵闸": "Culvert gate", "箱涵": "Box culvert", "其他": "Other"}
REMEDIATION = ("取缔", "合并", "规范")
REMEDIATION_EN = {"取缔": "Close", "合并": "Merge", "规范": "Regularise"}
REMEDIATION_STATUS = ("未启动", "整治中", "已完成")
REMEDIATION_STATUS_EN = {"未启动": "Not started", "整治中": "In progress", "已完成": "Completed"}
REVIEW_STATUS = ("待核查", "已核查", "位置存疑")
REVIEW_STATUS_EN = {"待核查": "To be reviewed", "已核查": "Reviewed",
                    "位置存疑": "Location in doubt"}
COORD_SOURCES = ("实测", "资料", "GCJ-02转换", "BD-09转换")
COORD_SOURCES_EN = {"实测": "Surveyed", "资料": "From records",
                    "GCJ-02转换": "Converted from GCJ-02", "BD-09转换": "Converted from BD-09"}

#: Control-unit themes (主导类型): the bundled units' and the synthetic test data's.
UNIT_THEMES_EN = {
    "": "",
    "农业": "Agriculture",
    "生态": "Ecological protection",
    "养殖": "Aquaculture",
    "海洋保护": "Marine protection",
    "城镇": "Urban",
    "港口": "Port",
    "石化": "Petrochemicals",
    "水源": "Drinking-water source",
    "电镀": "Electroplating",
    "钢铁": "Iron and steel",
    "印染": "Dyeing and printing",
    "制鞋": "Footwear",
    "皮革": "Leather",
    "建陶": "Building ceramics",
    "生态保护红线": "Ecological conservation redline",
    "工业园区": "Industrial park",
    "城镇生活": "Urban living",
    "农业农村": "Agriculture and rural areas",
    "近岸海域": "Near-shore waters",
}

#: Protected areas: level, kind and functional zone (功能分区).
PA_LEVELS_EN = {"国家级": "National", "省级": "Provincial", "市级": "Municipal",
                "县级": "County"}
PA_KINDS_EN = {
    "自然保护区": "Nature reserve",
    "海洋公园": "Marine park",
    "湿地公园": "Wetland park",
    "水产种质资源保护区": "Aquatic germplasm resources reserve",
    "森林公园": "Forest park",
    "风景名胜区": "Scenic area",
    "饮用水水源保护区": "Drinking-water source protection area",
}
PA_ZONES_EN = {"核心区": "Core zone", "缓冲区": "Buffer zone", "实验区": "Experimental zone",
               "一般控制区": "General control zone"}

#: Sea water-quality classes (GB 3097); a bay's wq_target is quoted from the plan as it is.
WQ_CLASSES_EN = {"一类": "Class I", "二类": "Class II", "三类": "Class III", "四类": "Class IV",
                 "劣四类": "Worse than Class IV"}

#: Field name → its Chinese vocabulary in English.  Only stored Chinese values are here:
#: codes stored in English (domain land/sea, water_kind sea/river) are labelled by the UI.
VOCABULARY_EN: dict[str, dict[str, str]] = {
    "theme": UNIT_THEMES_EN,
    "level": PA_LEVELS_EN,
    "kind": PA_KINDS_EN,
    "zone": PA_ZONES_EN,
    "wq_class": WQ_CLASSES_EN,
    "outfall_type": OUTFALL_TYPES_EN,
    "subtype": OUTFALL_SUBTYPES_EN,
    "discharge_mode": DISCHARGE_MODES_EN,
    "remediation": REMEDIATION_EN,
    "remediation_status": REMEDIATION_STATUS_EN,
    "review_status": REVIEW_STATUS_EN,
    "coord_source": COORD_SOURCES_EN,
}


def english_value(field: str, value: Any) -> Any:
    """The English form of a vocabulary value of ``field``; the value itself if none.

    >>> english_value("theme", "石化"), english_value("zone", "核心区"), english_value("x", 1)
    ('Petrochemicals', 'Core zone', 1)
    """
    vocab = VOCABULARY_EN.get(field)
    if vocab is None or not isinstance(value, str):
        return value
    return vocab.get(value.strip(), value)


def value_in(field: str, value: Any, lang: str) -> Any:
    """``value`` of ``field`` as shown in ``lang`` ('zh' shows what is stored)."""
    return in_language(lang, value, english_value(field, value))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def text_in(record: Mapping[str, Any], field: str, lang: str) -> Any:
    """A record's text of ``field`` in ``lang``: in English the ``<field>_en`` column where
    it has a value, else the Chinese (a unit imported without English texts reads in
    Chinese); vocabulary values (theme, zone …) are mapped with :func:`english_value`."""
    value = record.get(field)
    return in_language(lang, value, _english_text(record, field, value))


def _english_text(record: Mapping[str, Any], field: str, value: Any) -> Any:
    en = record.get(field + EN_SUFFIX)
    if not _blank(en):
        return en
    return english_value(field, value)


def is_english_column(name: str, columns: Iterable[str]) -> bool:
    """Whether column ``name`` is the English form ``<field>_en`` of another of ``columns``
    (``kjbjys_en`` of ``kjbjys``; not ``name_en``, whose Chinese column is ``name_zh``)."""
    return name.endswith(EN_SUFFIX) and name[: -len(EN_SUFFIX)] in set(columns)

_UNIT_CODE = re.compile(r"^ZH(35\d{4})([123])(\d{4})$")
_OUTFALL_CODE = re.compile(r"^PWK(35\d{4})([HR])(\d{4})$")


def validate_unit_code(code: str) -> tuple[str, int, int]:
    """Split a control-unit code ``ZH`` + county + class + serial, or raise ValueError.

    >>> validate_unit_code("ZH35058220003")
    ('350582', 2, 3)
    """
    m = _UNIT_CODE.match(code.strip()) if isinstance(code, str) else None
    if not m:
        raise ValueError(
            f"'{code}' is not a control-unit code: expected ZH + 6-digit county code + "
            "class digit (1/2/3) + 4-digit serial, e.g. ZH35058220003"
        )
    return m.group(1), int(m.group(2)), int(m.group(3))


def unit_code(county_code: str, unit_class: int, serial: int) -> str:
    code = f"ZH{county_code}{unit_class}{serial:04d}"
    validate_unit_code(code)
    return code


def validate_outfall_code(code: str) -> tuple[str, str, int]:
    """Split an outfall code ``PWK`` + county + H (sea)/R (river) + serial, or raise."""
    m = _OUTFALL_CODE.match(code.strip()) if isinstance(code, str) else None
    if not m:
        raise ValueError(
            f"'{code}' is not an outfall code: expected PWK + 6-digit county code + "
            "H (入海) or R (入河) + 4-digit serial, e.g. PWK350581H0012"
        )
    return m.group(1), m.group(2), int(m.group(3))


def outfall_code(county_code: str, water_kind: str, serial: int) -> str:
    code = f"PWK{county_code}{'H' if water_kind == 'sea' else 'R'}{serial:04d}"
    validate_outfall_code(code)
    return code
