"""Colours, legend entries and bilingual labels shared by the printed map, the PDF/HTML
reports and the offline web map, so that all three read the same way.

Qt-free: colours are CSS hex strings.  Unit classes follow the colours of the provincial
三线一单 platforms (优先保护 green, 重点管控 red-orange, 一般管控 khaki).
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.messages import Message

#: (fill, stroke) per control-unit class.
UNIT_CLASS_COLOURS = {
    1: ("#4caf50", "#2e7d32"),  # 优先保护
    2: ("#f0643c", "#b23c17"),  # 重点管控
    3: ("#d8c77a", "#9a8a3c"),  # 一般管控
}
UNIT_CLASS_LABELS = {1: ("优先保护单元", "Priority protection unit"),
                     2: ("重点管控单元", "Key control unit"),
                     3: ("一般管控单元", "General control unit")}

LAND = ("#f4f1ea", "#c9c2b0")
SEA = ("#d4e6f4", "#9cc0de")
COUNTY_STROKE = "#6b6b6b"
BAY = ("#6fa8dc", "#1f5f9f")  # fill used with low opacity
PROTECTED = ("#2f8f46", "#1b5e20")  # hatch colour, outline
OUTFALL_SEA = "#1565c0"
OUTFALL_RIVER = "#6a1b9a"
#: Sea control units: hatch lines over the class colour (SVG) / dashed outline (web map),
#: so a general-control unit at sea does not read as land.
SEA_UNIT = "#1565c0"
SITE = "#e91e63"
SITE_BUFFER = "#e91e63"


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: kind is 'fill', 'hatch', 'seaunit', 'line', 'point' or 'dash'."""

    kind: str
    fill: str
    stroke: str
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return Message(self.zh, self.en).text(lang)


def legend_entries(include_site: bool = True) -> list[LegendEntry]:
    """Legend of the report map and the exported map view."""
    out = [LegendEntry("fill", f, s, *UNIT_CLASS_LABELS[c])
           for c, (f, s) in UNIT_CLASS_COLOURS.items()]
    out += [
        LegendEntry("seaunit", SEA_UNIT, "#7f8c99", "海域管控单元（斜线）",
                    "Sea control unit (hatched)"),
        LegendEntry("hatch", PROTECTED[0], PROTECTED[1], "自然保护地", "Protected area"),
        LegendEntry("line", BAY[0], BAY[1], "海湾", "Bay"),
        LegendEntry("point", OUTFALL_SEA, "#ffffff", "入海排污口", "Sea outfall"),
        LegendEntry("point", OUTFALL_RIVER, "#ffffff", "入河排污口", "River outfall"),
        LegendEntry("line", "none", COUNTY_STROKE, "县级行政区界", "County boundary"),
    ]
    if include_site:
        out += [LegendEntry("line", "none", SITE, "拟选址范围", "Proposed site"),
                LegendEntry("dash", "none", SITE_BUFFER, "缓冲区", "Buffer")]
    return out


def t(lang: str, zh: str, en: str) -> str:
    """The Chinese or English form of a text."""
    return Message(zh, en).text(lang)


DIMENSIONS = (
    ("kjbjys", "空间布局约束", "Spatial layout constraints"),
    ("pwwpfgk", "污染物排放管控", "Pollutant discharge control"),
    ("hjfxfk", "环境风险防控", "Environmental risk prevention"),
    ("zykfxlyq", "资源开发效率要求", "Resource efficiency requirements"),
)

DISCLAIMER = (
    "本报告为选址初筛的辅助参考，不构成法律意见或审批结论；具体要求以有权机关发布的"
    "生态环境分区管控成果及审批意见为准。",
    "This report is a screening aid for decision-making, not a legal verdict or a permit "
    "decision; the zoning results published by the competent authorities and their approvals "
    "prevail.",
)
