<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CoordinateDialog</name>
    <message>
        <source>输入坐标</source>
        <translation>Enter coordinates</translation>
    </message>
    <message>
        <source>如 118.5912, 24.9087 或 118°35'28"E 24°54'31"N</source>
        <translation>e.g. 118.5912, 24.9087 or 118°35'28"E 24°54'31"N</translation>
    </message>
    <message>
        <source>经度, 纬度</source>
        <translation>Lon, lat</translation>
    </message>
    <message>
        <source>坐标系</source>
        <translation>Coordinate system</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>EditionOption</name>
    <message>
        <source>保留当前单元为版本：</source>
        <translation>Keep the current units as edition:</translation>
    </message>
    <message>
        <source>整版导入：当前单元另存为该版本，文件中没有的单元从当前图层删除（可撤销）</source>
        <translation>Whole edition: the current units are kept under this name; units missing from the file are removed from the current layer (undoable)</translation>
    </message>
    <message>
        <source>新版本名称（可选）：</source>
        <translation>Name of the new edition (optional):</translation>
    </message>
    <message>
        <source>例如 2024版</source>
        <translation>e.g. 2024版</translation>
    </message>
</context>
<context>
    <name>Features</name>
    <message>
        <source>导入数据…</source>
        <translation>Import data…</translation>
    </message>
    <message>
        <source>导出地图…</source>
        <translation>Export map…</translation>
    </message>
    <message>
        <source>导出离线网页地图…</source>
        <translation>Export offline web map…</translation>
    </message>
    <message>
        <source>选址初筛…</source>
        <translation>Site screening…</translation>
    </message>
    <message>
        <source>版本对比…</source>
        <translation>Compare editions…</translation>
    </message>
    <message>
        <source>欢迎与数据说明</source>
        <translation>Welcome and data notes</translation>
    </message>
    <message>
        <source>打印布局…</source>
        <translation>Print layout…</translation>
    </message>
    <message>
        <source>图集…</source>
        <translation>Atlas…</translation>
    </message>
    <message>
        <source>导出地图</source>
        <translation>Export map</translation>
    </message>
    <message>
        <source>导出离线网页地图</source>
        <translation>Export offline web map</translation>
    </message>
    <message>
        <source>已导出：</source>
        <translation>Exported: </translation>
    </message>
    <message>
        <source>导出失败：</source>
        <translation>Export failed: </translation>
    </message>
    <message>
        <source>已导入，图层已刷新：</source>
        <translation>Imported; layer refreshed: </translation>
    </message>
    <message>
        <source>排污口核查不可用：</source>
        <translation>Outfall review unavailable: </translation>
    </message>
    <message>
        <source>在地图上绘制选址范围</source>
        <translation>Draw site on the map</translation>
    </message>
    <message>
        <source>纸张</source>
        <translation>Paper</translation>
    </message>
    <message>
        <source>分辨率（DPI）</source>
        <translation>Resolution (DPI)</translation>
    </message>
    <message>
        <source>A4 横向</source>
        <translation>A4 landscape</translation>
    </message>
    <message>
        <source>A4 纵向</source>
        <translation>A4 portrait</translation>
    </message>
    <message>
        <source>A3 横向</source>
        <translation>A3 landscape</translation>
    </message>
    <message>
        <source>A3 纵向</source>
        <translation>A3 portrait</translation>
    </message>
    <message>
        <source>单击添加顶点，双击结束，然后选择“选址初筛…”</source>
        <translation>Click to add vertices, double-click to finish, then choose “Site screening…”</translation>
    </message>
</context>
<context>
    <name>FieldDialog</name>
    <message numerus="yes">
        <source>修改属性（%n 个排污口）</source>
        <translation>
            <numerusform>Edit attributes (%n outfall)</numerusform>
            <numerusform>Edit attributes (%n outfalls)</numerusform>
        </translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>新值</source>
        <translation>New value</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>导入数据</source>
        <translation>Import data</translation>
    </message>
    <message>
        <source>下一步 &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>&lt; 上一步</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>已取消，工作区未作任何改动</source>
        <translation>Cancelled; the workspace was not changed</translation>
    </message>
    <message>
        <source>出错：%1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <source>第 1 步：选择文件与目标图层</source>
        <translation>Step 1: file and target layer</translation>
    </message>
    <message>
        <source>支持 Shapefile（含 zip）、File Geodatabase（.gdb）、GeoPackage、GeoJSON、KML/KMZ、GPX、FlatGeobuf、MapInfo（TAB/MIF）、SpatiaLite、DXF、CSV/XLSX/XLS/ODS 点表</source>
        <translation>Shapefile (also zipped), File Geodatabase (.gdb), GeoPackage, GeoJSON, KML/KMZ, GPX, FlatGeobuf, MapInfo (TAB/MIF), SpatiaLite, DXF, CSV/XLSX/XLS/ODS point tables</translation>
    </message>
    <message>
        <source>要导入的文件：</source>
        <translation>File to import:</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>文件内的图层（GeoPackage 图层、KML 文件夹、工作表）：</source>
        <translation>Layer inside the file (GeoPackage layer, KML folder, sheet):</translation>
    </message>
    <message>
        <source>导入到工作区图层</source>
        <translation>Import into workspace layer</translation>
    </message>
    <message>
        <source>环境管控单元（control_units，按单元编码更新）</source>
        <translation>Environmental control units (control_units, updated by unit code)</translation>
    </message>
    <message>
        <source>排污口（outfalls，按排污口编码更新）</source>
        <translation>Outfalls (outfalls, updated by outfall code)</translation>
    </message>
    <message>
        <source>新图层，名称：</source>
        <translation>New layer, name:</translation>
    </message>
    <message>
        <source>（全部文件夹）</source>
        <translation>(all folders)</translation>
    </message>
    <message>
        <source>选择要导入的文件</source>
        <translation>Choose the file to import</translation>
    </message>
    <message>
        <source>空间数据与点表</source>
        <translation>Spatial data and point tables</translation>
    </message>
    <message>
        <source>文件不存在</source>
        <translation>The file does not exist</translation>
    </message>
    <message>
        <source>正在读取文件…</source>
        <translation>Reading the file…</translation>
    </message>
    <message>
        <source>第 2 步：文字编码与坐标系</source>
        <translation>Step 2: text encoding and coordinate system</translation>
    </message>
    <message>
        <source>核对自动识别的结果；如文字乱码或位置不对，请在此更改</source>
        <translation>Check what was detected; change it here if the text is garbled or positions are off</translation>
    </message>
    <message>
        <source>文字编码</source>
        <translation>Text encoding</translation>
    </message>
    <message>
        <source>坐标系</source>
        <translation>Coordinate system</translation>
    </message>
    <message>
        <source>使用编码：</source>
        <translation>Encoding:</translation>
    </message>
    <message>
        <source>文字预览（选对编码后乱码会消失）：</source>
        <translation>Text preview (garbled characters disappear with the right encoding):</translation>
    </message>
    <message>
        <source>坐标系：</source>
        <translation>Coordinate system:</translation>
    </message>
    <message>
        <source>读取说明：</source>
        <translation>Notes on reading:</translation>
    </message>
    <message>
        <source>检测结果：%1 — %2</source>
        <translation>Detected: %1 — %2</translation>
    </message>
    <message>
        <source>自动（%1）</source>
        <translation>Automatic (%1)</translation>
    </message>
    <message>
        <source>此格式的文字编码固定为 UTF-8，无需选择</source>
        <translation>This format is always UTF-8; nothing to choose</translation>
    </message>
    <message>
        <source>文件未声明坐标系。以下候选是按坐标范围推断的，落在泉州的排在前面，请选择：</source>
        <translation>The file declares no coordinate system. These candidates were inferred from the coordinate ranges, those landing in Quanzhou first; please choose:</translation>
    </message>
    <message>
        <source>（请选择）</source>
        <translation>(choose)</translation>
    </message>
    <message>
        <source>落在泉州</source>
        <translation>lands in Quanzhou</translation>
    </message>
    <message>
        <source>不在泉州</source>
        <translation>outside Quanzhou</translation>
    </message>
    <message>
        <source>检测结果：%1</source>
        <translation>Detected: %1</translation>
    </message>
    <message>
        <source>文件中的坐标系</source>
        <translation>the file's coordinate system</translation>
    </message>
    <message>
        <source>按检测结果</source>
        <translation>As detected</translation>
    </message>
    <message>
        <source>CGCS2000 经纬度 (EPSG:4490)</source>
        <translation>CGCS2000 lon/lat (EPSG:4490)</translation>
    </message>
    <message>
        <source>WGS84 经纬度 (EPSG:4326)</source>
        <translation>WGS84 lon/lat (EPSG:4326)</translation>
    </message>
    <message>
        <source>高德/腾讯 GCJ-02 经纬度（转换为 CGCS2000）</source>
        <translation>Amap/Tencent GCJ-02 lon/lat (converted to CGCS2000)</translation>
    </message>
    <message>
        <source>百度 BD-09 经纬度（转换为 CGCS2000）</source>
        <translation>Baidu BD-09 lon/lat (converted to CGCS2000)</translation>
    </message>
    <message>
        <source>其他（输入 EPSG 代码）</source>
        <translation>Other (enter an EPSG code)</translation>
    </message>
    <message>
        <source>在泉州，网络地图坐标偏移约 %1 公里；转换会去除这一偏移，转换误差小于 %2 米（在泉州范围实测），结果与取点所用的网络地图一样准确。</source>
        <translation>In Quanzhou this web map is offset by about %1 km; the conversion removes the offset with an error below %2 m (measured over Quanzhou), so the result is as accurate as the web map the points were picked on.</translation>
    </message>
    <message>
        <source>若坐标取自高德/腾讯或百度地图，请选择 GCJ-02 或 BD-09，否则位置会偏 0.5–1.2 公里。</source>
        <translation>If the coordinates were picked on Amap/Tencent or Baidu maps, choose GCJ-02 or BD-09, or positions will be 0.5–1.2 km off.</translation>
    </message>
    <message>
        <source>正在按所选编码和坐标系重新读取…</source>
        <translation>Reading again with the chosen encoding and coordinate system…</translation>
    </message>
    <message>
        <source>仍无法确定坐标系，请从候选中选择</source>
        <translation>The coordinate system is still unknown; choose one of the candidates</translation>
    </message>
    <message>
        <source>第 3 步：字段对应</source>
        <translation>Step 3: field mapping</translation>
    </message>
    <message>
        <source>为每个工作区字段选择文件中的列；颜色表示自动匹配的把握程度</source>
        <translation>Choose the file's column for each workspace field; colours show how sure the automatic match is</translation>
    </message>
    <message>
        <source>保存映射…</source>
        <translation>Save mapping…</translation>
    </message>
    <message>
        <source>载入映射…</source>
        <translation>Load mapping…</translation>
    </message>
    <message>
        <source>预览：前 %1 行导入后的样子</source>
        <translation>Preview: the first %1 rows as they will be imported</translation>
    </message>
    <message>
        <source>工作区字段</source>
        <translation>Workspace field</translation>
    </message>
    <message>
        <source>文件中的列</source>
        <translation>Column in the file</translation>
    </message>
    <message>
        <source>匹配程度</source>
        <translation>Match</translation>
    </message>
    <message>
        <source>新图层按文件原有字段导入，无需对应。下面是前几行的预览。</source>
        <translation>A new layer keeps the file's own fields; no mapping needed. A preview of the first rows is below.</translation>
    </message>
    <message>
        <source>已根据字段名自动对应。</source>
        <translation>Matched automatically by field name.</translation>
    </message>
    <message>
        <source>已套用保存的映射：%1</source>
        <translation>Applied the saved mapping %1</translation>
    </message>
    <message>
        <source>（不导入）</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <source>完全一致</source>
        <translation>exact</translation>
    </message>
    <message>
        <source>字段名被截断（DBF 10 字节）</source>
        <translation>name cut (DBF 10 bytes)</translation>
    </message>
    <message>
        <source>部分一致，请核对</source>
        <translation>partial, please check</translation>
    </message>
    <message>
        <source>手动选择</source>
        <translation>chosen by hand</translation>
    </message>
    <message>
        <source>来自保存的映射</source>
        <translation>from a saved mapping</translation>
    </message>
    <message>
        <source>未对应</source>
        <translation>not mapped</translation>
    </message>
    <message>
        <source>几何</source>
        <translation>Geometry</translation>
    </message>
    <message>
        <source>保存字段映射</source>
        <translation>Save field mapping</translation>
    </message>
    <message>
        <source>字段映射</source>
        <translation>Field mapping</translation>
    </message>
    <message>
        <source>映射已保存：%1</source>
        <translation>Mapping saved: %1</translation>
    </message>
    <message>
        <source>无法保存映射：%1</source>
        <translation>Cannot save the mapping: %1</translation>
    </message>
    <message>
        <source>载入字段映射</source>
        <translation>Load field mapping</translation>
    </message>
    <message>
        <source>无法读取映射文件：%1</source>
        <translation>Cannot read the mapping file: %1</translation>
    </message>
    <message>
        <source>已载入映射：%1</source>
        <translation>Mapping loaded: %1</translation>
    </message>
    <message>
        <source>（映射原用于图层 %1）</source>
        <translation>(made for layer %1)</translation>
    </message>
    <message>
        <source>文件中缺少以下列：%1</source>
        <translation>The file lacks these columns: %1</translation>
    </message>
    <message>
        <source>请为“编码”字段选择一列：记录按编码识别和更新</source>
        <translation>Choose a column for the code field: records are identified and updated by code</translation>
    </message>
    <message>
        <source>正在预演导入（不写入）…</source>
        <translation>Dry run (nothing is written)…</translation>
    </message>
    <message>
        <source>第 4 步：预演结果</source>
        <translation>Step 4: dry run</translation>
    </message>
    <message>
        <source>以下是导入将带来的变化，尚未写入工作区。确认后点击“导入”。</source>
        <translation>This is what the import will change; nothing has been written yet. Click “Import” to go ahead.</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>更新</source>
        <translation>Updated</translation>
    </message>
    <message>
        <source>未变</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <source>拒绝</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>需核实</source>
        <translation>To check</translation>
    </message>
    <message>
        <source>被拒绝的记录</source>
        <translation>Rejected rows</translation>
    </message>
    <message>
        <source>需核实的记录</source>
        <translation>Rows to check</translation>
    </message>
    <message>
        <source>将新增或更新的编码</source>
        <translation>Codes to add or update</translation>
    </message>
    <message>
        <source>读取说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>变化</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>编码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>图层 %1：新增 %2，更新 %3（按编码匹配，不会重复添加），未变 %4。</source>
        <translation>Layer %1: %2 new, %3 updated (matched by code, never duplicated), %4 unchanged.</translation>
    </message>
    <message>
        <source>没有需要写入的变化。</source>
        <translation>Nothing to write.</translation>
    </message>
    <message>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>第 5 步：导入完成</source>
        <translation>Step 5: import done</translation>
    </message>
    <message>
        <source>地图已可重新载入该图层；如导入有误，可在此撤销</source>
        <translation>The map can reload the layer now; if the import was wrong, undo it here</translation>
    </message>
    <message>
        <source>撤销本次导入</source>
        <translation>Undo this import</translation>
    </message>
    <message>
        <source>撤销会把本批次新增的记录删除、更新的记录恢复原值。</source>
        <translation>Undo deletes the rows this batch added and restores the rows it updated.</translation>
    </message>
    <message>
        <source>已导入批次 %1 到图层 %2：新增 %3，更新 %4，未变 %5，拒绝 %6。</source>
        <translation>Imported batch %1 into layer %2: %3 new, %4 updated, %5 unchanged, %6 rejected.</translation>
    </message>
    <message>
        <source>（已撤销）</source>
        <translation>(undone)</translation>
    </message>
    <message>
        <source>正在撤销…</source>
        <translation>Undoing…</translation>
    </message>
    <message>
        <source>写入工作区的过程不能中途取消</source>
        <translation>Writing to the workspace cannot be stopped half way</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <source>示例数据</source>
        <translation>Illustrative data</translation>
    </message>
    <message>
        <source>示例数据：并非官方成果</source>
        <translation>Illustrative data: not official</translation>
    </message>
    <message>
        <source>不透明度</source>
        <translation>Opacity</translation>
    </message>
    <message>
        <source>显示标注</source>
        <translation>Show labels</translation>
    </message>
    <message>
        <source>缩放至图层</source>
        <translation>Zoom to layer</translation>
    </message>
    <message>
        <source>上移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <source>下移</source>
        <translation>Move down</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>未找到：</source>
        <translation>Not found: </translation>
    </message>
    <message>
        <source>示例数据：管控单元、排污口并非官方成果</source>
        <translation>Illustrative data: control units and outfalls are not official</translation>
    </message>
    <message>
        <source>EcoZone 生态环境分区管控一张图</source>
        <translation>EcoZone Environmental Zoning Map</translation>
    </message>
    <message>
        <source>示例数据</source>
        <translation>Illustrative data</translation>
    </message>
    <message>
        <source>打开本地瓦片底图…</source>
        <translation>Open local tile basemap…</translation>
    </message>
    <message>
        <source>关闭瓦片底图</source>
        <translation>Close tile basemap</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>全图</source>
        <translation>Full extent</translation>
    </message>
    <message>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>缩放至所选要素</source>
        <translation>Zoom to selection</translation>
    </message>
    <message>
        <source>重置界面布局</source>
        <translation>Reset layout</translation>
    </message>
    <message>
        <source>平移</source>
        <translation>Pan</translation>
    </message>
    <message>
        <source>拉框放大</source>
        <translation>Zoom box</translation>
    </message>
    <message>
        <source>测量距离</source>
        <translation>Measure distance</translation>
    </message>
    <message>
        <source>测量面积</source>
        <translation>Measure area</translation>
    </message>
    <message>
        <source>添加书签…</source>
        <translation>Add bookmark…</translation>
    </message>
    <message>
        <source>清除全部书签</source>
        <translation>Clear all bookmarks</translation>
    </message>
    <message>
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>视图</source>
        <translation>View</translation>
    </message>
    <message>
        <source>工具</source>
        <translation>Tools</translation>
    </message>
    <message>
        <source>书签</source>
        <translation>Bookmarks</translation>
    </message>
    <message>
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <source>图层</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>要素详情</source>
        <translation>Feature details</translation>
    </message>
    <message>
        <source>比例尺</source>
        <translation>Scale</translation>
    </message>
    <message>
        <source>选择 MBTiles 文件（取消则选择 XYZ 瓦片目录）</source>
        <translation>Choose an MBTiles file (cancel to choose an XYZ tile folder)</translation>
    </message>
    <message>
        <source>选择 XYZ 瓦片目录 {z}/{x}/{y}</source>
        <translation>Choose an XYZ tile folder {z}/{x}/{y}</translation>
    </message>
    <message>
        <source>底图</source>
        <translation>Basemap</translation>
    </message>
    <message>
        <source>添加书签</source>
        <translation>Add bookmark</translation>
    </message>
    <message>
        <source>书签名称：</source>
        <translation>Bookmark name:</translation>
    </message>
    <message>
        <source>生态环境分区管控一张图（泉州市）</source>
        <translation>Environmental zoning map (Quanzhou)</translation>
    </message>
</context>
<context>
    <name>Measure</name>
    <message>
        <source>亩</source>
        <translation>mu</translation>
    </message>
    <message>
        <source>距离</source>
        <translation>Distance</translation>
    </message>
    <message>
        <source>面积</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>周长</source>
        <translation>Perimeter</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message numerus="yes">
        <source>添加备注（%n 个排污口）</source>
        <translation>
            <numerusform>Add note (%n outfall)</numerusform>
            <numerusform>Add note (%n outfalls)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutfallReview</name>
    <message>
        <source>排污口清单</source>
        <translation>Outfall inventory</translation>
    </message>
    <message>
        <source>一口一档</source>
        <translation>Outfall record</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>重做</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>排污口核查</source>
        <translation>Outfall review</translation>
    </message>
    <message>
        <source>添加照片</source>
        <translation>Add photo</translation>
    </message>
    <message>
        <source>图片 (*.jpg *.jpeg *.png *.webp)</source>
        <translation>Images (*.jpg *.jpeg *.png *.webp)</translation>
    </message>
    <message>
        <source>恢复未保存的修改</source>
        <translation>Recover unsaved edits</translation>
    </message>
    <message>
        <source>拖动移动排污口</source>
        <translation>Move outfalls by dragging</translation>
    </message>
    <message>
        <source>在地图上按住排污口拖到新位置（Esc 取消，可撤销）</source>
        <translation>Press on an outfall and drag it to its new place (Esc cancels; undoable)</translation>
    </message>
    <message>
        <source>赋正式编码</source>
        <translation>Give the real code</translation>
    </message>
    <message>
        <source>%1 的正式编码（如 PWK350582H0123）：</source>
        <translation>Real code of %1 (e.g. PWK350582H0123):</translation>
    </message>
</context>
<context>
    <name>OutfallTablePanel</name>
    <message>
        <source>搜索编码、名称、受纳水体…</source>
        <translation>Search code, name, receiving water…</translation>
    </message>
    <message>
        <source>全部县区</source>
        <translation>All counties</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>全部核查状态</source>
        <translation>All review statuses</translation>
    </message>
    <message>
        <source>全部整治状态</source>
        <translation>All remediation statuses</translation>
    </message>
    <message>
        <source>全部提示</source>
        <translation>All flags</translation>
    </message>
    <message>
        <source>有任何提示</source>
        <translation>Any flag</translation>
    </message>
    <message>
        <source>仅当前视图</source>
        <translation>Current view only</translation>
    </message>
    <message>
        <source>仅所选区域</source>
        <translation>Selected zone only</translation>
    </message>
    <message>
        <source>仅所选排污口</source>
        <translation>Chosen outfalls only</translation>
    </message>
    <message>
        <source>%1 个排污口</source>
        <translation>%1 outfalls</translation>
    </message>
    <message>
        <source>确认位置</source>
        <translation>Confirm location</translation>
    </message>
    <message>
        <source>修改属性…</source>
        <translation>Edit attributes…</translation>
    </message>
    <message>
        <source>添加备注…</source>
        <translation>Add note…</translation>
    </message>
    <message>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>%1 / %2 个排污口</source>
        <translation>%1 / %2 outfalls</translation>
    </message>
    <message>
        <source>导出排污口清单</source>
        <translation>Export outfall inventory</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</source>
        <translation>Excel workbook (*.xlsx);;CSV file (*.csv)</translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message>
        <source>打印布局</source>
        <translation>Print layout</translation>
    </message>
    <message>
        <source>图集</source>
        <translation>Atlas</translation>
    </message>
    <message>
        <source>版式</source>
        <translation>Layout</translation>
    </message>
    <message>
        <source>（未保存）</source>
        <translation>(unsaved)</translation>
    </message>
    <message>
        <source>保存版式…</source>
        <translation>Save layout…</translation>
    </message>
    <message>
        <source>保存版式</source>
        <translation>Save layout</translation>
    </message>
    <message>
        <source>版式名称</source>
        <translation>Layout name</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>保存失败：</source>
        <translation>Could not save: </translation>
    </message>
    <message>
        <source>已保存版式：</source>
        <translation>Layout saved: </translation>
    </message>
    <message>
        <source>已删除版式：</source>
        <translation>Layout deleted: </translation>
    </message>
    <message>
        <source>纸张</source>
        <translation>Paper</translation>
    </message>
    <message>
        <source>横向</source>
        <translation>Landscape</translation>
    </message>
    <message>
        <source>纵向</source>
        <translation>Portrait</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>副标题</source>
        <translation>Subtitle</translation>
    </message>
    <message>
        <source>范围</source>
        <translation>Extent</translation>
    </message>
    <message>
        <source>当前视图</source>
        <translation>Current view</translation>
    </message>
    <message>
        <source>全市</source>
        <translation>Whole city</translation>
    </message>
    <message>
        <source>指定要素</source>
        <translation>A feature</translation>
    </message>
    <message>
        <source>要素</source>
        <translation>Feature</translation>
    </message>
    <message>
        <source>边距（倍）</source>
        <translation>Margin (× size)</translation>
    </message>
    <message>
        <source>比例尺</source>
        <translation>Scale</translation>
    </message>
    <message>
        <source>适应范围</source>
        <translation>Fit the extent</translation>
    </message>
    <message>
        <source>固定比例尺</source>
        <translation>Fixed scale</translation>
    </message>
    <message>
        <source>分辨率（DPI）</source>
        <translation>Resolution (DPI)</translation>
    </message>
    <message>
        <source>图面要素</source>
        <translation>Page items</translation>
    </message>
    <message>
        <source>图例</source>
        <translation>Legend</translation>
    </message>
    <message>
        <source>指北针</source>
        <translation>North arrow</translation>
    </message>
    <message>
        <source>经纬网</source>
        <translation>Graticule</translation>
    </message>
    <message>
        <source>鹰眼图</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>数据来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>制图日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>示例数据说明</source>
        <translation>Illustrative-data notice</translation>
    </message>
    <message>
        <source>文本框</source>
        <translation>Text box</translation>
    </message>
    <message>
        <source>留空则按图层自动填写</source>
        <translation>Empty: from the layers shown</translation>
    </message>
    <message>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>导出失败：</source>
        <translation>Export failed: </translation>
    </message>
    <message>
        <source>已导出：</source>
        <translation>Exported: </translation>
    </message>
    <message>
        <source>管控单元</source>
        <translation>Control units</translation>
    </message>
    <message>
        <source>县（市、区）</source>
        <translation>County</translation>
    </message>
    <message>
        <source>海湾</source>
        <translation>Bays</translation>
    </message>
    <message>
        <source>自然保护地</source>
        <translation>Protected areas</translation>
    </message>
    <message>
        <source>排污口</source>
        <translation>Outfalls</translation>
    </message>
    <message>
        <source>图集要素</source>
        <translation>One page per</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>管控类别</source>
        <translation>Unit class</translation>
    </message>
    <message>
        <source>其他条件</source>
        <translation>Other conditions</translation>
    </message>
    <message>
        <source>选中 %1 个要素</source>
        <translation>%1 features selected</translation>
    </message>
    <message>
        <source>留空则自动命名</source>
        <translation>Empty: named automatically</translation>
    </message>
    <message>
        <source>每个要素一个 PDF 文件</source>
        <translation>One PDF file per feature</translation>
    </message>
    <message>
        <source>生成…</source>
        <translation>Make…</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>选择输出文件夹</source>
        <translation>Choose the output folder</translation>
    </message>
    <message>
        <source>保存图集</source>
        <translation>Save atlas</translation>
    </message>
    <message>
        <source>正在生成…</source>
        <translation>Making pages…</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>已取消，未留下文件</source>
        <translation>Cancelled; no file was left behind</translation>
    </message>
    <message>
        <source>生成失败：</source>
        <translation>Failed: </translation>
    </message>
    <message>
        <source>已生成：%1（%2 页，用时 %3 秒）</source>
        <translation>Made %1 (%2 pages in %3 s)</translation>
    </message>
</context>
<context>
    <name>RecordCard</name>
    <message>
        <source>确认位置</source>
        <translation>Confirm location</translation>
    </message>
    <message>
        <source>修改属性…</source>
        <translation>Edit attributes…</translation>
    </message>
    <message>
        <source>添加备注…</source>
        <translation>Add note…</translation>
    </message>
    <message>
        <source>输入坐标…</source>
        <translation>Enter coordinates…</translation>
    </message>
    <message>
        <source>赋正式编码…</source>
        <translation>Give real code…</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>User</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>原值 → 新值</source>
        <translation>Old → new</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>添加照片…</source>
        <translation>Add photo…</translation>
    </message>
    <message>
        <source>属性</source>
        <translation>Attributes</translation>
    </message>
    <message>
        <source>监测</source>
        <translation>Monitoring</translation>
    </message>
    <message>
        <source>核查记录</source>
        <translation>Review log</translation>
    </message>
    <message>
        <source>照片</source>
        <translation>Photos</translation>
    </message>
    <message>
        <source>入海</source>
        <translation>Sea</translation>
    </message>
    <message>
        <source>入河</source>
        <translation>River</translation>
    </message>
    <message>
        <source>经纬度 (CGCS2000)</source>
        <translation>Lon, lat (CGCS2000)</translation>
    </message>
    <message>
        <source>无监测数据</source>
        <translation>No monitoring data</translation>
    </message>
    <message>
        <source>（未保存）</source>
        <translation> (unsaved)</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <source>搜索单元编码/名称、排污口、海湾、保护地、县区、地名或坐标</source>
        <translation>Search unit code/name, outfall, bay, reserve, county, place or coordinates</translation>
    </message>
    <message>
        <source>坐标</source>
        <translation>Coordinates</translation>
    </message>
</context>
<context>
    <name>SidePanel</name>
    <message>
        <source>未选择要素</source>
        <translation>Nothing selected</translation>
    </message>
    <message>
        <source>在地图上点击管控单元、排污口、海湾或自然保护地查看详情；点击空白处查看该位置适用的管控要求。</source>
        <translation>Click a control unit, outfall, bay or protected area on the map for details; click anywhere else to see what applies there.</translation>
    </message>
    <message>
        <source>水质目标</source>
        <translation>Water-quality target</translation>
    </message>
    <message>
        <source>示例数据</source>
        <translation>Illustrative data</translation>
    </message>
    <message>
        <source>并非官方成果</source>
        <translation>not official</translation>
    </message>
    <message>
        <source>监测</source>
        <translation>Samples</translation>
    </message>
    <message>
        <source>任务</source>
        <translation>Tasks</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicators</translation>
    </message>
    <message>
        <source>排污口</source>
        <translation>Outfalls</translation>
    </message>
    <message>
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>此处还有 %1 个要素，放大地图后可逐个选择</source>
        <translation>%1 more features here: zoom in to pick one</translation>
    </message>
    <message>
        <source>此处有多个重叠要素，点击切换</source>
        <translation>Several features overlap here; click to switch</translation>
    </message>
    <message>
        <source>此处适用</source>
        <translation>What applies here</translation>
    </message>
    <message>
        <source>管控单元与排污口并非官方成果</source>
        <translation>control units and outfalls are not official</translation>
    </message>
    <message>
        <source>包含全市通用任务与指标</source>
        <translation>Include city-wide tasks and indicators</translation>
    </message>
    <message>
        <source>基线→目标</source>
        <translation>Baseline → target</translation>
    </message>
    <message>
        <source>基线</source>
        <translation>Baseline</translation>
    </message>
    <message>
        <source>目标</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>实测</source>
        <translation>Measured</translation>
    </message>
    <message>
        <source>无可绘制的数值</source>
        <translation>no numbers to plot</translation>
    </message>
    <message>
        <source>达标</source>
        <translation>On track</translation>
    </message>
    <message>
        <source>未达标</source>
        <translation>Off track</translation>
    </message>
    <message>
        <source>待评估</source>
        <translation>Not assessed</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>最新值</source>
        <translation>Latest</translation>
    </message>
    <message>
        <source>进展</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>适用指标 %1 项，达标 %2 项</source>
        <translation>%1 indicators apply, %2 on track</translation>
    </message>
    <message>
        <source>区域内排污口 %1 个</source>
        <translation>%1 outfalls inside</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>整治类型</source>
        <translation>Remediation</translation>
    </message>
    <message>
        <source>整治状态</source>
        <translation>Remediation status</translation>
    </message>
    <message>
        <source>分类</source>
        <translation>By</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>编码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>整治</source>
        <translation>Remediation</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>仅列出前 %1 个</source>
        <translation>Only the first %1 are listed</translation>
    </message>
    <message>
        <source>陆域</source>
        <translation>Land</translation>
    </message>
    <message>
        <source>海域</source>
        <translation>Sea</translation>
    </message>
    <message>
        <source>入海</source>
        <translation>Sea</translation>
    </message>
    <message>
        <source>入河</source>
        <translation>River</translation>
    </message>
    <message>
        <source>经纬度</source>
        <translation>Lon, lat</translation>
    </message>
    <message>
        <source>度分秒</source>
        <translation>DMS</translation>
    </message>
    <message>
        <source>县（市、区）</source>
        <translation>County</translation>
    </message>
    <message>
        <source>泉州市范围外</source>
        <translation>Outside Quanzhou</translation>
    </message>
    <message>
        <source>管控单元</source>
        <translation>Control unit</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>所在海湾</source>
        <translation>In bay</translation>
    </message>
    <message>
        <source>附近海湾</source>
        <translation>Nearby bay</translation>
    </message>
    <message>
        <source>所在自然保护地</source>
        <translation>In protected area</translation>
    </message>
    <message>
        <source>附近自然保护地</source>
        <translation>Nearby protected area</translation>
    </message>
    <message>
        <source>%1 m 内排污口</source>
        <translation>Outfalls within %1 m</translation>
    </message>
    <message>
        <source>适用任务</source>
        <translation>Tasks that apply</translation>
    </message>
    <message>
        <source>适用指标</source>
        <translation>Indicators that apply</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>流量 m³/d</source>
        <translation>Flow m³/d</translation>
    </message>
    <message>
        <source>氨氮</source>
        <translation>NH₃-N</translation>
    </message>
    <message>
        <source>总磷</source>
        <translation>TP</translation>
    </message>
    <message>
        <source>总氮</source>
        <translation>TN</translation>
    </message>
    <message>
        <source>责任单位</source>
        <translation>Responsible agencies</translation>
    </message>
    <message>
        <source>时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>持续推进</source>
        <translation>Ongoing</translation>
    </message>
    <message>
        <source>依据</source>
        <translation>Justification</translation>
    </message>
    <message>
        <source>共 %1 项任务与本区域关联</source>
        <translation>%1 tasks linked to this zone</translation>
    </message>
</context>
<context>
    <name>StatisticsPanel</name>
    <message>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>导出统计</source>
        <translation>Export statistics</translation>
    </message>
    <message>
        <source>导出失败：</source>
        <translation>Export failed: </translation>
    </message>
    <message>
        <source>已导出：</source>
        <translation>Exported: </translation>
    </message>
    <message>
        <source>全市</source>
        <translation>Whole city</translation>
    </message>
    <message>
        <source>不限地图范围</source>
        <translation>Whole area</translation>
    </message>
    <message>
        <source>跟随当前地图范围</source>
        <translation>Follow the map extent</translation>
    </message>
    <message>
        <source>跟随所选区域</source>
        <translation>Follow the selected zone</translation>
    </message>
    <message>
        <source>排污口</source>
        <translation>Outfalls</translation>
    </message>
    <message>
        <source>管控单元</source>
        <translation>Control units</translation>
    </message>
    <message>
        <source>海湾</source>
        <translation>Bays</translation>
    </message>
    <message>
        <source>规划进展</source>
        <translation>Plan progress</translation>
    </message>
    <message>
        <source>示例数据</source>
        <translation>Illustrative data</translation>
    </message>
    <message>
        <source>并非官方成果</source>
        <translation>not official</translation>
    </message>
    <message>
        <source>范围：</source>
        <translation>Scope: </translation>
    </message>
    <message>
        <source>（个）</source>
        <translation> (count)</translation>
    </message>
    <message>
        <source>管控单元面积（km²）</source>
        <translation>Control-unit area (km²)</translation>
    </message>
    <message>
        <source>入海排污口整治状态（个）</source>
        <translation>Remediation of sea outfalls (count)</translation>
    </message>
    <message>
        <source>正在统计…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <source>规划指标按工作空间的全部数据测算（不随所选范围变化）；双击一行在地图上选中测算所依据的排污口。</source>
        <translation>Plan indicators are measured on all the workspace's data (not on the chosen scope); double-click a row to select the outfalls it was measured on.</translation>
    </message>
</context>
<context>
    <name>Sync</name>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>连接服务器…</source>
        <translation>Connect to server…</translation>
    </message>
    <message>
        <source>检出…</source>
        <translation>Check out…</translation>
    </message>
    <message>
        <source>冲突…</source>
        <translation>Conflicts…</translation>
    </message>
    <message>
        <source>冲突（%1）…</source>
        <translation>Conflicts (%1)…</translation>
    </message>
    <message numerus="yes">
        <source>%n 项修改未同步</source>
        <translation>
            <numerusform>%n change not synced</numerusform>
            <numerusform>%n changes not synced</numerusform>
        </translation>
    </message>
    <message>
        <source>上次同步：</source>
        <translation>Last sync: </translation>
    </message>
    <message>
        <source>从未</source>
        <translation>never</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>连接</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>连接服务器</source>
        <translation>Connect to server</translation>
    </message>
    <message>
        <source>服务器地址</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>服务器密码</source>
        <translation>Server password</translation>
    </message>
    <message>
        <source>%1 的密码：</source>
        <translation>Password for %1:</translation>
    </message>
    <message>
        <source>留空则使用 PGPASSWORD 或 pgpass 文件</source>
        <translation>Leave empty to use PGPASSWORD or the pgpass file</translation>
    </message>
    <message>
        <source>记住密码（系统钥匙串）</source>
        <translation>Remember the password (system keyring)</translation>
    </message>
    <message>
        <source>系统钥匙串不可用：密码只保存在本次运行的内存中</source>
        <translation>No system keyring: the password is kept in memory for this session only</translation>
    </message>
    <message>
        <source>密码不会写入工作空间、设置或日志。</source>
        <translation>The password is never written to the workspace, the settings or a log.</translation>
    </message>
    <message>
        <source>检出</source>
        <translation>Check out</translation>
    </message>
    <message>
        <source>全市</source>
        <translation>Whole city</translation>
    </message>
    <message>
        <source>范围</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>保存为</source>
        <translation>Save as</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>在新窗口中打开</source>
        <translation>Open in a new window</translation>
    </message>
    <message>
        <source>部分修改被服务器拒绝</source>
        <translation>Some changes were refused by the server</translation>
    </message>
    <message>
        <source>同步冲突</source>
        <translation>Sync conflicts</translation>
    </message>
    <message>
        <source>排污口编码</source>
        <translation>Outfall code</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>基准（上次同步）</source>
        <translation>Base (last sync)</translation>
    </message>
    <message>
        <source>我的</source>
        <translation>Mine</translation>
    </message>
    <message>
        <source>服务器</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>修改人</source>
        <translation>Changed by</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>When</translation>
    </message>
    <message>
        <source>未同步</source>
        <translation>not synced</translation>
    </message>
    <message>
        <source>没有待解决的冲突。</source>
        <translation>No open conflicts.</translation>
    </message>
    <message>
        <source>保留我的</source>
        <translation>Keep mine</translation>
    </message>
    <message>
        <source>采用服务器的</source>
        <translation>Take the server's</translation>
    </message>
    <message>
        <source>位置</source>
        <translation>Position</translation>
    </message>
    <message>
        <source>整条记录</source>
        <translation>Whole record</translation>
    </message>
    <message>
        <source>基准</source>
        <translation>Base</translation>
    </message>
    <message>
        <source>两处位置相距 %1 米</source>
        <translation>The two positions are %1 m apart</translation>
    </message>
    <message>
        <source>属性</source>
        <translation>Attribute</translation>
    </message>
    <message>
        <source>服务器上已删除</source>
        <translation>Deleted on the server</translation>
    </message>
    <message>
        <source>本机已删除</source>
        <translation>Deleted here</translation>
    </message>
    <message>
        <source>编码重复的新排污口</source>
        <translation>New outfall with a code in use</translation>
    </message>
    <message>
        <source>本机已修改</source>
        <translation>Changed here</translation>
    </message>
    <message>
        <source>服务器上已修改</source>
        <translation>Changed on the server</translation>
    </message>
    <message>
        <source>本机新增</source>
        <translation>Added here</translation>
    </message>
    <message>
        <source>服务器上已有同编码排污口</source>
        <translation>The server has an outfall with this code</translation>
    </message>
</context>
</TS>
