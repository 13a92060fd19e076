"""What applies at a clicked point of empty land or sea (models.query.what_applies)."""

from __future__ import annotations

from typing import Any

from geodata import schema
from geodata.messages import localized
from layers.zone_details import ZoneDetails
from models import catalog
from models.query import PointReport
from ui.panels.common import tr


def _name(rec: dict[str, Any], lang: str) -> str:
    return str(localized(rec, "name", lang) or rec.get("code") or "")


def point_rows(rep: PointReport, lang: str) -> list[tuple[str, Any]]:
    from ui.language import format_dms

    rows: list[tuple[str, Any]] = [
        (tr("经纬度"), f"{rep.lon:.6f}, {rep.lat:.6f}"),
        (tr("度分秒"), f"{format_dms(rep.lon, 'lon')}  {format_dms(rep.lat, 'lat')}"),
        (tr("县（市、区）"), _name(rep.county, lang) if rep.county else tr("泉州市范围外")),
    ]
    for u in rep.units:
        cls = localized(u, "class", lang, fallback=False)
        rows.append((tr("管控单元"), f"{u.get('code')} {_name(u, lang)} ({cls})"))
    if not rep.units:
        rows.append((tr("管控单元"), tr("无")))
    for b in rep.bays:
        target = b.get("wq_target") or "—"
        rows.append((tr("所在海湾"), f"{_name(b, lang)} — {tr('水质目标')}: {target}"))
    for b in rep.nearby_bays[:3]:
        rows.append((tr("附近海湾"), f"{_name(b, lang)} ({b['distance_m'] / 1000:.1f} km)"))
    for p in rep.protected_areas:
        zone = schema.value_in("zone", p.get("zone"), lang) or ""
        rows.append((tr("所在自然保护地"), f"{_name(p, lang)} {zone}"))
    for p in rep.nearby_protected_areas[:3]:
        rows.append((tr("附近自然保护地"), f"{_name(p, lang)} ({p['distance_m'] / 1000:.1f} km)"))
    rows.append((tr("%1 m 内排污口").replace("%1", f"{rep.radius_m:.0f}"), len(rep.outfalls)))
    for o in rep.outfalls[:5]:
        rows.append(("", f"{o.get('code')} {o.get('name_zh')} ({o['distance_m']:.0f} m)"))
    rows.append((tr("适用任务"), len(rep.tasks)))
    rows.append((tr("适用指标"), len(rep.indicators)))
    return rows


def as_details(rep: PointReport) -> ZoneDetails:
    """The report's tasks and indicators in the shape the tabs take."""
    d = ZoneDetails("point", "", {})
    for t in rep.tasks:
        rec = {k: v for k, v in t.items() if k != "reasons"}
        d.tasks.append(catalog.AppliedItem("task", rec, t.get("reasons", [])))
    for i in rep.indicators:
        rec = {k: v for k, v in i.items() if k not in ("reasons", "status", "status_reason")}
        d.indicators.append((catalog.AppliedItem("indicator", rec, i.get("reasons", [])),
                             str(i.get("status", "unknown")), str(i.get("status_reason", ""))))
    return d
