"""Check imported rows before they reach a workspace.

Every refused row is reported with file, row number, field and a bilingual reason.
Geometries are repaired with ``make_valid`` (with a flag saying so); empty geometries,
NaN/infinite or sentinel coordinates (±1.8e308) are refused; anything outside Quanzhou
(lon 117.3–119.5, lat 24.2–26.1) is imported but flagged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import gil_slices, schema
from geodata.io import provisional_codes
from geodata.io.dms import QUANZHOU_LAT, QUANZHOU_LON
from geodata.io.field_mapping import LAYER_FIELDS, as_plain, unit_class_value
from geodata.io.messages import ImportRefused, Message, msg
from geodata.io.read_result import ReadResult

POINT_LAYERS = {"outfalls"}
POLYGON_LAYERS = {"control_units"}
QUANZHOU_BOX = shapely.box(QUANZHOU_LON[0], QUANZHOU_LAT[0], QUANZHOU_LON[1], QUANZHOU_LAT[1])


@dataclass(frozen=True)
class RowIssue:
    file: str
    row: int
    field: str
    reason: Message
    code: str = ""

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "field": self.field, "code": self.code,
                "reason": self.reason.text(lang)}


@dataclass
class Prepared:
    """Rows ready to write: target columns + geometry (CGCS2000), and what was refused."""

    frame: gpd.GeoDataFrame
    row_numbers: np.ndarray
    rejected: list[RowIssue] = field(default_factory=list)
    flagged: list[RowIssue] = field(default_factory=list)
    #: outfalls without a code in the file (the writer gives them provisional codes)
    uncoded: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def rejected_rows(self) -> int:
        """How many rows were refused (a row with two bad fields counts once)."""
        return len({r.row for r in self.rejected})


def _plain_value(v: Any) -> Any:
    """Lists, dicts and arrays (GeoJSON nested properties) become JSON text."""
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, dict, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, float) and not np.isfinite(v):
        return None
    if isinstance(v, (pd.Timestamp,)):
        return v.isoformat()
    if v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def _plain_column(s: pd.Series) -> pd.Series:
    """``s.map(_plain_value)``, without a Python call per cell for the common column types.

    Numbers, booleans and text (what CSV, XLSX and Arrow reads give) are already plain;
    floats only lose their non-finite values.  Other columns (dates, nested GeoJSON
    properties, mixed objects) go through :func:`_plain_value` cell by cell as before.
    """
    dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return s
    if isinstance(dtype, np.dtype) and (dtype.kind == "i" or
                                        (dtype.kind == "u" and dtype.itemsize < 8)):
        return s.astype("int64")  # as map() gives them back: Python ints -> int64
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = s.astype("float64")
        finite = np.isfinite(values.to_numpy())
        if finite.any():  # (all-missing columns come back from map() as None objects)
            return values.where(finite)
    if isinstance(dtype, pd.StringDtype) and s.notna().any():
        return s  # (map() turns an all-missing text column into None objects: left to it)
    if isinstance(dtype, np.dtype) and dtype.kind == "O" and \
            set(map(type, s.to_numpy())) <= {type(None)}:  # all None (an unmapped field)
        return s
    return s.map(_plain_value)


def safe_column_names(columns: list[str]) -> list[str]:
    out: list[str] = []
    for c in columns:
        name = re.sub(r"[\"\x00-\x1f]", "", str(c)).strip() or "field"
        if name.lower() in ("fid", "geom", "geometry"):
            name = f"{name}_src"
        base, i = name, 2
        while name.lower() in (o.lower() for o in out):
            name, i = f"{base}_{i}", i + 1
        out.append(name)
    return out


def _map_columns(df: pd.DataFrame, layer: str, mapping: dict[str, str]) -> pd.DataFrame:
    if layer not in LAYER_FIELDS:
        out = df.drop(columns=["geometry"], errors="ignore").copy()
        out.columns = safe_column_names(list(out.columns))
        return out
    out = pd.DataFrame(index=df.index)
    for f in LAYER_FIELDS[layer]:
        src = mapping.get(f.name)
        out[f.name] = df[src] if src in df.columns else None
    if "unit_class" in out:
        out["unit_class"] = out["unit_class"].map(unit_class_value)
    return out


def _code_problem(layer: str, code: Any) -> Message | None:
    if code is None or (isinstance(code, float) and np.isnan(code)) or not str(code).strip():
        return msg("编码为空（编码用于识别和更新记录）", "code is empty (it identifies the record)")
    try:
        if layer == "control_units":
            schema.validate_unit_code(str(code).strip())
        elif layer == "outfalls":
            schema.validate_outfall_code(str(code).strip())
    except ValueError as exc:
        return msg(f"编码格式不符：{code}", str(exc))
    return None


def _geometry_problem(g: Any, layer: str) -> tuple[Any, Message | None, Message | None]:
    """(geometry to keep, reason to refuse, note of a repair)."""
    if g is None or shapely.is_empty(g):
        return None, msg("几何为空", "geometry is empty"), None
    coords = shapely.get_coordinates(g)
    if not np.isfinite(coords).all() or (np.abs(coords) > 1e10).any():
        return None, msg("坐标无效（NaN、无穷大或无数据标记值）",
                         "invalid coordinates (NaN, infinite or a no-data sentinel)"), None
    if (np.abs(coords) < 1e-12).all():
        return None, msg("坐标为 (0, 0)：通常是缺失值的占位，不是真实位置",
                         "coordinates (0, 0): a placeholder for missing values, not a "
                         "real position"), None
    note = None
    if not shapely.is_valid(g):
        why = shapely.is_valid_reason(g)
        g = shapely.make_valid(g)
        note = msg(f"几何无效（{why}），已自动修复", f"invalid geometry ({why}) repaired")
    if layer in POINT_LAYERS:
        if g.geom_type == "MultiPoint" and len(g.geoms) == 1:
            g = g.geoms[0]
        if g.geom_type != "Point":
            return None, msg(f"排污口须为点，而不是 {g.geom_type}",
                             f"an outfall must be a point, not a {g.geom_type}"), None
    if layer in POLYGON_LAYERS:
        if g.geom_type == "GeometryCollection":
            polys = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
            g = shapely.union_all(polys) if polys else g
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            return None, msg(f"管控单元须为面，而不是 {g.geom_type}",
                             f"a control unit must be a polygon, not a {g.geom_type}"), None
    return g, None, note


def prepare(result: ReadResult, layer: str, mapping: dict[str, Any] | None = None
            ) -> Prepared:
    """Map, check and repair the rows of ``result`` for ``layer``."""
    name = result.path.name
    rows = result.row_numbers if result.row_numbers is not None else \
        np.arange(1, len(result.frame) + 1)
    plain = as_plain(mapping or {})
    code_col = plain.get("code") if layer in LAYER_FIELDS else None
    rejected = [RowIssue(name, r, f, m, _code_in(result.refused_rows.get(r), code_col))
                for r, f, m in result.parse_errors]
    flagged: list[RowIssue] = []
    df = _map_columns(result.frame, layer, plain)
    df = df.apply(_plain_column) if len(df.columns) and len(df) else df
    keep = np.ones(len(df), dtype=bool)
    geoms = np.array(result.frame.geometry.array, dtype=object)
    codes = np.full(len(df), "", dtype=object)
    uncoded = np.zeros(len(df), dtype=bool)
    if layer in LAYER_FIELDS:
        codes = _clean_codes(df["code"])
        df["code"] = codes
        pattern = {"control_units": r"^ZH35\d{4}[123]\d{4}$",
                   "outfalls": r"^PWK35\d{4}[HR]\d{4}$|" + provisional_codes.PATTERN.pattern
                   }[layer]
        bad_code = ~codes.str.match(pattern).to_numpy(dtype=bool)
        if layer == "outfalls":  # found without a code: a provisional one is given on writing
            uncoded = (codes == "").to_numpy(dtype=bool)
            bad_code &= ~uncoded
        dup = codes.duplicated().to_numpy() & ~bad_code & ~uncoded
        first_row = dict(zip(codes[~codes.duplicated()], rows[~codes.duplicated().to_numpy()],
                             strict=True))
        for i in np.flatnonzero(bad_code | dup):
            problem = _code_problem(layer, codes.iat[i]) if bad_code[i] else msg(
                f"编码重复（与第 {first_row[codes.iat[i]]} 行相同）",
                f"duplicate code (same as row {first_row[codes.iat[i]]})")
            rejected.append(RowIssue(name, int(rows[i]), plain.get("code", "code"),
                                     problem or msg("编码无效", "invalid code"), codes.iat[i]))
        keep &= ~(bad_code | dup)
        codes = codes.to_numpy(dtype=object)
    # geometry checks, vectorised: cheap for 100k rows
    none = np.array([g is None for g in geoms], dtype=bool)
    filled = np.where(none, shapely.Point(), geoms)
    bounds = shapely.bounds(filled)
    simple = keep & ~none & ~shapely.is_empty(filled) & np.isfinite(bounds).all(axis=1) & \
        (np.abs(bounds) < 1e10).all(axis=1) & ~(np.abs(bounds) < 1e-12).all(axis=1) & \
        shapely.is_valid(filled)
    if layer in POINT_LAYERS:
        simple &= shapely.get_type_id(filled) == 0
    if layer in POLYGON_LAYERS:
        simple &= np.isin(shapely.get_type_id(filled), (3, 6))
    for i in np.flatnonzero(keep & ~simple):
        g, problem, note = _geometry_problem(geoms[i], layer)
        if problem:
            rejected.append(RowIssue(name, int(rows[i]), "geometry", problem, str(codes[i])))
            keep[i] = False
            continue
        geoms[i] = g
        if note:
            flagged.append(RowIssue(name, int(rows[i]), "geometry", note, str(codes[i])))
    outside = keep & ~shapely.intersects(np.where(keep, geoms, shapely.Point()), QUANZHOU_BOX)
    for i in np.flatnonzero(outside):
        flagged.append(RowIssue(name, int(rows[i]), "geometry",
                                msg("位置在泉州市范围之外，请核实",
                                    "position is outside Quanzhou; please check"), str(codes[i])))
    rejected.sort(key=lambda r: r.row)
    flagged.sort(key=lambda r: r.row)
    frame = gpd.GeoDataFrame(df.loc[keep].reset_index(drop=True),
                             geometry=gpd.GeoSeries(geoms[keep], crs="EPSG:4490"))
    return Prepared(frame=frame, row_numbers=rows[keep], rejected=rejected, flagged=flagged,
                    uncoded=uncoded[keep])


def _clean_code(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()


def _clean_codes(column: pd.Series) -> pd.Series:
    """The codes as stripped text ('' for none), 16k rows a call in a worker: the whole
    column's strings made into one Arrow array at the end of ``map`` held the GIL
    ~18-24 ms at 100k rows (bench/bench_gaps.py, the large import)."""
    parts = [column.iloc[part].map(_clean_code)
             for part in gil_slices.slices(len(column), gil_slices.SMALL_SLICE)]
    return parts[0] if len(parts) == 1 else pd.concat(parts)


def _code_in(record: dict[str, Any] | None, column: str | None) -> str:
    """The code of a row refused while reading (its raw values), '' if it has none."""
    if record is None or not column:
        return ""
    value = record.get(column)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def nothing_imported(name: str, prep: Prepared) -> ImportRefused:
    """The refusal of a file none of whose rows can be imported (one line)."""
    first = prep.rejected[0] if prep.rejected else None
    reason = first.reason if first else msg("文件中没有要素", "no features")
    where = f"{first.row}" if first else ""
    n = prep.rejected_rows()
    return ImportRefused(msg(f"{name}：没有可导入的记录（{n} 行被拒，例如第 {where} 行：{reason.zh}）"
                             if first else f"{name}：没有可导入的记录（{reason.zh}）",
                             f"{name}: nothing could be imported ({n} rows refused, e.g. row "
                             f"{where}: {reason.en})" if first else
                             f"{name}: nothing could be imported ({reason.en})"))
