"""The 任务 tab: tasks of the plans linked to the zone, with agencies, deadline and reason.

Shown as cards in a text browser: task texts and agency lists are long, and rich text wraps
them at any panel width (a table would need row heights recomputed on every resize).
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from geodata.messages import Message, in_language, localized
from layers.zone_details import ZoneDetails, deadlines
from models.catalog import PLAN_NAMES, ZONE_TYPE_NAMES, zone_key_text
from ui.panels.common import tr


def _reasons(item, lang: str) -> str:  # noqa: ANN001
    parts = []
    for r in item.reasons[:3]:
        zt = ZONE_TYPE_NAMES.get(r["zone_type"], (r["zone_type"], r["zone_type"]))
        parts.append(f"<span style='color:#00695C'>[{escape(Message(zt[0], zt[1]).text(lang))}"
                     f" {escape(zone_key_text(r['zone_type'], r['zone_key'], lang))}]</span>"
                     f" {escape(r['sentence_zh'])}")
    return "<br>".join(parts)


def task_html(d: ZoneDetails, lang: str) -> str:
    sep = in_language(lang, "：", ": ")
    cards = []
    for t in d.tasks:
        r = t.record
        title = localized(r, "title", lang)
        plan_zh, plan_en = PLAN_NAMES.get(str(r.get("plan")), ("", ""))[:2]
        plan = Message(plan_zh, plan_en).text(lang)
        agencies = str(r.get("agencies_zh") or "—")
        if len(agencies) > 160:
            agencies = agencies[:160] + "…"
        cards.append(
            "<table width='100%' cellpadding='6' style='margin-bottom:6px;"
            " background:#F7F9FA; border:1px solid #DDE3E6'><tr><td>"
            f"<b>{escape(str(r.get('task_id')))}　{escape(str(title))}</b><br>"
            f"<span style='color:#607D8B'>{escape(plan)} {escape(str(r.get('section') or ''))}"
            "</span><br>"
            f"<b>{tr('责任单位')}{sep}</b>{escape(agencies)}<br>"
            f"<b>{tr('时限')}{sep}</b>{escape(deadlines(r) or tr('持续推进'))}<br>"
            f"<b>{tr('依据')}{sep}</b>{_reasons(t, lang)}</td></tr></table>")
    return "".join(cards)


def tasks_tab(d: ZoneDetails, lang: str) -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(2, 2, 2, 2)
    note = QLabel(tr("共 %1 项任务与本区域关联").replace("%1", str(len(d.tasks))))
    note.setWordWrap(True)
    lay.addWidget(note)
    view = QTextBrowser()
    view.setObjectName("tasksView")
    view.setOpenLinks(False)
    view.setHtml(task_html(d, lang))
    view.count = len(d.tasks)  # type: ignore[attr-defined]
    lay.addWidget(view, 1)
    return w
