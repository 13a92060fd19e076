"""The push: this laptop's changes to the server, in one server transaction.

The push carries an id, written first into ``sync_pushes`` in the same transaction: a push
repeated after a cut connection or a crash finds that row (the first attempt committed) and
gets the stored result back instead of being applied twice; if the first attempt did not
commit, nothing of it exists and the retry applies it.  Audit rows are also unique on
(batch, seq), so an edit's audit rows reach the server once whatever happens.

Per outfall, under a row lock (taken in code order, so concurrent pushes never deadlock):
fields changed only here are written; fields also changed on the server to another value
are conflicts and are not written; outfalls of another county (or any, for a planner) are
refused and reported per row, before the database's row-level security would refuse them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from geodata import gil_slices
from geodata.messages import Message
from models.sync.merge import FIELDS, GEOMETRY, ROW, decide_push, display, distance_m

_SELECT = ", ".join(["code", *(f'"{f}"' for f in FIELDS), "ST_X(geom)", "ST_Y(geom)",
                     "version", "changed_by", "changed_at"])
#: rows made into Python per fetch from the server (see fetch_rows)
FETCH_ROWS = 500


@dataclass
class PushPayload:
    push_id: str
    #: code → {"version": base version, "base": {field: v}, "mine": {field: v}} (changed only)
    edits: dict[str, dict[str, Any]] = field(default_factory=dict)
    new: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → full row
    deleted: dict[str, int] = field(default_factory=dict)  # code → base version
    audit: list[dict[str, Any]] = field(default_factory=list)
    photos_add: list[dict[str, Any]] = field(default_factory=list)
    photos_remove: list[str] = field(default_factory=list)
    #: code → county of the laptop's row (for new and deleted rows and their audit rows)
    county: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.edits or self.new or self.deleted or self.audit or self.photos_add
                    or self.photos_remove)


def server_row(r: tuple[Any, ...]) -> dict[str, Any]:
    """A fetched outfall (``_SELECT`` order) as {code, version, who, when, row}."""
    n = len(FIELDS)
    row = dict(zip(FIELDS, r[1:1 + n], strict=True))
    x, y = r[1 + n], r[2 + n]
    row[GEOMETRY] = None if x is None else [float(x), float(y)]
    when = r[5 + n]
    return {"code": str(r[0]), "version": int(r[3 + n]), "who": r[4 + n],
            "when": when.isoformat(timespec="seconds") if when is not None else None,
            "row": row}


def fetch_rows(con: Any, codes: Iterable[str], lock: bool = False) -> dict[str, dict[str, Any]]:
    codes = sorted(set(codes))
    if not codes:
        return {}
    q = f"SELECT {_SELECT} FROM outfalls WHERE code = ANY(%s) ORDER BY code"
    if lock:
        q += " FOR UPDATE"
    cur = con.execute(q, (codes,))
    out: dict[str, dict[str, Any]] = {}
    # a few hundred rows per call: psycopg makes the Python rows of one fetch in one C
    # call that holds the GIL (5 000 rows: ~25 ms the window's GUI thread stood still);
    # the GIL handed over between calls in a worker (a pull at 1M: a 23 ms gap without)
    for rows in gil_slices.fetched_slices(cur, FETCH_ROWS):
        out.update((s["code"], s) for s in map(server_row, rows))
    return out


def _refusal(code: str, county: str | None, user: Any) -> dict[str, Any]:
    if user.kind == "planner" or user.kind not in ("inspector", "admin"):
        msg = Message(f"{code}：规划人员账号只读，不能修改服务器数据",
                      f"{code}: a planner's account is read-only")
    else:
        msg = Message(f"{code}：属于区县 {county}，而您（{user.name}）只能修改 "
                      f"{user.county_code} 的排污口",
                      f"{code}: belongs to county {county}; you ({user.name}) may only "
                      f"change outfalls of {user.county_code}")
    return {"code": code, "county": county, "reason": msg.to_json()}


def _allowed(user: Any, county: str | None) -> bool:
    if user.kind == "admin":
        return True
    return user.kind == "inspector" and county is not None and county == user.county_code


def _set_clause(fields: list[str]) -> str:
    parts = [f'"{f}" = %s' for f in fields if f != GEOMETRY]
    if GEOMETRY in fields:
        parts.append("geom = ST_SetSRID(ST_MakePoint(%s, %s), 4490)")
    return ", ".join(parts)


def _params(fields: list[str], values: dict[str, Any]) -> list[Any]:
    out = [values[f] for f in fields if f != GEOMETRY]
    if GEOMETRY in fields:
        xy = values[GEOMETRY]
        out += [None, None] if xy is None else [float(xy[0]), float(xy[1])]
    return out


def push(con: Any, payload: PushPayload, progress: Any = None) -> dict[str, Any]:
    """Apply ``payload`` on the server in one transaction (``con`` in autocommit mode, so
    the ``with`` block is exactly that transaction); returns the result, also stored."""
    from geodata.pg.users import whoami

    with con.transaction():
        user = whoami(con)
        if user.kind not in ("inspector", "admin"):  # read-only: refuse every row, write nothing
            codes = sorted(set(payload.edits) | set(payload.new) | set(payload.deleted))
            return {"push_id": payload.push_id, "user": user.to_dict(), "rows": {},
                    "applied": {}, "conflicts": [], "replayed": False, "read_only": True,
                    "refused": [_refusal(c, payload.county.get(c), user) for c in codes]}
        fresh = con.execute("INSERT INTO sync_pushes (push_id, result) VALUES (%s, '{}') "
                            "ON CONFLICT (push_id) DO NOTHING RETURNING push_id",
                            (payload.push_id,)).fetchone()
        if fresh is None:
            stored = con.execute("SELECT result FROM sync_pushes WHERE push_id=%s",
                                 (payload.push_id,)).fetchone()
            result = dict(stored[0]) if stored else {}
            result["replayed"] = True
            return result
        result = _apply(con, payload, user, progress)
        con.execute("UPDATE sync_pushes SET result=%s WHERE push_id=%s",
                    (gil_slices.json_object(result), payload.push_id))
    result["replayed"] = False
    return result


def _apply(con: Any, p: PushPayload, user: Any, progress: Any) -> dict[str, Any]:
    codes = set(p.edits) | set(p.new) | set(p.deleted)
    lookup = codes | {a["outfall_code"] for a in p.audit} | \
        {x["outfall_code"] for x in p.photos_add}
    county = {str(c): k for c, k in con.execute(
        "SELECT code, county_code FROM outfalls WHERE code = ANY(%s)", (sorted(lookup),))}
    refused: list[dict[str, Any]] = []
    ok: set[str] = set()
    for code in sorted(codes):
        where = county.get(code, p.county.get(code))
        if _allowed(user, where):
            ok.add(code)
        else:
            refused.append(_refusal(code, where, user))
    if progress:
        progress(0.2)
    theirs = fetch_rows(con, (c for c in ok if c in county), lock=True)
    conflicts: list[dict[str, Any]] = []
    applied: dict[str, list[str]] = {}
    writes: dict[tuple[str, ...], list[list[Any]]] = {}
    for code, e in p.edits.items():
        if code not in ok:
            continue
        t = theirs.get(code)
        if t is None:  # deleted on the server meanwhile
            conflicts.append(_row_conflict(code, "deleted_theirs", e["mine"], None,
                                           _deletion(con, code)))
            continue
        mine = dict(e["base"])
        mine.update(e["mine"])
        write, clash = decide_push(e["base"], mine, t["row"], list(e["mine"]))
        conflicts += [_field_conflict(code, f, e["base"].get(f), mine.get(f), t) for f in clash]
        if write:
            names = tuple(sorted(write))
            writes.setdefault(names, []).append([*_params(list(names), write), code])
            applied[code] = list(names)
        applied.setdefault(code, [])
        applied[code] += [f for f in e["mine"] if f not in write and f not in clash]
    for names, rows in writes.items():
        con.cursor().executemany(
            f"UPDATE outfalls SET {_set_clause(list(names))} WHERE code = %s", rows)
    if progress:
        progress(0.5)
    inserted = _insert_new(con, p, ok, theirs, county, conflicts, applied)
    deleted = _delete(con, p, ok, theirs, county, conflicts)
    audit = _audit(con, p, county, refused, user)
    photos = _photos(con, p, county, refused, user)
    touched = set(applied) | {c["code"] for c in conflicts if c["kind"] != "deleted_theirs"}
    after = fetch_rows(con, touched)
    if progress:
        progress(0.9)
    return {"push_id": p.push_id, "user": user.to_dict(), "rows": after, "applied": applied,
            "conflicts": conflicts, "refused": refused, "inserted": inserted,
            "deleted": deleted, "audit_rows": audit["sent"],
            "audit_inserted": audit["inserted"], "batches": audit["batches"],
            "batches_refused": audit["batches_refused"], "photos": photos}


def _deletion(con: Any, code: str) -> dict[str, Any]:
    row = con.execute("SELECT deleted_by, deleted_at FROM outfall_deletions WHERE code=%s "
                      "ORDER BY deleted_at DESC LIMIT 1", (code,)).fetchone()
    if row is None:
        return {"who": None, "when": None, "row": None, "version": None}
    return {"who": row[0], "when": row[1].isoformat(timespec="seconds"), "row": None,
            "version": None}


def _field_conflict(code: str, f: str, base: Any, mine: Any, t: dict[str, Any]
                    ) -> dict[str, Any]:
    theirs = t["row"].get(f)
    return {"code": code, "field": f, "kind": "move" if f == GEOMETRY else "field",
            "base": base, "mine": mine, "theirs": theirs, "who": t["who"], "when": t["when"],
            "distance_m": distance_m(mine, theirs) if f == GEOMETRY else None}


def _row_conflict(code: str, kind: str, mine: Any, base: Any, t: dict[str, Any]
                  ) -> dict[str, Any]:
    words = {"deleted_theirs": ("本机已修改", "服务器上已删除"),
             "deleted_mine": ("本机已删除", "服务器上已修改"),
             "new_both": ("本机新增", "服务器上已有同编码排污口")}[kind]
    return {"code": code, "field": ROW, "kind": kind, "base": base, "mine": words[0],
            "theirs": words[1], "who": t.get("who"), "when": t.get("when"),
            "distance_m": None, "theirs_row": t.get("row"), "mine_row": mine}


def _insert_new(con: Any, p: PushPayload, ok: set[str], theirs: dict[str, Any],
                county: dict[str, Any], conflicts: list[dict[str, Any]],
                applied: dict[str, list[str]]) -> list[str]:
    done: list[str] = []
    for code, row in sorted(p.new.items()):
        if code not in ok:
            continue
        if code in county:  # two new outfalls with one code
            t = theirs.get(code) or fetch_rows(con, [code])[code]
            conflicts.append(_row_conflict(code, "new_both", row, None, t))
            continue
        names = [f for f in FIELDS if f in row] + [GEOMETRY]
        cols = ", ".join(["code", *(f'"{f}"' for f in names if f != GEOMETRY), "geom"])
        marks = ", ".join(["%s"] * (len(names)) + ["ST_SetSRID(ST_MakePoint(%s, %s), 4490)"])
        con.execute(f"INSERT INTO outfalls ({cols}) VALUES ({marks})",
                    [code, *_params(names, row)])
        applied[code] = names
        done.append(code)
    return done


def _delete(con: Any, p: PushPayload, ok: set[str], theirs: dict[str, Any],
            county: dict[str, Any], conflicts: list[dict[str, Any]]) -> list[str]:
    done: list[str] = []
    for code, version in sorted(p.deleted.items()):
        if code not in ok or code not in county:
            continue  # refused, or already gone on the server
        t = theirs[code]
        if t["version"] != version:
            conflicts.append(_row_conflict(code, "deleted_mine", None, None, t))
            continue
        con.execute("DELETE FROM outfalls WHERE code=%s", (code,))
        done.append(code)
    return done


def _audit(con: Any, p: PushPayload, county: dict[str, Any], refused: list[dict[str, Any]],
           user: Any) -> dict[str, Any]:
    refused_codes = {r["code"] for r in refused}
    rows, sent_batches, held = [], set(), set()
    for a in p.audit:
        code = a["outfall_code"]
        if code in refused_codes or not _allowed(user, county.get(code, p.county.get(code))):
            held.add(a["batch"])
            continue
        rows.append((a["at"] or None, a["user"], code, a["action"], a["field"],
                     a["old_value"], a["new_value"], a["note"], a["batch"], a["seq"],
                     county.get(code, p.county.get(code)), p.push_id))
        sent_batches.add(a["batch"])
    before = con.execute("SELECT count(*) FROM inspections WHERE push_id=%s",
                         (p.push_id,)).fetchone()[0]
    if rows:
        con.cursor().executemany(
            'INSERT INTO inspections ("at", "user", outfall_code, "action", "field", '
            "old_value, new_value, note, batch, seq, county_code, push_id) VALUES "
            "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (batch, seq) DO NOTHING", rows)
    after = con.execute("SELECT count(*) FROM inspections WHERE push_id=%s",
                        (p.push_id,)).fetchone()[0]
    return {"sent": len(rows), "inserted": int(after - before),
            "batches": sorted(sent_batches | held),
            "batches_refused": sorted(held - sent_batches)}


def _photos(con: Any, p: PushPayload, county: dict[str, Any], refused: list[dict[str, Any]],
            user: Any) -> dict[str, list[str]]:
    refused_codes = {r["code"] for r in refused}
    added = []
    for ph in p.photos_add:
        code = ph["outfall_code"]
        if code in refused_codes or not _allowed(user, county.get(code, p.county.get(code))):
            continue
        con.execute(
            'INSERT INTO photos (photo_id, outfall_code, county_code, added_at, "user", '
            "filename, mime, note, data, thumb) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT (photo_id) DO NOTHING",
            (ph["photo_id"], code, county.get(code, p.county.get(code)), ph["added_at"],
             ph["user"], ph["filename"], ph["mime"], ph["note"], ph["data"], ph["thumb"]))
        added.append(ph["photo_id"])
    if p.photos_remove:
        con.execute("DELETE FROM photos WHERE photo_id = ANY(%s)", (list(p.photos_remove),))
    return {"added": added, "removed": list(p.photos_remove)}


def describe(c: dict[str, Any]) -> dict[str, Any]:
    """A conflict of a push result as text values (for JSON output and the local table)."""
    return {**c, "base": display(c["field"], c["base"]), "mine": display(c["field"], c["mine"])
            if c["kind"] in ("field", "move") else c["mine"],
            "theirs": display(c["field"], c["theirs"]) if c["kind"] in ("field", "move")
            else c["theirs"]}
