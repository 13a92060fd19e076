"""Command-line parts of screening and web-map export that need no Qt.

``python app.py screen SITE --out report.html|.pdf [--buffer M] [--json]`` and
``python app.py export --workspace W --out map.html [--layers a,b]``.  The PDF path needs
Qt (QPdfWriter) and lives in ``ui.reports.commands``, which calls back into this module
for everything else.  User errors exit with code 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from models.report_style import t

SCREEN_SUFFIXES = (".html", ".htm", ".pdf")


class ReportUserError(Exception):
    """A problem with what the user asked for (one line, exit code 2)."""


def fail(message: str) -> int:
    print(f"ecozone: {message}", file=sys.stderr)
    return 2


# -- arguments -----------------------------------------------------------------------------
def add_screen_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", metavar="SITE",
                   help="site polygon: .shp/.zip/.kml/.kmz/.geojson/.gpkg/.dxf file, a .txt/"
                        ".csv coordinate list, or coordinates in quotes "
                        "('118.59,24.89; 118.61,24.89; 118.61,24.91')")
    p.add_argument("--out", type=Path, default=None,
                   help="report file: .html (self-contained) or .pdf (A4)")
    p.add_argument("--buffer", type=float, default=1000.0,
                   help="buffer distance for protected areas, bays and outfalls, metres "
                        "(default 1000)")
    p.add_argument("--layer", default=None, help="layer of the site file, if it has several")
    p.add_argument("--crs", default="auto",
                   help="CRS of the site file if it declares none (EPSG:n, gcj02, bd09)")
    p.add_argument("--workspace", type=Path, default=argparse.SUPPRESS,
                   help="GeoPackage to screen against (default: your workspace)")
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def add_screen_parser(subparsers: Any, func: Any = None) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "screen", help="site screening against the zoning; report as HTML or PDF")
    add_screen_arguments(p)
    if func is not None:
        p.set_defaults(func=func)
    return p


def add_export_webmap_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``export`` when --out ends in .html (the offline web map)."""
    p.add_argument("--layers", default=None,
                   help="web map: comma-separated layers (default counties,control_units,"
                        "bays,protected_areas,rivers,outfalls)")
    p.add_argument("--tiles", default=None,
                   help="web map: local tile folder template, e.g. tiles/{z}/{x}/{y}.png "
                        "(relative to the HTML file)")
    p.add_argument("--title", default=None, help="web map: title")


def is_webmap_out(out: object) -> bool:
    return Path(str(out)).suffix.lower() in (".html", ".htm")


# -- shared steps --------------------------------------------------------------------------
def open_workspace(args: argparse.Namespace) -> Any:
    from geodata import store
    from models.workspace import Workspace

    try:
        path, _ = store.ensure_workspace(getattr(args, "workspace", None))
        return Workspace.open(path)
    except store.WorkspaceError as exc:
        raise ReportUserError(t(getattr(args, "lang", "zh"), f"工作空间不可用：{exc}",
                                str(exc))) from None


def check_out(out: Path | None, suffixes: tuple[str, ...], lang: str = "zh") -> None:
    if out is None:
        return
    if out.suffix.lower() not in suffixes:
        raise ReportUserError(t(lang, f"--out {out.name}：文件名须以 {' 或 '.join(suffixes)} 结尾",
                                f"--out {out.name}: use a file ending in {' or '.join(suffixes)}"))
    if not out.parent.exists():
        raise ReportUserError(t(lang, f"--out {out}：文件夹 {out.parent} 不存在",
                                f"--out {out}: folder {out.parent} does not exist"))


def build_screening(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """(workspace, site input, report) for the ``screen`` command, or ReportUserError."""
    from models.screening import SiteError, screen_site
    from models.site_input import SiteInputError, read_site

    lang = getattr(args, "lang", "zh")
    check_out(args.out, SCREEN_SUFFIXES, lang)
    try:
        site = read_site(args.site, layer=args.layer, crs=args.crs)
    except SiteInputError as exc:
        raise ReportUserError(exc.text(getattr(args, "lang", "zh"))) from None
    ws = open_workspace(args)
    try:
        rep = screen_site(ws, site.polygon, buffer_m=args.buffer, source=site.source)
    except SiteError as exc:  # "english / 中文"
        en, _, zh = str(exc).partition(" / ")
        raise ReportUserError(t(lang, zh or en, en)) from None
    return ws, site, rep


def report_map_svg(ws: Any, rep: Any, lang: str) -> str:
    from models.report_map_svg import render_map_svg

    return render_map_svg(ws, rep.site, rep.buffer_m, lang=lang)


def format_screening_text(rep: Any, lang: str = "zh") -> str:
    """A terminal summary: site, units with overlap, attention items."""
    lines = [f"{t(lang, '选址面积', 'Site area')}: {rep.site_area_m2:,.0f} m² "
             f"({rep.site_area_mu:,.2f} {t(lang, '亩', 'mu')})"]
    for u in rep.units:
        cls = u["class_en"] if lang == "en" else u["class_zh"]
        lines.append(f"  {u['code']} [{cls}] {u['overlap_m2']:,.0f} m² "
                     f"({u['overlap_mu']:,.2f} {t(lang, '亩', 'mu')}, {u['share']:.1%})")
    for p in rep.protected_areas:
        lines.append(f"  {t(lang, '自然保护地', 'Protected area')}: {p['name_zh']} "
                     f"{p['overlap_m2']:,.0f} m² / {p['distance_m']:,.0f} m")
    for a in rep.attention:
        lines.append(f"[{a.level}] {a.text(lang)}")
    lines.append(rep.disclaimer_en if lang == "en" else rep.disclaimer_zh)
    return "\n".join(lines)


def finish_screen(args: argparse.Namespace, rep: Any, written: Path | None) -> int:
    lang = getattr(args, "lang", "zh")
    if args.json:
        data = rep.to_dict()
        if written is not None:
            data["out"] = str(written)
        print(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    elif written is not None:
        print(f"{t(lang, '已写出', 'Wrote')} {written}")
    else:
        print(format_screening_text(rep, lang))
    return 0


def write_html_report(ws: Any, rep: Any, out: Path, lang: str) -> None:
    from models.report_html import render_html

    html = render_html(rep, report_map_svg(ws, rep, lang), lang)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)


# -- commands ------------------------------------------------------------------------------
def cmd_screen(args: argparse.Namespace) -> int:
    """``screen`` without Qt: JSON/text, or an HTML report.  PDF: ui.reports.commands."""
    lang = getattr(args, "lang", "zh")
    try:
        ws, _site, rep = build_screening(args)
        if args.out is not None and args.out.suffix.lower() == ".pdf":
            raise ReportUserError("PDF output needs the Qt part (ui.reports.commands.cmd_screen)")
        if args.out is not None:
            write_html_report(ws, rep, args.out, lang)
    except ReportUserError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(t(lang, f"无法写入 {args.out}：{exc.strerror}",
                      f"cannot write {args.out}: {exc.strerror}"))
    return finish_screen(args, rep, args.out)


def cmd_export_webmap(args: argparse.Namespace) -> int:
    """``export --out map.html``: the offline web map."""
    from models.webmap import WebMapError, export_webmap

    out = Path(args.out)
    layers = [s.strip() for s in (getattr(args, "layers", None) or "").split(",") if s.strip()]
    try:
        check_out(out, (".html", ".htm"), getattr(args, "lang", "zh"))
        ws = open_workspace(args)
        summary = export_webmap(ws, out, layers or None, lang=getattr(args, "lang", "zh"),
                                tiles=getattr(args, "tiles", None),
                                title=getattr(args, "title", None))
    except (ReportUserError, WebMapError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write {out}: {exc.strerror}")
    if getattr(args, "json", False):
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{t(getattr(args, 'lang', 'zh'), '已写出', 'Wrote')} {out} "
              f"({summary['bytes'] / 1e6:.1f} MB)")
    return 0
