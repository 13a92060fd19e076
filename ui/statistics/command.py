"""``stats`` with PDF output: the Qt half of :mod:`models.stats_command`.

``app.py`` wires ``python app.py stats`` here; a .pdf is written with Qt (created headless
on demand), everything else goes to the Qt-free command.
"""

from __future__ import annotations

import argparse

from geodata.messages import Message
from models import stats_command as sc


def cmd_stats(args: argparse.Namespace) -> int:
    if args.out is None or args.out.suffix.lower() != ".pdf":
        return sc.cmd_stats(args)
    lang = getattr(args, "lang", "zh") or "zh"
    try:
        rep = sc.build_report(args)
        from ui.statistics.pdf import write_pdf

        write_pdf(rep, args.out, lang)
    except sc.StatsUserError as exc:
        return sc.fail(exc.message, lang)
    except OSError as exc:
        return sc.fail(Message(f"无法写入 {args.out}：{exc.strerror}",
                               f"cannot write {args.out}: {exc.strerror}"), lang)
    return sc.finish(args, rep)
