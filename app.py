"""EcoZone 生态环境分区管控一张图 — entry point.

Wiring only: parse the command line, open the workspace, then run a command or the window.
Heavy modules are imported inside the commands so that ``--help`` and the window start fast.

    python app.py                      open the window on the user's workspace
    python app.py info [--json]        layers, counts, CRS, illustrative layers
    python app.py query LON LAT        what applies at a point
    python app.py screenshot --out F   render the main window offscreen to a PNG

Exit codes: 0 success, 2 bad input (one-line reason on stderr), 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


class UserError(Exception):
    """A problem with what the user asked for: reported in one line, exit code 2."""


def _workspace_arg(p: argparse.ArgumentParser, top: bool = False) -> None:
    # Subcommands repeat the option with SUPPRESS so it may come before or after the command.
    p.add_argument("--workspace", type=Path, default=None if top else argparse.SUPPRESS,
                   help="GeoPackage to use (default: your workspace, created from the bundled "
                        "Quanzhou data on first run)")


def _open_workspace(args: argparse.Namespace) -> Any:
    from geodata import store
    from models.workspace import Workspace

    try:
        path, _created = store.ensure_workspace(args.workspace)
        return Workspace.open(path)
    except store.WorkspaceError as exc:
        raise UserError(str(exc)) from None


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1, default=str))


# -- commands ------------------------------------------------------------------------------
def cmd_info(args: argparse.Namespace) -> int:
    from models.info import workspace_info

    ws = _open_workspace(args)
    info = workspace_info(ws)
    if args.json:
        _print_json(info)
    else:
        from models.info import format_info

        print(format_info(info, args.lang))
    return 0


def _parse_float(text: str, what: str, lo: float, hi: float) -> float:
    try:
        v = float(text)
    except ValueError:
        raise UserError(f"{what} '{text}' is not a number") from None
    if not lo <= v <= hi:
        raise UserError(f"{what} {v} is out of range [{lo}, {hi}]")
    return v


def cmd_query(args: argparse.Namespace) -> int:
    from geodata.chinese_crs import to_cgcs2000
    from models.query import what_applies
    from models.report_text import format_point_report

    lon = _parse_float(args.lon, "longitude", -180, 180)
    lat = _parse_float(args.lat, "latitude", -90, 90)
    try:
        lon, lat = to_cgcs2000(lon, lat, args.crs)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.radius <= 0 or args.radius > 50_000:
        raise UserError(f"--radius {args.radius} must be between 0 and 50000 metres")
    ws = _open_workspace(args)
    rep = what_applies(ws, float(lon), float(lat), radius_m=args.radius)
    if args.json:
        _print_json(rep.to_dict())
    else:
        print(format_point_report(rep, args.lang))
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    from ui.screenshot import SelectionNotFound, take_screenshot

    size = _parse_size(args.size)
    ws = _open_workspace(args)
    try:
        take_screenshot(ws, args.out, size=size, select=args.select, lang=args.lang or "zh")
    except SelectionNotFound as exc:
        raise UserError(str(exc)) from None
    if args.json:
        _print_json({"out": str(args.out), "size": list(size)})
    return 0


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(f"--size '{text}' must look like 1600x1000") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise UserError(f"--size {w}x{h} must be between 200 and 8000 pixels each way")
    return w, h


def cmd_window(args: argparse.Namespace) -> int:
    from geodata import store
    from models.workspace import Workspace
    from ui.app_logging import install_qt_message_handler
    from ui.main import run_window

    install_qt_message_handler()
    try:
        path, created = store.ensure_workspace(args.workspace)
        ws = Workspace.open(path)
    except store.WorkspaceError as exc:
        raise UserError(str(exc)) from None
    # --lang given on the command line wins; otherwise the language saved in the window
    return int(run_window(ws, lang=args.lang, created=created))


def _common(p: argparse.ArgumentParser) -> None:
    _workspace_arg(p)
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="machine-readable output")


# -- parser --------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecozone", description="EcoZone 生态环境分区管控一张图")
    parser.add_argument("--lang", choices=("zh", "en"), default=None,
                        help="language of the window and text output (default zh; the window "
                             "remembers the last choice)")
    _workspace_arg(parser, top=True)
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("info", help="layers, feature counts, CRS, illustrative layers")
    _common(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("query", help="what applies at a point (CGCS2000 lon lat)")
    p.add_argument("lon")
    p.add_argument("lat")
    p.add_argument("--radius", type=float, default=1000.0,
                   help="radius for nearby outfalls, metres (default 1000)")
    p.add_argument("--crs", default="cgcs2000", help="cgcs2000 (default), wgs84, gcj02, bd09")
    _common(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--size", default="1600x1000")
    p.add_argument("--select", default=None, help="code or name of a feature to select")
    _common(p)
    p.set_defaults(func=cmd_screenshot)

    from ui.render_command import add_render_parser  # Qt is imported only when it runs

    add_render_parser(sub)
    _add_feature_commands(sub)
    return parser


def cmd_export(args: argparse.Namespace) -> int:
    """``export``: the offline web map for ``--out *.html``, else one layer to a file."""
    from models.report_commands import cmd_export_webmap, is_webmap_out

    if is_webmap_out(args.out):
        return int(cmd_export_webmap(args))
    from geodata.io.commands import cmd_export_layer

    return int(cmd_export_layer(args))


def _lazy(module: str, name: str) -> Any:
    """A command function imported only when the command runs (keeps start-up fast)."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        return int(getattr(importlib.import_module(module), name)(args))

    return run


def _add_feature_commands(sub: Any) -> None:
    """Commands whose argument definitions live beside their implementation."""
    from geodata.io.commands import add_export_layer_arguments, add_import_parser
    from models.outfall_commands import add_outfalls_parser
    from models.report_commands import add_export_webmap_arguments, add_screen_parser

    add_import_parser(sub).set_defaults(func=_lazy("geodata.io.commands", "cmd_import"))

    p = sub.add_parser("export", help="export a layer (.gpkg .shp .geojson .kml .kmz .fgb .csv "
                                      ".xlsx) or the offline web map (.html)")
    add_export_layer_arguments(p)
    add_export_webmap_arguments(p)
    p.set_defaults(func=cmd_export)

    add_outfalls_parser(sub)
    from models.sync.commands import add_parser as add_sync_parsers  # server/checkout/sync

    add_sync_parsers(sub)
    # PDF reports need Qt; the ui half hands .html/JSON to the Qt-free command.
    add_screen_parser(sub, func=_lazy("ui.reports.commands", "cmd_screen"))


def _install_error_reporting() -> None:
    """Log to the user's folder; an unexpected error becomes one line + the log path (exit 1)
    on the command line, and a dialog with the log path in the window."""
    try:
        from ui.app_logging import setup_logging
        from ui.error_dialog import install_excepthook

        setup_logging()
        install_excepthook()
    except OSError:  # an unwritable user folder must not stop the program
        pass


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None and getattr(args, "lang", None) is None:
        args.lang = "zh"  # text output defaults to Chinese; only the window remembers a choice
    _install_error_reporting()
    # --workspace/--lang may be given before or after the command
    func = getattr(args, "func", cmd_window)
    try:
        return int(func(args))
    except UserError as exc:
        print(f"ecozone: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
