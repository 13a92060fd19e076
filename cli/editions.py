"""``editions`` and ``compare``: the editions of the control units and what changed
between two (issue 18)::

    python app.py editions [--workspace W] [--json]
    python app.py compare NEW [--against OLD] [--workspace W]
                          [--out F.html|.pdf|.xlsx|.gpkg] [--json]

NEW is an edition's name or a file of control units (compared without importing it); OLD an
edition's name, by default the current edition.  ``.pdf`` is written with Qt (imported only
then).  Exit 0 done, 2 bad input (one line on stderr, in the --lang language).
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
    print_json,
    workspace_path,
)
from geodata.messages import msg


def add_parser(sub: Any) -> None:
    p = sub.add_parser("editions", help="editions of the control units in the workspace")
    common_options(p)
    p.set_defaults(func=command(cmd_editions))
    p = sub.add_parser("compare", help="compare two editions of the control units "
                                       "(report .html/.pdf, .xlsx, changed areas .gpkg)")
    p.add_argument("new", metavar="NEW", help="edition name, or a file compared without "
                                              "importing it")
    p.add_argument("--against", default=None, metavar="OLD",
                   help="edition to compare with (default: the current edition)")
    p.add_argument("--out", type=Path, default=None,
                   help="report .html or .pdf, every change .xlsx, changed areas .gpkg")
    common_options(p)
    p.set_defaults(func=command(cmd_compare))


def cmd_editions(args: argparse.Namespace) -> int:
    from models.editions import list_editions

    lang = lang_of(args)
    editions = list_editions(workspace_path(args))
    if args.json:
        print_json({"editions": [e.to_json() for e in editions]})
        return 0
    print(msg("  版本\t日期\t单元数\t来源（* 当前版本）",
              "  edition\tdate\tunits\tsource (* current)").text(lang))
    for e in editions:
        mark = "*" if e.is_current else " "
        print(f"{mark} {e.title(lang)}\t{e.date or '—'}\t{e.feature_count or 0}\t"
              f"{e.source or '—'}")
    return 0


def _build(args: argparse.Namespace) -> Any:
    """The :class:`models.editions.EditionComparison` the arguments ask for."""
    from models.edition_output import CompareUserError, check_out
    from models.editions import EditionError, compare_editions

    try:
        check_out(args.out)
        return compare_editions(workspace_path(args), args.new, args.against)
    except (EditionError, CompareUserError) as exc:
        raise UserError(exc.message) from None


def cmd_compare(args: argparse.Namespace) -> int:
    from models import edition_output as eo

    lang = lang_of(args)
    ec = _build(args)
    out = args.out
    try:
        if out is not None and out.suffix.lower() == ".pdf":
            from ui.reports.edition_pdf import write_pdf  # Qt, only for a PDF

            write_pdf(ec, eo.map_svg(ec, lang), out, lang, eo.generated(),
                      eo.detail_svgs(ec, lang))
        elif out is not None:
            eo.write(ec, out, lang)
    except eo.CompareUserError as exc:
        raise UserError(exc.message) from None
    except OSError as exc:
        raise cannot_write(out, exc) from None
    if args.json:
        doc = {"old": ec.old.to_json(), "new": ec.new.to_json(),
               "illustrative": ec.illustrative, **{k: v for k, v in ec.result.to_json().items()
                                                   if k not in ("old", "new")}}
        if out is not None:
            doc["out"] = str(out)
        print_json(doc)
    else:
        print(eo.summary_text(ec, lang))
        if out is not None:
            print(msg("已写出 ", "Wrote ").text(lang) + str(out))
    return 0
