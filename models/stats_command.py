"""``python app.py stats``: the statistics and plan progress from the command line.

    python app.py stats [--workspace W] [--county CODE] [--json] [--out F.xlsx|.html|.pdf]
                        [--lang en]

Qt-free: JSON, text, XLSX and HTML are written here; a .pdf goes through
``ui.statistics.command`` (Qt's PDF writer), which hands everything else back to
:func:`cmd_stats`.  Bad input (an unknown county, an unsupported --out) exits 2 with one
line on stderr in the user's language.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from geodata.messages import Message

OUT_SUFFIXES = (".xlsx", ".html", ".htm", ".pdf")


class StatsUserError(Exception):
    """A problem with what the user asked for: ``message`` is a bilingual Message."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.zh)
        self.message = message


def add_stats_parser(subparsers: Any, func: Any = None) -> argparse.ArgumentParser:
    """Add ``stats`` to ``app.py``'s sub-parsers (``func``: the command to run)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "stats", help="statistics per county and plan progress measured from the data")
    p.add_argument("--county", default=None,
                   help="one county: its 6-digit code (350582) or its name (晋江市)")
    p.add_argument("--out", type=Path, default=None,
                   help="write the report: .xlsx (one sheet per table), .html or .pdf")
    p.add_argument("--workspace", type=Path, default=argparse.SUPPRESS,
                   help="GeoPackage to use (default: your workspace)")
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print the statistics as JSON")
    p.set_defaults(func=func if func is not None else cmd_stats)
    return p


def fail(message: Message, lang: str) -> int:
    print(f"ecozone: {message.text(lang)}", file=sys.stderr)
    return 2


def resolve_county(ws: Any, county: str | None) -> str | None:
    """The county code for ``--county`` (a code or a Chinese/English name), or raise."""
    if county is None:
        return None
    frame = ws.layers.get("counties")
    known: dict[str, str] = {}
    if frame is not None:
        for code, zh, en in zip(frame["code"], frame["name_zh"],
                                frame.get("name_en", frame["name_zh"]), strict=True):
            for k in (str(code), str(zh), str(en).lower()):
                known[k] = str(code)
    key = county.strip()
    code = known.get(key) or known.get(key.lower())
    if code is None:
        codes = ", ".join(sorted({v for v in known.values()}))
        raise StatsUserError(Message(f"--county {county}：工作空间中没有此县区"
                                     f"（可用代码：{codes}）",
                                     f"--county {county}: no such county in the workspace "
                                     f"(codes: {codes})"))
    return code


def check_out(out: Path | None) -> None:
    if out is None:
        return
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise StatsUserError(Message(f"--out {out.name}：请使用 .xlsx、.html 或 .pdf 文件",
                                     f"--out {out.name}: use a file ending in .xlsx, .html or "
                                     ".pdf"))
    if not out.parent.exists():
        raise StatsUserError(Message(f"--out {out}：文件夹 {out.parent} 不存在",
                                     f"--out {out}: folder {out.parent} does not exist"))


def build_report(args: argparse.Namespace) -> Any:
    """Open the workspace and build the report of ``--county`` (or the city)."""
    from geodata import store
    from models.statistics import Scope
    from models.stats_report import build
    from models.workspace import Workspace

    check_out(args.out)
    try:
        path, _created = store.ensure_workspace(getattr(args, "workspace", None))
        ws = Workspace.open(path)
    except store.WorkspaceError as exc:
        raise StatsUserError(Message(str(exc), str(exc))) from None
    code = resolve_county(ws, args.county)
    scope = Scope(county=code) if code is not None else Scope()
    return build(ws, scope)


def format_text(rep: Any, lang: str = "zh") -> str:
    """A terminal summary: totals per county, bays, measured indicators."""
    from models.stats_export import scope_text
    from models.stats_report import ILLUSTRATIVE_NOTE, TITLE

    t = lambda zh, en: en if lang == "en" else zh  # noqa: E731
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
    for p, j in zip(rep.progress, data["indicator_progress"], strict=True):
        if p.measurable:
            val = f"{j['measured']}{j['unit']}" if j["measured"] is not None else "—"
            state = {True: t("达标", "on track"), False: t("未达标", "off track"),
                     None: "—"}[j["on_track"]]
            lines.append(f"  [{j['section']}] {j['indicator']}: {val} → "
                         f"{j['target']} ({state})")
    n_not = sum(1 for p in rep.progress if not p.measurable)
    lines.append(t(f"另有 {n_not} 项指标工作空间数据无法测算（--json 列出全部）",
                   f"{n_not} more indicators are not measurable from the workspace data "
                   "(--json lists all)"))
    return "\n".join(lines)


def write_out(rep: Any, out: Path, lang: str) -> None:
    from models.stats_export import write_html, write_xlsx

    if out.suffix.lower() == ".xlsx":
        write_xlsx(rep, out, lang)
    else:
        write_html(rep, out, lang)


def finish(args: argparse.Namespace, rep: Any) -> int:
    """Print JSON or the text summary (and where the file went)."""
    lang = getattr(args, "lang", "zh") or "zh"
    if args.json:
        print(json.dumps(rep.to_json(lang), ensure_ascii=False, indent=1))
    else:
        print(format_text(rep, lang))
        if args.out is not None:
            print(Message("已写入：", "Written: ").text(lang) + str(args.out))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "zh") or "zh"
    try:
        rep = build_report(args)
        if args.out is not None:
            if args.out.suffix.lower() == ".pdf":
                raise StatsUserError(Message("PDF 需要图形界面组件：请通过 app.py 运行",
                                             "PDF needs the Qt part: run it through app.py"))
            write_out(rep, args.out, lang)
    except StatsUserError as exc:
        return fail(exc.message, lang)
    except OSError as exc:
        return fail(Message(f"无法写入 {args.out}：{exc.strerror}",
                            f"cannot write {args.out}: {exc.strerror}"), lang)
    return finish(args, rep)
