"""English for every Chinese UI string, and the tool that writes ui/i18n/ecozone_en.ts.

    python -m ui.translations_en      # extract tr() strings, write the .ts, compile the .qm

Chinese is the source language.  Strings of the map window are found by scanning
``tr("…")`` calls in the files listed in :data:`FILE_CONTEXT` (module helpers pass a fixed
context per file, ``self.tr`` in main.py uses the class name).  Other parts of ui/ bring
their own ``strings_en.py`` anywhere under ui/ with ``CONTEXT`` (the translation context
their widgets use) and ``EN`` ({Chinese source: English}), and/or ``CONTEXTS``
({context: {Chinese source: English}}) when their ``self.tr`` calls span several classes;
every such module is merged.  An English value may be a ``(singular, plural)`` tuple for
``tr(source, "", n)`` calls with ``%n`` (written as a numerus message).
The .ts is plain Qt Linguist XML so translators can keep working in Linguist, and
``lrelease`` (shipped in the PySide6 wheel) compiles the .qm the application loads.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

UI_DIR = Path(__file__).resolve().parent
TS = UI_DIR / "i18n" / "ecozone_en.ts"
QM = UI_DIR / "i18n" / "ecozone_en.qm"

#: context of bare ``tr(...)`` calls per file (the module's helper passes it)
FILE_CONTEXT = {
    "layer_panel.py": "LayerPanel", "side_panel.py": "SidePanel", "search_box.py": "SearchBox",
    "measure_tool.py": "Measure", "main.py": "MainWindow",
}

EN = {
    # window, menus, actions
    "EcoZone 生态环境分区管控一张图": "EcoZone Environmental Zoning Map",
    "生态环境分区管控一张图（泉州市）": "Environmental zoning map (Quanzhou)",
    "文件": "File", "编辑": "Edit", "视图": "View", "工具": "Tools", "书签": "Bookmarks", "语言": "Language",
    "帮助": "Help", "打开本地瓦片底图…": "Open local tile basemap…",
    "关闭瓦片底图": "Close tile basemap", "退出": "Quit", "全图": "Full extent",
    "放大": "Zoom in", "缩小": "Zoom out", "缩放至所选要素": "Zoom to selection",
    "重置界面布局": "Reset layout", "平移": "Pan", "拉框放大": "Zoom box",
    "测量距离": "Measure distance", "测量面积": "Measure area", "添加书签…": "Add bookmark…",
    "添加书签": "Add bookmark", "书签名称：": "Bookmark name:",
    "清除全部书签": "Clear all bookmarks", "关于": "About", "图层": "Layers",
    "要素详情": "Feature details", "比例尺": "Scale", "未找到：": "Not found: ",
    "底图": "Basemap",
    "选择 MBTiles 文件（取消则选择 XYZ 瓦片目录）":
        "Choose an MBTiles file (cancel to choose an XYZ tile folder)",
    "选择 XYZ 瓦片目录 {z}/{x}/{y}": "Choose an XYZ tile folder {z}/{x}/{y}",
    "示例数据": "Illustrative data",
    "示例数据：管控单元、排污口并非官方成果":
        "Illustrative data: control units and outfalls are not official",
    # layer panel
    "不透明度": "Opacity", "显示标注": "Show labels", "缩放至图层": "Zoom to layer",
    "上移": "Move up", "下移": "Move down", "示例数据：并非官方成果": "Illustrative data: not official",
    # search
    "搜索单元编码/名称、排污口、海湾、保护地、县区、地名或坐标":
        "Search unit code/name, outfall, bay, reserve, county, place or coordinates",
    "坐标": "Coordinates",
    # measure
    "距离": "Distance", "面积": "Area", "周长": "Perimeter", "亩": "mu",
    # side panel
    "未选择要素": "Nothing selected",
    "在地图上点击管控单元、排污口、海湾或自然保护地查看详情；点击空白处查看该位置适用的管控要求。":
        "Click a control unit, outfall, bay or protected area on the map for details; "
        "click anywhere else to see what applies there.",
    "并非官方成果": "not official", "管控单元与排污口并非官方成果":
        "control units and outfalls are not official",
    "包含全市通用任务与指标": "Include city-wide tasks and indicators",
    "此处有多个重叠要素，点击切换": "Several features overlap here; click to switch",
    "此处还有 %1 个要素，放大地图后可逐个选择": "%1 more features here: zoom in to pick one",
    "此处适用": "What applies here", "概况": "Overview", "任务": "Tasks", "指标": "Indicators",
    "排污口": "Outfalls", "监测": "Samples", "水质目标": "Water-quality target",
    "字段": "Field", "内容": "Value", "陆域": "Land", "海域": "Sea", "入海": "Sea", "入河": "River",
    "共 %1 项任务与本区域关联": "%1 tasks linked to this zone",
    "责任单位": "Responsible agencies", "时限": "Deadline", "依据": "Justification",
    "持续推进": "Ongoing",
    "单位": "Unit", "基线": "Baseline", "目标": "Target", "最新值": "Latest", "进展": "Status",
    "达标": "On track", "未达标": "Off track", "待评估": "Not assessed",
    "基线→目标": "Baseline → target", "实测": "Measured",
    "无可绘制的数值": "no numbers to plot",
    "适用指标 %1 项，达标 %2 项": "%1 indicators apply, %2 on track",
    "区域内排污口 %1 个": "%1 outfalls inside", "分类": "By", "类别": "Category",
    "数量": "Count", "类型": "Type", "整治类型": "Remediation", "整治状态": "Remediation status",
    "编码": "Code", "名称": "Name", "整治": "Remediation", "状态": "Status",
    "仅列出前 %1 个": "Only the first %1 are listed",
    "经纬度": "Lon, lat", "度分秒": "DMS", "县（市、区）": "County",
    "泉州市范围外": "Outside Quanzhou", "管控单元": "Control unit", "无": "None",
    "所在海湾": "In bay", "附近海湾": "Nearby bay", "所在自然保护地": "In protected area",
    "附近自然保护地": "Nearby protected area", "%1 m 内排污口": "Outfalls within %1 m",
    "适用任务": "Tasks that apply", "适用指标": "Indicators that apply",
    "日期": "Date", "流量 m³/d": "Flow m³/d", "氨氮": "NH₃-N", "总磷": "TP", "总氮": "TN",
}

_CALL = re.compile(r"""(?<![\w.])(self\.)?tr\(\s*(["'])((?:\\.|(?!\2).)*)\2""")


def _map_window_files() -> list[Path]:
    files = [UI_DIR / name for name in FILE_CONTEXT]
    files += sorted((UI_DIR / "panels").glob("*.py"))
    return [f for f in files if f.exists()]


def contributed() -> dict[str, dict[str, str | tuple[str, str]]]:
    """{context: {source: English}} from every ui/**/strings_en.py."""
    import importlib

    out: dict[str, dict[str, str | tuple[str, str]]] = {}
    for path in sorted(UI_DIR.rglob("strings_en.py")):
        rel = path.relative_to(UI_DIR.parent).with_suffix("")
        mod = importlib.import_module(".".join(rel.parts))
        ctx, en = getattr(mod, "CONTEXT", None), getattr(mod, "EN", None)
        if isinstance(ctx, str) and isinstance(en, dict):
            out.setdefault(ctx, {}).update(en)
        for ctx, en in (getattr(mod, "CONTEXTS", None) or {}).items():
            if isinstance(ctx, str) and isinstance(en, dict):
                out.setdefault(ctx, {}).update(en)
    return out


def extract() -> dict[str, list[str]]:
    """{context: [source strings]} from the map window's ``tr("…")`` calls."""
    out: dict[str, list[str]] = {}
    for path in _map_window_files():
        ctx = "SidePanel" if path.parent.name == "panels" else FILE_CONTEXT.get(path.name)
        text = path.read_text(encoding="utf-8")
        for m in _CALL.finditer(text):
            context = "MainWindow" if m.group(1) else ctx
            if context is None:
                continue
            src = m.group(3).encode().decode("unicode_escape").encode("latin-1").decode("utf-8") \
                if "\\" in m.group(3) else m.group(3)
            out.setdefault(context, [])
            if src not in out[context]:
                out[context].append(src)
    return out


def write_ts(path: Path = TS) -> list[str]:
    """Write the .ts; return source strings that still lack an English translation."""
    missing = []
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             '<TS version="2.1" language="en" sourcelanguage="zh_CN">']
    extra = contributed()
    contexts: dict[str, list[tuple[str, str | tuple[str, str] | None]]] = {
        ctx: [(src, EN.get(src)) for src in srcs] for ctx, srcs in extract().items()}
    for ctx, table in extra.items():
        known = contexts.setdefault(ctx, [])
        seen = {src for src, _en in known}
        known.extend((src, en) for src, en in table.items() if src not in seen)
    for context, pairs in sorted(contexts.items()):
        lines += ["<context>", f"    <name>{context}</name>"]
        for src, en in pairs:
            numerus = isinstance(en, tuple)
            lines += ['    <message numerus="yes">' if numerus else "    <message>",
                      f"        <source>{escape(src)}</source>"]
            if en is None:
                missing.append(src)
                lines.append('        <translation type="unfinished"></translation>')
            elif isinstance(en, tuple):
                lines.append("        <translation>")
                lines += [f"            <numerusform>{escape(form)}</numerusform>" for form in en]
                lines.append("        </translation>")
            else:
                lines.append(f"        <translation>{escape(en)}</translation>")
            lines.append("    </message>")
        lines.append("</context>")
    lines.append("</TS>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return missing


def compile_qm(ts: Path = TS, qm: Path = QM) -> None:
    import PySide6

    lrelease = Path(PySide6.__file__).parent / ("lrelease.exe" if sys.platform == "win32"
                                                 else "lrelease")
    subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)


def main() -> int:
    missing = write_ts()
    compile_qm()
    for src in missing:
        print(f"untranslated: {src}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
