"""English for the menu entries that wire the feature dialogs into the main window."""

from __future__ import annotations

CONTEXT = "Features"

EN: dict[str, str] = {
    "导入数据…": "Import data…",
    "导出地图…": "Export map…",
    "导出离线网页地图…": "Export offline web map…",
    "选址初筛…": "Site screening…",
    "版本对比…": "Compare editions…",
    "欢迎与数据说明": "Welcome and data notes",
    "导出地图": "Export map",
    "导出离线网页地图": "Export offline web map",
    "已导出：": "Exported: ",
    "导出失败：": "Export failed: ",
    "已导入，图层已刷新：": "Imported; layer refreshed: ",
    "排污口核查不可用：": "Outfall review unavailable: ",
    "在地图上绘制选址范围": "Draw site on the map",
    "纸张": "Paper", "分辨率（DPI）": "Resolution (DPI)",
    "A4 横向": "A4 landscape", "A4 纵向": "A4 portrait",
    "A3 横向": "A3 landscape", "A3 纵向": "A3 portrait",
    "单击添加顶点，双击结束，然后选择“选址初筛…”":
        "Click to add vertices, double-click to finish, then choose “Site screening…”",
}
