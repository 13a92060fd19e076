"""The workspace GeoPackage schema: layer names, their fields, and code formats.

One place that says what a workspace holds, so that the bundled-data builder, the readers,
the importers and the exporters agree.  Field names are short ASCII (they survive a
Shapefile export); the national 三线一单 names they correspond to are kept beside them for
import mapping and for export headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
)

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
DISCHARGE_MODES = ("明渠", "管道", "泵站", "涵闸", "箱涵", "其他")
REMEDIATION = ("取缔", "合并", "规范")
REMEDIATION_EN = {"取缔": "Close", "合并": "Merge", "规范": "Regularise"}
REMEDIATION_STATUS = ("未启动", "整治中", "已完成")
REVIEW_STATUS = ("待核查", "已核查", "位置存疑")
COORD_SOURCES = ("实测", "资料", "GCJ-02转换", "BD-09转换")

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
