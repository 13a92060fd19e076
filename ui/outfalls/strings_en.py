"""English for every Chinese ``self.tr`` string of the outfall review (ui/outfalls).

``self.tr`` in PySide6 uses the most-derived class name as translation context, so the
strings are grouped per class in :data:`CONTEXTS` ({context: {Chinese source: English}}),
merged by ``python -m ui.translations_en`` into ``ui/i18n/ecozone_en.ts`` and the .qm.
``%1``/``%2`` are filled in with ``str.replace`` after translation; ``%n`` messages
(``tr(source, "", n)``) carry a ``(singular, plural)`` pair.  Bilingual ``Message(zh, en)``
texts pick their language at run time and need no entry here.
"""

from __future__ import annotations

_ACTIONS = {
    "确认位置": "Confirm location", "修改属性…": "Edit attributes…", "添加备注…": "Add note…",
}

CONTEXTS: dict[str, dict[str, str | tuple[str, str]]] = {
    "OutfallReview": {
        "排污口清单": "Outfall inventory", "一口一档": "Outfall record",
        "撤销": "Undo", "重做": "Redo", "编辑": "Edit", "排污口核查": "Outfall review",
        "添加照片": "Add photo", "图片 (*.jpg *.jpeg *.png *.webp)":
            "Images (*.jpg *.jpeg *.png *.webp)",
        "恢复未保存的修改": "Recover unsaved edits",
        "拖动移动排污口": "Move outfalls by dragging",
        "在地图上按住排污口拖到新位置（Esc 取消，可撤销）":
            "Press on an outfall and drag it to its new place (Esc cancels; undoable)",
        "赋正式编码": "Give the real code",
        "%1 的正式编码（如 PWK350582H0123）：": "Real code of %1 (e.g. PWK350582H0123):",
    },
    "CoordinateDialog": {
        "输入坐标": "Enter coordinates",
        "如 118.5912, 24.9087 或 118°35'28\"E 24°54'31\"N":
            "e.g. 118.5912, 24.9087 or 118°35'28\"E 24°54'31\"N",
        "经度, 纬度": "Lon, lat", "坐标系": "Coordinate system", "备注": "Note",
    },
    "FieldDialog": {
        "修改属性（%n 个排污口）":
            ("Edit attributes (%n outfall)", "Edit attributes (%n outfalls)"),
        "字段": "Field", "新值": "New value", "备注": "Note", "（无）": "(none)",
    },
    "NoteDialog": {
        "添加备注（%n 个排污口）": ("Add note (%n outfall)", "Add note (%n outfalls)"),
    },
    "OutfallTablePanel": {
        "搜索编码、名称、受纳水体…": "Search code, name, receiving water…",
        "全部县区": "All counties", "全部类型": "All types",
        "全部核查状态": "All review statuses", "全部整治状态": "All remediation statuses",
        "全部提示": "All flags", "有任何提示": "Any flag",
        "仅当前视图": "Current view only", "仅所选区域": "Selected zone only",
        "仅所选排污口": "Chosen outfalls only", "%1 个排污口": "%1 outfalls",
        **_ACTIONS,
        "导出…": "Export…", "%1 / %2 个排污口": "%1 / %2 outfalls",
        "导出排污口清单": "Export outfall inventory",
        "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)": "Excel workbook (*.xlsx);;CSV file (*.csv)",
    },
    "RecordCard": {
        **_ACTIONS, "输入坐标…": "Enter coordinates…", "赋正式编码…": "Give real code…",
        "时间": "Time", "人员": "User", "操作": "Action", "字段": "Field",
        "原值 → 新值": "Old → new", "备注": "Note", "添加照片…": "Add photo…",
        "属性": "Attributes", "监测": "Monitoring", "核查记录": "Review log", "照片": "Photos",
        "入海": "Sea", "入河": "River", "经纬度 (CGCS2000)": "Lon, lat (CGCS2000)",
        "无监测数据": "No monitoring data", "（未保存）": " (unsaved)",
    },
}
