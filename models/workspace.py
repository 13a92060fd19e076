"""The open workspace: its layers, the plan catalog, and the events views listen to.

Qt-free.  The window, the command line, the reports and the tests all hold one of these.
Views observe it through psygnal signals and change it only through its methods (or the
undoable commands that call them).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from psygnal import Signal

from geodata import gil_slices, schema, store
from geodata.collector import collector_paused
from models import key_lookup
from models.memory import drop_later, release_memory
from models.text_columns import KeyArray


@dataclass
class SpatialIndex:
    """An STRtree over one layer, built lazily on first use."""

    frame: gpd.GeoDataFrame
    _tree: shapely.STRtree | None = field(default=None, repr=False)

    @property
    def tree(self) -> shapely.STRtree:
        if self._tree is None:
            self._tree = shapely.STRtree(self.frame.geometry.values)
        return self._tree

    def invalidate(self) -> None:
        self._tree = None


def _read(path: Path, name: str, points_beside: bool = False,
          lonlat: dict[str, np.ndarray] | None = None,
          ) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """A layer of the GeoPackage in CGCS2000, with its rows' fids (``points_beside``,
    ``lonlat``: see :func:`geodata.point_layers.read_points`; coordinates in another CRS
    are not kept, the layer being reprojected)."""
    frame, fids = store.read_layer_with_fids(path, name, points_beside, lonlat)
    if frame.crs is None:
        frame = frame.set_crs(schema.CRS, allow_override=True)
    elif frame.crs.to_epsg() not in (4490, 4326):
        frame = frame.to_crs(schema.CRS)
        if lonlat is not None:
            lonlat.pop(name, None)
    return frame, fids


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


#: writes grouped by column: ({field: (row positions, values)}, the keys written)
ByColumn = tuple[dict[str, tuple[list[int], list[object]]], list[str]]


def by_column_of(updates: dict[str, dict[str, object]], rows: list[int]) -> ByColumn:
    """``{key: {field: value}}`` with each key's row position (-1: none) as the writes of
    :meth:`Workspace.set_values`, a column at a time; reads nothing of a workspace, so a
    worker can make it (a pull of 10 000 edits: ~6 ms of Python off the GUI thread)."""
    done: list[str] = []
    columns: dict[str, tuple[list[int], list[object]]] = {}
    for key, row in zip(updates, rows, strict=True):
        if row < 0:
            continue
        for name, value in updates[key].items():
            at, values = columns.setdefault(name, ([], []))
            at.append(int(row))
            values.append(value)
        done.append(str(key))
    return columns, done


def _categorical_with(col: pd.Series, rows: list[int], values: list[object]) -> pd.Categorical:
    """The categorical ``col`` with ``values`` at row positions ``rows``: new values become
    categories, kept sorted (as ``store.set_value``); the codes written directly (pandas'
    setitem checks every value against the categories again: ~1.5 ms for a 确认位置 of
    1 000 outfalls)."""
    packed = np.empty(len(values), dtype=object)
    packed[:] = values
    cats = set(col.cat.categories)
    missing = np.fromiter((_missing(v) for v in values), bool, len(values))
    new = {v for v, m in zip(values, missing, strict=True) if not m and v not in cats}
    if new:
        grown = list(col.cat.categories) + list(new)
        try:
            grown = sorted(grown)
        except TypeError:  # mixed types: append
            pass
        col = col.cat.set_categories(grown)
    codes = col.cat.codes.to_numpy(copy=True)
    at = np.asarray(rows, dtype=np.int64)
    codes[at[~missing]] = col.cat.categories.get_indexer(packed[~missing])
    codes[at[missing]] = -1
    return pd.Categorical.from_codes(codes, dtype=col.dtype)


def column_with(column: pd.Series, rows: list[int], values: list[object]) -> Any:
    """A new array of ``column``'s values with ``values`` at row positions ``rows``, as
    :meth:`Workspace.write_values` would leave the column, for a vocabulary (categorical)
    or text column; None for any other (written in place, value by value).  ``column`` is
    not changed and nothing else is read: a worker makes it from a copy-on-write snapshot
    of the frame (a sync pull: :meth:`Workspace.set_values` then swaps it in while the
    frame is still the snapshot's, instead of writing ten thousand values on the GUI
    thread, ~5-9 ms)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _categorical_with(column, rows, values)
    if not pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
        return None
    packed = np.empty(len(values), dtype=object)
    packed[:] = values
    out = column.copy(deep=True)
    out.iloc[rows] = packed
    return out.array


@dataclass
class LayerRead:
    """A layer read from the GeoPackage off the GUI thread (:meth:`Workspace.read_layer`),
    to be swapped in by :meth:`Workspace.reload_layer` on the thread that owns the
    workspace.  ``revision``: the workspace's :attr:`Workspace.revision` when the read began;
    a frame written in memory since then makes the read stale (it may miss that write)."""

    name: str
    frame: gpd.GeoDataFrame
    fids: np.ndarray
    revision: int
    #: the keys of the frame's rows (:meth:`Workspace.keys`), made in the same worker; None
    #: when its key column is text (:func:`keys_are_text`: the column is the keys)
    keys: np.ndarray | None = None
    #: what listeners made from the frame in the same worker (:meth:`Workspace.take_prepared`)
    prepared: dict[str, Any] = field(default_factory=dict)


#: The field that names a feature of a layer for good (docs/ARCHITECTURE.md, "Identity").
#: Outfalls and control units are known by their code; other layers by their GeoPackage fid.
KEY_FIELDS: dict[str, str] = {"outfalls": "code", "control_units": "code"}


def key_field(layer: str) -> str:
    """The name of the key of ``layer``'s features: ``code`` or ``fid``."""
    return KEY_FIELDS.get(layer, "fid")


#: rows of text made into Python strings per slice in a worker (a few ms each)
KEY_SLICE = 65_536


def _text_to_objects(column: pd.Series) -> np.ndarray:
    """A text column as an object array of str.  In a worker, a slice at a time with the
    GIL handed over between slices: making a million Python strings is one C call that
    holds the GIL ~0.1 s, and the GUI thread would wait for all of it (bench/bench_gaps.py:
    an import's read is done in its worker)."""
    if len(column) <= KEY_SLICE or threading.current_thread() is threading.main_thread():
        return np.asarray(column.to_numpy(dtype=object), dtype=object)
    out = np.empty(len(column), dtype=object)
    values = column.array
    for start in range(0, len(column), KEY_SLICE):
        out[start:start + KEY_SLICE] = values[start:start + KEY_SLICE].to_numpy(dtype=object)
        gil_slices.hand_over()  # the GUI thread's turn
    return out


def keys_are_text(layer: str, frame: gpd.GeoDataFrame) -> bool:
    """Whether ``frame``'s key column is text without gaps (pandas' Arrow-backed ``str``):
    its values are then the keys, readable as Arrow (:func:`key_array_of`, and
    :meth:`Workspace.row_of` for a key's row) without a Python string per row."""
    fld = key_field(layer)
    if fld not in frame.columns:
        return False
    column = frame[fld]
    return bool(pd.api.types.is_string_dtype(column.dtype)
                and not isinstance(column.dtype, pd.CategoricalDtype)
                and column.dtype != object and not column.hasnans)


def key_array_of(layer: str, frame: gpd.GeoDataFrame,
                 keys: Callable[[], np.ndarray]) -> KeyArray:
    """The keys of ``frame``'s rows as one Arrow string array: the frame's own key column
    when it is text without gaps (no copy, no Python string per row), else ``keys()``
    (:func:`keys_of`'s object array) converted.  Safe in a worker."""
    if keys_are_text(layer, frame):
        return KeyArray(pa.array(frame[key_field(layer)].array))
    return KeyArray(keys())


def keys_of(layer: str, frame: gpd.GeoDataFrame, fids: np.ndarray | None) -> np.ndarray:
    """The keys of ``frame``'s rows (:meth:`Workspace.keys`), read-only; safe in a worker."""
    fld = key_field(layer)
    if fld in frame.columns:
        column = frame[fld]
        if keys_are_text(layer, frame):
            # text without gaps: its values are the keys (1M outfall codes without
            # a str() call each, ~0.1 s of every start and edit)
            out = _text_to_objects(column)
            out.flags.writeable = False
            return out
        values = column.to_numpy(dtype=object)
    else:
        values = fids if fids is not None and len(fids) == len(frame) \
            else np.arange(len(frame))
    out = np.array([str(v) for v in values], dtype=object)
    out.flags.writeable = False  # shared by every caller until the keys change
    return out


class Workspace:
    """Layers and tables of one workspace GeoPackage, loaded into memory.

    The one place that changes data and the one place that says what changed
    (docs/ARCHITECTURE.md, "One change flow"):

    - ``features_changed(layer, keys, fields)``: the listed features' attributes or geometry
      changed in place (an edit, its undo, a recovery replay, a sync pull of edits); no row
      was added or removed.  ``fields``: the columns written ("geometry" for the geometry)
      as a frozenset, or None when the writer does not say (any column may have changed);
      a listener may take only the first two.
    - ``layer_replaced(layer)``: the layer's frame was swapped (import and its undo, a pull
      that adds or removes rows): observers re-read the whole layer.

    Views, panels and checkers only listen; they never change frames themselves.
    """

    #: (layer, keys, fields or None): features changed in place.
    features_changed = Signal(str, list, object)
    #: (layer,): the layer's frame was replaced; rows may have come or gone.
    layer_replaced = Signal(str)

    def __init__(self, path: Path, layers: dict[str, gpd.GeoDataFrame],
                 tables: dict[str, pd.DataFrame]) -> None:
        self.path = Path(path)
        self.layers = layers
        self.tables = tables
        #: GeoPackage fids of the rows of layers read from the file (the keys of layers
        #: without a code); a layer without an entry is keyed by row position.
        self.fids: dict[str, np.ndarray] = {}
        self._index: dict[str, SpatialIndex] = {}
        #: layer -> (frame, its keys): :meth:`keys` until the frame or its keys change
        self._keys: dict[str, tuple[gpd.GeoDataFrame, np.ndarray]] = {}
        #: listeners' work on a layer read in a worker (:meth:`add_read_preparer`)
        self._preparers: dict[str, Callable[[str, gpd.GeoDataFrame, np.ndarray], Any]] = {}
        #: layer -> (frame, what was prepared from it) for the frame swapped in last
        self._prepared: dict[str, tuple[gpd.GeoDataFrame, dict[str, Any]]] = {}
        #: counts the changes of the in-memory frames (writes, replacements): a layer read
        #: in the background is swapped in only if nothing changed since it began
        self.revision = 0
        #: layer -> (its frame, revision, lon/lat) as the open read them: see
        #: take_read_lonlat
        self._read_lonlat: dict[str, tuple[gpd.GeoDataFrame, int, np.ndarray]] = {}
        self.metadata: dict[str, str] = {}
        meta = tables.get("metadata")
        if meta is not None and not meta.empty and {"key", "value"} <= set(meta.columns):
            self.metadata = {str(k): str(v) for k, v in zip(meta["key"], meta["value"])}

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str) -> Workspace:
        """Load every known layer and table of the GeoPackage at ``path``."""
        path = Path(path)
        store.check_workspace(path)
        contents = dict(store.list_contents(path))
        names = [n for n in schema.SPATIAL_LAYERS + ("rivers",)
                 if contents.get(n) == "features"]
        big = "outfalls" if "outfalls" in names else None

        def the_rest() -> tuple[dict[str, tuple[gpd.GeoDataFrame, np.ndarray]],
                                dict[str, pd.DataFrame]]:
            read = {n: _read(path, n) for n in names if n != big}
            return read, {name: store.read_table(path, name) for name in schema.TABLES}

        # the outfalls here, every other layer and table meanwhile in a Python thread:
        # GDAL's reads release the GIL, so on two cores the read of 1M outfalls hides
        # that of 20k control units and the rest (~0.4 s of the window's start, issue 17)
        with ThreadPoolExecutor(1) as pool:
            rest = pool.submit(the_rest)
            # (an open is before any window: its Points in a thread of their own)
            lonlat: dict[str, np.ndarray] = {}
            first = _read(path, big, points_beside=True, lonlat=lonlat) \
                if big is not None else None
            read, tables = rest.result()
        if big is not None and first is not None:
            read[big] = first
        ws = cls(path, {n: read[n][0] for n in names}, tables)
        ws.fids = {n: read[n][1] for n in names}
        ws._read_lonlat = {n: (ws.layers[n], ws.revision, xy) for n, xy in lonlat.items()
                           if n in ws.layers}
        # the read's temporaries (GDAL's batches, the WKB, copies) stay in Arrow's pool and
        # the threads' malloc arenas unless given back: at 1M outfalls ~150 MB of the
        # window's resident memory from then on, and ~110 MB of its peak at the first paint
        release_memory()
        return ws

    def take_read_lonlat(self, name: str) -> np.ndarray | None:
        """The (n, 2) lon/lat of layer ``name``'s points as the open read them (NaN for a
        row without one), given once and only while the layer is unchanged since: the map
        builds its first point index from them instead of taking them out of the Points
        again (at 1M outfalls ~0.1-0.2 s of a worker, most of it holding the GIL while the
        window makes its first map).  None for other layers, or once anything changed."""
        held = self._read_lonlat.pop(name, None)
        if held is None:
            return None
        read, revision, xy = held
        current = self.layers.get(name)
        if current is None or current is not read or self.revision != revision \
                or len(xy) != len(current):
            return None
        return xy

    # -- access --------------------------------------------------------------------------
    def layer(self, name: str) -> gpd.GeoDataFrame:
        try:
            return self.layers[name]
        except KeyError:
            raise KeyError(f"workspace {self.path.name} has no layer '{name}'") from None

    def has_layer(self, name: str) -> bool:
        return name in self.layers and len(self.layers[name]) > 0

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())

    def index(self, name: str) -> SpatialIndex:
        """STRtree over a layer (cached until the layer changes)."""
        idx = self._index.get(name)
        if idx is None or idx.frame is not self.layers[name]:
            idx = SpatialIndex(self.layers[name])
            self._index[name] = idx
        return idx

    def illustrative_layers(self) -> tuple[str, ...]:
        """Layers the metadata marks as illustrative (示例数据)."""
        text = self.metadata.get("illustrative_layers")
        if text is None:
            return ()
        return tuple(s for s in (p.strip() for p in text.split(",")) if s)

    def is_illustrative(self, layer: str) -> bool:
        return layer in self.illustrative_layers()

    # -- identity ------------------------------------------------------------------------
    def key_field(self, layer: str) -> str:
        return key_field(layer)

    def keys(self, layer: str) -> np.ndarray:
        """The keys of ``layer``'s rows, in frame order, as a read-only object array of
        str: the code for outfalls and control units, the GeoPackage fid for other layers.

        Kept until the layer is replaced or its key column written (a million codes take
        ~0.1 s); a replaced layer read in a worker brings its keys along
        (:class:`LayerRead`) unless its key column is text, which the map (:meth:`key_array`)
        and :meth:`row_of` read as it is: for such a layer few ask for these."""
        frame = self.layer(layer)
        known = self._keys.get(layer)
        if known is not None and known[0] is frame and len(known[1]) == len(frame):
            return known[1]
        out = keys_of(layer, frame, self.fids.get(layer))
        self._keys[layer] = (frame, out)
        return out

    def key_array(self, layer: str) -> KeyArray:
        """:meth:`keys` as one Arrow string array — shared with the frame when its key
        column is text without gaps — for what keeps a million keys (the map's layers)."""
        frame = self.layer(layer)
        return key_array_of(layer, frame, lambda: self.keys(layer))

    def row_of(self, layer: str, key: str) -> int | None:
        """The row position of feature ``key`` in ``layer``'s frame now (its first row, if
        several hold it), or None."""
        frame = self.layer(layer)
        if keys_are_text(layer, frame):
            # one Arrow pass, no object array of the keys; not through key_lookup, whose
            # kept lookup an edit's listeners share (this one key would replace it)
            at = pc.index(pa.array(frame[key_field(layer)].array), str(key)).as_py()
            return int(at) if at is not None and at >= 0 else None
        hit = np.flatnonzero(self.keys(layer) == str(key))
        return int(hit[0]) if len(hit) else None

    # -- the change flow -----------------------------------------------------------------
    def replace_layer(self, name: str, frame: gpd.GeoDataFrame,
                      fids: np.ndarray | None = None, keys: np.ndarray | None = None,
                      prepared: dict[str, Any] | None = None) -> None:
        """Swap in a new frame for a layer and tell observers (``layer_replaced``).
        ``fids``: the GeoPackage fids of its rows, when it was read from the file;
        ``keys``: its keys as :func:`keys_of` made them from ``frame`` and ``fids``;
        ``prepared``: what listeners made from ``frame`` in a worker (:meth:`take_prepared`).

        The old frame, its keys, fids and index are let go of in a worker thread once the
        listeners have let go of theirs (:func:`models.memory.drop_later`): at 1M outfalls
        freeing a million key strings alone was ~12 ms of the GUI thread's turn."""
        old = (self.layers.get(name), self.fids.pop(name, None), self._index.pop(name, None),
               self._keys.pop(name, None), self._prepared.pop(name, None))
        self.layers[name] = frame
        self.revision += 1
        if fids is not None:
            self.fids[name] = fids
        if keys is not None and len(keys) == len(frame):
            self._keys[name] = (frame, keys)
        if prepared:
            self._prepared[name] = (frame, prepared)
        self.layer_replaced.emit(name)
        drop_later(*old)

    def read_layer(self, name: str, since: int | None = None) -> LayerRead:
        """Read one layer from the GeoPackage without touching the workspace: safe in a
        worker thread (the import and sync jobs read the layer they changed there, so the
        GUI thread only swaps the frame in).  Give the result to :meth:`reload_layer`.

        ``since``: :attr:`revision` as the thread that writes the workspace saw it when it
        started the job (an edit there is written in memory, then saved: a revision taken
        here, in between, would vouch for a file without that edit).  By default the
        revision now, which is right only on that thread."""
        revision = self.revision if since is None else since
        # a million shapely objects: collections while they are made would scan them all
        # with the GIL held (geodata/collector.py)
        with collector_paused():
            frame, fids = _read(self.path, name)
            # a text key column is its own keys (``key_array``, ``row_of``): a million
            # codes made Python strings here were ~0.1 s and a fresh 9 MB object array,
            # faulted in with the GIL held (17-28 ms of the window's event loop after an
            # import at 1M outfalls, bench/bench_gaps.py); :meth:`keys` makes them if asked
            keys = None if keys_are_text(name, frame) else keys_of(name, frame, fids)
            read = LayerRead(name, frame, fids, revision, keys)
            for key, prepare in list(self._preparers.items()):
                try:
                    made = prepare(name, frame, read.keys)
                except Exception:  # noqa: BLE001 - the listener then does it itself
                    logging.getLogger(__name__).exception("preparing %s for %s", name, key)
                    continue
                if made is not None:
                    read.prepared[key] = made
        return read

    def add_read_preparer(self, key: str,
                          prepare: Callable[[str, gpd.GeoDataFrame, np.ndarray], Any]) -> None:
        """Have ``prepare(layer, frame, keys)`` run on every layer :meth:`read_layer` reads
        (``keys``: :attr:`LayerRead.keys`, None when the key column is text),
        in the reading thread (a worker): what a listener of ``layer_replaced`` would make
        from the new frame on the GUI thread, made there instead.  It must not touch
        anything the GUI thread changes.  The listener takes it with :meth:`take_prepared`."""
        self._preparers[key] = prepare

    def take_prepared(self, layer: str, key: str) -> Any:
        """What the preparer ``key`` made from ``layer``'s current frame when it was read
        in a worker, once (it is not kept: a map layer holds its point index), or None (the
        frame was not swapped in from such a read)."""
        known = self._prepared.get(layer)
        if known is None or known[0] is not self.layers.get(layer):
            return None
        return known[1].pop(key, None)

    def reload_layer(self, name: str, read: LayerRead | None = None) -> None:
        """Re-read one layer from the GeoPackage (after an import, its undo, or a pull that
        added or removed rows) and announce it with ``layer_replaced``.  ``read``: the layer
        as read in the background (:meth:`read_layer`); it is used unless a frame was
        written in memory since it began (an edit made meanwhile is saved to the file, so
        reading again then keeps it)."""
        if read is None or read.name != name or read.revision != self.revision:
            read = self.read_layer(name)
        self.replace_layer(name, read.frame, read.fids, read.keys, read.prepared)

    def reload_table(self, name: str, table: pd.DataFrame | None = None) -> None:
        """Re-read one plain table (inspections, samples …) from the GeoPackage; ``table``:
        it as already read off the GUI thread."""
        self.tables[name] = store.read_table(self.path, name) if table is None else table

    def write_value(self, layer: str, row: int, field: str, value: object) -> None:
        """Write one value of the in-memory frame (row position ``row``): the one place that
        writes a layer's frame in place.  ``field`` "geometry" takes a shapely geometry, or
        an (x, y) pair for a point, or None.  Announce afterwards with
        :meth:`announce_features_changed` (writers batch their changes first)."""
        frame = self.layer(layer)
        self.revision += 1
        if field == key_field(layer):
            self._keys.pop(layer, None)
        if field == "geometry":
            if value is not None and not isinstance(value, shapely.Geometry):
                value = shapely.Point(*value)  # type: ignore[misc]
            frame.iat[row, frame.columns.get_loc(frame.geometry.name)] = value
            self._index.pop(layer, None)
        else:  # vocabulary fields are categoricals: a new value becomes a category
            store.set_value(frame, row, field, value)

    def set_values(self, layer: str, updates: dict[str, dict[str, object]],
                   announce: bool = True, rows: list[int] | None = None,
                   by_column: ByColumn | None = None,
                   made: dict[str, Any] | None = None) -> list[str]:
        """Write ``{key: {field: value}}`` into ``layer`` (unknown keys are skipped) and, with
        ``announce``, tell observers.  Returns the keys written.  ``rows``: the row position
        of each key in ``updates`` (-1: none), as :func:`models.key_lookup.positions_of`
        found them in a worker on the key column of this frame, no row having moved since
        (the caller checks :attr:`revision`); by default looked up here.  ``by_column``:
        :func:`by_column_of` of ``updates`` and those ``rows``, made in the same worker;
        ``made``: columns as :func:`column_with` made them there from a snapshot of this
        very frame (the caller checks :attr:`revision`), swapped in instead of written.

        Written a column at a time (one assignment per field, not one per value): a sync
        pull of ten thousand edits then costs the GUI thread milliseconds, not a second."""
        if by_column is None or rows is None or len(rows) != len(updates):
            if rows is None or len(rows) != len(updates):
                rows = self._rows_of_keys(layer, [str(k) for k in updates])
            by_column = by_column_of(updates, rows)
        columns, done = by_column
        frame = self.layer(layer)
        for name, (at, values) in columns.items():
            column = (made or {}).get(name)
            if column is not None and len(column) == len(frame) and name in frame.columns:
                self.revision += 1
                if name == key_field(layer):
                    self._keys.pop(layer, None)
                frame[name] = column
            else:
                self.write_values(layer, at, name, values)
        if announce and done:
            self.announce_features_changed(layer, done, geometry="geometry" in columns,
                                           fields=columns)
        return done

    def _rows_of_keys(self, layer: str, wanted: list[str]) -> list[int]:
        """Row positions of ``wanted`` keys in ``layer``'s frame (-1: no such feature).  One
        Arrow pass over the key column for the keys asked (``models.key_lookup``), not a
        hash index of every key: a pull of 10 000 edits into a million outfalls built one
        of 1M strings (~0.6 s of the GUI thread)."""
        frame = self.layer(layer)
        fld = key_field(layer)
        if fld in frame.columns and len(frame):
            rows = key_lookup.positions_of(frame[fld], wanted)
            if rows is not None:  # keys unique among those asked
                return rows
        keys = frame[fld].astype(str).to_numpy() if fld in frame.columns else self.keys(layer)
        return list(pd.Index(keys).get_indexer(wanted)) if len(keys) else [-1] * len(wanted)

    def write_values(self, layer: str, rows: list[int], name: str,
                     values: list[object]) -> None:
        """:meth:`write_value` for many rows (positions) of one column, in one assignment
        where the column allows it (text and vocabulary columns, the geometry)."""
        frame = self.layer(layer)
        self.revision += 1
        if name == key_field(layer):
            self._keys.pop(layer, None)
        if name == "geometry":
            geoms = np.empty(len(values), dtype=object)
            geoms[:] = [v if v is None or isinstance(v, shapely.Geometry)
                        else shapely.Point(*v) for v in values]  # type: ignore[misc]
            frame.iloc[rows, frame.columns.get_loc(frame.geometry.name)] = geoms
            self._index.pop(layer, None)
            return
        col = frame[name] if name in frame.columns else None
        if col is None or not (isinstance(col.dtype, pd.CategoricalDtype)
                               or pd.api.types.is_string_dtype(col.dtype)):
            for row, value in zip(rows, values, strict=True):  # dtype rules of one value
                store.set_value(frame, row, name, value)
            return
        if isinstance(col.dtype, pd.CategoricalDtype):
            frame[name] = _categorical_with(col, rows, values)
            return
        packed = np.empty(len(values), dtype=object)
        packed[:] = values
        frame.iloc[rows, frame.columns.get_loc(name)] = packed

    def announce_features_changed(self, layer: str, keys: list[str], geometry: bool = False,
                                  fields: Iterable[str] | None = None) -> None:
        """Tell observers that ``keys`` of ``layer`` changed in place.  ``geometry``: some
        of them moved, so the cached spatial index is dropped first.  ``fields``: the
        columns written ("geometry" for the geometry), when the writer knows them: a
        listener then refreshes only what shows those (the inventory table refreshed seven
        columns for a 确认位置 that wrote one); None: any column may have changed."""
        if geometry:
            self._index.pop(layer, None)
        named = None if fields is None else frozenset(fields) | (
            {"geometry"} if geometry else set())
        self.features_changed.emit(layer, [str(k) for k in keys], named)
