"""The ordered set of map layers the window shows, with events for views to observe.

Qt-free.  The layer panel changes the model only through these methods; the canvas listens
to ``changed`` and re-renders what changed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow.compute as pc
from psygnal import Signal

from geodata import schema
from layers.map_layer import MapLayer
from layers.style import GROUPS, style_for
from models import key_lookup
from models.workspace import key_array_of, key_field


def _distinct(rows: np.ndarray) -> bool:
    """Whether no row is given twice (ascending rows, as the lookups give them, are
    checked without a sort)."""
    rows = np.asarray(rows)
    if len(rows) < 2 or bool((rows[1:] > rows[:-1]).all()):
        return True
    return len(np.unique(rows)) == len(rows)


def _drawable(frame: Any, keys: Any, empty_too: bool, lonlat: Any = None
              ) -> tuple[Any, Any]:
    """The rows the map can draw (numbered from 0) and their keys.  ``lonlat``: the
    points' coordinates as read (:meth:`models.workspace.Workspace.take_read_lonlat`),
    given only when all are finite: every row has a point, and the million of them need
    not be looked at."""
    if lonlat is not None and len(lonlat) == len(frame):
        return frame.reset_index(drop=True), keys
    keep = frame.geometry.notna()
    if empty_too:
        keep &= ~frame.geometry.is_empty
    if keep.all():  # the usual case: the keys as they are (one test of a million rows)
        return frame.reset_index(drop=True), keys
    mask = keep.to_numpy()
    return _drop_rows_without_geometry(frame, empty_too), keys[mask]


def _drop_rows_without_geometry(frame: Any, empty_too: bool) -> Any:
    """The rows the map can draw, numbered from 0.

    When every row has a geometry (the usual case) nothing is filtered: ``reset_index``
    then gives a new frame that shares the workspace frame's columns (pandas copy-on-write
    copies a column only when one side writes to it, as an outfall edit does), instead of a
    second copy of a million rows of attributes.  (pandas ≥ 3; pandas 2 without
    copy-on-write copies here, as this code always did.)
    """
    keep = frame.geometry.notna()
    if empty_too:
        keep &= ~frame.geometry.is_empty
    if not keep.all():
        frame = frame[keep]
    return frame.reset_index(drop=True)


class MapModel:
    #: (layer name, what) — what is "visible", "opacity", "labels", "legend", "order", "data"
    changed = Signal(str, str)

    def __init__(self, layers: list[MapLayer]) -> None:
        self.layers = layers  # bottom to top

    @classmethod
    def from_workspace(cls, ws: Any) -> MapModel:
        """Every spatial layer of ``ws`` in drawing order (missing layers are skipped)."""
        order = list(schema.SPATIAL_LAYERS)
        if "rivers" in ws.layers:
            order.insert(order.index("counties"), "rivers")
        # the sea polygon is the water around the land: draw it first, land on top
        order.remove("sea")
        order.insert(0, "sea")
        illustrative = set(ws.illustrative_layers())
        out = []
        for name in order:
            frame = ws.layers.get(name)
            if frame is None:
                continue
            # the points as the open read them, while every row has one (the rows of the
            # map layer are then those of the file)
            take = getattr(ws, "take_read_lonlat", None)
            lonlat = take(name) if take is not None else None
            if lonlat is not None and not bool(np.isfinite(lonlat).all()):
                lonlat = None
            frame, keys = _drawable(frame, ws.key_array(name), empty_too=True, lonlat=lonlat)
            out.append(MapLayer(name, frame, style_for(name), name in illustrative, keys,
                                lonlat=lonlat))
        model = cls(out)
        # the map only observes the workspace (docs/ARCHITECTURE.md, "One change flow")
        ws.layer_replaced.connect(model._on_layer_changed)
        ws.features_changed.connect(model._on_features_changed)
        # a layer read in a worker (an import, its undo, a pull) comes with its map layer
        ws.add_read_preparer("map", model._prepare)
        model._ws = ws
        return model

    @property
    def workspace(self) -> Any:
        """The workspace the layers come from (None for a model built from bare layers):
        its frames hold every row, with or without a geometry."""
        return getattr(self, "_ws", None)

    def _on_features_changed(self, name: str, keys: list[str], fields: Any = None) -> None:
        """Features changed in place: patch the layer for just those rows when they kept
        their keys and their geometry (a move, an attribute edit); else rebuild it.
        ``fields``: the columns written (``Workspace.features_changed``), None for any."""
        if not self._patch_layer(name, keys, fields):
            self._on_layer_changed(name)

    def _patch_layer(self, name: str, keys: list[str], fields: Any = None) -> bool:
        frame = self._ws.layers.get(name)
        old = self.get(name)
        if frame is None or old is None or len(frame) != len(old.frame):
            return False  # a row without geometry is left out of the map: rebuild
        fld = key_field(name)
        if fld not in frame.columns:
            return False
        wanted = list(dict.fromkeys(keys))  # str already: Workspace.features_changed
        # every row with one of the keys (a code given twice, as in synthetic data: all its
        # rows, the one the edit wrote among them).  Without the layer's hash of its keys
        # (made on the first click or selection), one Arrow pass over the frame's keys
        # finds them: the frame has no row the map leaves out (same length), so its row
        # positions are the map rows — and a renamed key is caught below either way
        # (the edit's own lookup of those keys in this key column, when it was the last
        # one made: a 确认位置 looked its 1 000 codes up just before)
        rows = key_lookup.rows_known(frame[fld], wanted)
        if rows is None and old.keys_indexed:
            rows = old.rows_of(wanted)
        elif rows is None:
            rows = key_lookup.rows_holding(frame[fld], wanted)
        # (distinct keys counted by Arrow: a str per row was ~1-2 ms of a pull at 1M)
        if not _distinct(rows) or len(rows) < len(wanted) \
                or len(pc.unique(old.keys[rows].arr)) != len(wanted):
            return False  # a key the map does not know (a new or renamed feature)
        if len(rows):
            # only the two columns looked at (taking every column of the rows was most
            # of an edit's patch)
            now = frame[fld].take(rows).to_numpy(dtype=object) \
                if fields is None or fld in fields else None  # else no key was written
            if now is not None and not all(str(a) == str(b) for a, b in
                                           zip(now, old.keys[rows], strict=True)):
                return False  # a code was renamed: the keys change
            if fields is None or "geometry" in fields:
                geoms = frame.geometry.values.take(rows)
                if (geoms.isna() | geoms.is_empty).any():
                    return False  # a feature lost its geometry
        new = old.updated(frame.reset_index(drop=True), rows,
                          None if fields is None else frozenset(fields))
        self.layers[self.layers.index(old)] = new
        self.changed.emit(name, "data")
        return True

    def _prepare(self, name: str, frame: Any, keys: Any) -> MapLayer | None:
        """The map layer of a replaced layer's new ``frame``, made in the worker that read
        it (``Workspace.add_read_preparer``): its drawable rows and category codes are
        then not made on the GUI thread.  Reads only the layer's style."""
        old = self.get(name)
        if old is None:
            return None
        # the frame's own Arrow key column where it can (no second copy of the keys)
        frame, keys = _drawable(frame, key_array_of(name, frame, lambda: keys),
                                empty_too=False)
        return MapLayer(name, frame, old.style, old.illustrative, keys)

    def _on_layer_changed(self, name: str) -> None:
        frame = self._ws.layers.get(name)
        old = self.get(name)
        if frame is None or old is None:
            return
        new = self._ws.take_prepared(name, "map")
        if new is None or new.style is not old.style or new in self.layers:
            frame, keys = _drawable(frame, self._ws.key_array(name), empty_too=False)
            new = MapLayer(name, frame, old.style, old.illustrative, keys)
        new.visible, new.opacity, new.labels, new.legend = (old.visible, old.opacity,
                                                            old.labels, old.legend)
        new.version = old.version + 1
        self.layers[self.layers.index(old)] = new
        self.changed.emit(name, "data")

    # -- access ------------------------------------------------------------------------
    def get(self, name: str) -> MapLayer | None:
        for layer in self.layers:
            if layer.name == name:
                return layer
        return None

    def names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def groups(self) -> list[tuple[str, str, str, list[MapLayer]]]:
        """(group key, title zh, title en, layers top first) for the layer panel."""
        out = []
        for key, zh, en in GROUPS:
            members = [la for la in reversed(self.layers) if la.style.group == key]
            if members:
                out.append((key, zh, en, members))
        return out

    def full_extent(self) -> tuple[float, float, float, float] | None:
        """Extent of the administrative layers (or of everything if there are none)."""
        for names in (("city", "counties"), tuple(self.names())):
            boxes = [la.extent() for la in self.layers if la.name in names]
            boxes = [b for b in boxes if b is not None]
            if boxes:
                return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                        max(b[2] for b in boxes), max(b[3] for b in boxes))
        return None

    # -- changes -----------------------------------------------------------------------
    def set_visible(self, name: str, visible: bool) -> None:
        layer = self.get(name)
        if layer is not None and layer.visible != visible:
            layer.visible = visible
            self.changed.emit(name, "visible")

    def set_opacity(self, name: str, opacity: float) -> None:
        layer = self.get(name)
        if layer is not None:
            layer.opacity = min(max(float(opacity), 0.0), 1.0)
            self.changed.emit(name, "opacity")

    def set_labels(self, name: str, on: bool) -> None:
        layer = self.get(name)
        if layer is not None and layer.labels != on:
            layer.labels = on
            layer.touch()
            self.changed.emit(name, "labels")

    def set_category_visible(self, name: str, field_name: str, key: str, visible: bool) -> None:
        layer = self.get(name)
        if layer is not None:
            layer.legend.toggle(field_name, key, visible)
            layer.touch()
            self.changed.emit(name, "legend")

    def move(self, name: str, new_index: int) -> None:
        """Move a layer to ``new_index`` in drawing order (0 = bottom)."""
        layer = self.get(name)
        if layer is None:
            return
        self.layers.remove(layer)
        self.layers.insert(max(0, min(new_index, len(self.layers))), layer)
        self.changed.emit(name, "order")

    def add_layer(self, layer: MapLayer, above: str | None = None) -> None:
        """Add (or replace, by name) a layer, e.g. a temporary one a tool shows; drawn just
        above ``above`` when given, else on top."""
        old = self.get(layer.name)
        if old is not None:
            self.layers.remove(old)
        anchor = self.get(above) if above else None
        index = self.layers.index(anchor) + 1 if anchor is not None else len(self.layers)
        self.layers.insert(index, layer)
        self.changed.emit(layer.name, "order")

    def remove_layer(self, name: str) -> bool:
        """Take a layer off the map (a temporary one); False if there was none."""
        layer = self.get(name)
        if layer is None:
            return False
        self.layers.remove(layer)
        self.changed.emit(name, "order")
        return True

    def visibility(self) -> dict[str, bool]:
        return {la.name: la.visible for la in self.layers}
