"""What every command shares: the user-error type, the common options, opening the
workspace, printing JSON and parsing sizes.

The command-line contract (docs/ARCHITECTURE.md): exit 0 on success; exit 2 with ONE line on
stderr, in the user's language (``--lang``), when the input is wrong; exit 1 for anything
unexpected.  A command raises :class:`UserError` for the second case and the wrapper made
by :func:`command` (or :func:`cli.main.main`) prints it.  Only the standard library is
imported here so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geodata.messages import Message, in_language

Run = Callable[[argparse.Namespace], int]


class UserError(Exception):
    """A problem with what the user asked for: one line on stderr, exit code 2.

    Parameters
    ----------
    message
        What was wrong, in Chinese and English (a plain ``str`` is used for both).
    label
        The word before the colon on stderr (``ecozone``; ``import``/``export`` of a file
        have always said ``error``).
    json_fields
        When given and the command ran with ``--json``, ``{"ok": false, "error": line,
        **json_fields}`` is printed on stdout as well, for scripts that read only stdout.
    """

    def __init__(self, message: Message | str, *, label: str = "ecozone",
                 json_fields: dict[str, Any] | None = None) -> None:
        if not isinstance(message, Message):
            message = Message(str(message), str(message))
        super().__init__(message.en)
        self.message = message
        self.label = label
        self.json_fields = json_fields

    def line(self, lang: str) -> str:
        return self.message.text(lang).replace("\r", " ").replace("\n", " ")

    def report(self, lang: str, as_json: bool) -> None:
        """Print the error as the command-line contract says (see the class docstring)."""
        line = self.line(lang)
        if as_json and self.json_fields is not None:
            print_json({"ok": False, "error": line, **self.json_fields}, indent=None)
        print_err(f"{self.label}: {line}")


def lang_of(args: argparse.Namespace) -> str:
    return in_language(getattr(args, "lang", None), "zh", "en")


def wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def command(run: Run) -> Run:
    """``run`` with :class:`UserError` turned into its one line and exit code 2."""

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return int(run(args))
        except UserError as exc:
            exc.report(lang_of(args), wants_json(args))
            return 2

    return wrapper


# -- options -------------------------------------------------------------------------------
def workspace_option(p: argparse.ArgumentParser, *, top: bool = False,
                     help: str | None = None) -> None:
    """``--workspace`` (also spelt ``--into``, the old name on ``import``).

    Subcommands add it with SUPPRESS so that it may come before or after the command
    (argparse copies a subcommand's defaults over the top-level values).
    """
    p.add_argument("--workspace", "--into", dest="workspace", type=Path, metavar="WORKSPACE",
                   default=None if top else argparse.SUPPRESS,
                   help=help or "GeoPackage to use (default: your workspace, created from the "
                                "bundled Quanzhou data on first run)")


def common_options(p: argparse.ArgumentParser, *, workspace: bool = True,
                   workspace_help: str | None = None) -> None:
    """``--workspace``, ``--lang`` and ``--json``: every command that reads a workspace."""
    if workspace:
        workspace_option(p, help=workspace_help)
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="machine-readable output")


# -- the workspace -------------------------------------------------------------------------
def given_workspace(args: argparse.Namespace) -> Path | None:
    value = getattr(args, "workspace", None)
    return None if value is None else Path(value)


def workspace_path(args: argparse.Namespace) -> Path:
    """The workspace the command works on: ``--workspace``, or the user's (created from
    the bundled data on first run); UserError if it is missing or not a GeoPackage."""
    from geodata import store

    try:
        path, _created = store.ensure_workspace(given_workspace(args))
    except store.WorkspaceError as exc:
        raise UserError(exc.message) from None
    return Path(path)


def open_workspace(args: argparse.Namespace) -> Any:
    """:class:`models.workspace.Workspace` of :func:`workspace_path`."""
    from geodata import store
    from models.workspace import Workspace

    path = workspace_path(args)
    try:
        return Workspace.open(path)
    except store.WorkspaceError as exc:
        raise UserError(exc.message) from None


# -- output --------------------------------------------------------------------------------
def print_json(data: Any, indent: int | None = 1) -> None:
    """``data`` as JSON on stdout, always UTF-8 bytes (cli.output.write_json)."""
    from cli.output import write_json

    write_json(data, indent)


def print_err(line: str) -> None:
    print(line, file=sys.stderr)


# -- values --------------------------------------------------------------------------------
def parse_size(text: str, minimum: int = 200, maximum: int = 8000) -> tuple[int, int]:
    """``"1600x1000"`` → ``(1600, 1000)``, each side within [minimum, maximum] pixels."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(Message(f"--size “{text}”应形如 1600x1000",
                                f"--size '{text}' must look like 1600x1000")) from None
    if not (minimum <= w <= maximum and minimum <= h <= maximum):
        raise UserError(Message(
            f"--size {w}x{h} 的宽和高须在 {minimum} 到 {maximum} 像素之间",
            f"--size {w}x{h} must be between {minimum} and {maximum} pixels each way"))
    return w, h


def parse_float(text: str, what: Message, lo: float, hi: float) -> float:
    """A number in [lo, hi]; UserError naming ``what`` (e.g. 经度/longitude) otherwise."""
    try:
        v = float(text)
    except ValueError:
        raise UserError(Message(f"{what.zh}“{text}”不是数字",
                                f"{what.en} '{text}' is not a number")) from None
    if not lo <= v <= hi:
        raise UserError(Message(f"{what.zh} {v} 超出范围 [{lo}, {hi}]",
                                f"{what.en} {v} is out of range [{lo}, {hi}]"))
    return v


def cannot_write(out: Path | str, exc: OSError, label: str = "ecozone") -> UserError:
    """The one line for an output that could not be written.

    On Windows a file open in Excel, WPS, QGIS or a browser cannot be replaced or deleted
    (PermissionError): say so, since that is what the user can fix.
    """
    if isinstance(exc, PermissionError):
        return UserError(Message(
            f"无法写入 {out}：该文件可能正在其他程序（Excel、WPS、QGIS、浏览器）中打开，"
            f"或所在文件夹只读；请关闭该文件后重试",
            f"cannot write {out}: the file may be open in another program (Excel, WPS, "
            f"QGIS, a browser) or its folder is read-only; close it and try again"),
            label=label, json_fields={} if label == "error" else None)
    why = exc.strerror or exc
    return UserError(Message(f"无法写入 {out}：{why}", f"cannot write {out}: {why}"),
                     label=label, json_fields={} if label == "error" else None)
