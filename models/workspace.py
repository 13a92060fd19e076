"""The open workspace: its layers, the plan catalog, and the events views listen to.

Qt-free.  The window, the command line, the reports and the tests all hold one of these.
Views observe it through psygnal signals and change it only through its methods (or the
undoable commands that call them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from psygnal import Signal

from geodata import schema, store


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


class Workspace:
    """Layers and tables of one workspace GeoPackage, loaded into memory."""

    #: Emitted with the layer name after a layer's rows or geometries changed.
    layer_changed = Signal(str)
    #: Emitted with the changed outfall codes after an edit, undo or redo.
    outfalls_changed = Signal(list)

    def __init__(self, path: Path, layers: dict[str, gpd.GeoDataFrame],
                 tables: dict[str, pd.DataFrame]) -> None:
        self.path = Path(path)
        self.layers = layers
        self.tables = tables
        self._index: dict[str, SpatialIndex] = {}
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
        layers: dict[str, gpd.GeoDataFrame] = {}
        for name in schema.SPATIAL_LAYERS + ("rivers",):
            if contents.get(name) == "features":
                frame = store.read_layer(path, name)
                if frame.crs is None or frame.crs.to_epsg() not in (4490, 4326):
                    frame = frame.set_crs(schema.CRS, allow_override=True) \
                        if frame.crs is None else frame.to_crs(schema.CRS)
                layers[name] = frame
        tables = {name: store.read_table(path, name) for name in schema.TABLES}
        return cls(path, layers, tables)

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

    def replace_layer(self, name: str, frame: gpd.GeoDataFrame) -> None:
        """Swap in a new frame for a layer (after an edit) and tell observers."""
        self.layers[name] = frame
        self._index.pop(name, None)
        self.layer_changed.emit(name)
