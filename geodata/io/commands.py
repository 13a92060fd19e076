"""Command line: ``import`` and ``export`` (every format but the .html web map).

app.py wires these in::

    python app.py import SRC --into WORKSPACE --as LAYER [--layer NAME | --sheet NAME]
        [--encoding auto|gbk|utf-8]
        [--crs auto|EPSG:n|gcj02|bd09] [--mapping FILE] [--save-mapping FILE] [--dry-run]
        [--lang zh|en] [--json]
    python app.py import --undo BATCH --into WORKSPACE
    python app.py export --workspace W --layer L --out FILE [--encoding utf-8|gbk]

Exit codes: 0 done, 2 nothing could be imported / bad input (one-line reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from geodata.io.messages import ImportCancelled, ImportRefused, Message, msg


def add_import_arguments(p: argparse.ArgumentParser) -> None:
    from geodata.io.formats import supported_suffixes

    p.add_argument("src", nargs="?", help="file to import (" + " ".join(supported_suffixes()) +
                   "; a File Geodatabase is its .gdb folder)")
    p.add_argument("--into", required=True, metavar="WORKSPACE", help="workspace GeoPackage")
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
    p.add_argument("--lang", default="zh", choices=("zh", "en"))
    p.add_argument("--json", action="store_true", help="machine-readable output")


def add_import_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "import", help="import a bureau file into a workspace / 导入文件到工作区")
    add_import_arguments(p)
    return p


def add_export_layer_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments for ``export`` of a layer (the .html web map export adds its own)."""
    p.add_argument("--workspace", default=None, help="workspace GeoPackage")
    p.add_argument("--layer", default=None, help="layer to export")
    p.add_argument("--out", required=True, help="output file (.gpkg .shp .geojson .kml .kmz "
                   ".fgb .csv .xlsx)")
    p.add_argument("--encoding", default="utf-8", help="utf-8 (default) or gbk for old tools")
    if not any(a.dest == "lang" for a in p._actions):
        p.add_argument("--lang", default="zh", choices=("zh", "en"))
    if not any(a.dest == "json" for a in p._actions):
        p.add_argument("--json", action="store_true")


def _fail(message: Message, lang: str, as_json: bool, extra: dict[str, Any] | None = None
          ) -> int:
    line = message.text(lang).replace("\n", " ")
    if as_json:
        print(json.dumps({"ok": False, "error": line, **(extra or {})}, ensure_ascii=False))
    print(f"error: {line}", file=sys.stderr)
    return 2


def _print_report(report: Any, lang: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ok": True, **report.to_json(lang)}, ensure_ascii=False, indent=1))
        return
    c = report.counts()
    head = ("预演（未写入）" if lang == "zh" else "dry run (nothing written)") if report.dry_run \
        else (f"批次 {report.batch_id}" if lang == "zh" else f"batch {report.batch_id}")
    if lang == "zh":
        print(f"{head}：图层 {report.layer} 新增 {c['imported']}，更新 {c['updated']}，"
              f"未变 {c['unchanged']}，拒绝 {c['rejected']}，需核实 {c['flagged']}")
    else:
        print(f"{head}: layer {report.layer} new {c['imported']}, updated {c['updated']}, "
              f"unchanged {c['unchanged']}, rejected {c['rejected']}, flagged {c['flagged']}")
    for n in report.notes.items:
        print("  * " + n.text(lang))
    for r in report.rejected[:50]:  # the row's code, when it has one, names it
        print(f"  ✗ {r.file}:{r.row}{' ' + r.code if r.code else ''} [{r.field}] "
              f"{r.reason.text(lang)}")
    for r in report.flagged[:20]:
        print(f"  ! {r.file}:{r.row}{' ' + r.code if r.code else ''} [{r.field}] "
              f"{r.reason.text(lang)}")


def cmd_import(args: argparse.Namespace) -> int:
    """Run ``import``; returns the exit code."""
    from geodata.io import field_mapping
    from geodata.io.workspace_import import import_file, undo_import
    from geodata.store import WorkspaceError, check_workspace

    lang = getattr(args, "lang", "zh")
    as_json = bool(getattr(args, "json", False))
    workspace = Path(args.into)
    try:
        check_workspace(workspace)
        if getattr(args, "undo", None) is not None:
            done = undo_import(workspace, int(args.undo))
            if as_json:
                print(json.dumps({"ok": True, "undone": int(args.undo),
                                  "message": done.text(lang)}, ensure_ascii=False))
            else:
                print(done.text(lang))
            return 0
        if not args.src:
            return _fail(msg("缺少要导入的文件", "no file to import given"), lang, as_json)
        mapping = None
        if args.mapping:
            try:
                _, mapping = field_mapping.load_mapping(Path(args.mapping))
            except ValueError as exc:
                return _fail(msg(f"无法读取字段映射文件：{exc}", str(exc)), lang, as_json)
        report = import_file(Path(args.src), workspace, args.as_layer,
                             file_layer=args.file_layer, encoding=args.encoding, crs=args.crs,
                             mapping=mapping, dry_run=args.dry_run)
        if getattr(args, "save_mapping", None):
            field_mapping.save_mapping(Path(args.save_mapping), report.mapping, report.layer)
    except ImportRefused as exc:
        extra: dict[str, Any] = {"candidates": list(exc.candidates)}
        if exc.crs_candidates:
            extra["crs_candidates"] = [c.to_json() for c in exc.crs_candidates]
        return _fail(exc.message, lang, as_json, extra)
    except ImportCancelled:
        return _fail(msg("已取消", "cancelled"), lang, as_json)
    except WorkspaceError as exc:
        return _fail(msg(f"工作区不可用：{exc}", f"workspace unusable: {exc}"), lang, as_json)
    except OSError as exc:
        return _fail(msg(f"文件读写失败：{exc}", f"file error: {exc}"), lang, as_json)
    _print_report(report, lang, as_json)
    return 0


def cmd_export_layer(args: argparse.Namespace) -> int:
    """Run ``export`` of one layer to a file; returns the exit code."""
    from geodata.io.writers import export_layer
    from geodata.store import WorkspaceError, default_workspace_path

    lang = getattr(args, "lang", "zh")
    as_json = bool(getattr(args, "json", False))
    workspace = Path(args.workspace) if args.workspace else default_workspace_path()
    if not args.layer:
        return _fail(msg("请用 --layer 指定要导出的图层", "give the layer to export with --layer"),
                     lang, as_json)
    try:
        out = export_layer(workspace, args.layer, Path(args.out), encoding=args.encoding)
    except ImportRefused as exc:
        return _fail(exc.message, lang, as_json)
    except WorkspaceError as exc:
        return _fail(msg(f"无法导出：{exc}", f"cannot export: {exc}"), lang, as_json)
    except (OSError, ValueError) as exc:
        return _fail(msg(f"导出失败：{exc}", f"export failed: {exc}"), lang, as_json)
    if as_json:
        print(json.dumps({"ok": True, "out": str(out), "layer": args.layer}, ensure_ascii=False))
    else:
        print(("已导出到 " if lang == "zh" else "exported to ") + str(out))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry for testing: ``python -m geodata.io.commands import|export …``."""
    parser = argparse.ArgumentParser(prog="ecozone-io")
    sub = parser.add_subparsers(dest="command", required=True)
    add_import_parser(sub)
    add_export_layer_arguments(sub.add_parser("export"))
    args = parser.parse_args(argv)
    return cmd_import(args) if args.command == "import" else cmd_export_layer(args)


if __name__ == "__main__":
    raise SystemExit(main())
