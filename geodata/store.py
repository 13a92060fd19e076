"""Reading and writing workspace GeoPackages.

A workspace is one GeoPackage: the spatial layers and plain tables listed in
:mod:`geodata.schema`.  The bundled Quanzhou dataset ships read-only inside this package;
the user works on a copy in their data folder (made on first run) or on any GeoPackage
given with ``--workspace``.

Reads go through pyogrio with Arrow (about 60x faster than record-by-record fiona on big
layers); plain tables are read with sqlite3 directly, which is simpler and just as fast.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geodata import files, gil_slices, schema
from geodata.gpkg_sql import sqlite_uri
from geodata.messages import Message
from geodata.paths import BUNDLED_NAME, bundled_path, user_data_dir  # noqa: F401 (re-exported)


class WorkspaceError(Exception):
    """A workspace file that cannot be used; the message says what and where.

    ``message`` carries the Chinese and English forms where there are both (``str(exc)``
    is the English one).
    """

    def __init__(self, text: str, message: Message | None = None) -> None:
        super().__init__(text)
        self.message = message or Message(text, text)


def in_use_error(path: Path | str) -> WorkspaceError:
    """The workspace is locked by another program writing it (QGIS, another EcoZone)."""
    m = Message(f"工作空间 {path} 正被其他程序占用（QGIS 或另一个 EcoZone 正在写入）；"
                f"请在该程序中保存或关闭后重试",
                f"the workspace {path} is in use by another program (QGIS, or another "
                f"EcoZone, is writing it); save or close it there and try again")
    return WorkspaceError(m.en, m)


def in_use(exc: BaseException) -> bool:
    """Whether an SQLite or GDAL error says another connection holds the database."""
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def default_workspace_path() -> Path:
    return user_data_dir() / "workspace.gpkg"


def ensure_workspace(path: Path | None = None) -> tuple[Path, bool]:
    """Return the workspace to open, copying the bundled data on first run.

    Returns the path and whether it was created just now.  An explicit path that does not
    exist is an error (we never silently create a workspace somewhere the user did not mean).
    """
    if path is not None:
        path = Path(path)
        if not path.exists():
            raise WorkspaceError(f"workspace not found: {path}")
        check_workspace(path)
        return path, False
    target = default_workspace_path()
    if target.exists():
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".gpkg.part")
    shutil.copyfile(bundled_path(), tmp)
    files.finish(tmp, target)  # atomic: a half-copied workspace is never opened
    return target, True


def check_workspace(path: Path) -> None:
    """Raise WorkspaceError unless ``path`` is a readable GeoPackage."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise WorkspaceError(f"cannot read workspace {path}: {exc.strerror}") from None
    if head != b"SQLite format 3\x00":
        raise WorkspaceError(f"{path} is not a GeoPackage (not an SQLite file)")
    try:
        # SQLite refuses some paths Python opens (over 512 bytes on Linux and macOS):
        # say so with the path rather than fail later with "unable to open database file"
        con = sqlite3.connect(sqlite_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise WorkspaceError(f"cannot open workspace {path} ({len(str(path))} characters): "
                             f"{exc}") from None
    try:
        con.execute("select count(*) from gpkg_contents").fetchone()
    except sqlite3.OperationalError as exc:
        if in_use(exc):
            raise in_use_error(path) from None
        if "unable to open" in str(exc):
            raise WorkspaceError(f"cannot open workspace {path} ({len(str(path))} "
                                 f"characters): {exc}") from None
        raise WorkspaceError(f"{path} is not a GeoPackage: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"{path} is not a GeoPackage: {exc}") from None
    finally:
        con.close()


def list_contents(path: Path) -> list[tuple[str, str]]:
    """(table name, data type 'features' or 'attributes') of every layer and table."""
    con = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        rows = con.execute("select table_name, data_type from gpkg_contents").fetchall()
    finally:
        con.close()
    return [(str(a), str(b)) for a, b in rows]


def read_layer(path: Path, layer: str, bbox: tuple[float, float, float, float] | None = None,
               categorical: bool = True) -> gpd.GeoDataFrame:
    """A spatial layer as a GeoDataFrame in its stored CRS (CGCS2000).

    With ``categorical`` (the default) the layer's vocabulary text fields
    (:data:`geodata.schema.VOCABULARY_FIELDS`) come as pandas categoricals; see
    :func:`as_categories`.
    """
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, bbox=bbox, use_arrow=True)
    except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError) as exc:
        if in_use(exc):
            raise in_use_error(path) from None
        raise WorkspaceError(f"{path}: layer '{layer}' missing or unreadable: {exc}") from None
    return as_categories(frame, layer) if categorical else frame


def read_layer_with_fids(path: Path, layer: str, points_beside: bool = False,
                         lonlat: dict[str, np.ndarray] | None = None,
                         ) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """A layer (as :func:`read_layer`) and the GeoPackage fid of each of its rows
    (``points_beside``, ``lonlat``: see :func:`geodata.point_layers.read_points`).

    The frame keeps a plain 0..n-1 index (row positions are what the vectorised code
    works with); the fids are the stable keys of layers that have no code
    (docs/ARCHITECTURE.md, "Identity")."""
    from geodata import point_layers

    try:
        if point_layers.plain_point_layer(path, layer):  # the outfalls: less memory
            return point_layers.read_points(path, layer,
                                            schema.VOCABULARY_FIELDS.get(layer, ()),
                                            points_beside, lonlat)
        frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True, fid_as_index=True)
    except pyogrio.errors.DataLayerError as exc:
        raise WorkspaceError(f"{path}: layer '{layer}' missing or unreadable: {exc}") from None
    fids = frame.index.to_numpy(dtype=np.int64)
    frame = frame.reset_index(drop=True)
    return as_categories(frame, layer), fids


def as_categories(frame: pd.DataFrame, layer: str) -> pd.DataFrame:
    """``frame`` with the vocabulary text fields of ``layer`` as categoricals (in place).

    Categories are the values present, sorted; reads, comparisons, ``isin``, ``str``
    methods, ``tolist`` and writing back to a GeoPackage or Shapefile behave as with
    strings.  Setting a value that is not yet a category raises in pandas: add it first
    (:func:`set_value` does).
    """
    for name in schema.VOCABULARY_FIELDS.get(layer, ()):
        if name in frame.columns and pd.api.types.is_string_dtype(frame[name].dtype):
            frame[name] = frame[name].astype("category")
    return frame


def set_value(frame: pd.DataFrame, row: int, column: str, value: object) -> None:
    """``frame.iat[row, column] = value``, first adding ``value`` to a categorical column's
    categories when it is new (kept sorted, as :func:`as_categories` makes them)."""
    col = frame[column]
    missing = value is None or (isinstance(value, float) and value != value)
    if isinstance(col.dtype, pd.CategoricalDtype) and not missing \
            and value not in col.cat.categories:
        cats = list(col.cat.categories) + [value]
        try:
            cats = sorted(cats)
        except TypeError:  # mixed types: append
            pass
        frame[column] = col.cat.set_categories(cats)
    frame.iat[row, frame.columns.get_loc(column)] = value


def read_table(path: Path, table: str) -> pd.DataFrame:
    """A plain table as a DataFrame (empty if the workspace lacks it)."""
    con = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        exists = con.execute(
            "select 1 from sqlite_master where type='table' and name=?", (table,)
        ).fetchone()
        if not exists:
            return pd.DataFrame()
        cur = con.execute(f'select * from "{table}"')
        names = [d[0] for d in cur.description]
        columns: list[list[Any]] = [[] for _ in names]
        for rows in gil_slices.fetched_slices(cur):
            for column, values in zip(columns, zip(*rows, strict=True), strict=True):
                column.extend(values)
    finally:
        con.close()
    keep = [i for i, name in enumerate(names) if name != "fid"]
    return _frame_of([names[i] for i in keep], [columns[i] for i in keep])


def _frame_of(names: list[str], columns: list[list[Any]]) -> pd.DataFrame:
    """A table's columns of Python values as the frame ``pandas.read_sql_query`` makes of
    them (each column's type inferred), a column at a time with the GIL handed over
    between columns in a worker: a sync reads the audit log in its worker after pulling ten
    thousand edits, and the frame made of all its rows in one call held the GIL ~10 ms
    (the rows are read a slice at a time for the same reason, ``gil_slices.fetched``)."""
    made = {name: pd.Series(values, dtype=None if values else object)
            for name, values in gil_slices.paced(zip(names, columns, strict=True), 1)}
    return pd.DataFrame(made, columns=names)


def write_layers(path: Path, layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame]) -> None:
    """Write (replace) layers and tables into a GeoPackage, creating it if needed.

    Plain DataFrames become attribute tables that QGIS lists as such.
    """
    for name, frame in layers.items():
        kwargs: dict[str, object] = {}
        if isinstance(frame, gpd.GeoDataFrame):
            kwargs["promote_to_multi"] = False
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", **kwargs)
