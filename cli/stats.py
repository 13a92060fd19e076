"""``stats``: the statistics per county and the plans' indicators measured from the data.

    ecozone stats [--workspace W] [--county CODE] [--json] [--out F.xlsx|.html|.pdf]
                  [--lang en]

JSON keys: ``outfalls_by_county``, ``units_by_county``, ``bays``, ``indicator_progress``
(:meth:`models.stats_report.StatsReport.to_json`).  ``--out`` writes the report as XLSX (one
sheet per table), a self-contained HTML page or an A4 PDF (Qt, created headless on demand;
imported only for .pdf).  Without ``--json`` a text summary is printed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.common import (
    UserError,
    cannot_write,
    command,
    common_options,
    lang_of,
    open_workspace,
    print_json,
)
from geodata.messages import Message, msg

OUT_SUFFIXES = (".xlsx", ".html", ".htm", ".pdf")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("stats", help="statistics per county (outfalls, control units, bays) "
                                     "and the plans' indicators measured from the data")
    p.add_argument("--county", default=None,
                   help="one county: its 6-digit code (350582) or its name (晋江市, Jinjiang City)")
    p.add_argument("--out", type=Path, default=None,
                   help="write the report: .xlsx (one sheet per table), .html or .pdf")
    common_options(p)
    p.set_defaults(func=command(run))


def resolve_county(ws: Any, county: str | None) -> str | None:
    """The county code for ``--county`` (a code or a Chinese/English name), or UserError."""
    if county is None:
        return None
    frame = ws.layers.get("counties")
    known: dict[str, str] = {}
    if frame is not None:
        en = frame["name_en"] if "name_en" in frame.columns else frame["name_zh"]
        for code, zh, name_en in zip(frame["code"], frame["name_zh"], en, strict=True):
            for k in (str(code), str(zh), str(name_en).lower()):
                known[k] = str(code)
    key = county.strip()
    code = known.get(key) or known.get(key.lower())
    if code is None:
        codes = ", ".join(sorted(set(known.values())))
        raise UserError(Message(f"--county {county}：工作空间中没有此县区（可用代码：{codes}）",
                                f"--county {county}: no such county in the workspace "
                                f"(codes: {codes})"))
    return code


def check_out(out: Path | None) -> None:
    if out is None:
        return
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise UserError(Message(f"--out {out.name}：请使用 .xlsx、.html 或 .pdf 文件",
                                f"--out {out.name}: use a file ending in .xlsx, .html or .pdf"))
    if not out.parent.exists():
        raise UserError(Message(f"--out {out}：文件夹 {out.parent} 不存在",
                                f"--out {out}: folder {out.parent} does not exist"))


def build_report(args: argparse.Namespace) -> Any:
    """Open the workspace and build the report of ``--county`` (or the city)."""
    from models.statistics import Scope
    from models.stats_report import build

    check_out(args.out)
    ws = open_workspace(args)
    code = resolve_county(ws, args.county)
    return build(ws, Scope(county=code) if code is not None else Scope())


def write_out(rep: Any, out: Path, lang: str) -> None:
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        from models.stats_export import write_xlsx

        write_xlsx(rep, out, lang)
    elif suffix == ".pdf":
        from ui.statistics.pdf import write_pdf

        write_pdf(rep, out, lang)
    else:
        from models.stats_export import write_html

        write_html(rep, out, lang)


def run(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    rep = build_report(args)
    if args.out is not None:
        try:
            write_out(rep, args.out, lang)
        except OSError as exc:
            raise cannot_write(args.out, exc) from None
    if args.json:
        print_json(rep.to_json(lang))
    else:
        print(format_text(rep, lang))
        if args.out is not None:
            print(msg("已写入：", "Written: ").text(lang) + str(args.out))
    return 0


def format_text(rep: Any, lang: str = "zh") -> str:
    """A terminal summary: totals per county, units, bays, the measured indicators."""
    from models.stats_export import scope_text
    from models.stats_report import ILLUSTRATIVE_NOTE, TITLE

    def t(zh: str, en: str) -> str:
        return msg(zh, en).text(lang)

    lines = [f"{TITLE.text(lang)} — {scope_text(rep, lang)}"]
    if rep.illustrative:
        lines.append(ILLUSTRATIVE_NOTE.text(lang))
    data = rep.to_json(lang)
    lines.append(t("排污口（合计 / 已完成整治）：", "Outfalls (total / remediated):"))
    for row in data["outfalls_by_county"]:
        done = row["by_remediation_status"].get("已完成", 0)
        lines.append(f"  {row['county_code']} {row['county']}: {row['total']} / {done}")
    lines.append(t("管控单元（个, km²）：", "Control units (count, km²):"))
    for row in data["units_by_county"]:
        parts = [f"{c}: {v['count']}, {v['area_km2']:,.1f}" for c, v in row["by_class"].items()]
        lines.append(f"  {row['county_code']} {row['county']}: " + "; ".join(parts))
    lines.append(t("海湾：", "Bays:"))
    for b in data["bays"]:
        share = "—" if b["completed_share"] is None else f"{b['completed_share']:.1f}%"
        lines.append(f"  {b['bay']}: {b['outfalls']} ({t('已完成', 'remediated')} {share})"
                     + (f"; {b['wq_class']}" if b["wq_class"] else ""))
    lines.append(t("规划指标（可测算）：", "Plan indicators (measurable):"))
    states = {True: t("达标", "on track"), False: t("未达标", "off track"), None: "—"}
    for p, j in zip(rep.progress, data["indicator_progress"], strict=True):
        if p.measurable:
            val = f"{j['measured']}{j['unit']}" if j["measured"] is not None else "—"
            lines.append(f"  [{j['section']}] {j['indicator']}: {val} → {j['target']} "
                         f"({states[j['on_track']]})")
    n_not = sum(1 for p in rep.progress if not p.measurable)
    lines.append(t(f"另有 {n_not} 项指标工作空间数据无法测算（--json 列出全部）",
                   f"{n_not} more indicators are not measurable from the workspace data "
                   "(--json lists all)"))
    return "\n".join(lines)
