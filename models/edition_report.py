"""The edition change report as HTML: self-contained, map inlined as SVG.

:func:`report_body_html` uses the plain tags (h2, p, table, ul, font, s, u) that browsers and
Qt's rich-text engine both lay out, so the PDF writer (``ui.reports.edition_pdf``) reuses
the same body, as the screening report does.  Every text from data is escaped.
"""

from __future__ import annotations

from functools import partial
from html import escape
from typing import Any

from geodata.messages import Message, in_language, localized
from models import text_diff
from models.class_matrix import CLASS_LABELS, CLASSES
from models.edition_compare import Comparison
from models.report_html import CSS, _table
from models.report_style import DIMENSIONS, UNIT_CLASS_COLOURS
from models.report_style import t as _t

NOTICE = ("示例数据：内置的管控单元为演示用途生成，并非官方成果；对比结果仅说明工具用法。",
          "Illustrative data (示例数据): the bundled control units are generated for "
          "demonstration, not official; the comparison only shows how the tool works.")
DISCLAIMER = ("本报告为管控单元版本变化的辅助梳理，不构成法律意见；以有权机关发布的生态环境"
              "分区管控成果为准。",
              "This report is an aid for reviewing a revision of the control units, not a "
              "legal verdict; the zoning results published by the competent authorities "
              "prevail.")


NUMERALS = "一二三四五六七八九十"


def _e(v: Any) -> str:
    return "" if v is None else escape(str(v))


def title(lang: str) -> str:
    return _t(lang, "环境管控单元版本对比报告", "Control units: comparison of two editions")


def class_name(c: int, lang: str) -> str:
    return Message(*CLASS_LABELS.get(int(c), (str(c), str(c)))).text(lang)


def _cls(c: int, lang: str) -> str:
    colour = UNIT_CLASS_COLOURS.get(int(c), ("#999999",))[0]
    return f'<font color="{colour}">■</font> {_e(class_name(c, lang))}'


def _county(cmp: Comparison, code: str, lang: str) -> str:
    return Message(*cmp.county_names.get(str(code), (code, code))).text(lang)


def _name(rec: dict[str, Any], lang: str) -> str:
    return str(localized(rec, "name", lang) or "")


def _f(v: float) -> str:
    return f"{v:,.2f}"


def summary_rows(cmp: Comparison, lang: str) -> list[tuple[str, int]]:
    t = partial(_t, lang)
    c = cmp.counts()
    return [(t("新增单元", "Units added"), c["added"]),
            (t("撤销单元", "Units removed"), c["removed"]),
            (t("编码变更", "Codes changed"), c["renamed"]), (t("拆分", "Splits"), c["split"]),
            (t("合并", "Mergers"), c["merged"]), (t("重组", "Regroupings"), c["regrouped"]),
            (t("分类调整", "Reclassified"), c["reclassified"]),
            (t("边界调整", "Redrawn"), c["redrawn"]),
            (t("准入要求变化（条·维度）", "Requirements changed (unit × dimension)"),
             c["requirements_changed"]),
            (t("管控趋严的排污口", "Outfalls now in a stricter unit"), c["affected_outfalls"]),
            (t("未变化单元", "Units unchanged"), c["unchanged"])]


def matrix_html(cmp: Comparison, lang: str, county: str | None = None) -> str:
    t = partial(_t, lang)
    m = cmp.matrix.total() if county is None else cmp.matrix.by_county[county]
    head = [t("从 ＼ 到（km²）", "from \\ to (km²)")] + [_e(class_name(c, lang)) for c in CLASSES] \
        + [t("合计", "Total")]
    rows = []
    for r, k in enumerate(CLASSES):
        cells = [f"<b>{_e(class_name(k, lang))}</b>"]
        for col in range(len(CLASSES)):
            v = m[r, col] / 1e6
            bold = r != col and r > 0 and col > 0 and v >= 0.005
            cells.append(f"<b>{_f(v)}</b>" if bold else _f(v))
        cells.append(_f(m[r].sum() / 1e6))
        rows.append(cells)
    rows.append([f"<b>{t('合计', 'Total')}</b>"] + [_f(m[:, c].sum() / 1e6)
                                                  for c in range(len(CLASSES))]
                + [_f(m.sum() / 1e6)])
    return _table(head, rows)


def _totals_html(cmp: Comparison, lang: str) -> str:
    t = partial(_t, lang)
    rows = []
    for r in cmp.totals_by_county:
        b, a = r["km2_before"], r["km2_after"]
        rows.append([_e(localized(r, "name", lang, fallback=False)),
                     f"{r['units_before']} → {r['units_after']}"]
                    + [f"{_f(b[str(c)])} → {_f(a[str(c)])}" for c in (1, 2, 3)]
                    + [_f(r["moved_km2"])])
    return _table([t("行政区", "County"), t("单元数", "Units"),
                   t("优先保护 km²", "Priority km²"), t("重点管控 km²", "Key control km²"),
                   t("一般管控 km²", "General km²"),
                   t("分类变化面积 km²", "Area reclassified km²")],
                  rows)


def _lists_html(cmp: Comparison, lang: str) -> str:
    t = partial(_t, lang)
    out: list[str] = []

    def section(head: str, items: list[Any], render: Any, columns: list[str]) -> None:
        out.append(f"<h3>{t(f'{_e(head)}（{len(items)}）', f'{_e(head)} ({len(items)})')}</h3>")
        if items:
            out.append(_table(columns, [render(x) for x in items]))
        else:
            out.append(f"<p>{t('无', 'None')}</p>")

    unit_cols = [t("编码", "Code"), t("名称", "Name"), t("行政区", "County"), t("分类", "Class"),
                 t("面积 km²", "Area km²")]
    section(t("新增单元", "Units added"), cmp.added, lambda x: [
        _e(x["code"]), _e(_name(x, lang)), _e(_county(cmp, x["county_code"], lang)),
        _cls(x["unit_class"], lang), _f(x["area_km2"])], unit_cols)
    section(t("撤销单元", "Units removed"), cmp.removed, lambda x: [
        _e(x["code"]), _e(_name(x, lang)), _e(_county(cmp, x["county_code"], lang)),
        _cls(x["unit_class"], lang), _f(x["area_km2"])], unit_cols)
    section(t("编码变更（同一单元）", "Codes changed (same unit)"), cmp.renamed, lambda x: [
        _e(x["code_before"]), _e(x["code_after"]),
        _e(in_language(lang, x["name_after"], x.get("name_after_en") or x["name_after"])),
        f"{_cls(x['class_before'], lang)} → {_cls(x['class_after'], lang)}"],
        [t("原编码", "Code before"), t("新编码", "Code after"), t("名称", "Name"),
         t("分类", "Class")])
    for kind, head in (("split", t("拆分", "Split")), ("merged", t("合并", "Merged")),
                       ("regrouped", t("重组", "Regrouped"))):
        section(head, getattr(cmp, kind), lambda x: [
            _e(t("、", ", ").join(x["codes_before"])), _e(t("、", ", ").join(x["codes_after"])),
            f"{_f(x['area_before_km2'])} → {_f(x['area_after_km2'])}"],
            [t("原单元", "Units before"), t("新单元", "Units after"), t("面积 km²", "Area km²")])
    section(t("分类调整", "Reclassified"), cmp.reclassified, lambda x: [
        _e(x["code"]) + ("" if x["code_before"] == x["code"] else
                         f"<br/><font color='#666666'>{t('原', 'was')} "
                         f"{_e(x['code_before'])}</font>"),
        _e(_name(x, lang)),
        f"{_cls(x['class_before'], lang)} → {_cls(x['class_after'], lang)}"
        + (f" <b><font color='#c62828'>{t('趋严', 'stricter')}</font></b>" if x["stricter"]
           else ""), _f(x["area_km2"])],
        [t("编码", "Code"), t("名称", "Name"), t("分类 原 → 新", "Class before → after"),
         t("面积 km²", "Area km²")])
    section(t("边界调整", "Redrawn"), cmp.redrawn, lambda x: [
        _e(x["code"]), _e(_name(x, lang)),
        f"{_f(x['area_before_km2'])} → {_f(x['area_after_km2'])}",
        f"+{_f(x['gained_km2'])} / −{_f(x['lost_km2'])}"],
        [t("编码", "Code"), t("名称", "Name"), t("面积 原 → 新 km²", "Area before → after km²"),
         t("外扩 / 内缩 km²", "Gained / lost km²")])
    n_req = len(cmp.requirements_changed)
    out.append(f"<h3>{_e(t(f'准入要求变化（{n_req}）', f'Requirements changed ({n_req})'))}</h3>")
    out.append("<p>" + t("删除的文字以红色删除线标出，新增的文字以绿色下划线标出。",
                         "The official (Chinese) texts are compared: deleted text is struck "
                         "through in red, inserted text underlined in green.") + "</p>")
    for r in cmp.requirements_changed:
        dim = localized(r, "dimension", lang, fallback=False)
        code = r["code"] if r["code"] == r["code_before"] else \
            f"{r['code_before']} → {r['code']}"
        out.append(f"<p><b>{_e(code)}</b> · {_e(dim)}<br/>"
                   f"{text_diff.as_html(r['segments'])}</p>")
    if not cmp.requirements_changed:
        out.append(f"<p>{t('无', 'None')}</p>")
    return "".join(out)


def _outfalls_html(cmp: Comparison, lang: str, limit: int = 300) -> str:
    t = partial(_t, lang)
    if not cmp.affected_outfalls:
        return "<p>" + t("没有排污口所在单元的管控分类趋严。",
                         "No outfall's unit became stricter.") + "</p>"
    rows = []
    for o in cmp.affected_outfalls[:limit]:
        changed = [d for d, _, _ in DIMENSIONS if o["requirements"][d]["before"]
                   != o["requirements"][d]["after"]]
        dims = "、".join(t(zh, en) for d, zh, en in DIMENSIONS if d in changed) \
            or t("文字未变", "texts unchanged")
        rows.append([_e(o["code"]), _e(o["name_zh"]), _e(_county(cmp, o["county_code"], lang)),
                     f"{_e(o['unit_before'])} {_cls(o['class_before'], lang)}",
                     f"{_e(o['unit_after'])} {_cls(o['class_after'], lang)}", _e(dims)])
    html = _table([t("排污口编码", "Outfall"), t("名称", "Name"), t("行政区", "County"),
                   t("原所在单元", "Unit before"), t("现所在单元", "Unit after"),
                   t("准入要求变化", "Requirements changed")], rows)
    if len(cmp.affected_outfalls) > limit:
        html += "<p>" + t(f"另有 {len(cmp.affected_outfalls) - limit} 个，见 XLSX 导出。",
                          f"{len(cmp.affected_outfalls) - limit} more in the XLSX export.") \
            + "</p>"
    return html


def detail_rows(cmp: Comparison, limit: int = 12) -> list[tuple[int, str, str]]:
    """(row of ``cmp.changes``, caption zh, caption en) of the changes shown in detail: one
    per unit after the change (a reclassified unit that also changed its code once)."""
    ch = cmp.changes
    if ch is None:
        return []
    out: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for k, row in enumerate(ch.itertuples()):
        key = str(row.code_after or row.code_before)
        if key in seen or row.kind == "looser" and len(out) >= limit:
            continue
        seen.add(key)
        codes = " → ".join(dict.fromkeys(c for c in (row.code_before, row.code_after) if c))
        out.append((k, f"{row.kind_zh}：{codes}", f"{row.kind_en}: {codes}"))
        if len(out) >= limit:
            break
    return out


def details_html(pairs: list[tuple[str, str, str]], lang: str) -> str:
    """The detail maps: (caption, old edition's map, new edition's map) side by side."""
    t = partial(_t, lang)
    out = ["<p>" + t("每处变化左为原版本、右为新版本，紫红线为变化范围。",
                     "Each change: the old edition left, the new one right; the purple line "
                     "outlines the change.") + "</p>"]
    for caption, old, new in pairs:
        out.append(f'<h3>{_e(caption)}</h3><table class="pair" width="100%"><tr>'
                   f'<td width="50%">{old}</td><td width="50%">{new}</td></tr></table>')
    return "".join(out)


def report_body_html(cmp: Comparison, editions: dict[str, Any], lang: str = "zh",
                     illustrative: bool = True, map_html: str = "",
                     details: str = "") -> str:
    """Everything of the report; ``editions`` has 'old' and 'new' (Edition objects);
    ``map_html`` and ``details`` are the map of changes and the detail maps (HTML)."""
    t = partial(_t, lang)
    old, new = editions["old"], editions["new"]
    out = [f'<p class="disclaimer"><b>{t("声明：", "Notice: ")}</b>{_e(t(*DISCLAIMER))}'
           + (f"<br/><b>{_e(t(*NOTICE))}</b>" if illustrative else "") + "</p>"]
    out.append(f"<h2>{t('一、对比的版本', '1. Editions compared')}</h2>")
    out.append(_table([t("", ""), t("版本", "Edition"), t("日期", "Date"), t("来源", "Source"),
                       t("单元数", "Units")],
                      [[t("原版本", "Old"), _e(old.title(lang)), _e(old.date or "—"),
                        _e(old.source or "—"), _e(old.feature_count or "—")],
                       [t("新版本", "New"), _e(new.title(lang)), _e(new.date or "—"),
                        _e(new.source or "—"), _e(new.feature_count or "—")]]))
    if map_html:
        out.append(f"<h2>{t('二、变化区域图', '2. Map of changes')}</h2>{map_html}")
    out.append(f"<h2>{t('三、变化概况', '3. Summary')}</h2>")
    out.append(_table([t("变化", "Change"), t("数量", "Count")],
                      [[_e(k), str(v)] for k, v in summary_rows(cmp, lang)], [70, 30]))
    out.append(f"<h2>{t('四、分类面积转移矩阵（全市）', '4. Class matrix (whole area)')}</h2>")
    out.append("<p>" + t("行为原版本分类，列为新版本分类；“无单元”为仅一个版本覆盖的面积。"
                         "面积按 CGCS2000（GRS80 椭球）等积投影计算，单位 km²。",
                         "Rows: class in the old edition; columns: class in the new one; "
                         "'no unit': area zoned in one edition only.  Areas on the CGCS2000 "
                         "(GRS80) ellipsoid through an equal-area projection, km².") + "</p>")
    out.append(matrix_html(cmp, lang))
    out.append(f"<h2>{t('五、按行政区统计', '5. By county')}</h2>")
    out.append(_totals_html(cmp, lang))
    out.append(f"<h2>{t('六、变化清单', '6. Changes')}</h2>")
    out.append(_lists_html(cmp, lang))
    n = 7
    if details:
        out.append(f"<h2>{t('七、变化详图（新旧对照）', '7. Changes in detail (side by side)')}"
                   f"</h2>{details}")
        n = 8
    heading = t(f"{NUMERALS[n - 1]}、受影响的排污口（所在单元管控趋严）",
                f"{n}. Outfalls now in a stricter unit")
    out.append(f"<h2>{heading}</h2>")
    out.append(_outfalls_html(cmp, lang))
    out.append(f"<h2>{t(f'{NUMERALS[n]}、方法说明', f'{n + 1}. Method')}</h2><ul>")
    out.append("<li>" + t("单元按编码匹配；编码变化的单元按重叠面积匹配："
                          "重叠超过任一单元面积一半即视为同一来源，一对一为同一单元（编码变更），一对多为拆分，多对一为合并。",
                          "Units are matched by code, and by overlap where codes changed: an "
                          "overlap of more than half of either unit links them; one to one is "
                          "the same unit (code changed), one to many a split, many to one a "
                          "merger.") + "</li>")
    out.append("<li>" + t("准入要求按四个维度逐条、逐字比对。",
                          "Requirements are compared clause by clause, character by character, "
                          "in each of the four dimensions.") + "</li>")
    out.append("<li>" + t("工作区未保存选址初筛报告，故受影响对象仅列排污口。",
                          "The workspace keeps no screening reports, so only outfalls are "
                          "listed as affected.") + "</li></ul>")
    return "".join(out)


def render_html(cmp: Comparison, editions: dict[str, Any], map_svg: str, lang: str = "zh",
                illustrative: bool = True, generated: str = "",
                details: list[tuple[str, str, str]] | None = None) -> str:
    """One self-contained HTML file: styles inline, map inline as SVG, nothing external."""
    t = partial(_t, lang)
    style = CSS + ("s{color:#b71c1c;background:#fde0dc} u{color:#1b5e20;background:#dcf5dc}"
                   " .pair td{border:0;padding:2px} .pair svg{width:100%;height:auto}")
    return (f'<!DOCTYPE html><html lang="{in_language(lang, "zh-CN", "en")}"><head>'
            f'<meta charset="utf-8"/><title>{_e(title(lang))}</title><style>{style}</style>'
            f"</head><body><h1>{_e(title(lang))}</h1>"
            f'<p class="meta">{t("生成时间：", "Generated: ")}{_e(generated)} · EcoZone '
            f"生态环境分区管控一张图</p>"
            + report_body_html(cmp, editions, lang, illustrative,
                               f'<div class="map">{map_svg}</div>' if map_svg else "",
                               details_html(details, lang) if details else "")
            + "</body></html>")
