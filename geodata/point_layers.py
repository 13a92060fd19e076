"""Reading a point layer of plain fields with less memory than ``pyogrio.read_dataframe``.

A million outfalls read by ``read_dataframe`` cost ~640 MB of resident memory for ~330 MB
of data: GDAL's Arrow batches hold every column together, so the text columns kept as Arrow
strings pin the batches of the vocabulary columns that became categoricals; and the
points go through a million Python ``bytes`` (their WKB) whose small-object arenas stay
fragmented among the shapely objects made next to them.  Here each column is copied out of
the batches (vocabulary columns dictionary-encoded by Arrow, straight to categoricals), the
batches are dropped, and 2D points are read from the WKB buffer with numpy
(``shapely.points``): ~150 MB less and ~0.8 s faster at 1M (issue 17).

The frame is the one :func:`geodata.store.read_layer_with_fids` gives (same columns,
dtypes, categories, geometry, CRS); a test compares them.  Layers with other field types
(dates, JSON, booleans) or other geometries are left to ``read_dataframe``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely
from geopandas.array import GeometryArray

from geodata.gil_slices import slices

#: OGR field types whose Arrow columns ``to_pandas`` turns into what read_dataframe gives
PLAIN_TYPES = {"OFTString", "OFTInteger", "OFTInteger64", "OFTReal"}
WKB_POINT_BYTES = 21  # byte order, type, x, y
#: points made per call in a worker (~3 ms each)
POINT_SLICE = 16_384


def plain_point_layer(path: Path, layer: str) -> bool:
    """Whether ``layer`` is a point layer of plain text and number fields."""
    info = pyogrio.read_info(path, layer=layer)
    return info["geometry_type"] == "Point" \
        and all(t in PLAIN_TYPES for t in info["ogr_types"]) \
        and all(s == "OFSTNone" for s in info["ogr_subtypes"])


def read_points(path: Path, layer: str, categorical: tuple[str, ...],
                points_beside: bool = False, lonlat: dict[str, np.ndarray] | None = None,
                ) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The layer (fields in file order, then ``geometry``; ``categorical`` text fields as
    sorted categoricals) and its GeoPackage fids.

    ``lonlat``: when every geometry of the layer is a 2D point or missing, ``lonlat[layer]``
    is set to their coordinates as read, an (n, 2) array (NaN where a row has none): the
    numbers its Points were made of, which the map's point index would otherwise take
    back out of a million Points (:meth:`models.workspace.Workspace.take_read_lonlat`).

    ``points_beside``: the points are made in a thread of their own while the columns are
    copied here.  Making Points holds the GIL (~0.4 s at 1M) and Arrow's copies and
    dictionary encoding mostly do not (~0.3-0.5 s), so on two cores the two overlap
    instead of following each other: the end of the window's open at 1M outfalls, when
    nothing else runs (issue 17, ~0.5 s).  Not for a read in a live window (a reload
    after an import): two busy workers and GDAL's threads left its GUI thread waiting for
    a core, 6-9 ms in 17-26 ms event-loop gaps (bench/bench_gaps.py)."""
    meta, table = pyogrio.read_arrow(path, layer=layer, return_fids=True)
    geom_name = meta["geometry_name"] or "wkb_geometry"
    fid_name = meta["fid_column"] or "OGC_FID"
    # The WKB chunks alone hold GDAL's Arrow batches once the columns are copied: handed
    # over as a list and let go one by one as their Points are made (the whole column
    # freed at once released every batch in one call holding the GIL ~30 ms at 1M).
    chunks = table.column(geom_name).chunks if geom_name in table.column_names else None
    with ThreadPoolExecutor(1, thread_name_prefix="ecozone-points") as pool:
        coords: list[np.ndarray | None] | None = [] if lonlat is not None else None
        has_points = chunks is not None
        making = pool.submit(_points, chunks, coords) \
            if chunks is not None and points_beside else None
        frame, fids = _columns(table, categorical, skip=(geom_name, fid_name), fid=fid_name)
        del table
        if making is not None:
            del chunks
            geoms = making.result()
        elif chunks is not None:
            geoms = _points(chunks, coords)
        else:
            geoms = np.full(len(frame), None, dtype=object)
    if lonlat is not None and coords is not None and has_points \
            and all(c is not None for c in coords):
        got = [c for c in coords if c is not None]
        lonlat[layer] = np.concatenate(got) if got else np.zeros((0, 2))
    # the geometry array wrapped, not copied: GeoSeries(ndarray) and the frame made from it
    # copied a million object pointers three times over, each copy one call holding the
    # GIL 10-20 ms (an import's read in its worker stops the window meanwhile)
    column = gpd.GeoSeries(GeometryArray(geoms, crs=meta["crs"]), index=frame.index,
                           copy=False)
    out = gpd.GeoDataFrame(frame, geometry=column, crs=meta["crs"])
    return out, fids


def _columns(table: pa.Table, categorical: tuple[str, ...], skip: tuple[str, str],
             fid: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The fields of GDAL's Arrow ``table`` (but ``skip``) as a frame, copied out of its
    batches (vocabulary fields dictionary-encoded, as sorted categoricals), and the fids."""
    columns: dict[str, Any] = {}
    fids = np.zeros(0, np.int64)
    for name in table.column_names:
        col = table.column(name)
        if name == fid:
            fids = col.to_numpy().astype(np.int64)
        elif name in skip:
            continue
        elif name in categorical and pa.types.is_string(col.type):
            columns[name] = col.dictionary_encode().combine_chunks()
        else:
            columns[name] = col.combine_chunks()  # a copy out of GDAL's batches
    frame = pa.table(list(columns.values()), names=list(columns)).to_pandas()
    del columns
    for name in categorical:
        if name in frame.columns and isinstance(frame[name].dtype, pd.CategoricalDtype):
            # sorted categories of str, as astype("category") makes them
            cats = frame[name].cat.categories
            frame[name] = frame[name].cat.set_categories(
                pd.Index(sorted(cats), dtype="str"), rename=False)
    return frame, fids


def _points(chunks: list[pa.Array], coords: list[np.ndarray | None] | None = None
            ) -> np.ndarray:
    """Shapely geometries of a WKB column's chunks: 2D little-endian points straight from
    the buffer (no Python bytes per row), anything else through ``shapely.from_wkb``.
    Each chunk is copied into place (concatenating a million objects at the end was one
    call holding the GIL ~10 ms) and taken out of ``chunks`` when done, so what only it
    kept alive is freed a chunk at a time.  ``coords`` gets each chunk's (rows, 2)
    coordinates, NaN for a missing point (None for a chunk that was not all 2D points)."""
    out = np.full(sum(len(c) for c in chunks), None, dtype=object)
    at = 0
    while chunks:
        chunk = chunks.pop(0)
        points, xy = _chunk_points(chunk)
        out[at:at + len(chunk)] = points
        if coords is not None:
            coords.append(xy)
        at += len(chunk)
        del chunk
    return out


def _chunk_points(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray | None]:
    """The chunk's geometries and, when they are all 2D points or missing, their
    (rows, 2) coordinates (NaN for a missing one)."""
    n = len(chunk)
    valid = chunk.is_valid().to_numpy(zero_copy_only=False)
    bufs = chunk.buffers()
    if not pa.types.is_binary(chunk.type) or n == 0:
        return shapely.from_wkb(chunk.to_numpy(zero_copy_only=False)), \
            (np.zeros((0, 2)) if n == 0 else None)
    offsets = np.frombuffer(bufs[1], dtype=np.int32, count=n + 1, offset=chunk.offset * 4)
    lengths = np.diff(offsets)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None \
        else np.zeros(0, np.uint8)
    if not ((lengths[valid] == WKB_POINT_BYTES).all() and (lengths[~valid] == 0).all()):
        return shapely.from_wkb(chunk.to_numpy(zero_copy_only=False)), None
    # every point 21 bytes and a missing one none: the records lie end to end in the
    # buffer, a (points, 21) view of it (gathering them by index made a 168 MB index
    # array at 1M points: the peak of the window's open)
    rec = data[offsets[0]:offsets[-1]].reshape(-1, WKB_POINT_BYTES)
    head = rec[:, :5].copy()
    if not ((head[:, 0] == 1).all() and (head[:, 1:5].view("<u4").ravel() == 1).all()):
        return shapely.from_wkb(chunk.to_numpy(zero_copy_only=False)), None
    xy = rec[:, 5:].copy().view("<f8").reshape(-1, 2)
    points = np.empty(len(xy), dtype=object)
    # making Points holds the GIL (~12 ms for GDAL's 64k-row batch): in a worker a slice
    # at a time, the window's GUI thread getting its turn in between (geodata/gil_slices.py)
    for part in slices(len(xy), POINT_SLICE):
        points[part] = shapely.points(xy[part])
    if len(points) == n:
        return points, xy
    out = np.full(n, None, dtype=object)
    out[valid] = points
    full = np.full((n, 2), np.nan)
    full[valid] = xy
    return out, full
