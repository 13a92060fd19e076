"""English of the import wizard's edition option (the 版本对比 dialog builds its texts with
models.report_style.t, as the screening dialog does)."""

from __future__ import annotations

CONTEXT = "EditionOption"

EN: dict[str, str] = {
    "保留当前单元为版本：": "Keep the current units as edition:",
    "整版导入：当前单元另存为该版本，文件中没有的单元从当前图层删除（可撤销）":
        "Whole edition: the current units are kept under this name; units missing from the "
        "file are removed from the current layer (undoable)",
    "新版本名称（可选）：": "Name of the new edition (optional):",
    "例如 2024版": "e.g. 2024版",
}
