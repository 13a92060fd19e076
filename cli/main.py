"""The parser and ``main``: the one list of commands, and the exit-code contract.

Each command module offers ``add_parser(sub)`` (its arguments, next to its implementation)
and sets ``func`` on its parser, or offers ``run(args)`` that is used as ``func``.  To add a
command, import its module here and add it to :data:`COMMANDS`; nothing else.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType
from typing import Any

from cli import (
    editions,
    import_export,
    info,
    outfalls,
    printing,
    render,
    reports,
    stats,
    sync,
    window,
)
from cli.common import UserError, lang_of, wants_json, workspace_option
from cli.output import configure_streams

#: Every subcommand, in the order ``--help`` lists them.  One entry per module; a module
#: may add several subcommands (info adds info and query, import_export import and export).
COMMANDS: tuple[ModuleType | Any, ...] = (
    info,           # info, query
    window,         # screenshot (and the window itself when no command is given)
    render,         # render
    import_export,  # import, export
    outfalls,       # outfalls check|set|move
    reports,        # screen
    stats,          # stats
    editions,       # editions, compare
    printing,       # print, atlas
    sync,           # server init|add-user, checkout, sync, conflicts [resolve]
)


def _register(sub: Any, module: Any) -> None:
    before = set(sub.choices)
    module.add_parser(sub)
    run = getattr(module, "run", None)
    for name in set(sub.choices) - before:
        parser = sub.choices[name]
        if parser.get_default("func") is None and run is not None:
            parser.set_defaults(func=run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecozone", description="EcoZone 生态环境分区管控一张图")
    parser.add_argument("--lang", choices=("zh", "en"), default=None,
                        help="language of the window and text output (default zh; the window "
                             "remembers the last choice)")
    workspace_option(parser, top=True)
    sub = parser.add_subparsers(dest="command")
    for module in COMMANDS:
        _register(sub, module)
    return parser


def _install_error_reporting() -> None:
    """Log to the user's folder; an unexpected error becomes one line + the log path (exit 1)
    on the command line, and a dialog with the log path in the window."""
    try:
        # Qt-free: a command that draws nothing imports no Qt for its log (the window
        # gives the hooks its dialog once it exists, ui/main.py)
        from geodata.app_logging import setup_logging
        from geodata.crash_hooks import install

        setup_logging()
        install()
    except OSError:  # an unwritable user folder must not stop the program
        pass


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv``, run the command (or the window); the exit code."""
    configure_streams()  # before anything is printed, --help and argparse errors included
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None and getattr(args, "lang", None) is None:
        args.lang = "zh"  # text output defaults to Chinese; only the window remembers a choice
    _install_error_reporting()
    func = getattr(args, "func", window.run_window)
    try:
        return int(func(args))
    except UserError as exc:  # a command registered without the cli.common.command wrapper
        exc.report(lang_of(args), wants_json(args))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        sys.stderr.close()
        return 0
