"""A print layout (专题图版式): paper, extent, scale and the items on the page, saved by name.

Qt-free.  The window's print dialog, the ``print`` and ``atlas`` commands and the atlas
all read the same :class:`PrintLayout`; the Qt side (:mod:`ui.printing`) draws it.  Layouts
live in the workspace GeoPackage as a plain table ``print_layouts`` (name + JSON), an
attributes table QGIS lists as it is, so a layout saved once is there next time.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from geodata.messages import Message

#: ISO 216 A series, millimetres, portrait (width, height).
PAPERS: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0), "A3": (297.0, 420.0), "A2": (420.0, 594.0),
    "A1": (594.0, 841.0), "A0": (841.0, 1189.0),
}
ORIENTATIONS = ("landscape", "portrait")
FORMATS = (".pdf", ".png", ".tif", ".tiff")
#: Items that can be switched on and off, in the order the dialog lists them.
ITEMS = ("legend", "scale_bar", "north_arrow", "graticule", "overview", "source", "date",
         "notice", "text_box")
EXTENT_MODES = ("bbox", "feature", "full")
TABLE = "print_layouts"
MM_PER_INCH = 25.4


class LayoutError(ValueError):
    """A layout that cannot be made: carries the bilingual one-line reason."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.zh)
        self.message = message

    def text(self, lang: str) -> str:
        return self.message.text(lang)


@dataclass
class PrintLayout:
    """Everything that decides what one printed page shows.

    ``bbox`` is lon/lat (CGCS2000) ``(x0, y0, x1, y1)`` when ``extent`` is "bbox"; for
    "feature" the map shows ``feature_layer``'s feature ``feature_key`` (code, or fid)
    with ``margin`` (a fraction of its size) around it.  ``scale`` 0 fits the extent to
    the frame; otherwise the map is drawn at 1:``scale`` around the extent's centre.
    """

    name: str = ""
    paper: str = "A4"
    orientation: str = "landscape"
    title: str = ""
    subtitle: str = ""
    extent: str = "full"
    bbox: tuple[float, float, float, float] | None = None
    feature_layer: str = ""
    feature_key: str = ""
    margin: float = 0.1
    scale: float = 0.0
    dpi: int = 300
    items: dict[str, bool] = field(default_factory=lambda: {k: k != "text_box" for k in ITEMS})
    text: str = ""
    source: str = ""

    # -- paper ---------------------------------------------------------------------------
    def page_mm(self) -> tuple[float, float]:
        """(width, height) of the page in millimetres, oriented."""
        w, h = PAPERS[self.paper]
        return (h, w) if self.orientation == "landscape" else (w, h)

    def page_points(self) -> tuple[float, float]:
        """(width, height) in PostScript points (1/72 inch), what a PDF MediaBox holds."""
        w, h = self.page_mm()
        return w / MM_PER_INCH * 72.0, h / MM_PER_INCH * 72.0

    def page_pixels(self, dpi: float | None = None) -> tuple[int, int]:
        w, h = self.page_mm()
        d = float(dpi or self.dpi)
        return int(round(w / MM_PER_INCH * d)), int(round(h / MM_PER_INCH * d))

    def shows(self, item: str) -> bool:
        return bool(self.items.get(item, item != "text_box"))

    # -- checks and JSON -----------------------------------------------------------------
    def validate(self) -> PrintLayout:
        """Raise :class:`LayoutError` naming the bad field; return self when sound."""
        if self.paper not in PAPERS:
            raise LayoutError(Message(f"未知纸张“{self.paper}”，可选 {'、'.join(PAPERS)}",
                                      f"unknown paper '{self.paper}'; choose "
                                      f"{', '.join(PAPERS)}"))
        if self.orientation not in ORIENTATIONS:
            raise LayoutError(Message(f"方向“{self.orientation}”应为 landscape 或 portrait",
                                      f"orientation '{self.orientation}' must be landscape "
                                      "or portrait"))
        if not 50 <= int(self.dpi) <= 1200:
            raise LayoutError(Message(f"分辨率 {self.dpi} dpi 应在 50–1200 之间",
                                      f"--dpi {self.dpi} must be between 50 and 1200"))
        if self.extent not in EXTENT_MODES:
            raise LayoutError(Message(f"范围方式“{self.extent}”未知", f"unknown extent "
                                      f"mode '{self.extent}'"))
        if self.extent == "bbox":
            check_bbox(self.bbox)
        if self.extent == "feature" and not (self.feature_layer and self.feature_key):
            raise LayoutError(Message("按要素定范围时须指定图层和要素",
                                      "an extent by feature needs a layer and a feature"))
        if self.scale and not 100 <= float(self.scale) <= 50_000_000:
            raise LayoutError(Message(f"比例尺 1:{self.scale:g} 超出范围（1:100–1:5000万）",
                                      f"scale 1:{self.scale:g} is out of range "
                                      "(1:100 to 1:50,000,000)"))
        if not 0 <= float(self.margin) <= 5:
            raise LayoutError(Message("边距应在 0–5 倍之间", "margin must be between 0 and 5"))
        return self

    def to_json(self) -> str:
        d = asdict(self)
        d["bbox"] = list(self.bbox) if self.bbox is not None else None
        return json.dumps(d, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PrintLayout:
        """A layout from its JSON; unknown keys (a newer version) are ignored."""
        raw = json.loads(text)
        known = {f.name for f in fields(cls)}
        d: dict[str, Any] = {k: v for k, v in raw.items() if k in known}
        if d.get("bbox") is not None:
            d["bbox"] = tuple(float(v) for v in d["bbox"])
        items = {k: k != "text_box" for k in ITEMS}
        items.update({str(k): bool(v) for k, v in (d.get("items") or {}).items()})
        d["items"] = items
        return cls(**d)


def check_bbox(bbox: tuple[float, float, float, float] | None) -> tuple[float, ...]:
    if bbox is None or len(bbox) != 4:
        raise LayoutError(Message("范围应为 x0,y0,x1,y1（经纬度）",
                                  "--bbox must be x0,y0,x1,y1 (lon/lat)"))
    x0, y0, x1, y1 = bbox
    if not (-180 <= x0 < x1 <= 180 and -85 <= y0 < y1 <= 85):
        raise LayoutError(Message(f"范围 {x0},{y0},{x1},{y1} 不是经纬度范围（最小值 < 最大值）",
                                  f"--bbox {x0},{y0},{x1},{y1} is not a lon/lat box with "
                                  "min < max"))
    return tuple(bbox)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        vals = tuple(float(v) for v in text.split(","))
    except ValueError:
        vals = ()
    if len(vals) != 4:
        raise LayoutError(Message(f"范围“{text}”应为 x0,y0,x1,y1（经纬度）",
                                  f"--bbox '{text}' must be x0,y0,x1,y1 (lon/lat)"))
    check_bbox(vals)  # type: ignore[arg-type]
    return vals  # type: ignore[return-value]


# -- the workspace table ---------------------------------------------------------------
def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    from geodata import gpkg_sql

    return gpkg_sql.connect(path, readonly=readonly)


def _has_table(con: sqlite3.Connection) -> bool:
    return con.execute("select 1 from sqlite_master where type='table' and name=?",
                       (TABLE,)).fetchone() is not None


def list_layouts(path: Path | str) -> list[str]:
    """Names of the layouts saved in the workspace, sorted."""
    con = _connect(Path(path), readonly=True)
    try:
        if not _has_table(con):
            return []
        return [str(r[0]) for r in con.execute(f"select name from {TABLE} order by name")]
    finally:
        con.close()


def load_layout(path: Path | str, name: str) -> PrintLayout:
    con = _connect(Path(path), readonly=True)
    try:
        row = con.execute(f"select spec from {TABLE} where name=?", (name,)).fetchone() \
            if _has_table(con) else None
    finally:
        con.close()
    if row is None:
        raise LayoutError(Message(f"工作空间中没有名为“{name}”的版式",
                                  f"the workspace has no print layout named '{name}'"))
    layout = PrintLayout.from_json(str(row[0]))
    layout.name = name
    return layout


def save_layout(path: Path | str, layout: PrintLayout) -> None:
    """Insert or replace ``layout`` under its name, in one transaction.

    The table is registered in ``gpkg_contents`` as an attributes table, so QGIS and GDAL
    list it like the workspace's other plain tables.
    """
    if not layout.name.strip():
        raise LayoutError(Message("版式须有名称", "a print layout needs a name"))
    layout.validate()
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    con = _connect(Path(path), readonly=False)
    try:
        con.execute("BEGIN IMMEDIATE")
        if not _has_table(con):
            con.execute(f"create table {TABLE} (fid integer primary key autoincrement "
                        "not null, name text not null unique, spec text not null, "
                        "updated text)")
            con.execute("insert or replace into gpkg_contents (table_name, data_type, "
                        "identifier, description, last_change) values (?, 'attributes', ?, "
                        "?, ?)", (TABLE, TABLE, "EcoZone print layouts (name + JSON)", now))
        con.execute(f"insert into {TABLE} (name, spec, updated) values (?, ?, ?) on conflict"
                    "(name) do update set spec=excluded.spec, updated=excluded.updated",
                    (layout.name.strip(), layout.to_json(), now))
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def delete_layout(path: Path | str, name: str) -> bool:
    con = _connect(Path(path), readonly=False)
    try:
        if not _has_table(con):
            return False
        cur = con.execute(f"delete from {TABLE} where name=?", (name,))
        return cur.rowcount > 0
    finally:
        con.close()
