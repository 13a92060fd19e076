"""The pull: others' changes from the server into this laptop's workspace.

Which outfalls changed is found by comparing every server version of the checkout's scope
with the base versions (not by a "changed since" time stamp, which misses transactions that
commit out of order); only those rows are fetched.  Each is merged field by field
(:func:`models.sync.merge.merge_row`): others' changes are taken, this laptop's unpushed
changes kept, real conflicts recorded.  Rows deleted on the server disappear here unless
this laptop edited them (then: a conflict).  Others' audit rows come along.  The caller
writes everything in one SQLite transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geodata import gil_slices
from models.sync import local, versions
from models.sync.merge import GEOMETRY, ROW, changed, distance_m, merge_row, same
from models.sync.push import fetch_rows
from models.sync.versions import Versions


@dataclass
class PullOutcome:
    updated: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → taken values
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    audit_rows: int = 0
    photos: int = 0  # photos added or removed

    @property
    def moved(self) -> bool:
        return any(GEOMETRY in v for v in self.updated.values())


def scope_clause(county: str | None) -> tuple[str, tuple[Any, ...]]:
    return ("WHERE county_code = %s", (county,)) if county else ("", ())


def fetch(con: Any, county: str | None, base: Versions,
          known_batches: set[str], progress: Any = None,
          known_photos: set[str] | None = None) -> dict[str, Any]:
    """Read what the pull needs from the server (one read-only snapshot transaction)."""
    where, params = scope_clause(county)
    with con.transaction():
        con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        theirs = Versions.read(con.execute(f"SELECT code, version FROM outfalls {where}", params))
        todo = versions.to_fetch(theirs, base)
        rows: dict[str, Any] = {}
        for i in range(0, len(todo), 5000):
            rows.update(fetch_rows(con, todo[i:i + 5000]))
            if progress:
                progress(min(0.9, 0.1 + 0.8 * (i + 5000) / max(1, len(todo))))
        gone = versions.gone(theirs, base)
        deletions = {}
        if gone:
            deletions = {str(c): {"who": w, "when": t.isoformat(timespec="seconds")}
                         for c, w, t in con.execute(
                             "SELECT DISTINCT ON (code) code, deleted_by, deleted_at FROM "
                             "outfall_deletions WHERE code = ANY(%s) ORDER BY code, "
                             "deleted_at DESC", (gone,))}
        batches = [str(b) for (b,) in
                   con.execute(f"SELECT DISTINCT batch FROM inspections {where}", params)]
        missing = sorted(set(batches) - known_batches)
        audit = []
        if missing:
            cols = ("at", "user", "outfall_code", "action", "field", "old_value", "new_value",
                    "note", "batch")
            sel = ", ".join(f'"{c}"' for c in cols)
            for r in gil_slices.fetched(con.execute(
                    f"SELECT {sel} FROM inspections WHERE batch = ANY(%s) ORDER BY id",
                    (missing,))):
                rec = dict(zip(cols, r, strict=True))
                if rec["at"] is not None:
                    rec["at"] = rec["at"].isoformat(timespec="seconds")
                audit.append(rec)
        photos, photos_gone = _photos(con, where, params, known_photos or set())
    return {"rows": rows, "gone": gone, "deletions": deletions, "audit": audit,
            "batches": missing, "photos": photos, "photos_gone": photos_gone}


_PHOTO_COLUMNS = ("photo_id", "outfall_code", "added_at", "user", "filename", "mime", "note",
                  "data", "thumb")


def _photos(con: Any, where: str, params: tuple[Any, ...], known: set[str]
            ) -> tuple[list[dict[str, Any]], list[str]]:
    """Others' photos this laptop lacks, and photos the server no longer has."""
    there = {str(p) for (p,) in con.execute(f"SELECT photo_id FROM photos {where}", params)}
    new = sorted(there - known)
    rows: list[dict[str, Any]] = []
    if new:
        sel = ", ".join(f'"{c}"' for c in _PHOTO_COLUMNS)
        rows = [dict(zip(_PHOTO_COLUMNS, r, strict=True)) for r in con.execute(
            f"SELECT {sel} FROM photos WHERE photo_id = ANY(%s) ORDER BY fid", (new,))]
    return rows, sorted(known - there)


def apply(con: Any, fetched: dict[str, Any], now: str) -> PullOutcome:
    """Merge what :func:`fetch` read into the workspace (inside the caller's transaction)."""
    out = PullOutcome()
    codes = set(fetched["rows"]) | set(fetched["gone"])
    base = local.read_base(con, codes)
    current = local.read_current(con, codes)
    open_keys = local.conflict_keys(con)
    new_base: dict[str, tuple[int, dict[str, Any]]] = {}
    inserts: dict[str, dict[str, Any]] = {}
    for code, t in fetched["rows"].items():
        mine = current.get(code)
        if code in base:
            if mine is None:  # deleted here, changed there
                _conflict(con, out, code, "deleted_mine", t, now)
                continue
            if (code, ROW) in open_keys:
                continue
            own = {f for c, f in open_keys if c == code}
            for f in own:  # open conflicts: update theirs, or close when both now agree
                if same(f, mine.get(f), t["row"].get(f)):
                    local.drop_conflict(con, code, f)
                else:
                    theirs = t["row"].get(f)
                    local.record_conflict(
                        con, code, f, "move" if f == GEOMETRY else "field", None, mine.get(f),
                        theirs, t["who"], t["when"], now=now,
                        distance=distance_m(mine.get(f), theirs) if f == GEOMETRY else None)
            m = merge_row(code, base[code][1], mine, t["row"], skip=own)
            if m.take:
                out.updated[code] = m.take
            for c in m.conflicts:
                local.record_conflict(
                    con, code, c.field, "move" if c.field == GEOMETRY else "field", c.base,
                    c.mine, c.theirs, t["who"], t["when"], distance=c.distance_m, now=now)
                out.conflicts.append({"code": code, "field": c.field})
            new_base[code] = (t["version"], t["row"])
        elif mine is not None:  # new here and new there with one code
            if not changed(t["row"], mine):
                new_base[code] = (t["version"], t["row"])
            else:
                _conflict(con, out, code, "new_both", t, now)
        else:
            inserts[code] = t["row"]
            new_base[code] = (t["version"], t["row"])
    removed = []
    for code in fetched["gone"]:
        mine = current.get(code)
        if mine is not None and changed(base[code][1], mine):
            if (code, ROW) not in open_keys:
                d = fetched["deletions"].get(code, {})
                local.record_conflict(con, code, ROW, "deleted_theirs", None, "本机已修改",
                                      "服务器上已删除", d.get("who"), d.get("when"), now=now)
                out.conflicts.append({"code": code, "field": ROW})
            continue
        removed.append(code)
    local.update_local(con, out.updated)
    local.insert_local(con, inserts)
    local.delete_local(con, [c for c in removed if c in current])
    local.delete_base(con, removed)
    local.write_base(con, new_base)
    out.added = sorted(inserts)
    out.removed = sorted(c for c in removed if c in current)
    out.audit_rows = local.insert_audit(con, fetched["audit"])
    local.mark_batches(con, fetched["batches"], "pulled", None)
    photos = fetched.get("photos", [])
    con.executemany(
        'INSERT OR IGNORE INTO "photos" (photo_id, outfall_code, added_at, user, filename, '
        "mime, note, data, thumb) VALUES (?,?,?,?,?,?,?,?,?)",
        [tuple(p[c] for c in _PHOTO_COLUMNS) for p in photos])
    gone_photos = fetched.get("photos_gone", [])
    con.executemany('DELETE FROM "photos" WHERE photo_id=?', [(p,) for p in gone_photos])
    local.mark_photos(con, [p["photo_id"] for p in photos], gone_photos)
    out.photos = len(photos) + len(gone_photos)
    return out


def _conflict(con: Any, out: PullOutcome, code: str, kind: str, t: dict[str, Any],
              now: str) -> None:
    mine, theirs = {"deleted_mine": ("本机已删除", "服务器上已修改"),
                    "new_both": ("本机新增", "服务器上已有同编码排污口")}[kind]
    local.record_conflict(con, code, ROW, kind, None, mine, theirs, t["who"], t["when"],
                          theirs_row={"version": t["version"], **t["row"]}, now=now)
    out.conflicts.append({"code": code, "field": ROW})


__all__ = ["PullOutcome", "apply", "distance_m", "fetch"]
