"""``import`` a bureau file into a workspace (and ``--undo`` a batch); ``export`` a layer to a
file, or the offline web map when ``--out`` ends in .html::

    ecozone import SRC --workspace W --as LAYER [--layer NAME] [--encoding auto|gbk|utf-8]
        [--crs auto|EPSG:n|gcj02|bd09] [--mapping FILE] [--save-mapping FILE] [--dry-run]
    ecozone import --undo BATCH --workspace W          (--into W: the old spelling)
    ecozone export --workspace W --layer L --out FILE [--encoding utf-8|gbk]
    ecozone export --workspace W --out map.html [--layers a,b] [--tiles T] [--title T]

Errors say ``error: …`` (as these commands always have) and, with ``--json``, also print
``{"ok": false, "error": …}`` on stdout.
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
    given_workspace,
    lang_of,
    print_json,
    wants_json,
    workspace_path,
)
from geodata.messages import Message, msg


def _error(message: Message, **json_fields: Any) -> UserError:
    return UserError(message, label="error", json_fields=json_fields)


def add_parser(sub: Any) -> None:
    """``import`` and ``export``."""
    add_import_parser(sub)
    add_export_parser(sub)


# -- import --------------------------------------------------------------------------------
def add_import_arguments(p: argparse.ArgumentParser) -> None:
    from geodata.io.formats import supported_suffixes

    p.add_argument("src", nargs="?", help="file to import (" + " ".join(supported_suffixes()) +
                   "; a File Geodatabase is its .gdb folder)")
    p.add_argument("--as", dest="as_layer", default="any", metavar="LAYER",
                   help="control_units, outfalls, or a new layer name ('any': file name)")
    p.add_argument("--layer", dest="file_layer", default=None, metavar="LAYER",
                   help="layer inside the file (GeoPackage, .gdb, zip, KML folder)")
    p.add_argument("--sheet", dest="file_layer", default=None, metavar="SHEET",
                   help="sheet of a workbook (.xlsx .xls .ods); default: the sheet with "
                        "coordinate columns")
    p.add_argument("--encoding", default="auto", help="auto, gbk, utf-8, big5 …")
    p.add_argument("--crs", default="auto", help="auto, EPSG:n, gcj02 or bd09")
    p.add_argument("--mapping", default=None, metavar="FILE", help="saved field mapping (JSON)")
    p.add_argument("--save-mapping", default=None, metavar="FILE",
                   help="save the field mapping used to this JSON file")
    p.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    p.add_argument("--undo", type=int, default=None, metavar="BATCH", help="undo an import batch")
    p.add_argument("--keep-edition", default=None, metavar="NAME",
                   help="control units: keep the current units as edition NAME (e.g. 2021版); "
                        "the file is then a whole new edition")
    p.add_argument("--edition", default=None, metavar="NAME",
                   help="control units: name of the imported (new current) edition")
    common_options(p, workspace_help="workspace GeoPackage to import into (also --into)")


def add_import_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        "import", help="import a bureau file into a workspace / 导入文件到工作区")
    add_import_arguments(p)
    p.set_defaults(func=cmd_import)
    return p


def _import_report(report: Any, lang: str, as_json: bool) -> None:
    if as_json:
        print_json({"ok": True, **report.to_json(lang)})
        return
    c = report.counts()
    if report.dry_run:
        head = msg("预演（未写入）", "dry run (nothing written)")
    else:
        head = msg("批次 {b}", "batch {b}").format(b=report.batch_id)
    line = msg("{head}：图层 {layer} 新增 {imported}，更新 {updated}，未变 {unchanged}，"
               "拒绝 {rejected}，需核实 {flagged}",
               "{head}: layer {layer} new {imported}, updated {updated}, unchanged "
               "{unchanged}, rejected {rejected}, flagged {flagged}")
    print(line.format(head=head.text(lang), layer=report.layer, **c).text(lang))
    for n in report.notes.items:
        print("  * " + n.text(lang))
    for r in report.rejected[:50]:  # the row's code, when it has one, names it
        print(f"  ✗ {r.file}:{r.row}{' ' + r.code if r.code else ''} [{r.field}] "
              f"{r.reason.text(lang)}")
    for r in report.flagged[:20]:
        print(f"  ! {r.file}:{r.row}{' ' + r.code if r.code else ''} [{r.field}] "
              f"{r.reason.text(lang)}")


@command
def cmd_import(args: argparse.Namespace) -> int:
    """Run ``import``; returns the exit code."""
    from geodata.io import field_mapping
    from geodata.io.messages import ImportCancelled, ImportRefused
    from geodata.io.workspace_import import import_file, undo_import
    from geodata.store import WorkspaceError, check_workspace, in_use, in_use_error

    lang = lang_of(args)
    workspace = given_workspace(args)
    if workspace is None:
        raise _error(msg("请用 --workspace（或 --into）指定要导入的工作空间",
                         "give the workspace to import into with --workspace (or --into)"))
    try:
        check_workspace(workspace)
        if getattr(args, "undo", None) is not None:
            done = undo_import(workspace, int(args.undo))
            if wants_json(args):
                print_json({"ok": True, "undone": int(args.undo), "message": done.text(lang)},
                           indent=None)
            else:
                print(done.text(lang))
            return 0
        if not args.src:
            raise _error(msg("缺少要导入的文件", "no file to import given"))
        mapping = None
        if args.mapping:
            try:
                _, mapping = field_mapping.load_mapping(Path(args.mapping))
            except ValueError as exc:
                raise _error(msg(f"无法读取字段映射文件：{exc}", str(exc))) from None
        report = import_file(Path(args.src), workspace, args.as_layer,
                             file_layer=args.file_layer, encoding=args.encoding, crs=args.crs,
                             mapping=mapping, dry_run=args.dry_run,
                             keep_edition=args.keep_edition, edition=args.edition)
        if getattr(args, "save_mapping", None):
            field_mapping.save_mapping(Path(args.save_mapping), report.mapping, report.layer)
    except ImportRefused as exc:
        extra: dict[str, Any] = {"candidates": list(exc.candidates)}
        if exc.crs_candidates:  # e.g. a DXF: which coordinate systems its numbers fit
            extra["crs_candidates"] = [c.to_json() for c in exc.crs_candidates]
        raise _error(exc.message, **extra) from None
    except ImportCancelled:
        raise _error(msg("已取消", "cancelled")) from None
    except WorkspaceError as exc:
        raise _error(msg(f"工作区不可用：{exc.message.zh}", f"workspace unusable: {exc}")) from None
    except OSError as exc:
        raise _error(msg(f"文件读写失败：{exc}", f"file error: {exc}")) from None
    except Exception as exc:
        if in_use(exc):  # QGIS or another EcoZone is writing the workspace
            raise _error(in_use_error(workspace).message) from None
        raise
    _import_report(report, lang, wants_json(args))
    return 0


# -- export --------------------------------------------------------------------------------
def add_export_layer_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments for ``export`` of a layer (the .html web map adds its own)."""
    p.add_argument("--layer", default=None, help="layer to export")
    p.add_argument("--out", required=True, help="output file (.gpkg .shp .geojson .kml .kmz "
                   ".fgb .csv .xlsx)")
    p.add_argument("--encoding", default="utf-8", help="utf-8 (default) or gbk for old tools")
    common_options(p, workspace_help="workspace GeoPackage (default: your workspace)")


def add_export_parser(sub: Any) -> argparse.ArgumentParser:
    from cli.reports import add_export_webmap_arguments

    p: argparse.ArgumentParser = sub.add_parser(
        "export", help="export a layer (.gpkg .shp .geojson .kml .kmz .fgb .csv .xlsx) or the "
                       "offline web map (.html)")
    add_export_layer_arguments(p)
    add_export_webmap_arguments(p)
    p.set_defaults(func=cmd_export)
    return p


@command
def cmd_export(args: argparse.Namespace) -> int:
    """``export``: the offline web map for ``--out *.html``, else one layer to a file."""
    from cli.reports import export_webmap, is_webmap_out

    if is_webmap_out(args.out):
        return export_webmap(args)
    return export_layer(args)


def export_layer(args: argparse.Namespace) -> int:
    """``export`` of one layer to a file; UserError on bad input."""
    from geodata.io.messages import ImportRefused
    from geodata.io.writers import export_layer as write_layer
    from geodata.store import WorkspaceError

    lang = lang_of(args)
    if not args.layer:
        raise _error(msg("请用 --layer 指定要导出的图层", "give the layer to export with --layer"))
    given = given_workspace(args)
    # a named workspace is checked by the writer (its message says "cannot export");
    # without one, the user's own workspace (created on first run)
    workspace = given if given is not None else workspace_path(args)
    try:
        out = write_layer(workspace, args.layer, Path(args.out), encoding=args.encoding)
    except ImportRefused as exc:
        raise _error(exc.message) from None
    except WorkspaceError as exc:
        raise _error(msg(f"无法导出：{exc.message.zh}", f"cannot export: {exc}")) from None
    except PermissionError as exc:
        raise cannot_write(args.out, exc, label="error") from None
    except (OSError, ValueError) as exc:
        raise _error(msg(f"导出失败：{exc}", f"export failed: {exc}")) from None
    if wants_json(args):
        print_json({"ok": True, "out": str(out), "layer": args.layer}, indent=None)
    else:
        print(msg("已导出到 ", "exported to ").text(lang) + str(out))
    return 0
