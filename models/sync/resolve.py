"""Resolving a conflict: keep mine or take theirs, for one field (or whole outfall).

- ``theirs``: the laptop takes the server's value (for a whole-row conflict: the server's
  outfall, or its deletion); nothing is sent back.
- ``mine``: the laptop's value stays and the next sync pushes it over the server's; if the
  server changed that field *again* meanwhile, that push is a new conflict, never a silent
  overwrite.

Either way the decision is an edit of its own: an audit row (action ``resolve``) that
reaches the server with the next sync.  One SQLite transaction.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from geodata import gpkg_sql
from geodata.messages import Message
from models.sync import local
from models.sync.engine import _write, now_iso, tell_workspace
from models.sync.merge import GEOMETRY, ROW
from models.sync.pull import PullOutcome


class ResolveError(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


def list_conflicts(path: Path | str) -> list[dict[str, Any]]:
    con = gpkg_sql.connect(path, readonly=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name=?",
                           (local.CONFLICTS,)).fetchone():
            raise ResolveError(Message(f"{path} 不是检出的工作空间（没有同步信息）",
                                       f"{path} is not a checkout (no sync state)"))
        rows = local.open_conflicts(con)
    finally:
        con.close()
    for r in rows:
        r.pop("theirs_row", None)
    return rows


def resolve(path: Path | str, code: str, field: str, choice: str, user: str,
            ws: Any = None) -> dict[str, Any]:
    """Resolve the open conflict on ``code``/``field`` with ``choice`` 'mine' or 'theirs'."""
    if choice not in ("mine", "theirs"):
        raise ResolveError(Message(f"“{choice}”无效：请选 mine（保留本机）或 theirs（采用服务器）",
                                   f"'{choice}' is not valid: mine or theirs"))
    out = PullOutcome()

    def run(con: Any) -> dict[str, Any]:
        found = [c for c in local.open_conflicts(con) if c["code"] == code]
        hit = next((c for c in found if c["field"] == field), None)
        if hit is None:
            there = ", ".join(c["field"] for c in found) or "—"
            raise ResolveError(Message(
                f"{code} 的字段 {field} 没有待解决的冲突（该排污口的冲突字段：{there}）",
                f"no open conflict on field {field} of {code} (its conflicts: {there})"))
        base = local.read_base(con, [code])
        if hit["kind"] in ("field", "move"):
            _field(con, hit, choice, base, out)
        else:
            _row(con, hit, choice, base, out)
        local.drop_conflict(con, code, field)
        now = now_iso()
        batch = uuid.uuid4().hex
        local.insert_audit(con, [{
            "at": now, "user": user, "outfall_code": code, "action": "resolve",
            "field": field, "old_value": hit["mine"] if choice == "theirs" else hit["theirs"],
            "new_value": hit["theirs"] if choice == "theirs" else hit["mine"],
            "note": "冲突解决：" + ("采用服务器的值" if choice == "theirs" else "保留本机的值"),
            "batch": batch}])
        return {"code": code, "field": field, "choice": choice, "kind": hit["kind"],
                "value": hit["theirs"] if choice == "theirs" else hit["mine"]}

    result: dict[str, Any] = _write(Path(path), run)
    if ws is not None and (out.updated or out.added or out.removed):
        tell_workspace(ws, out)
    elif ws is not None:
        ws.reload_table("inspections")
    return result


def _field(con: Any, hit: dict[str, Any], choice: str, base: dict[str, Any],
           out: PullOutcome) -> None:
    if choice == "mine":
        return  # mine stays; base is the server's value, so the next push sends it
    code, field = hit["code"], hit["field"]
    value = base[code][1].get(field)
    local.update_local(con, {code: {field: value}})
    out.updated[code] = {field: value}


def _row(con: Any, hit: dict[str, Any], choice: str, base: dict[str, Any],
         out: PullOutcome) -> None:
    code, kind = hit["code"], hit["kind"]
    theirs = json.loads(hit["theirs_row"]) if hit.get("theirs_row") else None
    if kind == "deleted_theirs":
        if choice == "theirs":
            local.delete_local(con, [code])
            out.removed.append(code)
        local.delete_base(con, [code])  # mine: pushed again as a new outfall
        return
    assert theirs is not None
    version = int(theirs.pop("version"))
    if kind == "deleted_mine" and choice == "theirs":
        local.insert_local(con, {code: theirs})
        out.added.append(code)
    elif kind == "new_both" and choice == "theirs":
        values = {k: v for k, v in theirs.items() if k != "county_code" or v}
        local.update_local(con, {code: values})
        out.updated[code] = values
    local.write_base(con, {code: (version, theirs)})
    # deleted_mine + mine: base now at the server's version, so the push deletes it;
    # new_both + mine: base is theirs, so the push writes mine's differing fields over it.


__all__ = ["GEOMETRY", "ROW", "ResolveError", "list_conflicts", "resolve"]
