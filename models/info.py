"""Summary of a workspace: layers, counts, CRS, illustrative layers (the `info` command)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from geodata import schema, store
from geodata.messages import Message, in_language
from models.workspace import Workspace

LAYER_NAMES = {
    "land": ("陆地", "Land"), "sea": ("海域", "Sea"), "coastline": ("海岸线", "Coastline"),
    "counties": ("县级行政区", "Counties"), "city": ("泉州市界", "City outline"),
    "rivers": ("河流", "Rivers"), "control_units": ("环境管控单元", "Control units"),
    "bays": ("海湾", "Bays"), "protected_areas": ("自然保护地", "Protected areas"),
    "places": ("地名", "Places"), "outfalls": ("排污口", "Outfalls"),
    "tasks": ("任务", "Tasks"), "indicators": ("指标", "Indicators"),
    "projects": ("重点工程", "Key projects"), "zone_links": ("分区关联", "Zone links"),
    "outfall_samples": ("排污口监测", "Outfall samples"),
    "inspections": ("核查记录", "Inspections"), "metadata": ("元数据", "Metadata"),
    "control_unit_editions": ("管控单元历史版本", "Control unit editions"),
    "editions": ("版本清单", "Editions"),
    "edition_changes": ("版本变化区域（临时）", "Edition changes (temporary)"),
    "edition_units": ("所选版本单元（临时）", "Chosen edition's units (temporary)"),
}


def layer_title(name: str, lang: str = "zh") -> str:
    return Message(*LAYER_NAMES.get(name, (name, name))).text(lang)


def _row_count(path: Path, table: str) -> int:
    """Rows of a table the workspace does not load (kept editions, the editions list)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(con.execute(f'select count(*) from "{table}"').fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        con.close()


def workspace_info(ws: Workspace) -> dict[str, Any]:
    illustrative = set(ws.illustrative_layers())
    approximate = {s for s in ws.metadata.get("approximate_layers", "").split(",") if s}
    layers = []
    contents = store.list_contents(ws.path)
    if "control_units" in illustrative and any(n == "control_unit_editions"
                                               for n, _k in contents):
        illustrative.add("control_unit_editions")  # kept editions: copies of the same units
    for name, kind in contents:
        frame = ws.layers.get(name)
        count = len(frame) if frame is not None else len(ws.table(name)) \
            if name in ws.tables else _row_count(ws.path, name)
        entry: dict[str, Any] = {
            "name": name, "title_zh": layer_title(name, "zh"),
            "title_en": layer_title(name, "en"), "kind": kind, "count": count,
            "illustrative": name in illustrative, "approximate": name in approximate,
        }
        if frame is not None:
            entry["crs"] = frame.crs.to_string() if frame.crs is not None else None
            entry["geometry_type"] = sorted(set(frame.geom_type.dropna()))
            entry["bounds"] = [round(float(v), 6) for v in frame.total_bounds] if count else None
        layers.append(entry)
    return {
        "workspace": str(ws.path),
        "dataset": ws.metadata.get("dataset", ""),
        "dataset_version": ws.metadata.get("dataset_version", ""),
        "crs": schema.CRS,
        "illustrative_layers": sorted(illustrative),
        "notice_zh": ws.metadata.get("illustrative_notice_zh", ""),
        "notice_en": ws.metadata.get("illustrative_notice_en", ""),
        "layers": layers,
    }


def format_info(info: dict[str, Any], lang: str = "zh") -> str:
    def t(zh: str, en: str) -> str:
        return Message(zh, en).text(lang)

    lines = [
        f"{t('工作空间', 'Workspace')}: {info['workspace']}",
        f"{t('数据集', 'Dataset')}: {info['dataset']} ({info['dataset_version']})",
        f"CRS: {info['crs']} (CGCS2000)",
        info[in_language(lang, "notice_zh", "notice_en")],
        "",
    ]
    for layer in info["layers"]:
        flag = ""
        if layer["illustrative"]:
            flag = t(" [示例数据]", " [illustrative]")
        elif layer["approximate"]:
            flag = t(" [近似位置]", " [approximate]")
        title = layer[in_language(lang, "title_zh", "title_en")]
        lines.append(f"  {layer['name']:<17} {title:<14} {layer['count']:>7}{flag}")
    return "\n".join(lines)
