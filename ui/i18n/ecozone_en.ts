<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
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
        <source>指标</source>
        <translation>Indicators</translation>
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
        <source>水质目标</source>
        <translation>Water-quality target</translation>
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
        <source>共 %1 项任务与本区域关联</source>
        <translation>%1 tasks linked to this zone</translation>
    </message>
    <message>
        <source>持续推进</source>
        <translation>Ongoing</translation>
    </message>
    <message>
        <source>任务</source>
        <translation>Tasks</translation>
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
        <source>依据</source>
        <translation>Justification</translation>
    </message>
    <message>
        <source>未选择要素</source>
        <translation>Nothing selected</translation>
    </message>
    <message>
        <source>在地图上点击管控单元、排污口、海湾或自然保护地查看详情；点击空白处查看该位置适用的管控要求。</source>
        <translation>Click a control unit, outfall, bay or protected area on the map for details; click anywhere else to see what applies there.</translation>
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
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>监测</source>
        <translation>Samples</translation>
    </message>
    <message>
        <source>排污口</source>
        <translation>Outfalls</translation>
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
</context>
</TS>
