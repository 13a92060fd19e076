"""``screen``: site screening against the zoning, as text, JSON, or an HTML/PDF report; and
the offline web map (``export --out map.html``).

    ecozone screen SITE [--out report.html|.pdf] [--buffer M] [--json]
    ecozone export --workspace W --out map.html [--layers a,b] [--tiles T] [--title T]

The PDF needs Qt (QPdfWriter, created headless on demand); it is imported only for .pdf.
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
from geodata.messages import Message, localized, msg

SCREEN_SUFFIXES = (".html", ".htm", ".pdf")
WROTE = msg("已写出", "Wrote")


def add_parser(sub: Any) -> None:
    add_screen_parser(sub)


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
    common_options(p, workspace_help="GeoPackage to screen against (default: your workspace)")


def add_screen_parser(subparsers: Any, func: Any = None) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "screen", help="site screening against the zoning; report as HTML or PDF")
    add_screen_arguments(p)
    p.set_defaults(func=func or cmd_screen)
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
def check_out(out: Path | None, suffixes: tuple[str, ...]) -> None:
    if out is None:
        return
    if out.suffix.lower() not in suffixes:
        raise UserError(Message(f"--out {out.name}：文件名须以 {' 或 '.join(suffixes)} 结尾",
                                f"--out {out.name}: use a file ending in "
                                f"{' or '.join(suffixes)}"))
    if not out.parent.exists():
        raise UserError(Message(f"--out {out}：文件夹 {out.parent} 不存在",
                                f"--out {out}: folder {out.parent} does not exist"))


def build_screening(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """(workspace, site input, report) for the ``screen`` command, or UserError."""
    from models.screening import SiteError, screen_site
    from models.site_input import SiteInputError, read_site

    check_out(args.out, SCREEN_SUFFIXES)
    try:
        site = read_site(args.site, layer=args.layer, crs=args.crs)
    except SiteInputError as exc:
        raise UserError(Message(exc.text("zh"), exc.text("en"))) from None
    except OSError as exc:
        raise UserError(Message(f"无法读取 {args.site}：{exc.strerror}",
                                f"cannot read {args.site}: {exc.strerror}")) from None
    ws = open_workspace(args)
    try:
        rep = screen_site(ws, site.polygon, buffer_m=args.buffer, source=site.source)
    except SiteError as exc:  # "english / 中文"
        en, _, zh = str(exc).partition(" / ")
        raise UserError(Message(zh or en, en)) from None
    return ws, site, rep


def format_screening_text(rep: Any, lang: str = "zh") -> str:
    """A terminal summary: site, units with overlap, attention items."""
    mu = msg("亩", "mu").text(lang)
    lines = [f"{msg('选址面积', 'Site area').text(lang)}: {rep.site_area_m2:,.0f} m² "
             f"({rep.site_area_mu:,.2f} {mu})"]
    for u in rep.units:
        cls = localized(u, "class", lang, fallback=False)
        lines.append(f"  {u['code']} [{cls}] {u['overlap_m2']:,.0f} m² "
                     f"({u['overlap_mu']:,.2f} {mu}, {u['share']:.1%})")
    pa = msg("自然保护地", "Protected area").text(lang)
    for p in rep.protected_areas:
        lines.append(f"  {pa}: {p['name_zh']} {p['overlap_m2']:,.0f} m² / "
                     f"{p['distance_m']:,.0f} m")
    for a in rep.attention:
        lines.append(f"[{a.level}] {a.text(lang)}")
    lines.append(Message(rep.disclaimer_zh, rep.disclaimer_en).text(lang))
    return "\n".join(lines)


def _write_pdf(ws: Any, rep: Any, out: Path, lang: str) -> None:
    from models.report_map_svg import render_map_svg, with_font
    from ui.reports.pdf import write_pdf
    from ui.reports.qt_app import cjk_family

    svg = with_font(render_map_svg(ws, rep.site, rep.buffer_m, lang=lang), cjk_family())
    write_pdf(rep, svg, out, lang)


# -- commands ------------------------------------------------------------------------------
@command
def cmd_screen(args: argparse.Namespace) -> int:
    """``screen``: text or JSON, and an HTML or PDF report with ``--out``."""
    from models.report_html import write_html_report

    lang = lang_of(args)
    ws, _site, rep = build_screening(args)
    out = args.out
    try:
        if out is not None and out.suffix.lower() == ".pdf":
            _write_pdf(ws, rep, out, lang)
        elif out is not None:
            write_html_report(ws, rep, out, lang)
    except OSError as exc:
        raise cannot_write(out, exc) from None
    if args.json:
        data = rep.to_dict()
        if out is not None:
            data["out"] = str(out)
        print_json(data)
    elif out is not None:
        print(f"{WROTE.text(lang)} {out}")
    else:
        print(format_screening_text(rep, lang))
    return 0


def export_webmap(args: argparse.Namespace) -> int:
    """``export --out map.html``: the offline web map."""
    from models.webmap import WebMapError
    from models.webmap import export_webmap as write_webmap

    out = Path(args.out)
    layers = [s.strip() for s in (getattr(args, "layers", None) or "").split(",") if s.strip()]
    lang = lang_of(args)
    check_out(out, (".html", ".htm"))
    ws = open_workspace(args)
    try:
        summary = write_webmap(ws, out, layers or None, lang=lang,
                               tiles=getattr(args, "tiles", None),
                               title=getattr(args, "title", None))
    except WebMapError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise cannot_write(out, exc) from None
    if getattr(args, "json", False):
        print_json(summary, indent=None)
    else:
        print(f"{WROTE.text(lang)} {out} ({summary['bytes'] / 1e6:.1f} MB)")
    return 0


cmd_export_webmap = command(export_webmap)
