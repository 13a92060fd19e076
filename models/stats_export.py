"""The statistics report as XLSX (one sheet per table) and as a printable offline HTML page.

Qt-free.  Headers are Chinese, or English with ``lang="en"``.  The HTML is one file: styles
inline, charts as inline SVG, no script and no remote resource, so it opens and prints
offline.  Where illustrative layers feed the numbers, the page and the first sheet say
示例数据.  Files are written to a ``.part`` name and renamed, so a failed export never
leaves half a file under the user's name (:mod:`geodata.files`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from geodata import files
from geodata.messages import Message, in_language
from models.statistics import class_label, value_label
from models.stats_report import ILLUSTRATIVE_NOTE, TITLE, StatsReport
from models.stats_svg import CLASS_COLOURS, PALETTE, STATUS_COLOURS, progress_bars, stacked_bars

CSS = """
body { font-family: 'Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif;
       margin: 24px; color: #222; }
h1 { font-size: 20px; margin-bottom: 2px; }
h2 { font-size: 15px; color: #1f4e79; margin-top: 22px; border-bottom: 1px solid #c5d3e0; }
table { border-collapse: collapse; font-size: 12px; margin: 6px 0 10px; }
th, td { border: 1px solid #9aa8b4; padding: 2px 6px; }
th { background: #e8eef3; }
td.n { text-align: right; }
tr.total td { font-weight: bold; background: #f5f5f5; }
.meta { color: #555; font-size: 12px; }
.notice { background: #fff3cd; color: #856404; border: 1px solid #e0c97f; padding: 4px 8px;
          display: inline-block; }
.chart { page-break-inside: avoid; }
@media print { body { margin: 10mm; } h2 { page-break-after: avoid; } }
"""


def scope_text(rep: StatsReport, lang: str) -> str:
    s = rep.stats.scope
    if s.county is not None:
        label = rep.stats.county_name(s.county, lang)
        if s.region is not None:
            label += " · " + s.label.text(lang)
        return label
    return s.label.text(lang)


# -- charts ----------------------------------------------------------------------------------
def charts(rep: StatsReport, lang: str = "zh") -> list[tuple[str, str]]:
    """(title, SVG) of the summary's charts."""
    out: list[tuple[str, str]] = []
    s = rep.stats
    cats = [s.county_name(str(c), lang) for c in s.outfall_total.index]
    status = s.outfalls.get("remediation_status")
    if status is not None and len(status):
        t = Message("各县区排污口整治状态", "Outfall remediation status by county").text(lang)
        series = [(value_label("remediation_status", str(c), lang), status[c].tolist(),
                   STATUS_COLOURS.get(str(c), PALETTE[i % len(PALETTE)]))
                  for i, c in enumerate(status.columns)]
        out.append((t, stacked_bars(t, cats, series, Message("个", "outfalls").text(lang))))
    otype = s.outfalls.get("outfall_type")
    if otype is not None and len(otype):
        t = Message("各县区排污口类型", "Outfall types by county").text(lang)
        series = [(value_label("outfall_type", str(c), lang), otype[c].tolist(),
                   PALETTE[i % len(PALETTE)]) for i, c in enumerate(otype.columns)]
        out.append((t, stacked_bars(t, cats, series, Message("个", "outfalls").text(lang))))
    if len(s.unit_area_km2):
        t = Message("各县区管控单元面积（按分类）", "Control-unit area by class and county"
                    ).text(lang)
        ucats = [s.county_name(str(c), lang) for c in s.unit_area_km2.index]
        series = [(class_label(int(c), lang), s.unit_area_km2[c].round(1).tolist(),
                   CLASS_COLOURS.get(int(c), "#999"))
                  for c in s.unit_area_km2.columns]
        out.append((t, stacked_bars(t, ucats, series, "km²")))
    if rep.bays:
        t = Message("各海湾入海排污口整治状态", "Remediation of sea outfalls by bay").text(lang)
        bcats = [b.name.text(lang) for b in rep.bays]
        names = list(rep.bays[0].by_remediation_status)
        series = [(value_label("remediation_status", v, lang),
                   [b.by_remediation_status.get(v, 0) for b in rep.bays],
                   STATUS_COLOURS.get(v, PALETTE[i % len(PALETTE)])) for i, v in enumerate(names)]
        out.append((t, stacked_bars(t, bcats, series, Message("个", "outfalls").text(lang),
                                    height=280)))
    measured = [p for p in rep.progress if p.threshold is not None]
    if measured:
        t = Message("规划指标测算进展（红线为目标）", "Plan indicators measured (red: target)"
                    ).text(lang)
        rows = [(p.name.text(lang), p.measured if isinstance(p.measured, float) else None,
                 p.threshold or 0.0, p.on_track) for p in measured]
        out.append((t, progress_bars(t, rows)))
    return out


# -- XLSX ------------------------------------------------------------------------------------
def write_xlsx(rep: StatsReport, out: Path | str, lang: str = "zh") -> list[str]:
    """One sheet per table (headers in ``lang``); returns the sheet names."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    out = Path(out)
    tmp = files.part_path(out)
    names: list[str] = []
    with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        info = _info_frame(rep, lang)
        sheet = Message("说明", "About").text(lang)
        info.to_excel(xw, sheet_name=sheet, index=False)
        names.append(sheet)
        for title, frame in rep.tables(lang):
            sheet = _sheet_name(title.text(lang), names)
            frame.to_excel(xw, sheet_name=sheet, index=False)
            names.append(sheet)
        for name in names:
            ws = xw.book[name]
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="E8EEF3")
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for i, col in enumerate(ws.columns, start=1):
                width = max(len(str(c.value or "")) for c in col)
                ws.column_dimensions[get_column_letter(i)].width = min(max(8, width * 1.6), 60)
            ws.freeze_panes = "B2"
    files.finish(tmp, out)  # the writer is closed: Windows moves only closed files
    return names


def _sheet_name(title: str, taken: list[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    while name in taken:
        name = name[:28] + f"_{len(taken)}"
    return name


def _info_frame(rep: StatsReport, lang: str) -> pd.DataFrame:
    rows = [(Message("标题", "Title"), TITLE.text(lang)),
            (Message("范围", "Scope"), scope_text(rep, lang)),
            (Message("生成时间", "Generated"), rep.generated)]
    if rep.illustrative:
        rows.append((Message("示例数据", "Illustrative data"), ILLUSTRATIVE_NOTE.text(lang)))
    rows.append((Message("面积", "Areas"), Message(
        "按 CGCS2000 高斯-克吕格 3 度带计算（km²）",
        "measured in the CGCS2000 3-degree Gauss-Krüger zones (km²)").text(lang)))
    return pd.DataFrame({Message("项目", "Item").text(lang): [k.text(lang) for k, _ in rows],
                         Message("内容", "Value").text(lang): [v for _, v in rows]})


# -- HTML ------------------------------------------------------------------------------------
def _table_html(frame: pd.DataFrame, total_row: bool) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cls = ' class="total"' if total_row and i == len(frame) - 1 else ""
        cells = "".join(_td(v) for v in row)
        body.append(f"<tr{cls}>{cells}</tr>")
    # border/cellspacing attributes: Qt's rich text (the PDF) ignores CSS borders on tables
    return (f'<table class="grid" border="1" cellspacing="0" cellpadding="3">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _td(v: Any) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        text = f"{v:,.2f}" if isinstance(v, float) else f"{v:,}"
        return f'<td class="n" align="right">{text}</td>'
    return f"<td>{escape(str(v))}</td>"


def notice_html(rep: StatsReport, lang: str = "zh") -> str:
    """The 示例数据 notice where illustrative layers feed the numbers, else nothing."""
    if not rep.illustrative:
        return ""
    return (f'<p class="notice" style="background-color:#fff3cd">'
            f"{escape(ILLUSTRATIVE_NOTE.text(lang))}</p>")


def body_html(rep: StatsReport, lang: str = "zh", svg: bool = True) -> str:
    """The summary's body: notice and charts (unless ``svg`` is False: the PDF paints them
    itself), then the tables."""
    parts = []
    if svg:
        parts.append(notice_html(rep, lang))
    if svg:
        for _title, chart in charts(rep, lang):
            parts.append(f'<div class="chart">{chart}</div>')
    for title, frame in rep.tables(lang):
        parts.append(f"<h2>{escape(title.text(lang))}</h2>")
        total = title.zh.startswith(("管控单元", "排污口"))
        parts.append(_table_html(frame, total))
    return "\n".join(parts)


def html(rep: StatsReport, lang: str = "zh") -> str:
    title = TITLE.text(lang)
    meta = (f"{escape(Message('范围：', 'Scope: ').text(lang))}{escape(scope_text(rep, lang))}"
            f" · {escape(Message('生成时间：', 'Generated: ').text(lang))}{rep.generated} · "
            "EcoZone 生态环境分区管控一张图")
    return (f'<!DOCTYPE html>\n<html lang="{in_language(lang, "zh-CN", "en")}"><head>'
            f'<meta charset="utf-8"><title>{escape(title)}</title><style>{CSS}</style></head>'
            f'<body><h1>{escape(title)}</h1><p class="meta">{meta}</p>'
            f"{body_html(rep, lang)}</body></html>\n")


def write_html(rep: StatsReport, out: Path | str, lang: str = "zh") -> None:
    out = Path(out)
    tmp = files.part_path(out)
    tmp.write_text(html(rep, lang), encoding="utf-8")
    files.finish(tmp, out)
