"""``screen`` with PDF output: the Qt half of :mod:`models.report_commands`.

Wire ``python app.py screen`` to :func:`cmd_screen` here; it handles .pdf with Qt (created
headless on demand) and hands everything else to the Qt-free command.
"""

from __future__ import annotations

import argparse

from models import report_commands as rc


def cmd_screen(args: argparse.Namespace) -> int:
    if args.out is None or args.out.suffix.lower() != ".pdf":
        return rc.cmd_screen(args)
    lang = getattr(args, "lang", "zh")
    try:
        ws, _site, rep = rc.build_screening(args)
        from models.report_map_svg import with_font
        from ui.reports.pdf import write_pdf
        from ui.reports.qt_app import cjk_family

        svg = with_font(rc.report_map_svg(ws, rep, lang), cjk_family())
        write_pdf(rep, svg, args.out, lang)
    except rc.ReportUserError as exc:
        return rc.fail(str(exc))
    except OSError as exc:
        return rc.fail(rc.t(lang, f"无法写入 {args.out}：{exc.strerror}",
                            f"cannot write {args.out}: {exc.strerror}"))
    return rc.finish_screen(args, rep, args.out)
