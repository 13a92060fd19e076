"""What the compliance checks read, from an open workspace or straight from the file.

:class:`CheckInput` holds the outfalls as the checks need them -- codes, which rows have a
location, lon/lat arrays (or geometries when they are not all single points), the blank
required fields -- and the small zone and base layers.

:func:`from_workspace` makes one from a :class:`models.workspace.Workspace` (the window's
flags, the tests).  :func:`read` makes one for ``app.py outfalls check`` without opening a
Workspace: the outfalls' code and geometry columns and the required fields only, read as
Arrow in two threads (GDAL and Arrow release the GIL), the point coordinates taken from the
WKB bytes without a shapely Point per outfall.  At 1M outfalls a full ``Workspace.open``
took ~2-3.5 s and ~1 GB (issue 17); this takes a fraction of that.  Anything it cannot take
exactly as the workspace would read it (another CRS, a non-text code or required field,
geometries other than 2D points) falls back to ``Workspace.open``, so the findings are
always those of the opened workspace.

Qt-free.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geodata import store

#: the layers the checks read besides the outfalls (counties only when there is no city)
ZONE_LAYERS = ("control_units", "protected_areas", "city", "sea", "coastline", "rivers")


#: the characters ``str.strip()`` strips (``str.isspace``), for Arrow's trim (a test checks
#: the list against Python's)
SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
          "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def bools(arr: Any) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), bool)


def blank_arrow(arr: Any) -> np.ndarray:
    """True where an Arrow string array is null or ``str.strip()`` would leave nothing."""
    trimmed = pc.utf8_trim(arr, characters=SPACES)
    blank = pc.or_kleene(pc.is_null(arr), pc.equal(trimmed, ""))
    return np.asarray(pc.fill_null(blank, True).to_numpy(zero_copy_only=False), bool)


def text_empty(values: pd.Series) -> np.ndarray:
    """True where ``_text(v)`` is empty: None, float NaN, or a blank text."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # decide each category once
        cats = text_empty(pd.Series(values.cat.categories.to_numpy(dtype=object),
                                     dtype=object))
        codes = values.cat.codes.to_numpy()
        return np.where(codes < 0, True, cats[np.maximum(codes, 0)]) if len(cats) else \
            np.ones(len(values), bool)
    if isinstance(values.array, pd.arrays.ArrowStringArray):  # pandas 3's str columns
        return blank_arrow(values.array.__arrow_array__())
    vals = values.to_numpy(dtype=object)
    out = np.zeros(len(vals), bool)
    na = pd.isna(vals)
    for i in np.flatnonzero(na):  # few: decide them exactly as _text does
        v = vals[i]
        out[i] = v is None or (isinstance(v, float) and v != v) or not str(v).strip()
    rest = np.flatnonzero(~na)
    if len(rest):
        out[rest] = (pd.Series(vals[rest], dtype=object).astype(str).str.strip() == "").to_numpy()
    return out


class Codes:
    """The outfall codes as an Arrow string array, indexed like the numpy object array of
    str the checks used (``codes[i]`` a str, ``codes[rows]`` an object array): a
    million Python strings were 85 MB and 0.15 s that the command never needs."""

    def __init__(self, arrow: Any) -> None:
        self.arrow = arrow

    def __len__(self) -> int:
        return len(self.arrow)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, (int, np.integer)):
            return self.arrow[int(i)].as_py()
        rows = np.asarray(i)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        return np.asarray(self.arrow.take(pa.array(rows.astype(np.int64))).to_numpy(
            zero_copy_only=False), dtype=object)

    def tolist(self) -> list[str]:
        return self.arrow.to_pylist()  # type: ignore[no-any-return]


@dataclass
class CheckInput:
    """The outfalls and layers one check reads (see module docstring)."""

    path: Path | None
    #: str per outfall row, as ``str(value)`` of the workspace's column (numpy or Codes)
    codes: Any
    valid: np.ndarray  # bool per row: has a location (not missing, not empty)
    #: every location a single point: lon/lat of the valid rows; else their geometries
    points: bool
    lon: np.ndarray
    lat: np.ndarray
    geoms: np.ndarray | None
    #: required field -> True where blank (a field the layer lacks has no entry)
    blank: dict[str, np.ndarray]
    layers: dict[str, Any] = field(default_factory=dict)
    codes_arrow: Any = None  # the codes as an Arrow string array, when read as one
    #: rows whose code is missing in the file (read straight from it)
    code_null: np.ndarray | None = None
    frame: Any = None  # the outfall frame, when made from a workspace
    #: GeoPackage fid of each outfall row, when read from the file (the window's check
    #: process aligns its flags to the window's frame by them: models/compliance_process)
    fids: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.codes)

    def layer(self, name: str) -> Any:
        return self.layers.get(name)

    def known_codes(self) -> set[str]:
        """The codes ``--code`` accepts, as it always has: the code column as text, where
        a missing code is no text at all (pandas keeps it NaN)."""
        if self.frame is not None:
            return set(self.frame["code"].astype(str))
        codes = self.codes.tolist()
        if self.code_null is None:
            return set(codes)
        return {c for c, null in zip(codes, self.code_null.tolist(), strict=True) if not null}


def _locations(geoms: np.ndarray) -> tuple[np.ndarray, bool, np.ndarray, np.ndarray,
                                           np.ndarray | None]:
    """(valid, points, lon, lat, geoms of valid rows or None) of geometries, as the
    checks have always decided them: a location is a geometry neither missing nor empty;
    the grids apply when every one of them is a single point."""
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    pts = geoms[valid]
    xy = shapely.get_coordinates(pts)
    points = bool(len(xy) == len(pts) and shapely.get_type_id(pts).max(initial=0) == 0)
    if points:
        return valid, True, xy[:, 0].copy(), xy[:, 1].copy(), None
    return valid, False, np.zeros(0), np.zeros(0), pts


def from_workspace(ws: Any, required: tuple[str, ...]) -> CheckInput:
    """The check's input from an open workspace (its outfall frame as it is now)."""
    frame = ws.layer("outfalls")
    codes = np.asarray([str(c) for c in frame["code"].tolist()], dtype=object)
    valid, points, lon, lat, geoms = _locations(np.asarray(frame.geometry.values,
                                                           dtype=object))
    blank = {f: text_empty(frame[f]) for f in required if f in frame}
    layers = {name: ws.layers.get(name) for name in ZONE_LAYERS + ("counties",)}
    return CheckInput(None, codes, valid, points, lon, lat, geoms, blank, layers,
                      frame=frame)


class Fallback(Exception):
    """The file holds something the light reader does not take as the workspace would."""


#: a 2D point as WKB: byte order, geometry type, x, y (21 bytes, packed)
_WKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def _points_from_wkb(wkb: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(valid, lon, lat) from an Arrow WKB column of 2D little-endian points; raises
    :class:`Fallback` for anything else (then shapely reads them as the workspace does)."""
    arr = wkb.combine_chunks() if isinstance(wkb, pa.ChunkedArray) else wkb
    n = len(arr)
    if n == 0:
        return np.zeros(0, bool), np.zeros(0), np.zeros(0)
    if not pa.types.is_binary(arr.type):
        raise Fallback
    present = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), bool)
    offsets = np.frombuffer(arr.buffers()[1], np.int32)[arr.offset:arr.offset + n + 1]
    length = np.diff(offsets)
    if not (np.all(length[present] == 21) and np.all(length[~present] == 0)):
        raise Fallback
    data = np.frombuffer(arr.buffers()[2], np.uint8) if arr.buffers()[2] is not None \
        else np.zeros(0, np.uint8)
    rows = np.flatnonzero(present)
    # the points' 21 bytes follow one another (a missing one takes none): one view
    rec = np.frombuffer(data[offsets[0]:offsets[-1]], dtype=_WKB_POINT)
    # byte order 1 (little endian), type 1 (Point, 2D)
    if not (np.all(rec["order"] == 1) and np.all(rec["type"] == 1)):
        raise Fallback
    x, y = np.ascontiguousarray(rec["x"]), np.ascontiguousarray(rec["y"])
    nan_x, nan_y = np.isnan(x), np.isnan(y)
    if np.any(nan_x != nan_y):  # half a coordinate: not what an empty point looks like
        raise Fallback
    valid = np.zeros(n, bool)
    valid[rows[~nan_x]] = True  # POINT EMPTY is written as NaN NaN
    return valid, x[~nan_x], y[~nan_x]


def _crs_ok(crs: Any) -> bool:
    """True when the workspace would take the layer's coordinates as they are (models.
    workspace reads CGCS2000 and WGS 84 as stored and reprojects anything else)."""
    if crs is None:
        return True
    from pyproj import CRS

    return CRS.from_user_input(crs).to_epsg() in (4490, 4326)


def _read_arrow(path: Path, **kw: Any) -> tuple[dict, pa.Table]:
    import pyogrio

    try:
        return pyogrio.read_arrow(path, layer="outfalls", **kw)  # type: ignore[no-any-return]
    except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError) as exc:
        if store.in_use(exc):
            raise store.in_use_error(path) from None
        raise store.WorkspaceError(f"{path}: layer 'outfalls' missing or unreadable: "
                                   f"{exc}") from None


#: the columns the checks read of a zone layer (models.compliance._zone_names, in_zones)
_ZONE_COLUMNS = ("code", "name_zh", "name_en", "zone", "unit_class")


def _fields(path: Path, name: str) -> list[str]:
    """The attribute fields of a layer (WorkspaceError, as opening says, if unreadable)."""
    import pyogrio

    try:
        return [str(f) for f in pyogrio.read_info(path, layer=name)["fields"]]
    except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError) as exc:
        if store.in_use(exc):
            raise store.in_use_error(path) from None
        raise store.WorkspaceError(f"{path}: layer '{name}' missing or unreadable: "
                                   f"{exc}") from None


def _small_layer(path: Path, name: str) -> Any:
    """A zone or base layer as the workspace reads it (CGCS2000), with only the columns
    the checks read (the units' long texts were 70 MB at 20k units)."""
    import pyogrio

    from geodata import schema

    fields = _fields(path, name)
    try:
        frame = pyogrio.read_dataframe(path, layer=name, use_arrow=True,
                                       columns=[c for c in fields if c in _ZONE_COLUMNS])
    except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError) as exc:
        raise store.WorkspaceError(f"{path}: layer '{name}' missing or unreadable: "
                                   f"{exc}") from None
    frame = store.as_categories(frame, name)
    if frame.crs is None:
        frame = frame.set_crs(schema.CRS, allow_override=True)
    elif frame.crs.to_epsg() not in (4490, 4326):
        frame = frame.to_crs(schema.CRS)
    return frame


def read(path: Path, required: tuple[str, ...]) -> CheckInput | None:
    """The check's input read from the GeoPackage at ``path`` (see module docstring);
    None when it has no outfalls.  Raises ``store.WorkspaceError`` as opening does."""
    store.check_workspace(path)
    contents = dict(store.list_contents(path))
    if contents.get("outfalls") != "features":
        return None
    fields = _fields(path, "outfalls")
    wanted = [f for f in required if f in fields]
    names = [n for n in ZONE_LAYERS if contents.get(n) == "features"]

    def blanks() -> dict[str, np.ndarray] | None:
        """The blank masks of the required text columns, two columns at a time: the
        other reads are done by then and Arrow lets go of the GIL (one at a time, the
        eight fields at 1M were ~0.15-0.3 s on one core, the read's last step)."""
        cols = _read_arrow(path, columns=wanted, read_geometry=False)[1]
        if not all(pa.types.is_string(cols.column(f).type)
                   or pa.types.is_large_string(cols.column(f).type) for f in wanted):
            return None
        with ThreadPoolExecutor(2) as pool:  # Arrow's chunks as they are: no copies
            return dict(zip(wanted, pool.map(lambda f: blank_arrow(cols.column(f)), wanted),
                            strict=True))

    with ThreadPoolExecutor(3) as pool:
        main = pool.submit(_read_arrow, path, columns=["code"], return_fids=True)
        side = pool.submit(blanks) if wanted else None
        small = pool.submit(lambda: {n: _small_layer(path, n) for n in names})
        meta, table = main.result()
        blank = side.result() if side is not None else {}
        layers = small.result()
    try:
        if blank is None or not _crs_ok(meta.get("crs")):
            raise Fallback
        code = table.column("code")
        if not pa.types.is_string(code.type) and not pa.types.is_large_string(code.type):
            raise Fallback
        code = code.combine_chunks()
        geom = table.column(meta.get("geometry_name") or table.column_names[-1])
        valid, lon, lat = _points_from_wkb(geom)
        fids = _fids(table, meta)
        del table, geom
    except Fallback:
        return _opened(path, required)
    if not len(code):
        return None
    # str() of what pandas holds: a missing code is NaN there, "nan" as text
    null = np.asarray(code.is_null().to_numpy(zero_copy_only=False), bool)
    code = code.fill_null("nan")
    if "city" not in layers or not len(layers["city"]):
        if contents.get("counties") == "features":
            layers["counties"] = _small_layer(path, "counties")
    return CheckInput(Path(path), Codes(code), valid, True, lon, lat, None, blank, layers,
                      codes_arrow=code, code_null=null, fids=fids)


def _fids(table: pa.Table, meta: dict) -> np.ndarray | None:
    """The rows' fids pyogrio returned (``return_fids``), as int64; None if absent."""
    name = meta.get("fid_column") or "fid"
    if name not in table.column_names:
        return None
    return np.asarray(table.column(name).to_numpy(), dtype=np.int64)


def _opened(path: Path, required: tuple[str, ...]) -> CheckInput | None:
    from models.workspace import Workspace

    ws = Workspace.open(path)
    if not ws.has_layer("outfalls"):
        return None
    inp = from_workspace(ws, required)
    inp.path = ws.path
    inp.fids = ws.fids.get("outfalls")
    return inp
