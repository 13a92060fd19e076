"""Command line of editions (Qt-free part)::

    python app.py editions [--workspace W] [--json]
    python app.py compare NEW [--against OLD] [--workspace W]
                          [--out F.html|.pdf|.xlsx|.gpkg] [--json]

NEW is an edition's name or a file of control units (compared without importing it); OLD an
edition's name, by default the current edition.  ``.pdf`` needs Qt and is written by
``ui.reports.edition_commands``, which hands everything else back to :func:`cmd_compare`.
Exit 0 done, 2 bad input (one line on stderr, in the --lang language).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from geodata.messages import Message, msg

OUT_SUFFIXES = (".html", ".htm", ".pdf", ".xlsx", ".gpkg")


class CompareUserError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


def fail(message: Message, lang: str) -> int:
    print(f"ecozone: {message.text(lang)}", file=sys.stderr)
    return 2


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", type=Path, default=argparse.SUPPRESS,
                   help="GeoPackage (default: your workspace)")
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="machine-readable output")


def add_edition_parsers(sub: Any, compare: Any = None) -> None:
    """``editions`` and ``compare``; ``compare`` is the function that runs the latter
    (the Qt-aware one, for PDF output)."""
    p = sub.add_parser("editions", help="editions of the control units in the workspace")
    _common(p)
    p.set_defaults(func=cmd_editions)
    p = sub.add_parser("compare", help="compare two editions of the control units "
                                       "(report .html/.pdf, .xlsx, changed areas .gpkg)")
    p.add_argument("new", metavar="NEW", help="edition name, or a file compared without "
                                              "importing it")
    p.add_argument("--against", default=None, metavar="OLD",
                   help="edition to compare with (default: the current edition)")
    p.add_argument("--out", type=Path, default=None,
                   help="report .html or .pdf, every change .xlsx, changed areas .gpkg")
    _common(p)
    p.set_defaults(func=compare or cmd_compare)


def _workspace(args: argparse.Namespace) -> Path:
    from geodata import store

    try:
        path, _ = store.ensure_workspace(getattr(args, "workspace", None))
    except store.WorkspaceError as exc:
        raise CompareUserError(msg(f"工作区不可用：{exc}", f"workspace unusable: {exc}")) from None
    return path


def cmd_editions(args: argparse.Namespace) -> int:
    from models.editions import list_editions

    lang = getattr(args, "lang", "zh") or "zh"
    try:
        editions = list_editions(_workspace(args))
    except CompareUserError as exc:
        return fail(exc.message, lang)
    if args.json:
        print(json.dumps({"editions": [e.to_json() for e in editions]}, ensure_ascii=False,
                         indent=1))
        return 0
    print(msg("  版本\t日期\t单元数\t来源（* 当前版本）",
              "  edition\tdate\tunits\tsource (* current)").text(lang))
    for e in editions:
        mark = "*" if e.is_current else " "
        print(f"{mark} {e.title(lang)}\t{e.date or '—'}\t{e.feature_count or 0}\t"
              f"{e.source or '—'}")
    return 0


def check_out(out: Path | None) -> None:
    if out is None:
        return
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise CompareUserError(msg(f"--out {out.name}：请用 .html、.pdf、.xlsx 或 .gpkg 文件",
                                   f"--out {out.name}: use a .html, .pdf, .xlsx or .gpkg file"))
    if not out.parent.exists():
        raise CompareUserError(msg(f"--out {out}：文件夹 {out.parent} 不存在",
                                   f"--out {out}: folder {out.parent} does not exist"))


def build(args: argparse.Namespace) -> Any:
    """The :class:`models.editions.EditionComparison` the arguments ask for."""
    from models.editions import EditionError, compare_editions

    check_out(args.out)
    try:
        return compare_editions(_workspace(args), args.new, args.against)
    except EditionError as exc:
        raise CompareUserError(exc.message) from None


def generated() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def map_svg(ec: Any, lang: str) -> str:
    from models.edition_map_svg import render_changes_svg

    return render_changes_svg(ec.result, ec.base, lang, illustrative=ec.illustrative)


def detail_svgs(ec: Any, lang: str, width: float = 460,
                height: float = 340) -> list[tuple[str, str, str]]:
    """(caption, old edition map, new edition map) for the changes shown in detail."""
    from models.edition_map_svg import render_units_svg
    from models.edition_report import detail_rows

    ch = ec.result.changes
    out = []
    for k, zh, en in detail_rows(ec.result):
        g = ch.geometry.iloc[k]
        x0, y0, x1, y1 = g.bounds
        pad = max(x1 - x0, y1 - y0, 0.01) * 0.6  # neighbours for context
        bounds = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        pair = [render_units_svg(ec.base.get(key), ec.base, bounds, e.title(lang), lang,
                                 width, height, outline=g)
                for key, e in (("old_units", ec.old), ("units", ec.new))]
        out.append((en if lang == "en" else zh, pair[0], pair[1]))
    return out


def write(ec: Any, out: Path, lang: str) -> None:
    """Write ``out`` for .html, .xlsx or .gpkg (atomically where the format allows)."""
    from models import edition_export

    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        from models.edition_report import render_html

        html = render_html(ec.result, ec.editions, map_svg(ec, lang), lang, ec.illustrative,
                           generated(), detail_svgs(ec, lang))
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(out)
    elif suffix == ".xlsx":
        edition_export.write_xlsx(ec.result, ec.editions, out, ec.illustrative)
    elif suffix == ".gpkg":
        edition_export.write_gpkg(ec.result, ec.editions, out, ec.illustrative)
    else:
        raise CompareUserError(msg("PDF 需要界面组件（ui.reports.edition_commands）",
                                   "PDF output needs the Qt part (ui.reports.edition_commands)"))


def summary_text(ec: Any, lang: str) -> str:
    from models.edition_report import summary_rows

    head = msg(f"{ec.old.title('zh')} → {ec.new.title('zh')}",
               f"{ec.old.title('en')} → {ec.new.title('en')}").text(lang)
    lines = [head] + [f"  {k}: {v}" for k, v in summary_rows(ec.result, lang)]
    moved = ec.result.matrix.moved() / 1e6
    lines.append(msg(f"  分类变化面积：{moved:,.2f} km²", f"  area reclassified: {moved:,.2f} km²")
                 .text(lang))
    if ec.illustrative:
        lines.append(msg("示例数据：管控单元为演示生成，非官方成果",
                         "Illustrative data: the control units are not official").text(lang))
    return "\n".join(lines)


def finish(args: argparse.Namespace, ec: Any, written: Path | None) -> int:
    lang = getattr(args, "lang", "zh") or "zh"
    if args.json:
        doc = {"old": ec.old.to_json(), "new": ec.new.to_json(),
               "illustrative": ec.illustrative, **{k: v for k, v in ec.result.to_json().items()
                                                   if k not in ("old", "new")}}
        if written is not None:
            doc["out"] = str(written)
        print(json.dumps(doc, ensure_ascii=False, indent=1, default=str))
    else:
        print(summary_text(ec, lang))
        if written is not None:
            print(msg("已写出 ", "Wrote ").text(lang) + str(written))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """``compare`` without Qt: JSON/text, .html, .xlsx, .gpkg."""
    lang = getattr(args, "lang", "zh") or "zh"
    try:
        ec = build(args)
        if args.out is not None:
            write(ec, args.out, lang)
    except CompareUserError as exc:
        return fail(exc.message, lang)
    except OSError as exc:
        return fail(msg(f"无法写出 {args.out}：{exc.strerror}",
                        f"cannot write {args.out}: {exc.strerror}"), lang)
    return finish(args, ec, args.out)
