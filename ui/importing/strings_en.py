"""English for every Chinese string of the import dialog (translation context ``ImportDialog``).

Chinese is the source language: the dialog calls ``self.tr`` with Chinese source text, in the
fixed context :data:`CONTEXT` (see ``ui.importing.common.Translated``).  This dict is merged
into ``ui.translations_en`` so ``python -m ui.translations_en`` writes these strings into
``ui/i18n/ecozone_en.ts`` and the compiled .qm.  Where a key also exists in
``ui.translations_en.EN`` its English is the same (a test checks it), so merging is safe.
``%1``, ``%2`` … are filled in with ``str.replace`` after translation, as elsewhere in ui/.
"""

from __future__ import annotations

CONTEXT = "ImportDialog"

EN: dict[str, str] = {
    # dialog, buttons, jobs
    "导入数据": "Import data", "下一步 >": "Next >", "< 上一步": "< Back", "取消": "Cancel",
    "完成": "Finish", "正在取消…": "Cancelling…",
    "已取消，工作区未作任何改动": "Cancelled; the workspace was not changed",
    "出错：%1": "Error: %1",
    # step 1
    "第 1 步：选择文件与目标图层": "Step 1: file and target layer",
    "支持 Shapefile（含 zip）、File Geodatabase（.gdb）、GeoPackage、GeoJSON、KML/KMZ、GPX、"
    "FlatGeobuf、MapInfo（TAB/MIF）、SpatiaLite、DXF、CSV/XLSX/XLS/ODS 点表":
        "Shapefile (also zipped), File Geodatabase (.gdb), GeoPackage, GeoJSON, KML/KMZ, GPX, "
        "FlatGeobuf, MapInfo (TAB/MIF), SpatiaLite, DXF, CSV/XLSX/XLS/ODS point tables",
    "要导入的文件：": "File to import:", "浏览…": "Browse…",
    "文件内的图层（GeoPackage 图层、KML 文件夹、工作表）：":
        "Layer inside the file (GeoPackage layer, KML folder, sheet):",
    "导入到工作区图层": "Import into workspace layer",
    "环境管控单元（control_units，按单元编码更新）":
        "Environmental control units (control_units, updated by unit code)",
    "排污口（outfalls，按排污口编码更新）": "Outfalls (outfalls, updated by outfall code)",
    "新图层，名称：": "New layer, name:", "（全部文件夹）": "(all folders)",
    "选择要导入的文件": "Choose the file to import", "空间数据与点表": "Spatial data and point tables",  # noqa: E501
    "文件不存在": "The file does not exist", "正在读取文件…": "Reading the file…",
    # step 2
    "第 2 步：文字编码与坐标系": "Step 2: text encoding and coordinate system",
    "核对自动识别的结果；如文字乱码或位置不对，请在此更改":
        "Check what was detected; change it here if the text is garbled or positions are off",
    "文字编码": "Text encoding", "坐标系": "Coordinate system", "使用编码：": "Encoding:",
    "文字预览（选对编码后乱码会消失）：":
        "Text preview (garbled characters disappear with the right encoding):",
    "坐标系：": "Coordinate system:", "读取说明：": "Notes on reading:",
    "检测结果：%1 — %2": "Detected: %1 — %2", "自动（%1）": "Automatic (%1)",
    "此格式的文字编码固定为 UTF-8，无需选择": "This format is always UTF-8; nothing to choose",
    "文件未声明坐标系。以下候选是按坐标范围推断的，落在泉州的排在前面，请选择：":
        "The file declares no coordinate system. These candidates were inferred from the "
        "coordinate ranges, those landing in Quanzhou first; please choose:",
    "（请选择）": "(choose)", "落在泉州": "lands in Quanzhou", "不在泉州": "outside Quanzhou",
    "检测结果：%1": "Detected: %1", "文件中的坐标系": "the file's coordinate system",
    "按检测结果": "As detected",
    "CGCS2000 经纬度 (EPSG:4490)": "CGCS2000 lon/lat (EPSG:4490)",
    "WGS84 经纬度 (EPSG:4326)": "WGS84 lon/lat (EPSG:4326)",
    "高德/腾讯 GCJ-02 经纬度（转换为 CGCS2000）":
        "Amap/Tencent GCJ-02 lon/lat (converted to CGCS2000)",
    "百度 BD-09 经纬度（转换为 CGCS2000）": "Baidu BD-09 lon/lat (converted to CGCS2000)",
    "其他（输入 EPSG 代码）": "Other (enter an EPSG code)",
    "在泉州，网络地图坐标偏移约 %1 公里；转换会去除这一偏移，转换误差小于 %2 米（在泉州范围实测），结果与取点所用的网络地图一样准确。":  # noqa: E501
        "In Quanzhou this web map is offset by about %1 km; the conversion removes the "
        "offset with an error below %2 m (measured over Quanzhou), so the result is as "
        "accurate as the web map the points were picked on.",
    "若坐标取自高德/腾讯或百度地图，请选择 GCJ-02 或 BD-09，否则位置会偏 0.5–1.2 公里。":
        "If the coordinates were picked on Amap/Tencent or Baidu maps, choose GCJ-02 or "
        "BD-09, or positions will be 0.5–1.2 km off.",
    "正在按所选编码和坐标系重新读取…":
        "Reading again with the chosen encoding and coordinate system…",
    "仍无法确定坐标系，请从候选中选择":
        "The coordinate system is still unknown; choose one of the candidates",
    # step 3
    "第 3 步：字段对应": "Step 3: field mapping",
    "为每个工作区字段选择文件中的列；颜色表示自动匹配的把握程度":
        "Choose the file's column for each workspace field; colours show how sure the "
        "automatic match is",
    "保存映射…": "Save mapping…", "载入映射…": "Load mapping…",
    "预览：前 %1 行导入后的样子": "Preview: the first %1 rows as they will be imported",
    "工作区字段": "Workspace field", "文件中的列": "Column in the file", "匹配程度": "Match",
    "新图层按文件原有字段导入，无需对应。下面是前几行的预览。":
        "A new layer keeps the file's own fields; no mapping needed. A preview of the "
        "first rows is below.",
    "已根据字段名自动对应。": "Matched automatically by field name.",
    "已套用保存的映射：%1": "Applied the saved mapping %1",
    "（不导入）": "(not imported)", "完全一致": "exact",
    "字段名被截断（DBF 10 字节）": "name cut (DBF 10 bytes)",
    "部分一致，请核对": "partial, please check", "手动选择": "chosen by hand",
    "来自保存的映射": "from a saved mapping", "未对应": "not mapped", "几何": "Geometry",
    "保存字段映射": "Save field mapping", "字段映射": "Field mapping",
    "映射已保存：%1": "Mapping saved: %1", "无法保存映射：%1": "Cannot save the mapping: %1", "载入字段映射": "Load field mapping",  # noqa: E501
    "无法读取映射文件：%1": "Cannot read the mapping file: %1",
    "已载入映射：%1": "Mapping loaded: %1", "（映射原用于图层 %1）": "(made for layer %1)",
    "文件中缺少以下列：%1": "The file lacks these columns: %1",
    "请为“编码”字段选择一列：记录按编码识别和更新":
        "Choose a column for the code field: records are identified and updated by code",
    "正在预演导入（不写入）…": "Dry run (nothing is written)…",
    # step 4
    "第 4 步：预演结果": "Step 4: dry run",
    "以下是导入将带来的变化，尚未写入工作区。确认后点击“导入”。":
        "This is what the import will change; nothing has been written yet. Click "
        "\u201cImport\u201d to go ahead.",
    "导入": "Import", "新增": "New", "更新": "Updated", "未变": "Unchanged",
    "拒绝": "Rejected", "需核实": "To check", "被拒绝的记录": "Rejected rows",
    "需核实的记录": "Rows to check", "将新增或更新的编码": "Codes to add or update",
    "读取说明": "Notes", "文件": "File", "行号": "Row", "字段": "Field", "原因": "Reason",
    "变化": "Change", "编码": "Code", "说明": "Note",
    "图层 %1：新增 %2，更新 %3（按编码匹配，不会重复添加），未变 %4。":
        "Layer %1: %2 new, %3 updated (matched by code, never duplicated), %4 unchanged.",
    "没有需要写入的变化。": "Nothing to write.", "正在导入…": "Importing…",
    # step 5
    "第 5 步：导入完成": "Step 5: import done",
    "地图已可重新载入该图层；如导入有误，可在此撤销":
        "The map can reload the layer now; if the import was wrong, undo it here",
    "撤销本次导入": "Undo this import",
    "撤销会把本批次新增的记录删除、更新的记录恢复原值。":
        "Undo deletes the rows this batch added and restores the rows it updated.",
    "已导入批次 %1 到图层 %2：新增 %3，更新 %4，未变 %5，拒绝 %6。":
        "Imported batch %1 into layer %2: %3 new, %4 updated, %5 unchanged, %6 rejected.",
    "（已撤销）": "(undone)", "正在撤销…": "Undoing…",
    "写入工作区的过程不能中途取消": "Writing to the workspace cannot be stopped half way",
}
