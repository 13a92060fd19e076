"""Read a proposed site polygon from a file or from a typed/pasted coordinate list.

Files: Shapefile (loose or zipped), KML/KMZ, GeoJSON, GeoPackage, DXF — read through
:func:`geodata.io.readers.read_vector`, which brings them into CGCS2000 (and refuses a file
with an unknown CRS, listing candidates for ``crs=``).  All polygons of the file are merged
into one site; closed polylines (how DXF and many KML files draw a boundary) become
polygons.  Coordinate lists: one vertex per line (or separated by ``;``) in decimal degrees
or 度分秒, parsed by :func:`geodata.io.dms.parse_coordinate_pair`; ``.txt``/``.csv`` files
hold the same.  One line may also hold ``lon lat, lon lat, …`` (as WKT writes vertices) or
``lon,lat lon,lat …`` (as KML does).  WKT (``POLYGON ((…))``, also ``SRID=4490;POLYGON …``)
is accepted as text too.

Every refusal is a :class:`SiteInputError` naming the file (or "coordinate list") and what
was wrong, in Chinese and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from geodata.messages import Message

VECTOR_SUFFIXES = {".shp", ".zip", ".geojson", ".json", ".kml", ".kmz", ".gpkg", ".dxf",
                   ".fgb", ".gml", ".gdb", ".tab", ".mif", ".sqlite", ".spatialite", ".dwg"}
TEXT_SUFFIXES = {".txt", ".csv", ".tsv", ".dat"}


class SiteInputError(ValueError):
    """A site that cannot be read; ``zh``/``en`` say where and what was wrong."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{en} / {zh}")
        self.zh = zh
        self.en = en

    def text(self, lang: str = "zh") -> str:
        return Message(self.zh, self.en).text(lang)


@dataclass
class SiteInput:
    """A site polygon in CGCS2000 lon/lat and how it was obtained."""

    polygon: shapely.Geometry
    source: str
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)


def read_site(spec: str | Path, layer: str | None = None, crs: str = "auto") -> SiteInput:
    """A site from a file path, a coordinate list or WKT text."""
    text = str(spec)
    path = Path(text)
    looks_like_path = "\n" not in text and len(text) < 1000 and (
        path.suffix.lower() in VECTOR_SUFFIXES | TEXT_SUFFIXES or path.exists())
    if looks_like_path:
        if not path.exists():
            raise SiteInputError(f"选址文件不存在：{path}", f"site file not found: {path}")
        if path.suffix.lower() in TEXT_SUFFIXES:
            try:
                content = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                content = path.read_bytes().decode("gb18030", errors="replace")
            return _from_text(content, path.name)
        return _from_file(path, layer, crs)
    return _from_text(text, "")


# -- files ---------------------------------------------------------------------------------
def _from_file(path: Path, layer: str | None, crs: str) -> SiteInput:
    from geodata.io.messages import ImportRefused
    from geodata.io.readers import read_vector

    try:
        result = read_vector(path, layer=layer, crs=crs)
    except ImportRefused as exc:
        raise SiteInputError(f"{path.name}：{exc.message.zh}",
                             f"{path.name}: {exc.message.en}") from None
    geoms = np.asarray(result.frame.geometry.values, dtype=object)
    geoms = geoms[[g is not None and not shapely.is_empty(g) for g in geoms]]
    polygon = _polygon_from_geoms(geoms, path.name)
    notes = [(m.zh, m.en) for m in result.notes.items]
    return SiteInput(polygon, path.name, notes)


def _polygon_from_geoms(geoms: np.ndarray, name: str) -> shapely.Geometry:
    parts = shapely.get_parts(geoms) if len(geoms) else np.zeros(0, dtype=object)
    polys = [g for g in parts if g.geom_type == "Polygon"]
    if not polys:
        # closed polylines: a DXF LWPOLYLINE or a KML LineString drawn around the site
        rings = [g for g in parts if g.geom_type in ("LineString", "LinearRing")
                 and len(g.coords) >= 4 and g.is_closed]
        polys = [shapely.Polygon(r.coords) for r in rings]
    if not polys:
        kinds = ", ".join(sorted({g.geom_type for g in parts})) or "nothing"
        raise SiteInputError(f"{name}：没有面或闭合线（读到 {kinds}），无法作为选址范围",
                             f"{name}: no polygon or closed line to use as the site "
                             f"(found {kinds})")
    merged = shapely.union_all([shapely.make_valid(p) for p in polys])
    merged = shapely.union_all([g for g in shapely.get_parts(merged)
                                if g.geom_type == "Polygon"])
    if merged.is_empty:
        raise SiteInputError(f"{name}：多边形无面积", f"{name}: the polygons have no area")
    return merged


# -- text ----------------------------------------------------------------------------------
_WKT = re.compile(r"^\s*(SRID=\d+\s*;\s*)?(MULTI)?POLYGON\s*(Z|M|ZM)?\s*\(", re.IGNORECASE)
_NUM = r"[-+]?\d+(?:\.\d*)?"
#: "lon lat" (space between, as in WKT) and "lon,lat" (comma between, as in KML)
_SPACE_PAIR = re.compile(rf"^\s*{_NUM}\s+{_NUM}\s*$")
_COMMA_PAIR = re.compile(rf"^{_NUM},{_NUM}(?:,{_NUM})?$")


def _split_one_line(line: str) -> list[str]:
    """The vertices of a list typed or pasted on one line.

    ``lon,lat; lon,lat; …`` (semicolons), ``lon lat, lon lat, …`` (WKT's order: commas
    between vertices, a space inside each) and ``lon,lat lon,lat …`` (KML's order).
    """
    if ";" in line:
        return [p.strip() for p in line.split(";") if p.strip()]
    parts = [p for p in line.split(",") if p.strip()]
    if len(parts) >= 3 and all(_SPACE_PAIR.match(p) for p in parts):
        return [p.strip() for p in parts]
    words = line.split()
    if len(words) >= 3 and all(_COMMA_PAIR.match(w) for w in words):
        return [",".join(w.split(",")[:2]) for w in words]
    return [line]


def _parse_pair(line: str) -> tuple[float, float]:
    try:
        from geodata.io.dms import parse_coordinate_pair
    except ImportError:  # pragma: no cover - the geodata.io package ships with the app
        parts = re.split(r"[,\s;]+", line.strip())
        if len(parts) != 2:
            raise ValueError(f"cannot read '{line}'") from None
        a, b = float(parts[0]), float(parts[1])
        return (a, b) if a > b else (b, a)
    return parse_coordinate_pair(line)


def _from_text(text: str, name: str) -> SiteInput:
    where_zh = name or "坐标列表"
    where_en = name or "coordinate list"
    if not text.strip():
        raise SiteInputError(f"{where_zh}为空", f"{where_en} is empty")
    if _WKT.match(text):
        try:
            geom = shapely.from_wkt(re.sub(r"^\s*SRID=\d+\s*;", "", text.strip(), flags=re.I))
        except shapely.errors.GEOSException as exc:
            raise SiteInputError(f"{where_zh}：WKT 无法解析：{exc}",
                                 f"{where_en}: cannot parse WKT: {exc}") from None
        return SiteInput(_polygon_from_geoms(np.array([geom], dtype=object), where_en),
                         name or "WKT")
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if len(lines) == 1:
        lines = _split_one_line(lines[0])
    points: list[tuple[float, float]] = []
    for number, line in enumerate(lines, start=1):
        try:
            points.append(_parse_pair(line))
        except ValueError as exc:
            if number == 1 and not re.search(r"\d", line):
                continue  # a header line such as "lon,lat" or "经度,纬度"
            raise SiteInputError(f"{where_zh} 第 {number} 行“{line}”：{exc}",
                                 f"{where_en} line {number} '{line}': {exc}") from None
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    distinct = list(dict.fromkeys(points))
    if len(distinct) < 3:
        raise SiteInputError(f"{where_zh}：至少需要 3 个不同的顶点，读到 {len(distinct)} 个",
                             f"{where_en}: a site needs at least 3 distinct vertices, "
                             f"got {len(distinct)}")
    polygon = shapely.Polygon(points)
    notes: list[tuple[str, str]] = []
    if not polygon.is_valid:
        polygon = _polygon_from_geoms(np.array([shapely.make_valid(polygon)], dtype=object),
                                      where_en)
        notes.append(("顶点连线自相交，已修复为有效多边形",
                      "the outline crossed itself and was repaired into a valid polygon"))
    if polygon.area == 0:
        raise SiteInputError(f"{where_zh}：顶点共线，多边形无面积",
                             f"{where_en}: the vertices are on one line, no area")
    return SiteInput(polygon, name or f"{len(distinct)} vertices", notes)
