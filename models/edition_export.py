"""Exports of an edition comparison: XLSX of every change, GeoPackage of changed areas.

XLSX: one sheet per kind of change, each header in Chinese and English ("编码 Code"), the
first sheet a summary with the editions and the 示例数据 notice where it applies.
GeoPackage: one polygon layer ``edition_changes`` (CGCS2000, MultiPolygon) with the kind of
change in both languages, the codes and classes before and after and the area; it opens in
QGIS as it is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from models.class_matrix import CLASS_LABELS, CLASSES
from models.edition_compare import Comparison
from models.edition_report import NOTICE, summary_rows
from models.report_style import DIMENSIONS

LAYER = "edition_changes"


def _h(zh: str, en: str) -> str:
    return f"{zh} {en}"


def _cls(c: int) -> str:
    zh, en = CLASS_LABELS.get(int(c), (str(c), str(c)))
    return f"{zh} {en}"


def _sheets(cmp: Comparison) -> list[tuple[str, list[str], list[list[Any]]]]:
    code, name, county = _h("编码", "Code"), _h("名称", "Name"), _h("行政区代码", "County code")
    unit = [code, name, county, _h("分类", "Class"), _h("面积 km²", "Area km²")]

    def units(items: list[dict[str, Any]]) -> list[list[Any]]:
        return [[x["code"], x["name_zh"], x["county_code"], _cls(x["unit_class"]),
                 x["area_km2"]] for x in items]

    groups = [_h("原单元", "Units before"), _h("新单元", "Units after"),
              _h("原面积 km²", "Area before km²"), _h("新面积 km²", "Area after km²")]

    def grouped(items: list[dict[str, Any]]) -> list[list[Any]]:
        return [["、".join(x["codes_before"]), "、".join(x["codes_after"]),
                 x["area_before_km2"], x["area_after_km2"]] for x in items]

    m = cmp.matrix
    matrix_rows = []
    for ccode, mat in [("全部 All", m.total())] + sorted(m.by_county.items()):
        zh = cmp.county_names.get(ccode, (ccode, ccode))[0]
        for r, k in enumerate(CLASSES):
            matrix_rows.append([zh, _cls(k)] + [round(float(v) / 1e6, 4) for v in mat[r]])
    return [
        ("新增 Added", unit, units(cmp.added)),
        ("撤销 Removed", unit, units(cmp.removed)),
        ("编码变更 Renamed", [_h("原编码", "Code before"), _h("新编码", "Code after"),
                            _h("原名称", "Name before"), _h("新名称", "Name after"),
                            _h("原分类", "Class before"), _h("新分类", "Class after")],
         [[x["code_before"], x["code_after"], x["name_before"], x["name_after"],
           _cls(x["class_before"]), _cls(x["class_after"])] for x in cmp.renamed]),
        ("拆分 Split", groups, grouped(cmp.split)),
        ("合并 Merged", groups, grouped(cmp.merged)),
        ("重组 Regrouped", groups, grouped(cmp.regrouped)),
        ("分类调整 Reclassified", [code, _h("原编码", "Code before"), name, county,
                                _h("原分类", "Class before"), _h("新分类", "Class after"),
                                _h("趋严", "Stricter"), _h("面积 km²", "Area km²")],
         [[x["code"], x["code_before"], x["name_zh"], x["county_code"],
           _cls(x["class_before"]), _cls(x["class_after"]), "是 yes" if x["stricter"] else "",
           x["area_km2"]] for x in cmp.reclassified]),
        ("边界调整 Redrawn", [code, name, county, _h("原面积 km²", "Area before km²"),
                           _h("新面积 km²", "Area after km²"), _h("外扩 km²", "Gained km²"),
                           _h("内缩 km²", "Lost km²")],
         [[x["code"], x["name_zh"], x["county_code"], x["area_before_km2"],
           x["area_after_km2"], x["gained_km2"], x["lost_km2"]] for x in cmp.redrawn]),
        ("准入要求 Requirements", [code, _h("原编码", "Code before"), _h("维度", "Dimension"),
                               _h("原文", "Before"), _h("新文", "After"),
                               _h("差异（[-删除-] {+新增+}）",
                                  "Difference ([-deleted-] {+inserted+})")],
         [[r["code"], r["code_before"], f"{r['dimension_zh']} {r['dimension_en']}",
           r["before"], r["after"], r["diff"]] for r in cmp.requirements_changed]),
        ("分类矩阵 Class matrix", [_h("行政区", "County"), _h("原分类（从）", "From")]
         + [_h("到", "to") + " " + _cls(k) for k in CLASSES],
         matrix_rows),
        ("行政区统计 By county", [county, name] + [
            _h(f"原{CLASS_LABELS[c][0]} km²", f"{CLASS_LABELS[c][1]} before km²")
            for c in (1, 2, 3)]
         + [_h(f"新{CLASS_LABELS[c][0]} km²", f"{CLASS_LABELS[c][1]} after km²") for c in (1, 2, 3)]
         + [_h("原单元数", "Units before"), _h("新单元数", "Units after"),
            _h("分类变化面积 km²", "Area reclassified km²")],
         [[r["county_code"], r["name_zh"]] + [r["km2_before"][str(c)] for c in (1, 2, 3)]
          + [r["km2_after"][str(c)] for c in (1, 2, 3)]
          + [r["units_before"], r["units_after"], r["moved_km2"]]
          for r in cmp.totals_by_county]),
        ("受影响排污口 Outfalls", [_h("排污口编码", "Outfall code"), name, county,
                              _h("经度", "Lon"), _h("纬度", "Lat"),
                              _h("原单元", "Unit before"), _h("原分类", "Class before"),
                              _h("新单元", "Unit after"), _h("新分类", "Class after")]
         + [_h(f"{zh}差异", f"{en} difference") for _, zh, en in DIMENSIONS],
         [[o["code"], o["name_zh"], o["county_code"], o["lon"], o["lat"], o["unit_before"],
           _cls(o["class_before"]), o["unit_after"], _cls(o["class_after"])]
          + [o["requirements"][d]["diff"] or "—" for d, _, _ in DIMENSIONS]
          for o in cmp.affected_outfalls]),
    ]


def write_xlsx(cmp: Comparison, editions: dict[str, Any], out: Path,
               illustrative: bool = True) -> Path:
    """Every change, one sheet per kind; written atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "概况 Summary"
    bold = Font(bold=True)
    ws.append(["环境管控单元版本对比 Control units: comparison of two editions"])
    ws["A1"].font = Font(bold=True, size=13)
    if illustrative:
        ws.append([NOTICE[0]])
        ws.append([NOTICE[1]])
        for cell in (ws["A2"], ws["A3"]):
            cell.font = Font(bold=True, color="7A5B00")
    for side, e in (("原版本 Old edition", editions["old"]),
                    ("新版本 New edition", editions["new"])):
        ws.append([side, e.name, e.date or "", e.source or ""])
    ws.append([])
    for (zh, _), (en, n) in zip(summary_rows(cmp, "zh"), summary_rows(cmp, "en"), strict=True):
        ws.append([f"{zh} {en}", n])
    ws.column_dimensions["A"].width = 48
    fill = PatternFill("solid", fgColor="E8EEF3")
    for title, head, rows in _sheets(cmp):
        sh = wb.create_sheet(title[:31])
        sh.append(head)
        for cell in sh[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in rows:
            sh.append(r)
        for k, h in enumerate(head):
            width = min(60, max(12, len(h) + 2))
            sh.column_dimensions[sh.cell(1, k + 1).column_letter].width = width
        sh.freeze_panes = "A2"
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    os.replace(tmp, out)
    return out


def changes_frame(cmp: Comparison, editions: dict[str, Any], illustrative: bool = True) -> Any:
    """The changed areas with the editions' names, as MultiPolygons (one type for QGIS)."""
    import shapely

    frame = cmp.changes.copy() if cmp.changes is not None else None
    if frame is None:
        raise ValueError("no comparison result")
    frame.insert(0, "edition_old", editions["old"].name)
    frame.insert(1, "edition_new", editions["new"].name)
    frame["note"] = "示例数据 illustrative" if illustrative else ""
    frame = frame.set_geometry([shapely.multipolygons(shapely.get_parts(g))
                                if g.geom_type == "Polygon" else g for g in frame.geometry],
                               crs=frame.crs)
    return frame


def write_gpkg(cmp: Comparison, editions: dict[str, Any], out: Path,
               illustrative: bool = True) -> Path:
    """The ``edition_changes`` layer in a GeoPackage (replaced if the file has one)."""
    import pyogrio

    out = Path(out)
    frame = changes_frame(cmp, editions, illustrative)
    pyogrio.write_dataframe(frame, out, layer=LAYER, driver="GPKG",
                            geometry_type="MultiPolygon")
    return out
