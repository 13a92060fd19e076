"""``app.py server|checkout|sync|conflicts``: the shared inventory from the command line.

    python app.py server init --db URL [--from W.gpkg]
    python app.py server add-user NAME --county CODE [--role inspector|planner|admin]
                                  [--password P] --db URL
    python app.py checkout --db URL [--county CODE] --out W.gpkg
    python app.py sync --workspace W [--json]
    python app.py conflicts --workspace W [--json]
    python app.py conflicts resolve CODE FIELD mine|theirs --workspace W

The same code paths as the window.  Passwords: libpq's ``PGPASSWORD`` or ``.pgpass`` for
logging in; ``--password`` (or the prompt) for a new user goes to the server as a SCRAM
verifier.  Exit 0 on success, 2 with one line on stderr for bad input, a refused login, an
unreachable server or a cut connection (``sync`` again to finish), 1 if unexpected.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.common import UserError, command, common_options, lang_of, print_json
from geodata.messages import Message

#: The words whole-row conflicts store for mine/theirs, in English.
ROW_WORDS_EN = {"本机已修改": "changed here", "服务器上已删除": "deleted on the server",
                "本机已删除": "deleted here", "服务器上已修改": "changed on the server",
                "本机新增": "added here", "服务器上已有同编码排污口": "the server has this code"}


_Fail = UserError  # bad input, a refused login, an unreachable server: one line, exit 2


def _common(p: argparse.ArgumentParser, workspace: bool = False) -> None:
    common_options(p, workspace=workspace, workspace_help="the checkout GeoPackage")


def add_parser(sub: Any) -> None:
    """Add ``server``, ``checkout``, ``sync`` and ``conflicts`` to ``app.py``."""
    p = sub.add_parser("server", help="the shared city inventory on PostgreSQL/PostGIS")
    ss = p.add_subparsers(dest="server_command", required=True)
    i = ss.add_parser("init", help="create or migrate the inventory; load a workspace once")
    i.add_argument("--db", required=True, help="postgresql://user@host:port/db")
    i.add_argument("--from", dest="source", type=Path, default=None,
                   help="workspace to load (default: the bundled Quanzhou data)")
    _common(i)
    a = ss.add_parser("add-user", help="create a login for an inspector, planner or admin")
    a.add_argument("name")
    a.add_argument("--county", default=None, help="county code, e.g. 350582 (inspectors)")
    a.add_argument("--role", default="inspector", choices=("inspector", "planner", "admin"))
    a.add_argument("--password", default=None,
                   help="the new user's password (asked if omitted; sent as a SCRAM verifier)")
    a.add_argument("--db", required=True)
    _common(a)
    p.set_defaults(func=run)

    c = sub.add_parser("checkout", help="a workspace copy of the city or one county")
    c.add_argument("--db", required=True)
    c.add_argument("--county", default=None)
    c.add_argument("--out", type=Path, required=True)
    _common(c)
    c.set_defaults(func=run)

    s = sub.add_parser("sync", help="push this checkout's changes, then pull others'")
    _common(s, workspace=True)
    s.set_defaults(func=run)

    k = sub.add_parser("conflicts", help="open conflicts; 'resolve CODE FIELD mine|theirs'")
    k.add_argument("action", nargs="*", metavar="resolve CODE FIELD mine|theirs")
    k.add_argument("--user", default=None, help="who resolves (default: the OS user)")
    _common(k, workspace=True)
    k.set_defaults(func=run)


@command
def run(args: argparse.Namespace) -> int:
    from geodata.pg.connection import ServerError
    from models.sync.resolve import ResolveError

    try:
        data, text = _dispatch(args)
    except (ServerError, ResolveError) as exc:
        raise UserError(exc.message) from None
    if args.json:
        print_json(data)
    else:
        print(text.text(lang_of(args)) if isinstance(text, Message) else text)
    return 0


def _dispatch(args: argparse.Namespace) -> tuple[Any, Any]:
    if args.command == "server":
        return _init(args) if args.server_command == "init" else _add_user(args)
    if args.command == "checkout":
        return _checkout(args)
    if args.command == "sync":
        return _sync(args)
    return _conflicts(args)


def _connect(url: str) -> Any:
    from geodata.pg.connection import connect

    return connect(url, autocommit=True)


def _init(args: argparse.Namespace) -> tuple[Any, Any]:
    from geodata import store
    from models.sync.checkout import init_server

    source = args.source if args.source is not None else store.bundled_path()
    if args.source is not None and not args.source.exists():
        raise _Fail(Message(f"找不到工作空间：{args.source}",
                            f"workspace not found: {args.source}"))
    with _connect(args.db) as con:
        data = init_server(con, source, explicit=args.source is not None)
    n, done = data["outfalls"], data["migrations"]
    return data, Message(f"服务器清单已就绪：{n} 个排污口，迁移 {done}",
                         f"inventory ready: {n} outfalls, migrations {done}")


def _add_user(args: argparse.Namespace) -> tuple[Any, Any]:
    from geodata.pg.users import add_user, check_user

    check_user(args.name, args.role, args.county)
    password = args.password
    if password is None:
        if not sys.stdin.isatty():
            raise _Fail(Message("需要密码：请用 --password 给出，或在终端中运行以输入",
                                "a password is needed: give --password, or run it in a "
                                "terminal to type it"))
        import getpass

        password = getpass.getpass(f"password for {args.name}: ")
    with _connect(args.db) as con:
        user = add_user(con, args.name, args.role, args.county, password)
    where = user.county_code or "全市"
    return user.to_dict(), Message(f"已创建用户 {user.name}（{user.kind}，{where}）",
                                   f"user {user.name} created ({user.kind}, "
                                   f"{user.county_code or 'whole city'})")


def _checkout(args: argparse.Namespace) -> tuple[Any, Any]:
    from models.sync.checkout import checkout

    with _connect(args.db) as con:
        data = checkout(con, args.db, args.out, args.county)
    return data, Message(f"已检出 {data['outfalls']} 个排污口到 {data['out']}",
                         f"checked out {data['outfalls']} outfalls to {data['out']}")


def _workspace(args: argparse.Namespace) -> Path:
    from geodata import store

    path = getattr(args, "workspace", None)
    if path is None:
        raise _Fail(Message("请用 --workspace 指定检出的工作空间",
                            "give the checkout with --workspace"))
    try:
        store.check_workspace(Path(path))
    except store.WorkspaceError as exc:
        raise _Fail(Message(str(exc), str(exc))) from None
    return Path(path)


def _locked(path: Path) -> Any:
    from geodata.workspace_lock import WorkspaceLock

    lock = WorkspaceLock(path)
    holder = lock.acquire()
    if holder is not None:
        raise _Fail(Message(
            f"工作空间正在 EcoZone 中编辑（用户 {holder.user}，进程 {holder.pid}）；"
            "请在该窗口中同步",
            f"the workspace is open in EcoZone (user {holder.user}, process {holder.pid}); "
            "sync from that window"))
    return lock


def _sync(args: argparse.Namespace) -> tuple[Any, Any]:
    from models.sync.engine import sync

    path = _workspace(args)
    lock = _locked(path)
    try:
        report = sync(path)
    finally:
        lock.release()
    data = report.to_dict()
    lines = [report.summary()]
    for r in report.refused:
        lines.append(Message(r["reason"]["zh"], r["reason"]["en"]))
    for c in report.conflicts_new:
        lines.append(Message(f"冲突 {c['code']} {c['field']}", f"conflict {c['code']} "
                                                              f"{c['field']}"))
    text = lines[0]
    for m in lines[1:]:
        text = text + Message("\n", "\n") + m
    return data, text


def _conflicts(args: argparse.Namespace) -> tuple[Any, Any]:
    from models.outfall_session import default_user
    from models.sync.resolve import list_conflicts, resolve

    path = _workspace(args)
    action = list(args.action)
    if not action:
        rows = list_conflicts(path)
        head = Message(f"待解决的冲突：{len(rows)} 个", f"open conflicts: {len(rows)}")
        def line(r: dict[str, Any], words: dict[str, str]) -> str:
            cells = [r["code"], r["field"], *(words.get(str(r[k] or ""), str(r[k] or ""))
                                              for k in ("base", "mine", "theirs")),
                     r["who"] or "", r["when"] or ""]
            if r["distance_m"] is not None:
                cells.append(f"{r['distance_m']:.1f} m")
            return "\t".join(cells)

        return rows, Message("\n".join([head.zh, *(line(r, {}) for r in rows)]),
                             "\n".join([head.en, *(line(r, ROW_WORDS_EN) for r in rows)]))
    if action[0] != "resolve" or len(action) != 4:
        raise _Fail(Message("用法：conflicts resolve 编码 字段 mine|theirs --workspace W",
                            "usage: conflicts resolve CODE FIELD mine|theirs --workspace W"))
    _, code, field, choice = action
    lock = _locked(path)
    try:
        data = resolve(path, code, field, choice, args.user or default_user())
    finally:
        lock.release()
    how = "保留本机" if choice == "mine" else "采用服务器"
    return data, Message(f"已解决 {code} {field}：{how}",
                         f"resolved {code} {field}: {choice}")
