"""``outfalls check|set|move``: the review actions and checks from the command line.

The edits go through :class:`models.outfall_session.EditSession`, the same code path as the
window, so they write the same audit rows in the same single transaction and honour the
workspace lock (a window editing the workspace makes ``set``/``move`` refuse, exit 2).

Exit codes: 0 success; 2 bad input (unknown code, invalid value, workspace in use), one line
on stderr listing the valid values; 1 when the save itself failed (read-only file, full
disk) -- the edit then waits in the recovery file and the window offers it on next open.
"""

from __future__ import annotations

import argparse
import gc
import json
from json.encoder import encode_basestring
from math import isfinite
from typing import Any

from cli.common import (
    UserError,
    command,
    common_options,
    lang_of,
    print_err,
    print_json,
    workspace_path,
)
from geodata.messages import Message, in_language


def add_parser(sub: Any) -> None:
    add_outfalls_parser(sub)


def add_outfalls_parser(subparsers: Any) -> argparse.ArgumentParser:
    """``outfalls`` with its sub-commands."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "outfalls", help="outfall review: check, set, move")
    sub = p.add_subparsers(dest="outfalls_command", required=True)
    ws_help = "GeoPackage to use (default: your workspace)"

    c = sub.add_parser("check", help="compliance findings on all outfalls")
    c.add_argument("--near-m", type=float, default=500.0,
                   help="flag outfalls this close to a protected area (default 500 m)")
    c.add_argument("--duplicate-m", type=float, default=20.0,
                   help="flag pairs of outfalls this close (default 20 m)")
    c.add_argument("--far-m", type=float, default=2000.0,
                   help="flag outfalls this far from any shoreline or river (default 2000 m)")
    c.add_argument("--code", action="append", default=None, help="only this outfall (repeatable)")
    common_options(c, workspace_help=ws_help)

    s = sub.add_parser("set", help="set review status, remediation, type; add a note")
    s.add_argument("code")
    s.add_argument("--status", help="review status (待核查/已核查/位置存疑) or remediation status "
                                    "(未启动/整治中/已完成)")
    s.add_argument("--remediation", help="取缔/合并/规范 (close/merge/regularise, none)")
    s.add_argument("--type", dest="outfall_type", help="outfall type per HJ 1312-2023")
    s.add_argument("--new-code", help="give the outfall its real code (e.g. one imported as "
                                      "待编码-350582-0001); undoable, with an audit row")
    s.add_argument("--note", help="note recorded with the change (or on its own)")
    s.add_argument("--user", help="who (default: the OS user name)")
    common_options(s, workspace_help=ws_help)

    m = sub.add_parser("move", help="move an outfall to LON LAT (decimal or 度分秒)")
    m.add_argument("code")
    m.add_argument("lon")
    m.add_argument("lat")
    m.add_argument("--crs", default="cgcs2000", help="cgcs2000 (default), wgs84, gcj02, bd09")
    m.add_argument("--note")
    m.add_argument("--user")
    common_options(m, workspace_help=ws_help)
    p.set_defaults(func=cmd_outfalls)
    return p


@command
def cmd_outfalls(args: argparse.Namespace) -> int:
    if args.outfalls_command == "check":
        return _check(args, lang_of(args))
    return _edit(args, lang_of(args))


def _open(args: argparse.Namespace) -> Any:
    from geodata import store
    from models.workspace import Workspace

    path = workspace_path(args)
    try:
        ws = Workspace.open(path)
    except store.WorkspaceError as exc:
        raise UserError(exc.message) from None
    if not ws.has_layer("outfalls"):
        raise UserError(Message(f"工作空间 {path} 没有排污口图层",
                                f"workspace {path} has no outfalls"))
    return ws


# -- check ----------------------------------------------------------------------------------
def _check(args: argparse.Namespace, lang: str) -> int:
    from models import memory

    memory.keep_arrow_pages()  # before pyarrow loads (models/memory.py says why)
    from geodata import store
    from models import compliance_input
    from models.compliance import ComplianceConfig, scan_outfalls

    # the ~70 000 objects of the modules just imported out of the collector's reach: its
    # full collections, which the check's allocations set off, scanned them all each time
    # (~60 ms of collections in a check at 1M outfalls; the process ends with the check)
    gc.freeze()
    for name in ("near_m", "duplicate_m", "far_m"):
        v = getattr(args, name)
        if not 0 <= v <= 100_000:
            opt = "--" + name.replace("_", "-")
            raise UserError(Message(f"{opt} {v} 须在 0 到 100000 米之间",
                                    f"{opt} {v} must be between 0 and 100000 metres"))
    cfg = ComplianceConfig(near_protected_m=args.near_m, duplicate_m=args.duplicate_m,
                           max_water_distance_m=args.far_m)
    # only what the checks read, not a Workspace (issue 17: at 1M outfalls opening one
    # was ~1 GB and seconds); the same findings (models/compliance_input.py)
    path = workspace_path(args)
    memory.share_arenas()
    try:
        inp = compliance_input.read(path, cfg.required_fields)
    except store.WorkspaceError as exc:
        raise UserError(exc.message) from None
    if inp is None:
        raise UserError(Message(f"工作空间 {path} 没有排污口图层",
                                f"workspace {path} has no outfalls"))
    memory.release_memory()
    # columns, not a Finding per row: the texts are made row by row as they are written
    # (issue 17: a million findings with their texts were 9.8 GB)
    # the JSON's groups made beside the sort (models.compliance.Findings.sorted)
    findings = scan_outfalls(inp, cfg, groups_for=(_DUPLICATE,) if args.json else None)
    memory.release_memory()
    if args.code:
        known = inp.known_codes()
        bad = [c for c in args.code if c not in known]
        if bad:
            raise UserError(Message(f"未知排污口编码：{', '.join(bad)}",
                                    f"unknown outfall code: {', '.join(bad)}"))
        findings = findings.only_codes(set(args.code))
    counts = findings.counts()
    if args.json:
        write_findings_json({"workspace": str(inp.path), "outfalls": inp.n,
                             "config": cfg.__dict__, "summary": counts}, findings)
        return 0
    for f in findings:
        print(f"{f.code}\t{f.label(lang)}\t{f.message.text(lang)}")
    sep = in_language(lang, "，", ", ")
    parts = [f"{in_language(lang, _label(k), k)} {v}" for k, v in counts.items() if v]
    head = Message("共 {n} 条发现", "{n} findings").format(n=len(findings)).text(lang)
    print(head + (": " + sep.join(parts) if parts else ""))
    return 0


def write_findings_json(head: dict[str, Any], findings: Any, chunk: int = 32_768) -> None:
    """``head`` with ``"findings": [...]`` as the JSON ``print_json`` writes (indent 1,
    UTF-8), the findings written in chunks as their texts are made rather than held as
    one document.

    The findings' JSON is built per chunk with Arrow, not finding by finding in Python
    (~2.5 µs each, 4 s at 1M, issue 17): each finding is its code, the JSON of its group
    around its distance (:meth:`models.compliance.Findings.groups`: a few thousand at 1M)
    and its distance; Arrow joins and writes them.  Texts Arrow cannot hold (not UTF-8)
    take the finding-by-finding path."""
    import sys

    from cli.output import write_json

    if not len(findings):
        write_json(dict(head, findings=[]))
        return
    text = json.dumps(dict(head, findings=[]), ensure_ascii=False, indent=1, default=str)
    opening = text[:text.rindex("[]")] + "[\n"
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)

    def put(part: str | bytes | memoryview) -> None:
        if buffer is None:
            stream.write(part if isinstance(part, str) else bytes(part).decode("utf-8"))
        elif isinstance(part, str):
            buffer.write(part.encode("utf-8", errors="surrogateescape"))
        else:
            buffer.write(part)

    try:
        batches = _json_batches(findings, chunk)
    except (UnicodeError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
        batches = None
    stream.flush()  # text printed before must come first
    put(opening)
    if batches is not None:
        for data, last in batches:
            put(data[:-2] if last else data)  # each finding ends ",\n"
        put("\n ]\n}\n")
    else:
        parts: list[str] = []
        for p in findings.parts():
            parts.append(_finding_json(*p))
            if len(parts) >= chunk:
                put(",\n".join(parts) + ",\n")
                parts = []
        put(",\n".join(parts) + "\n ]\n}\n")
    if buffer is not None:
        buffer.flush()


#: stand-ins for a duplicate's other code and distance while its JSON template is made
_OTHER, _DIST = "\ue000", 123456789.0
_DUPLICATE = 3  # models.compliance.CHECKS_IDS.index("possible_duplicate")


def _json_batches(findings: Any, chunk: int) -> Any:
    """The findings' JSON, ``chunk`` at a time, as (UTF-8 bytes, last); each finding is
    ``_finding_json``'s text and ",\n".  Everything Arrow must hold is made before the
    first batch (a text it refuses raises here, before anything is written)."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from models.compliance import CHECKS_IDS
    from models.compliance_grid import tenths

    assert CHECKS_IDS[_DUPLICATE] == "possible_duplicate"
    f = findings.found
    codes = f.codes_arrow if f.codes_arrow is not None else pa.array(f.codes, pa.string())

    def odd_codes() -> np.ndarray:  # quotes, backslashes, control characters
        return np.asarray(pc.fill_null(pc.match_substring_regex(
            codes, r'[\x00-\x1f"\\]'), False).to_numpy(zero_copy_only=False), bool)

    # the codes quoted and searched by Arrow in two threads (it lets go of the GIL) while
    # this one makes the groups' texts in Python (or has them: Findings.sorted): the
    # setup's ~0.2 s at 1M, before the first batch, on both cores
    with ThreadPoolExecutor(2) as pool:
        quoted_job = pool.submit(pc.binary_join_element_wise, '  {\n   "code": "', codes,
                                 '"', "")
        odd_job = pool.submit(odd_codes)
        # duplicates name the other outfall and their distance: made row by row from one
        # template, the others from their group's text
        gid, reps = findings.groups(together=(_DUPLICATE,))
        quoted, odd = quoted_job.result(), odd_job.result()
    heads, tails = [], []
    for r in reps:
        mid = _middle(*(r[i] for i in (1, 2, 3, 4, 5, 7, 8)))
        heads.append(mid[0])
        tails.append(mid[1] + ",\n")
    heads_a, tails_a = pa.array(heads, pa.string()), pa.array(tails, pa.string())
    dup = findings.parts_of(_DUPLICATE, "", -1, _DIST, _OTHER, 0)
    dup_head, dup_tail = _middle(*(dup[i] for i in (1, 2, 3, 4, 5, 7, 8)))
    cut = f"({re.escape(_OTHER)}|{re.escape(f'{_DIST:.1f}')})"
    dup_parts = (re.split(cut, dup_head), re.split(cut, dup_tail + ",\n"))
    if odd.any():  # quotes, backslashes, control characters: escaped as json does
        fix = [f'  {{\n   "code": {encode_basestring(str(f.codes[i]))}'
               for i in np.flatnonzero(odd)]
        quoted = pc.replace_with_mask(quoted, pa.array(odd), pa.array(fix, pa.string()))
    n = len(f.rows)

    def text(parts: list[str], other: Any, d1: Any) -> Any:
        args = [other if p == _OTHER else d1 if p == f"{_DIST:.1f}" else p for p in parts]
        return pc.binary_join_element_wise(*args, "")

    def batch(s: int) -> tuple[memoryview, bool]:
        sl = slice(s, s + chunk)
        c, d, rows = f.check[sl], f.dist[sl], f.rows[sl]
        num = _numbers(c, d)
        dd = np.flatnonzero(c == _DUPLICATE)
        if len(dd):
            other = f.other[sl][dd]
            k, ok = tenths(d[dd])
            ok &= ~odd[other]
            d1 = _decimals(np.where(ok, k // 10, 0), k % 10, np.ones(len(k), np.int64))
            oc = codes.take(pa.array(other))
            h, t = text(dup_parts[0], oc, d1), text(dup_parts[1], oc, d1)
            bad = np.flatnonzero(~ok)
            if len(bad):  # a text numpy might round otherwise, or a code to escape
                mids = [_middle(*(p[i] for i in (1, 2, 3, 4, 5, 7, 8))) for p in (
                    findings.parts_of(_DUPLICATE, "", -1, float(d[dd[i]]),
                                      str(f.codes[other[i]]), 0) for i in bad.tolist())]
                mask = pa.array(~ok)
                h = pc.replace_with_mask(h, mask, pa.array([m[0] for m in mids], pa.string()))
                t = pc.replace_with_mask(t, mask, pa.array([m[1] + ",\n" for m in mids],
                                                           pa.string()))
            # each duplicate's texts appended to the groups' and taken by index: one copy
            # of the batch's texts, where a take and a masked replace made two
            ix = gid[sl].copy()
            ix[dd] = len(heads_a) + np.arange(len(dd))
            g = pa.array(ix)
            head = pa.concat_arrays([heads_a, h.cast(heads_a.type)]).take(g)
            tail = pa.concat_arrays([tails_a, t.cast(tails_a.type)]).take(g)
        else:
            g = pa.array(gid[sl])
            head, tail = heads_a.take(g), tails_a.take(g)
        out = pc.binary_join_element_wise(quoted.take(pa.array(rows)), head, num, tail, "")
        offsets = np.frombuffer(out.buffers()[1], np.int32)[out.offset:out.offset + len(out) + 1]
        data = memoryview(out.buffers()[2])[int(offsets[0]):int(offsets[-1])]
        return data, s + chunk >= n

    def ahead() -> Any:  # two batches in the making while one is written: Arrow and
        # numpy release the GIL, so the second core builds as the first writes
        with ThreadPoolExecutor(2) as pool:
            todo = [pool.submit(batch, s) for s in range(0, min(n, 2 * chunk), chunk)]
            nxt = 2 * chunk
            while todo:
                done = todo.pop(0).result()
                if nxt < n:
                    todo.append(pool.submit(batch, nxt))
                    nxt += chunk
                yield done

    return ahead()


def _numbers(c: Any, d: Any) -> Any:
    """The ``distance_m`` of findings as json writes them (an Arrow string array): none;
    ``round(d, 1)`` near a zone, outside the city, from water; ``round(d, 2)`` for
    duplicates (models.compliance.Findings.parts_of)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from models.compliance_grid import tenths

    one = (c == 2) | (c == 5) | (c == 6)
    two = c == _DUPLICATE
    k1, ok1 = tenths(d)
    k2, ok2 = tenths(d, 2)
    # repr: 18.85, 18.8, 18.0 (no trailing zero but one)
    q = np.where(two, k2 // 100, k1 // 10)
    r = np.where(two, k2 % 100, k1 % 10)
    places = np.where(two & (r % 10 != 0), 2, 1)
    r = np.where(two & (r % 10 == 0), r // 10, r)
    num = _decimals(np.where(one | two, q, 0), r, places, ~(one | two))
    other = np.flatnonzero((one & ~ok1) | (two & ~ok2))
    if len(other):
        fix = [_number(round(x, 2 if cc == _DUPLICATE else 1))
               for x, cc in zip(d[other].tolist(), c[other].tolist(), strict=True)]
        mask = np.zeros(len(c), bool)
        mask[other] = True
        num = pc.replace_with_mask(num, pa.array(mask), pa.array(fix, pa.string()))
    return num


_WIDTH = 15  # integer digits _decimals writes: tenths() keeps values under 1e14


def _decimals(q: Any, r: Any, places: Any, null: Any = None) -> Any:
    """``f"{q}.{r:0{places}d}"`` per row (``null``: "null") as an Arrow string array,
    made in numpy: the digits in a byte matrix, the unused ones masked out.  Arrow's
    casts of integers to text cost 0.5 s at 1M findings."""
    import numpy as np
    import pyarrow as pa

    n = len(q)
    q = np.asarray(q, np.int64)
    digits = 1 + np.searchsorted(10 ** np.arange(1, _WIDTH, dtype=np.int64), q, side="right")
    w = max(4, int(digits.max(initial=1)))  # as many columns as the longest needs
    mat = np.empty((n, w + 3), np.uint8)
    v = q.copy()
    for i in range(w - 1, -1, -1):
        mat[:, i] = 48 + v % 10
        v //= 10
    mat[:, w] = ord(".")
    two = places == 2
    mat[:, w + 1] = 48 + np.where(two, r // 10, r)
    mat[:, w + 2] = 48 + r % 10
    keep = np.arange(w + 3) >= (w - digits)[:, None]
    keep[:, w + 2] = two
    length = digits + 1 + places
    if null is not None and np.any(null):
        keep[null] = False
        keep[null, :4] = True
        mat[null, :4] = np.frombuffer(b"null", np.uint8)
        length = np.where(null, 4, length)
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(length, out=offsets[1:])
    data = mat[keep]
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _number(d: float | None) -> str:
    """A distance as json writes it."""
    return "null" if d is None else repr(d) if isfinite(d) else json.dumps(d)


def _finding_json(code: str, check: str, zh: str, en: str, zone: str, zone_code: str,
                  d: float | None, other: str, fields: tuple[str, ...]) -> str:
    """One finding (``Findings.parts``) as ``json.dumps(finding.to_dict(),
    ensure_ascii=False, indent=1)`` writes it as an item of the top-level list (two spaces
    in), without the pure-Python encoder that ``indent`` selects (~30 µs a finding)."""
    num = _number(d)
    key = (check, zh, en, zone, zone_code, other, fields)  # the same texts recur: encode once
    mid = _MIDDLES.get(key)
    if mid is None:
        if len(_MIDDLES) > 100_000:
            _MIDDLES.clear()
        mid = _MIDDLES[key] = _middle(*key)
    return f'  {{\n   "code": {encode_basestring(code)}{mid[0]}{num}{mid[1]}'


def _middle(check: str, zh: str, en: str, zone: str, zone_code: str, other: str,
            fields: tuple[str, ...]) -> tuple[str, str]:
    """The JSON of a finding around its distance, after its code."""
    s = encode_basestring
    lzh, len_, sev = _CHECK_TEXTS[check]
    fields_text = "[]" if not fields else \
        "[\n" + ",\n".join("    " + s(x) for x in fields) + "\n   ]"
    return (f',\n   "check": "{check}",\n'
            f'   "severity": {sev},\n   "label": {{\n    "zh": {lzh},\n    "en": {len_}\n   }},\n'
            f'   "reason": {{\n    "zh": {s(zh)},\n    "en": {s(en)}\n'
            f'   }},\n   "zone": {s(zone)},\n   "zone_code": {s(zone_code)},\n'
            f'   "distance_m": ',
            f',\n   "other_code": {s(other)},\n   "fields": {fields_text}\n  }}')


_MIDDLES: dict[tuple, tuple[str, str]] = {}


class _CheckTexts(dict):  # check id -> encoded (zh label, en label, severity), made once
    def __missing__(self, check: str) -> tuple[str, str, str]:
        from json.encoder import encode_basestring as s

        from models.compliance import CHECKS

        zh, en, sev = CHECKS[check]
        self[check] = (s(zh), s(en), s(sev))
        return self[check]


_CHECK_TEXTS = _CheckTexts()


def _label(check: str) -> str:
    from models.compliance import CHECKS

    return CHECKS[check][0]


# -- set / move -----------------------------------------------------------------------------
def _status_field(value: str) -> str:
    from geodata import schema
    from models.outfall_edits import ALIASES

    v = value.strip()
    if v in schema.REMEDIATION_STATUS or v.lower() in ALIASES["remediation_status"]:
        return "remediation_status"
    if v in schema.REVIEW_STATUS or v.lower() in ALIASES["review_status"]:
        return "review_status"
    valid = ", ".join(schema.REVIEW_STATUS + schema.REMEDIATION_STATUS)
    aliases = ", ".join(list(ALIASES["review_status"]) + list(ALIASES["remediation_status"]))
    raise UserError(Message(f"--status “{value}”无效；可选值：{valid}（或 {aliases}）",
                            f"--status '{value}' is not valid; valid values: {valid} "
                            f"(or {aliases})"))


def _angle(text: str, what: Message) -> float:
    from geodata.io.dms import parse_angle

    try:
        return parse_angle(text)[0]
    except ValueError as exc:  # parse_angle says "english / 中文"
        en, _, zh = str(exc).partition(" / ")
        raise UserError(Message(f"{what.zh}：{zh or en}", f"{what.en}: {en}")) from None


def _build_edit(args: argparse.Namespace, frame: Any) -> Any:
    from models import outfall_edits as oe

    if args.outfalls_command == "move":
        lon = _angle(args.lon, Message("经度", "longitude"))
        lat = _angle(args.lat, Message("纬度", "latitude"))
        return oe.move(frame, args.code, lon, lat, crs=args.crs, note=args.note or "")
    values: dict[str, str] = {}
    if getattr(args, "new_code", None):
        if args.status is not None or args.remediation is not None or \
                args.outfall_type is not None:
            raise UserError(Message("--new-code 须单独使用（不能同时修改其他字段）",
                                     "--new-code goes on its own (not with other fields)"))
        return oe.set_code(frame, args.code, args.new_code, note=args.note or "")
    if args.status is not None:
        values[_status_field(args.status)] = args.status
    if args.remediation is not None:
        values["remediation"] = args.remediation
    if args.outfall_type is not None:
        values["outfall_type"] = args.outfall_type
    if not values and not args.note:
        raise UserError(Message("没有要修改的内容：请给出 --status、--remediation、--type、"
                                "--new-code 或 --note",
                                "nothing to set: give --status, --remediation, --type, "
                                "--new-code or --note"))
    if not values:
        return oe.add_note(frame, [args.code], args.note)
    return oe.set_fields(frame, [args.code], values, note=args.note or "")


def _edit(args: argparse.Namespace, lang: str) -> int:
    from pathlib import Path

    from geodata.workspace_lock import WorkspaceLock
    from models.outfall_edits import EditRejected, format_value
    from models.outfall_session import EditSession, audit_rows

    ws = _open(args)
    try:
        edit = _build_edit(args, ws.layer("outfalls"))
    except EditRejected as exc:
        raise UserError(exc.message) from None
    lock = WorkspaceLock(ws.path)
    holder = lock.acquire()
    if holder is not None:
        raise UserError(Message(
            f"工作空间正在 EcoZone 中编辑（用户 {holder.user}，计算机 {holder.host}，进程 "
            f"{holder.pid}）；请在该窗口中修改，或关闭后重试",
            f"the workspace is being edited in EcoZone (user {holder.user}, computer "
            f"{holder.host}, process {holder.pid}); edit there, or close it and retry"))
    session: EditSession | None = None
    try:
        session = EditSession(ws, user=args.user or None)
        try:
            done = session.apply(edit)
        except EditRejected as exc:
            raise UserError(exc.message) from None
    finally:
        if session is not None:
            session.close()  # the saves' connection, before the lock that covered them
        lock.release()
    saved = not session.pending
    if args.json:
        print_json({"code": args.code, "action": done.action, "batch": done.batch,
                    "user": done.user, "at": done.at, "saved": saved,
                    "changes": [{"field": c.field, "old": format_value(c.field, c.old),
                                 "new": format_value(c.field, c.new)} for c in done.changes],
                    "audit_rows": len(audit_rows(done)),
                    "error": None if saved or session.last_error is None
                    else session.last_error.message.to_json(),
                    "recovery_file": None if saved else str(Path(session.journal.path))})
    else:
        print(done.description().text(lang))
        for c in done.changes:
            old, new = format_value(c.field, c.old), format_value(c.field, c.new)
            print(f"  {c.field}: {old} -> {new}")
    if not saved:
        print_err(f"ecozone: {session.status().text(lang)}")
        return 1
    return 0
