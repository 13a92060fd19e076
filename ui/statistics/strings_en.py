"""English for the 统计 dock (ui/statistics): context ``StatisticsPanel``.

Texts built as ``Message(zh, en)`` in models/ (table headers, indicator bases) pick their
language at run time and need no entry here.
"""

from __future__ import annotations

CONTEXT = "StatisticsPanel"

EN: dict[str, str] = {
    "统计": "Statistics",
    "导出…": "Export…",
    "导出统计": "Export statistics",
    "导出失败：": "Export failed: ",
    "已导出：": "Exported: ",
    "全市": "Whole city",
    "不限地图范围": "Whole area",
    "跟随当前地图范围": "Follow the map extent",
    "跟随所选区域": "Follow the selected zone",
    "排污口": "Outfalls",
    "管控单元": "Control units",
    "海湾": "Bays",
    "规划进展": "Plan progress",
    "示例数据": "Illustrative data",
    "并非官方成果": "not official",
    "范围：": "Scope: ",
    "（个）": " (count)",
    "管控单元面积（km²）": "Control-unit area (km²)",
    "入海排污口整治状态（个）": "Remediation of sea outfalls (count)",
    "正在统计…": "Counting…",
    "规划指标按工作空间的全部数据测算（不随所选范围变化）；双击一行在地图上选中测算所依据的排污口。":
        "Plan indicators are measured on all the workspace's data (not on the chosen scope); "
        "double-click a row to select the outfalls it was measured on.",
}
