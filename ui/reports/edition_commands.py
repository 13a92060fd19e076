"""``compare`` with PDF output: the Qt half of :mod:`models.edition_commands`.

``python app.py compare`` runs :func:`cmd_compare` here; it writes .pdf with Qt (headless on
demand) and hands every other output to the Qt-free command.
"""

from __future__ import annotations

import argparse

from geodata.messages import msg
from models import edition_commands as ec


def cmd_compare(args: argparse.Namespace) -> int:
    if args.out is None or args.out.suffix.lower() != ".pdf":
        return ec.cmd_compare(args)
    lang = getattr(args, "lang", "zh") or "zh"
    try:
        comparison = ec.build(args)
        from ui.reports.edition_pdf import write_pdf

        write_pdf(comparison, ec.map_svg(comparison, lang), args.out, lang, ec.generated(),
                  ec.detail_svgs(comparison, lang))
    except ec.CompareUserError as exc:
        return ec.fail(exc.message, lang)
    except OSError as exc:
        return ec.fail(msg(f"无法写出 {args.out}：{exc.strerror}",
                           f"cannot write {args.out}: {exc.strerror}"), lang)
    return ec.finish(args, comparison, args.out)
