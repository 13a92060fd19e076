"""The screening report as HTML: one self-contained file with the map inlined as SVG.

:func:`report_body_html` writes the text and tables with plain tags (h2, p, table, ul) that
both browsers and Qt's rich-text engine lay out, so the PDF writer (``ui.reports.pdf``)
reuses the same body.  Every text that comes from data is escaped.
"""

from __future__ import annotations

from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from geodata import files, schema
from geodata.messages import Message, in_language, localized
from models.info import layer_title
from models.report_style import DIMENSIONS, UNIT_CLASS_COLOURS
from models.report_style import t as _t
from models.screening import ScreeningReport

LEVEL_COLOURS = {"high": "#c62828", "medium": "#ef6c00", "info": "#455a64"}
LEVEL_LABELS = {"high": ("重点关注", "High"), "medium": ("关注", "Medium"),
                "info": ("提示", "Note")}


def _e(v: Any) -> str:
    return "" if v is None else escape(str(v))


def _name(rec: dict[str, Any], lang: str) -> str:
    return str(localized(rec, "name", lang) or rec.get("code") or "")


def _m(v: float) -> str:
    return f"{v:,.0f}"


def _table(head: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    """A table; cells in ``rows`` are already-escaped HTML."""
    cols = "".join(f'<th align="left" bgcolor="#e8eef3"'
                   f'{f" width={chr(34)}{widths[i]}%{chr(34)}" if widths else ""}>{h}</th>'
                   for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(f'<td valign="top">{c}</td>' for c in r) + "</tr>"
                   for r in rows)
    return (f'<table width="100%" border="1" cellspacing="0" cellpadding="4" '
            f'class="grid"><tr>{cols}</tr>{body}</table>')


def title(lang: str) -> str:
    return _t(lang, "建设项目选址生态环境分区管控初筛报告",
              "Site screening against environmental zoning (三线一单)")


def summary_rows(rep: ScreeningReport, lang: str) -> list[tuple[str, str]]:
    t = partial(_t, lang)
    lon, lat = rep.centroid
    b = rep.bounds
    return [
        (t("选址来源", "Site source"), rep.source or "—"),
        (t("选址面积", "Site area"),
         f"{_m(rep.site_area_m2)} m² ≈ {rep.site_area_mu:,.2f} {t('亩', 'mu (亩)')} "
         f"≈ {rep.site_area_m2 / 1e4:,.2f} ha"),
        (t("中心点（CGCS2000）", "Centre (CGCS2000)"), f"{lon:.6f}, {lat:.6f}"),
        (t("范围", "Extent"), f"{b[0]:.5f}–{b[2]:.5f} E, {b[1]:.5f}–{b[3]:.5f} N"),
        (t("缓冲距离", "Buffer"), f"{rep.buffer_m:,.0f} m"),
        (t("所在行政区", "Counties"),
         "、".join(f"{_name(c, lang)} ({c['share']:.1%})" for c in rep.counties) or "—"),
        (t("生成时间", "Generated"), rep.generated),
        (t("数据集", "Dataset"), f"{rep.dataset} {rep.dataset_version}".strip() or "—"),
    ]


def report_body_html(rep: ScreeningReport, lang: str = "zh") -> str:
    """Everything but the map: summary, attention items, tables, sources, disclaimer."""
    t = partial(_t, lang)
    out: list[str] = []
    notice = Message(rep.notice_zh, rep.notice_en).text(lang)
    out.append(f'<p class="disclaimer"><b>{t("声明", "Notice")}：</b>'
               f'{_e(Message(rep.disclaimer_zh, rep.disclaimer_en).text(lang))}'
               + (f"<br/>{_e(notice)}" if notice else "") + "</p>")

    out.append(f"<h2>{t('一、选址概况', '1. Site')}</h2>")
    out.append(_table([t("项目", "Item"), t("内容", "Value")],
                      [[_e(k), _e(v)] for k, v in summary_rows(rep, lang)], [25, 75]))

    out.append(f"<h2>{t('二、需关注事项', '2. Items needing attention')}</h2><ul>")
    for a in rep.attention:
        label = Message(*LEVEL_LABELS[a.level]).text(lang)
        out.append(f'<li><font color="{LEVEL_COLOURS[a.level]}"><b>[{_e(label)}]</b></font> '
                   f"{_e(a.text(lang))}</li>")
    out.append("</ul>")

    out.append(f"<h2>{t('三、涉及的环境管控单元', '3. Control units touched')}</h2>")
    if rep.units:
        rows = [[f'<font color="{UNIT_CLASS_COLOURS.get(u["unit_class"], ("#000",))[0]}">■</font>'
                 f" {_e(localized(u, 'class', lang, fallback=False))}",
                 _e(u["code"]), _e(_name(u, lang)),
                 _e(schema.value_in("theme", u.get("theme"), lang)),
                 _e(t("海域", "sea") if str(u.get("domain")) in ("sea", "海域")
                    else t("陆域", "land")),
                 f"{_m(u['overlap_m2'])}", f"{u['overlap_mu']:,.2f}", f"{u['share']:.1%}"]
                for u in rep.units]
        out.append(_table([t("类别", "Class"), t("单元编码", "Code"), t("名称", "Name"),
                           t("主导类型", "Theme"), t("陆/海", "Domain"),
                           t("重叠面积 m²", "Overlap m²"),
                           t("亩", "mu"), t("占选址", "Share")], rows))
        uncovered = 1 - rep.units_share_total
        if uncovered > 0.001:
            out.append(f"<p>{t('未落入任何管控单元的部分', 'Part of the site in no unit')}："
                       f"{uncovered:.1%}</p>")
    else:
        out.append(f"<p>{t('选址未落入任何管控单元。', 'The site touches no control unit.')}</p>")

    out.append(f"<h2>{t('四、生态环境准入要求（按四个维度）', '4. Access requirements')}</h2>")
    # English: the units' English texts (Chinese where a unit has none); a report made
    # before requirements_en existed has only the Chinese list.
    requirements = in_language(lang, rep.requirements,
                               rep.requirements_en or rep.requirements)
    for key, zh, en in DIMENSIONS:
        items = requirements.get(key, [])
        out.append(f"<h3>{_e(t(zh, en))}</h3>")
        if not items:
            out.append(f"<p>{t('无', 'None')}</p>")
            continue
        out.append("<ul>")
        for it in items:
            units = t("、", ", ").join(it["units"])
            out.append(f"<li>{_e(it['text'])} <font color='#666666'>"
                       f"{t('（', '(')}{_e(units)}{t('）', ')')}</font></li>")
        out.append("</ul>")

    out.append(f"<h2>{t('五、自然保护地与海湾', '5. Protected areas and bays')}</h2>")
    out.append(_zone_table(rep, lang))

    out.append(f"<h2>{t('六、排污口', '6. Outfalls')}</h2>")
    outfalls = rep.outfalls_inside + rep.outfalls_nearby
    if outfalls:
        rows = [[_e(o["code"]), _e(o.get("name_zh")),
                 _e(schema.value_in("outfall_type", o.get("outfall_type"), lang)),
                 _e(t("入海", "sea") if o.get("water_kind") == "sea" else t("入河", "river")),
                 _e(schema.value_in("remediation", o.get("remediation"), lang)),
                 _e(schema.value_in("remediation_status", o.get("remediation_status"), lang)),
                 t("选址内", "inside") if o["distance_m"] == 0 else f"{_m(o['distance_m'])} m"]
                for o in outfalls]
        out.append(_table([t("编码", "Code"), t("名称", "Name"), t("类型", "Type"),
                           t("入海/入河", "Sea/river"), t("整治", "Remediation"),
                           t("状态", "Status"), t("距离", "Distance")], rows))
    else:
        out.append("<p>" + t("选址内及缓冲距离内无排污口。",
                             "No outfall inside the site or the buffer.") + "</p>")

    out.append(f"<h2>{t('七、适用的任务与指标', '7. Tasks and indicators that apply')}</h2>")
    out.append(_catalog_tables(rep, lang))

    out.append(f"<h2>{t('八、数据来源与说明', '8. Data sources')}</h2><ul>")
    for s in rep.sources:
        out.append(f"<li>{_e(s.get('layers'))}：{_e(s.get('source'))}"
                   f"（{_e(s.get('licence'))}；{_e(s.get('status'))}）</li>")
    if rep.illustrative_layers:
        names = "、".join(layer_title(n, lang) for n in rep.illustrative_layers)
        out.append(f"<li><b>{t('示例图层', 'Illustrative layers')}：</b>{_e(names)}</li>")
    out.append("<li>" + t("面积按 CGCS2000（GRS80 椭球）大地线计算；距离在以选址为中心的方位等距"
                          "投影中量算。",
                          "Areas are geodesic on the CGCS2000 (GRS80) ellipsoid; distances are "
                          "measured in an azimuthal equidistant projection centred on the site.")
               + "</li>")
    out.append("</ul>")
    return "".join(out)


def _zone_table(rep: ScreeningReport, lang: str) -> str:
    t = partial(_t, lang)
    rows = []
    for p in rep.protected_areas:
        zone = _e(schema.value_in("zone", p.get("zone"), lang))
        rows.append([t("自然保护地", "Protected area"),
                     _e(_name(p, lang)) + (t(f"（{zone}）", f" ({zone})") if zone else ""),
                     _e(pa_level_kind(p, lang)),
                     _overlap_or_distance(p, lang)])
    for b in rep.bays:
        rows.append([t("海湾", "Bay"), _e(_name(b, lang)),
                     _e(" ".join(str(x) for x in (schema.value_in("wq_class", b.get("wq_class"),
                                                                  lang), b.get("wq_target"))
                                 if x)), _overlap_or_distance(b, lang)])
    extra = []
    if rep.nearest_protected_area and not rep.protected_areas:
        p = rep.nearest_protected_area
        extra.append(t(f"缓冲距离内无自然保护地；最近为 {_name(p, lang)}，距离 "
                       f"{_m(p['distance_m'])} 米。",
                       f"No protected area within the buffer; the nearest, {_name(p, lang)}, "
                       f"is {_m(p['distance_m'])} m away."))
    if rep.nearest_bay and not rep.bays:
        b = rep.nearest_bay
        extra.append(t(f"缓冲距离内无海湾；最近为 {_name(b, lang)}，"
                       f"距离 {_m(b['distance_m'])} 米。",
                       f"No bay within the buffer; the nearest, {_name(b, lang)}, is "
                       f"{_m(b['distance_m'])} m away."))
    html = ""
    if rows:
        html += _table([t("类型", "Kind"), t("名称", "Name"), t("级别/水质", "Level / water"),
                        t("重叠或距离", "Overlap or distance")], rows, [15, 35, 25, 25])
    html += "".join(f"<p>{_e(x)}</p>" for x in extra)
    return html or "<p>" + t("50 公里内无自然保护地或海湾。",
                             "No protected area or bay within 50 km.") + "</p>"


def pa_level_kind(p: dict[str, Any], lang: str) -> str:
    """"国家级 自然保护区" / "National nature reserve"."""
    level, kind = str(p.get("level") or ""), str(p.get("kind") or "")
    return in_language(lang, f"{level} {kind}".strip(), _english_level_kind(level, kind))


def _english_level_kind(level: str, kind: str) -> str:
    level, kind = schema.english_value("level", level), schema.english_value("kind", kind)
    kind = kind[:1].lower() + kind[1:] if level else kind
    return f"{level} {kind}".strip()


def _overlap_or_distance(z: dict[str, Any], lang: str) -> str:
    if z["overlap_m2"] > 0:
        return _t(lang, f"重叠 {_m(z['overlap_m2'])} m²（{z['overlap_mu']:,.2f} 亩，"
                        f"占选址 {z['share']:.1%}）",
                  f"overlap {_m(z['overlap_m2'])} m² ({z['overlap_mu']:,.2f} mu, "
                  f"{z['share']:.1%} of site)")
    if z["distance_m"] == 0:
        return _t(lang, "边界相接", "touching")
    return _t(lang, f"距离 {_m(z['distance_m'])} m", f"{_m(z['distance_m'])} m away")


def _reasons(reasons: list[dict[str, str]], lang: str) -> str:
    from models.catalog import ZONE_TYPE_NAMES, zone_key_text

    out = []
    for r in reasons:
        name = Message(*ZONE_TYPE_NAMES.get(r["zone_type"], (r["zone_type"], r["zone_type"])))
        key = "" if r["zone_type"] == "city" else \
            f" {zone_key_text(r['zone_type'], r['zone_key'], lang)}"
        label = name.text(lang) + key
        if label not in out:
            out.append(label)
    return _t(lang, "；", "; ").join(out)


def _catalog_tables(rep: ScreeningReport, lang: str) -> str:
    t = partial(_t, lang)
    html = ""
    if rep.tasks:
        rows = [[_e(x.get("section")), _e(x.get("task_id")),
                 _e(localized(x, "title", lang)),
                 _e(_reasons(x.get("reasons", []), lang))] for x in rep.tasks]
        html += _table([t("章节", "Section"), t("编号", "ID"), t("任务", "Task"),
                        t("关联依据", "Linked by")], rows, [14, 12, 44, 30])
    else:
        html += f"<p>{t('无适用任务。', 'No task applies.')}</p>"
    if rep.indicators:
        status = {"met": t("达标", "met"), "not_met": t("未达标", "not met"),
                  "unknown": t("未知", "unknown")}
        rows = [[_e(x.get("section")),
                 _e(localized(x, "name", lang)),
                 _e(x.get("target_text_zh")), _e(status.get(str(x.get("status")), ""))]
                for x in rep.indicators]
        html += "<br/>" + _table([t("章节", "Section"), t("指标", "Indicator"),
                                  t("目标", "Target"), t("现状", "Status")], rows,
                                 [14, 46, 25, 15])
    return html


CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px auto;
max-width:980px;color:#222;line-height:1.5;font-size:14px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;border-bottom:2px solid #2e6e9e;
padding-bottom:2px;margin-top:26px} h3{font-size:15px;margin:12px 0 4px}
table.grid{border-collapse:collapse;font-size:13px} table.grid th,table.grid td{border:1px solid
#b8c4ce;padding:4px 6px} .disclaimer{background:#fff8e1;border:1px solid #e0c060;padding:8px}
.map svg{width:100%;height:auto;border:0} .meta{color:#555}
@media print{body{margin:0} h2{page-break-after:avoid} .map{page-break-inside:avoid}}
"""


def render_html(rep: ScreeningReport, map_svg: str, lang: str = "zh") -> str:
    """One self-contained HTML file: styles inline, map inline as SVG, no external loads."""
    t = partial(_t, lang)
    return (
        f'<!DOCTYPE html><html lang="{in_language(lang, "zh-CN", "en")}"><head>'
        f'<meta charset="utf-8"/><title>{_e(title(lang))}</title><style>{CSS}</style></head>'
        f"<body><h1>{_e(title(lang))}</h1>"
        f'<p class="meta">{t("生成时间", "Generated")}：{_e(rep.generated)} · EcoZone '
        f'生态环境分区管控一张图</p>'
        f'<div class="map">{map_svg}</div>'
        f"{report_body_html(rep, lang)}</body></html>")


def write_html_report(ws: Any, rep: ScreeningReport, out: Path, lang: str = "zh") -> None:
    """Write the report with its map to ``out`` (via ``out.part``, so a failed write leaves
    no half file under the real name)."""
    from models.report_map_svg import render_map_svg

    html = render_html(rep, render_map_svg(ws, rep.site, rep.buffer_m, lang=lang), lang)
    tmp = files.part_path(out)
    tmp.write_text(html, encoding="utf-8")
    files.finish(tmp, out)
