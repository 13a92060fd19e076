"""English for the print-layout and atlas dialogs (translation context ``PrintDialog``)."""

from __future__ import annotations

CONTEXT = "PrintDialog"

EN: dict[str, str] = {
    "打印布局": "Print layout", "图集": "Atlas", "版式": "Layout", "（未保存）": "(unsaved)",
    "保存版式…": "Save layout…", "保存版式": "Save layout", "版式名称": "Layout name",
    "删除": "Delete", "保存失败：": "Could not save: ", "已保存版式：": "Layout saved: ",
    "已删除版式：": "Layout deleted: ", "纸张": "Paper", "横向": "Landscape", "纵向": "Portrait",
    "标题": "Title", "副标题": "Subtitle", "范围": "Extent", "当前视图": "Current view",
    "全市": "Whole city", "指定要素": "A feature", "要素": "Feature",
    "边距（倍）": "Margin (× size)", "比例尺": "Scale", "适应范围": "Fit the extent",
    "固定比例尺": "Fixed scale", "分辨率（DPI）": "Resolution (DPI)", "图面要素": "Page items",
    "图例": "Legend", "指北针": "North arrow", "经纬网": "Graticule", "鹰眼图": "Overview",
    "数据来源": "Source", "制图日期": "Date", "示例数据说明": "Illustrative-data notice",
    "文本框": "Text box", "留空则按图层自动填写": "Empty: from the layers shown",
    "导出…": "Export…", "导出": "Export", "关闭": "Close", "正在导出…": "Exporting…",
    "导出失败：": "Export failed: ", "已导出：": "Exported: ",
    "管控单元": "Control units", "县（市、区）": "County", "海湾": "Bays",
    "自然保护地": "Protected areas", "排污口": "Outfalls",
    "图集要素": "One page per", "全部": "All", "管控类别": "Unit class",
    "其他条件": "Other conditions", "选中 %1 个要素": "%1 features selected",
    "留空则自动命名": "Empty: named automatically",
    "每个要素一个 PDF 文件": "One PDF file per feature", "生成…": "Make…", "取消": "Cancel",
    "选择输出文件夹": "Choose the output folder", "保存图集": "Save atlas",
    "正在生成…": "Making pages…", "正在取消…": "Cancelling…",
    "已取消，未留下文件": "Cancelled; no file was left behind",
    "生成失败：": "Failed: ",
    "已生成：%1（%2 页，用时 %3 秒）": "Made %1 (%2 pages in %3 s)",
}
