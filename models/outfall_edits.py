"""Outfall review edits: what an inspector changes, as reversible, serialisable objects.

An :class:`Edit` is a list of :class:`Change` (one field of one outfall, old → new; the
pseudo field ``geometry`` moves the point) plus the note, the photos added or removed, and
the action it records in the audit log (confirm, move, set, note, photo; undo and redo of
those).  ``inverse()`` gives the compensating edit an undo applies; ``again()`` the edit a
redo applies.  Each application is a new batch with its own id, so the audit log reads as
what happened, in order, and never has rows rewritten.

The constructors at the bottom (:func:`set_fields`, :func:`move`, …) validate values
against the vocabularies of :mod:`geodata.schema` and read the old values from the outfall
frame; they raise :class:`EditRejected` with a bilingual reason.  Qt-free.
"""

from __future__ import annotations

import base64
import uuid
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata import schema
from geodata.chinese_crs import to_cgcs2000
from geodata.io.messages import Message
from geodata.outfall_store import GEOMETRY, Photo
from models import key_lookup
from models.text_columns import CodeIndex, shared_text

ACTIONS_ZH = {"confirm": "确认位置", "move": "移动位置", "set": "修改属性", "note": "添加备注",
              "photo": "添加照片", "code": "赋予编码", "undo": "撤销", "redo": "重做"}
ACTIONS_EN = {"confirm": "confirm location", "move": "move", "set": "change attributes",
              "note": "add note", "photo": "add photo", "code": "set code", "undo": "undo",
              "redo": "redo"}
#: the pseudo field of a change that gives an outfall another code (its key)
CODE = "code"

#: Fields an inspector may change, with their vocabularies (None: free text).
EDITABLE: dict[str, tuple[str, ...] | None] = {
    "name_zh": None,
    "outfall_type": tuple(schema.OUTFALL_TYPES),
    "subtype": tuple(s for subs in schema.OUTFALL_TYPES.values() for s in subs),
    "receiving_water": None,
    "discharge_mode": schema.DISCHARGE_MODES,
    "responsible_party": None,
    "remediation": schema.REMEDIATION + ("",),
    "remediation_status": schema.REMEDIATION_STATUS,
    "review_status": schema.REVIEW_STATUS,
    "coord_source": schema.COORD_SOURCES,
}
#: English (and short) spellings accepted on the command line.
ALIASES: dict[str, dict[str, str]] = {
    "remediation": {"close": "取缔", "merge": "合并", "regularise": "规范",
                    "regularize": "规范", "none": ""},
    "remediation_status": {"not_started": "未启动", "in_progress": "整治中", "done": "已完成"},
    "review_status": {"pending": "待核查", "reviewed": "已核查", "confirmed": "已核查",
                      "doubtful": "位置存疑"},
    "outfall_type": {"industrial": "工业排污口", "wwtp": "城镇污水处理厂排污口",
                     "agricultural": "农业排口", "other": "其他排口"},
}
COORD_SOURCE_FOR_CRS = {"gcj02": "GCJ-02转换", "bd09": "BD-09转换"}


class EditRejected(ValueError):
    """An edit that cannot be made; carries a bilingual reason."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def format_value(fld: str, value: Any) -> str:
    """How a value is written in the audit log (and shown in the history)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if fld == GEOMETRY:
        lon, lat = value
        return f"{float(lon):.7f},{float(lat):.7f}"
    return str(value)


class Change(NamedTuple):
    """One field of one outfall, old → new.  A named tuple, not a frozen dataclass: an
    edit of 1 000 outfalls makes 1 000 of them on the GUI thread (and its undo 1 000
    more), and a frozen dataclass's ``__init__`` (four ``object.__setattr__``) took three
    times as long — ~1 ms of the edit's turn."""

    code: str
    field: str
    old: Any
    new: Any

    def inverted(self) -> Change:
        if self.field == CODE:  # after a new code, the outfall is known by it
            return Change(str(self.new), CODE, self.new, self.old)
        return Change(self.code, self.field, self.new, self.old)

    @property
    def renames(self) -> bool:
        return self.field == CODE


@dataclass(frozen=True)
class Edit:
    """One user action (possibly on many outfalls): changes, note, photos, audit action."""

    kind: str  # confirm, move, set, note, photo: what the user did originally
    changes: tuple[Change, ...] = ()
    codes: tuple[str, ...] = ()  # outfalls concerned (for notes and photos without changes)
    note: str = ""
    photos_add: tuple[Photo, ...] = ()
    photos_remove: tuple[Photo, ...] = ()
    action: str = ""  # audit action; defaults to kind; "undo"/"redo" for those
    batch: str = field(default_factory=lambda: uuid.uuid4().hex)
    user: str = ""
    at: str = ""

    def __post_init__(self) -> None:
        if not self.action:
            object.__setattr__(self, "action", self.kind)

    # an edit never changes (frozen): what is worked out from its changes is kept — an
    # edit of 1 000 outfalls asked ``renames`` nine times on the GUI thread
    @cached_property
    def _codes_seen(self) -> tuple[str, ...]:
        seen = dict.fromkeys(self.codes)
        seen.update(dict.fromkeys(c.code for c in self.changes))
        seen.update(dict.fromkeys(str(c.new) for c in self.changes if c.renames))
        seen.update(dict.fromkeys(p.outfall_code for p in self.photos_add + self.photos_remove))
        return tuple(seen)

    @property
    def all_codes(self) -> list[str]:
        return list(self._codes_seen)

    @cached_property
    def renames(self) -> bool:
        """Whether the edit gives an outfall another code (its key changes)."""
        return any(c.renames for c in self.changes)

    @cached_property
    def moves_points(self) -> bool:
        return any(c.field == GEOMETRY for c in self.changes)

    def inverse(self) -> Edit:
        """The compensating edit an undo applies (a new batch, audit action 'undo')."""
        # inverted in place of inverted() where no code changes (1 000 calls in an undo)
        return Edit(self.kind, tuple(Change(c.code, c.field, c.new, c.old)
                                     if c.field != CODE else c.inverted()
                                     for c in reversed(self.changes)), self.codes,
                    self.note, self.photos_remove, self.photos_add, "undo")

    def again(self) -> Edit:
        """The edit a redo applies (a new batch, audit action 'redo')."""
        return Edit(self.kind, self.changes, self.codes, self.note, self.photos_add,
                    self.photos_remove, "redo")

    def stamped(self, user: str) -> Edit:
        return replace(self, user=self.user or user, at=self.at or now_iso())

    def description(self) -> Message:
        """Short text for the undo menu and the status bar, e.g. 移动位置 PWK350582H0001."""
        codes = self.all_codes
        if self.renames:  # one outfall, two codes: say which became which
            c = next(c for c in self.changes if c.renames)
            codes = [f"{c.old} → {c.new}"]
        what = codes[0] if len(codes) == 1 else f"{len(codes)}"
        zh = f"{ACTIONS_ZH.get(self.kind, self.kind)} {what}" if len(codes) == 1 else \
            f"{ACTIONS_ZH.get(self.kind, self.kind)}（{what} 个排污口）"
        en = f"{ACTIONS_EN.get(self.kind, self.kind)} {what}" if len(codes) == 1 else \
            f"{ACTIONS_EN.get(self.kind, self.kind)} ({what} outfalls)"
        if self.action in ("undo", "redo"):
            zh = f"{ACTIONS_ZH[self.action]}：{zh}"
            en = f"{ACTIONS_EN[self.action]}: {en}"
        return Message(zh, en)

    # -- journal form -------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch, "kind": self.kind, "action": self.action, "user": self.user,
            "at": self.at, "note": self.note, "codes": list(self.codes),
            "changes": [[c.code, c.field, _jv(c.old), _jv(c.new)] for c in self.changes],
            "photos_add": [_photo_json(p) for p in self.photos_add],
            "photos_remove": [_photo_json(p) for p in self.photos_remove],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Edit:
        def val(f: str, v: Any) -> Any:
            return tuple(v) if f == GEOMETRY and v is not None else v

        return cls(
            kind=str(d["kind"]), action=str(d.get("action") or d["kind"]),
            changes=tuple(Change(str(c), str(f), val(f, o), val(f, n))
                          for c, f, o, n in d.get("changes", [])),
            codes=tuple(d.get("codes", [])), note=str(d.get("note", "")),
            photos_add=tuple(_photo_from(p) for p in d.get("photos_add", [])),
            photos_remove=tuple(_photo_from(p) for p in d.get("photos_remove", [])),
            batch=str(d["batch"]), user=str(d.get("user", "")), at=str(d.get("at", "")))


def _jv(v: Any) -> Any:
    if v is None or type(v) is str:  # the usual value: as it is (1 000 changes a journal entry)
        return v
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, tuple):
        return list(v)
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def _photo_json(p: Photo) -> dict[str, Any]:
    d = dict(p.__dict__)
    d["data"] = base64.b64encode(p.data).decode()
    d["thumb"] = None if p.thumb is None else base64.b64encode(p.thumb).decode()
    return d


def _photo_from(d: dict[str, Any]) -> Photo:
    d = dict(d)
    d["data"] = base64.b64decode(d.get("data") or "")
    d["thumb"] = None if d.get("thumb") is None else base64.b64decode(d["thumb"])
    return Photo(**d)


# -- constructors (validated) ---------------------------------------------------------------
def positions(frame: gpd.GeoDataFrame, codes: Sequence[str]) -> dict[str, int]:
    """Row positions of those of ``codes`` the frame has (a repeated code: its last row).
    Looks for the codes asked for, not a dictionary of the whole inventory (at 1M that
    was a third of a second of the GUI thread for every edit): by binary search in the
    sorted code index the inventory table made over this code column off the GUI thread
    (:meth:`models.text_columns.CodeIndex.over`), else by one pass over the column."""
    want = list(dict.fromkeys(c if type(c) is str else str(c) for c in codes))
    column = frame["code"]
    arr = shared_text(column)
    last = _last_positions
    if last is not None and last[0]() is frame and len(last[2]) == len(want) \
            and last[1] == set(want):
        # the same codes asked again of the same frame (an edit is built, then applied;
        # then undone, its changes in another order): reuse the lookup if those rows
        # still hold those codes — surely so if the column is the same Arrow array (the
        # entry holds it: its buffers cannot be another column's meanwhile)
        found = last[2]
        if arr is not None and last[3] is not None and \
                key_lookup.identity(arr) == key_lookup.identity(last[3]):
            return {c: found[c] for c in want}
        at = np.fromiter(found.values(), dtype=np.int64, count=len(found))
        if len(at) == 0 or (at.max() < len(column) and _codes_at(column, at) == list(found)):
            return {c: found[c] for c in want}
    index = CodeIndex.over(arr) if arr is not None else None
    if index is not None and index.pays_for(len(want)):
        rows = index.find_alone(want)
        if rows is not None:
            # each its code's only row: the map's patch and the table, told them, look
            # the same codes up in the same column no more (at 1M, ~2 ms a search)
            found = rows >= 0
            key_lookup.remember(arr, [c for c, f in zip(want, found, strict=True) if f],
                                rows[found])
        else:  # a code in several rows (the synthetic inventories): its last row
            rows = index.find(want, last=True)
        out = {c: r for c, r in zip(want, rows.tolist(), strict=True) if r >= 0}
    else:
        rows = key_lookup.rows_holding(column, want)
        out = dict(zip(_codes_at(column, rows), np.asarray(rows, dtype=np.int64).tolist(),
                       strict=True))
    try:
        globals()["_last_positions"] = (weakref.ref(frame), set(want), dict(out), arr)
    except TypeError:  # a frame that takes no weak reference: no reuse
        pass
    return out


def _codes_at(column: Any, rows: Any) -> list[str]:
    """The codes (as text) at row positions ``rows`` of a code column: by Arrow's take when
    the column is Arrow text (a third of pandas' take and ``tolist`` for 1 000 rows)."""
    values = column.array
    to_arrow = getattr(values, "__arrow_array__", None)
    if isinstance(values.dtype, pd.StringDtype) and to_arrow is not None:
        return [c if type(c) is str else str(c) for c in to_arrow().take(
            np.asarray(rows, dtype=np.int64)).to_pylist()]
    return column.take(rows).astype(str).tolist()


#: (frame, codes asked, answer, the code column's Arrow array or None) of the last
#: :func:`positions` lookup (GUI thread).
_last_positions: tuple[Any, set[str], dict[str, int], Any] | None = None


def _rows(frame: gpd.GeoDataFrame, codes: Sequence[str]) -> dict[str, int]:
    if not codes:
        raise EditRejected(Message("未选择排污口。", "no outfall selected."))
    pos = positions(frame, codes)
    unknown = [c for c in codes if c not in pos]
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise EditRejected(Message(f"未知排污口编码：{shown}", f"unknown outfall code: {shown}"))
    return {c: pos[c] for c in dict.fromkeys(codes)}


def normalise_value(fld: str, value: str) -> str:
    """Validate ``value`` for ``fld`` (accepting English aliases); raise EditRejected."""
    if fld not in EDITABLE:
        names = ", ".join(EDITABLE)
        raise EditRejected(Message(f"字段“{fld}”不可编辑（可编辑：{names}）",
                                   f"field '{fld}' is not editable (editable: {names})"))
    vocab = EDITABLE[fld]
    v = str(value).strip()
    v = ALIASES.get(fld, {}).get(v.lower(), v)
    if vocab is not None and v not in vocab:
        label = next((f.label_zh for f in schema.OUTFALL_FIELDS if f.name == fld), fld)
        valid = ", ".join(x for x in vocab if x) + (
            " (" + ", ".join(ALIASES[fld]) + ")" if fld in ALIASES else "")
        raise EditRejected(Message(f"“{value}”不是有效的{label}；可选值：{valid}",
                                   f"'{value}' is not a valid {fld}; valid values: {valid}"))
    return v


def set_fields(frame: gpd.GeoDataFrame, codes: Sequence[str], values: dict[str, str],
               note: str = "", kind: str = "set") -> Edit:
    """Set fields (validated) on one or many outfalls; unchanged values are skipped."""
    rows = _rows(frame, codes)
    clean = {f: normalise_value(f, v) for f, v in values.items()}
    missing = [f for f in clean if f not in frame.columns]
    if missing:
        raise EditRejected(Message(f"工作空间的排污口图层缺少字段：{', '.join(missing)}",
                                   f"the workspace's outfalls lack fields: {', '.join(missing)}"))
    changes = []
    for code, i in rows.items():
        for f, v in clean.items():
            old = frame[f].iloc[i]
            old = None if old is None or (isinstance(old, float) and old != old) else str(old)
            if (old or "") != v:
                changes.append(Change(code, f, old, v))
    if not changes and not note:
        raise EditRejected(Message("没有需要修改的内容（值未变）。", "nothing to change (same values)."))
    return Edit(kind, tuple(changes), tuple(rows), note)


def set_code(frame: gpd.GeoDataFrame, code: str, new_code: str, note: str = "") -> Edit:
    """Give an outfall its real code (typically one imported with a provisional code).

    An ordinary edit: undoable, journaled, saved with an audit row -- written on the new code
    and naming the old one, so the record's history follows the outfall
    (``EditSession.history``).
    """
    _rows(frame, [code])
    new = str(new_code).strip()
    try:
        schema.validate_outfall_code(new)
    except ValueError as exc:
        raise EditRejected(Message(f"“{new}”不是有效的排污口编码：应为 PWK + 6 位县区代码 + "
                                   "H（入海）/R（入河）+ 4 位序号，如 PWK350581H0012",
                                   str(exc))) from None
    if new == code:
        raise EditRejected(Message("没有需要修改的内容（编码未变）。",
                                   "nothing to change (same code)."))
    if new in set(frame["code"].astype(str)):
        raise EditRejected(Message(f"编码 {new} 已被另一个排污口使用",
                                   f"code {new} is already used by another outfall"))
    return Edit("code", (Change(code, CODE, code, new),), (code,), note)


def confirm_location(frame: gpd.GeoDataFrame, codes: Sequence[str], note: str = "") -> Edit:
    """Mark locations as checked (核查状态 → 已核查); recorded as action 'confirm'."""
    rows = _rows(frame, codes)
    olds = frame["review_status"].take(np.fromiter(rows.values(), np.int64, len(rows))) \
        .tolist() if "review_status" in frame else [None] * len(rows)
    return Edit("confirm", tuple(
        Change(code, "review_status",
               old if type(old) is str else _text_or_none(old), "已核查")
        for code, old in zip(rows, olds, strict=True)), tuple(rows), note)


def _text_or_none(v: Any) -> str | None:
    return None if v is None or (isinstance(v, float) and v != v) else str(v)


def move(frame: gpd.GeoDataFrame, code: str, lon: float, lat: float, crs: str = "cgcs2000",
         note: str = "") -> Edit:
    """Move one outfall to (lon, lat) given in ``crs`` (converted to CGCS2000)."""
    rows = _rows(frame, [code])
    try:
        x, y = to_cgcs2000(float(lon), float(lat), crs)
    except ValueError as exc:
        raise EditRejected(Message(f"未知坐标系“{crs}”（可选 cgcs2000, wgs84, gcj02, bd09）",
                                   str(exc))) from None
    x, y = float(x), float(y)
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise EditRejected(Message(f"({lon}, {lat}) 不是有效的经纬度", f"({lon}, {lat}) is not a "
                                   "longitude/latitude"))
    g = frame.geometry.iloc[rows[code]]
    old = None if g is None or g.is_empty else (float(g.x), float(g.y))
    changes = [Change(code, GEOMETRY, old, (round(x, 8), round(y, 8)))]
    src = COORD_SOURCE_FOR_CRS.get(crs.lower().replace("-", "").replace("_", ""))
    if src and "coord_source" in frame.columns:
        cur = frame["coord_source"].iloc[rows[code]]
        if cur != src:
            changes.append(Change(code, "coord_source", None if cur != cur else cur, src))
    return Edit("move", tuple(changes), (code,), note)


def add_note(frame: gpd.GeoDataFrame, codes: Sequence[str], text: str) -> Edit:
    if not text.strip():
        raise EditRejected(Message("备注为空。", "the note is empty."))
    return Edit("note", (), tuple(_rows(frame, codes)), text.strip())


def add_photo(frame: gpd.GeoDataFrame, code: str, filename: str, data: bytes, mime: str,
              thumb: bytes | None = None, note: str = "", user: str = "") -> Edit:
    _rows(frame, [code])
    if not data:
        raise EditRejected(Message(f"照片文件 {filename} 为空。", f"photo file {filename} is empty."))
    photo = Photo(uuid.uuid4().hex, code, now_iso(), user, filename, mime, note, data, thumb)
    return Edit("photo", (), (code,), note, photos_add=(photo,))


def codes_of(edits: Iterable[Edit]) -> list[str]:
    out: dict[str, None] = {}
    for e in edits:
        out.update(dict.fromkeys(e.all_codes))
    return list(out)
