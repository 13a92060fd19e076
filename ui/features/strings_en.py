"""English for the menu entries that wire the feature dialogs into the main window."""

from __future__ import annotations

CONTEXT = "Features"

EN: dict[str, str] = {
    "导入数据…": "Import data…",
    "导出地图…": "Export map…",
    "导出离线网页地图…": "Export offline web map…",
    "选址初筛…": "Site screening…",
    "欢迎与数据说明": "Welcome and data notes",
    "导出地图": "Export map",
    "导出离线网页地图": "Export offline web map",
    "已导出：": "Exported: ",
    "导出失败：": "Export failed: ",
    "已导入，图层已刷新：": "Imported; layer refreshed: ",
    "排污口核查不可用：": "Outfall review unavailable: ",
    "在地图上绘制选址范围": "Draw site on the map",
    "单击添加顶点，双击结束，然后选择“选址初筛…”":
        "Click to add vertices, double-click to finish, then choose “Site screening…”",
}
