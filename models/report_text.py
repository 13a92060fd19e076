"""Plain-text rendering of a point report for the terminal, in Chinese or English."""

from __future__ import annotations

from geodata import schema
from geodata.messages import Message, localized
from models.query import PointReport


def _t(lang: str, zh: str, en: str) -> str:
    return Message(zh, en).text(lang)


def _name(rec: dict[str, object], lang: str) -> str:
    return str(localized(rec, "name", lang) or "")


def format_point_report(rep: PointReport, lang: str = "zh") -> str:
    t = lambda zh, en: _t(lang, zh, en)  # noqa: E731
    out = [f"{t('位置', 'Location')}: {rep.lon:.6f}, {rep.lat:.6f} (CGCS2000)"]
    if not rep.inside_data:
        out.append(t("该点不在本工作空间数据范围内（泉州市及其近岸海域）。",
                     "This point is outside the workspace's data (Quanzhou and its near-shore "
                     "sea)."))
        return "\n".join(out)
    if rep.county:
        out.append(f"{t('行政区', 'County')}: {_name(rep.county, lang)} ({rep.county['code']})")
    for u in rep.units:
        out.append(f"{t('管控单元', 'Control unit')}: {u['code']} {_name(u, lang)} "
                   f"[{localized(u, 'class', lang, fallback=False)}]"
                   + t("（示例数据）", " (illustrative)"))
        if u.get("theme"):
            theme = schema.value_in("theme", u["theme"], lang)
            out.append(f"  {_t(lang, '主导类型', 'Theme')}: {theme}")
        for key, zh, en in (("kjbjys", "空间布局约束", "Spatial layout"),
                            ("pwwpfgk", "污染物排放管控", "Discharge control"),
                            ("hjfxfk", "环境风险防控", "Risk prevention"),
                            ("zykfxlyq", "资源开发效率要求", "Resource efficiency")):
            out.append(f"  {t(zh, en)}: {schema.text_in(u, key, lang) or ''}")
    for b in rep.bays:
        wq_class = schema.value_in("wq_class", b.get("wq_class"), lang)
        extra = _t(lang, "，", "; ").join(str(x) for x in (wq_class, b.get("wq_target")) if x)
        out.append(f"{t('海湾', 'Bay')}: {_name(b, lang)}" + (f" ({extra})" if extra else ""))
    for b in rep.nearby_bays:
        out.append(f"{t('附近海湾', 'Nearby bay')}: {_name(b, lang)} "
                   f"{b['distance_m']:.0f} m")
    for p in rep.protected_areas:
        zone = f" {schema.value_in('zone', p['zone'], lang)}" if p.get("zone") else ""
        out.append(f"{t('位于自然保护地', 'Inside protected area')}: {_name(p, lang)}{zone}")
    for p in rep.nearby_protected_areas:
        out.append(f"{t('附近自然保护地', 'Nearby protected area')}: {_name(p, lang)} "
                   f"{p['distance_m']:.0f} m")
    out.append(f"{t('半径', 'Outfalls within')} {rep.radius_m:.0f} m"
               f"{t(' 内排污口', '')}: {len(rep.outfalls)}")
    for o in rep.outfalls[:20]:
        out.append(f"  {o['code']} {o['name_zh']} {o['distance_m']:.0f} m")
    out.append(f"{t('适用任务', 'Tasks that apply')}: {len(rep.tasks)}")
    for task in rep.tasks:
        title = localized(task, "title", lang, fallback=False)
        out.append(f"  [{task.get('section')}] {task.get('task_id')} {title}")
    out.append(f"{t('适用指标', 'Indicators that apply')}: {len(rep.indicators)}")
    for ind in rep.indicators:
        name = localized(ind, "name", lang, fallback=False)
        out.append(f"  [{ind.get('section')}] {name}: {ind.get('target_text_zh') or ''}")
    return "\n".join(out)
