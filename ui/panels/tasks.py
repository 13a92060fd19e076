"""The 任务 tab: tasks of the plans linked to the zone, with agencies, deadline and reason."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableWidget, QVBoxLayout, QWidget

from layers.zone_details import ZoneDetails, deadlines
from models.catalog import PLAN_NAMES, ZONE_TYPE_NAMES
from ui.panels.common import table, tr


def _reason(item, lang: str) -> str:  # noqa: ANN001
    parts = []
    for r in item.reasons[:3]:
        zt = ZONE_TYPE_NAMES.get(r["zone_type"], (r["zone_type"], r["zone_type"]))
        parts.append(f"[{zt[1] if lang == 'en' else zt[0]} {r['zone_key']}] {r['sentence_zh']}")
    return "\n".join(parts)


def tasks_tab(d: ZoneDetails, lang: str) -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(2, 2, 2, 2)
    en = lang == "en"
    plans = sorted({PLAN_NAMES.get(str(t.record.get("plan")), ("", ""))[1 if en else 0]
                    for t in d.tasks} - {""})
    note = QLabel(tr("共 %1 项任务与本区域关联").replace("%1", str(len(d.tasks)))
                  + ("；" + "、".join(plans) if plans and not en else
                     ("; " + ", ".join(plans) if plans else "")))
    note.setWordWrap(True)
    lay.addWidget(note)
    rows = []
    for t in d.tasks:
        r = t.record
        title = r.get("title_en") if en and r.get("title_en") else r.get("title_zh")
        rows.append([f"{r.get('task_id')}  {title}", r.get("agencies_zh") or "",
                     deadlines(r) or tr("持续推进"), _reason(t, lang)])
    t: QTableWidget = table([tr("任务"), tr("责任单位"), tr("时限"), tr("依据")], rows,
                            stretch=3)
    t.setObjectName("tasksTable")
    t.setColumnWidth(0, 180)
    lay.addWidget(t, 1)
    return w
