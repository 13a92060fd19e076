"""One map layer: a workspace frame with its style, visibility and screen-ready geometry.

Qt-free.  Polygon and line geometry is projected to Web Mercator once, on first use, and
indexed with an STRtree; point layers keep only a :class:`~layers.point_index.PointIndex`
(two float arrays: no Mercator shapely copy, no STRtree — at a million outfalls those cost
~250 MB).  ``prepare`` returns, for one viewport, only what the painter needs: flat
coordinate arrays per style category, simplified to the pixel, and label anchors.
"""

from __future__ import annotations

import threading
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.lod import LodCache
from layers.mercator import lod_level, project_geometries, to_lonlat, to_mercator
from layers.point_index import PointIndex
from layers.render_data import Labels, RenderData
from layers.style import LayerStyle, LegendState
from layers.viewport import Viewport
from models.text_columns import CodeIndex, KeyArray
from models.workspace import key_field


def _key_text(v: Any) -> str:
    """A value as the text legend keys use: whole floats without ``.0`` (1.0 → "1")."""
    if isinstance(v, (float, np.floating)) and v == v and float(v).is_integer():
        return str(int(v))
    return str(v)


#: How a missing value reads as text (None, NaN, pd.NA, NaT).
_MISSING_TEXT = ("None", "nan", "<NA>", "NaT")


def _codes(values: pd.Series | np.ndarray, keys: list[str]) -> np.ndarray:
    """Index of each value in ``keys`` (as text), -1 when not listed.

    Text is made once per distinct value (categorical columns have them already), not once
    per row: a million rows cost a factorize, not a million ``str`` calls.
    """
    lookup = {k: i for i, k in enumerate(keys)}
    s = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values), copy=False)
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = s.cat.codes.to_numpy(), s.cat.categories
    else:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    # the last entry answers code -1 (a missing value)
    table = np.array([lookup.get(_key_text(u), -1) for u in uniques] + [-1], dtype=np.int64)
    out: np.ndarray = table[codes]
    if any(t in lookup for t in _MISSING_TEXT):  # a key spelled like a missing value
        missing = np.flatnonzero(codes < 0)
        raw = s.to_numpy(dtype=object)[missing]
        out[missing] = [lookup.get(_key_text(v), -1) for v in raw]
    return out


class MapLayer:
    """A layer as the map draws it.

    ``frame`` holds only the rows the map can draw, numbered 0..n-1 for the drawing and
    hit-test arrays; those row numbers never leave the map.  Everything outside (selection,
    side panel, table, edits) names a feature by its stable key: ``keys[row]`` is the key
    of map row ``row`` and :meth:`row_of` goes back (docs/ARCHITECTURE.md, "Identity").
    """

    def __init__(self, name: str, frame: gpd.GeoDataFrame, style: LayerStyle,
                 illustrative: bool = False, keys: np.ndarray | KeyArray | None = None,
                 lonlat: np.ndarray | None = None) -> None:
        self.name = name
        self.frame = frame
        if keys is None:  # a layer made without a workspace (tests, synthetic data)
            fld = key_field(name)
            values = frame[fld] if fld in frame.columns else range(len(frame))
            keys = np.array([str(v) for v in values], dtype=object)
        if len(keys) != len(frame):
            raise ValueError(f"layer {name}: {len(keys)} keys for {len(frame)} rows")
        # one Arrow array, not a Python str per row (a million outfall codes: ~18 MB, was
        # ~75 MB); keys[row] is a str as before
        self.keys = keys if isinstance(keys, KeyArray) else KeyArray(keys)
        self._rows_by_key: CodeIndex | None = None
        self.style = style
        self.illustrative = illustrative
        self.visible = style.visible
        self.opacity = 1.0
        self.labels = style.labels
        self.legend = LegendState()
        self.version = 0  # bumped on anything that changes the rendered image
        self._lock = threading.Lock()
        self._points_lock = threading.Lock()
        self._points: PointIndex | None = None
        #: a point layer's (rows, 2) lon/lat as read, for its point index (then dropped)
        self._read_lonlat = lonlat if lonlat is not None and len(lonlat) == len(frame) else None
        self._merc: np.ndarray | None = None
        self._tree: shapely.STRtree | None = None
        self._lonlat_tree: shapely.STRtree | None = None
        self._lod: LodCache | None = None
        self._anchors: tuple[np.ndarray, np.ndarray] | None = None
        self.cat = self._category_codes(style.category_field, [c.key for c in style.categories])
        self.shape = self._category_codes(style.shape_field, [c.key for c in style.shapes])

    def _category_codes(self, field_name: str, keys: list[str]) -> np.ndarray:
        if field_name and field_name in self.frame.columns:
            return _codes(self.frame[field_name], keys)
        return np.full(len(self.frame), -1, dtype=np.int64)

    def legend_counts(self, shapes: bool = False) -> np.ndarray:
        """Rows per entry of the style's categories (``shapes``: of its shapes), in their
        order: counted on the codes the map colours the rows by, so the legend says how
        many features each of its swatches draws.  (Counting the column's values as text
        was ~30 ms at 1M outfalls, twice in the window's start: the layer panel is built,
        then retranslated.)"""
        codes = self.shape if shapes else self.cat
        n = len(self.style.shapes if shapes else self.style.categories)
        return np.bincount(codes[codes >= 0], minlength=n)[:n]

    def updated(self, frame: gpd.GeoDataFrame, rows: np.ndarray,
                fields: frozenset[str] | None = None) -> MapLayer:
        """This layer after map rows ``rows`` changed in place in ``frame`` (same rows, same
        keys, every row still with a geometry): a new layer object (this one stays as it
        is for a render thread that may be drawing it) that reuses everything the change
        does not touch — the keys and their index, the category codes of the other rows,
        the point index (patched for moved points) — instead of a rebuild over every row.

        ``version`` is bumped, so render caches keyed on (id, version) miss.  ``fields``:
        the columns the change wrote ("geometry" for the geometry), None for any: what
        depends on none of them is shared with this layer, not looked at again."""
        if len(frame) != len(self.frame):
            raise ValueError(f"layer {self.name}: {len(frame)} rows for {len(self.frame)}")
        rows = np.asarray(rows, dtype=np.int64)
        new = MapLayer.__new__(MapLayer)
        new.__dict__.update(self.__dict__)
        new.frame = frame
        new.version = self.version + 1
        new._lock = threading.Lock()
        new._points_lock = threading.Lock()
        new._read_lonlat = None  # the frame is another one now
        st = self.style
        # only the columns looked at, for those rows (taking whole rows of every column
        # was most of a patch: bench/bench_gaps.py's 确认位置 and pull)
        for name, field_name, cats in (("cat", st.category_field, st.categories),
                                       ("shape", st.shape_field, st.shapes)):
            if field_name and field_name in frame.columns and len(rows) \
                    and (fields is None or field_name in fields):
                codes = getattr(self, name).copy()
                codes[rows] = _codes(frame[field_name].take(rows), [c.key for c in cats])
                setattr(new, name, codes)
        if fields is not None and "geometry" not in fields:
            return new  # no point moved: the point index, anchors and shapes still hold
        geoms = np.asarray(frame.geometry.values.take(rows), dtype=object)
        with self._lock:
            merc = self._merc
        moved = merc is not None or self._points is None
        if self._points is not None and len(rows):
            old_x, old_y = self._points.coordinates_of(rows)
            if self.style.kind == "point" and self._points.exact \
                    and (shapely.get_type_id(geoms) == 0).all():
                mx, my = to_mercator(shapely.get_x(geoms), shapely.get_y(geoms))
                moved = not (np.array_equal(mx, old_x) and np.array_equal(my, old_y))
                if moved:
                    idx = self._points.moved(rows, mx, my)
                    new._points = idx  # None: rebuilt on first use
                    if idx is not None and self._anchors is not None:
                        ax, ay = self._anchors[0].copy(), self._anchors[1].copy()
                        ax[rows], ay[rows] = mx, my
                        new._anchors = (ax, ay)
                    else:
                        new._anchors = None
            else:  # not single points: rebuild what depends on the geometry on first use
                moved = True
                new._points = None
                new._anchors = None
        if moved and len(rows):  # Mercator shapes, their tree and levels of detail
            new._merc = new._tree = new._lod = new._lonlat_tree = None
            if self._points is None:
                new._anchors = None
        return new

    # -- identity ----------------------------------------------------------------------
    def key_at(self, row: int) -> str:
        """The stable key of map row ``row``."""
        return str(self.keys[int(row)])

    def keys_at(self, rows: np.ndarray) -> list[str]:
        """:meth:`key_at` of each of ``rows``, in one Arrow take: a click at a small scale
        on a million outfalls lands within the tolerance of ~1 600 of them, and their keys
        one by one were 8 ms of the click (~5 us each)."""
        keys = self.keys[np.asarray(rows, dtype=np.int64)].tolist()
        return [k if type(k) is str else str(k) for k in keys]

    @property
    def keys_indexed(self) -> bool:
        """Whether :meth:`row_of` / :meth:`rows_of` have their index of the keys yet
        (a million keys take ~0.6 s; a change to a few rows can find them without it):
        made on first use, or the inventory table's over these very keys."""
        return self._rows_by_key is not None or CodeIndex.over(self.keys.arr) is not None

    def row_of(self, key: str) -> int | None:
        """The map row of feature ``key``, or None when the map does not draw it (no
        geometry, or no such feature); a key given twice (synthetic data): its first row."""
        return self._key_index().row_of(str(key))

    def rows_of(self, keys: list[str] | tuple[str, ...]) -> np.ndarray:
        """Map rows of those of ``keys`` the map draws (in the order given; every row of
        a key given twice)."""
        return self._key_index().rows_of(keys)

    def _key_index(self) -> CodeIndex:
        # built on first use: the keys' sort order for binary search (a pandas hash of a
        # million keys, and of their first rows when keys repeat, was ~150 MB at 1M)
        index = self._rows_by_key
        if index is None:
            # the inventory table's, when made over the same key array (its worker made
            # it: the frame's own code column, which the map's keys share)
            shared = CodeIndex.over(self.keys.arr)
            index = self._rows_by_key = shared.sharing(last=False) if shared is not None \
                else CodeIndex(self.keys, last=False)
        return index

    # -- geometry ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.frame)

    @property
    def is_points(self) -> bool:
        """A point layer whose rows are single points: served by :meth:`point_index`."""
        return self.style.kind == "point" and self.point_index().exact

    def point_index(self) -> PointIndex:
        """Point layers: Mercator x/y on a grid (built once, thread-safe)."""
        with self._points_lock:
            if self._points is None:
                lonlat, self._read_lonlat = self._read_lonlat, None
                self._points = PointIndex.from_geometries(self.frame.geometry.values) \
                    if lonlat is None else PointIndex.from_lonlat(lonlat)
            return self._points

    @property
    def merc(self) -> np.ndarray:
        """Geometries in Web Mercator (projected once).

        The map never asks for it on point layers (see :meth:`point_index`,
        :meth:`merc_geometry`): for a million points it is ~160 MB.
        """
        with self._lock:
            if self._merc is None:
                geoms = self.frame.geometry.values
                self._merc = project_geometries(np.asarray(geoms, dtype=object))
            return self._merc

    @property
    def tree(self) -> shapely.STRtree:
        merc = self.merc
        with self._lock:
            if self._tree is None:
                self._tree = shapely.STRtree(merc)
            return self._tree

    @property
    def lod(self) -> LodCache:
        """Simplified rings per zoom level, made from the lon/lat geometry (drawing never
        needs :attr:`merc`: see :class:`layers.lod.LodCache`)."""
        with self._lock:
            if self._lod is None:
                self._lod = LodCache(self._lonlat(), self.style.kind == "polygon",
                                     lonlat=True)
            return self._lod

    def _lonlat(self) -> np.ndarray:
        return np.asarray(self.frame.geometry.values, dtype=object)

    def _lonlat_index(self) -> shapely.STRtree:
        """An STRtree of the lon/lat geometry, for :meth:`in_view`.  Mercator maps each
        axis on its own and in order, so a feature's box in lon/lat is its Mercator box
        mapped back: the same features meet the view as with :attr:`tree`, without
        projecting every vertex first."""
        with self._lock:
            if self._lonlat_tree is None:
                self._lonlat_tree = shapely.STRtree(self._lonlat())
            return self._lonlat_tree

    def merc_geometry(self, index: int) -> shapely.Geometry:
        """Feature ``index`` in Web Mercator (point layers project just this one)."""
        if self.style.kind == "point" and self._merc is None:
            one = np.asarray(self.frame.geometry.values[index:index + 1], dtype=object)
            return project_geometries(one)[0]
        return self.merc[index]

    def anchors(self) -> tuple[np.ndarray, np.ndarray]:
        """Label anchor of each feature (a point inside polygons, mid-line for lines)."""
        if self.is_points:
            with self._lock:
                if self._anchors is None:
                    self._anchors = self.point_index().coordinates()
                return self._anchors
        merc = self.merc
        with self._lock:
            if self._anchors is None:
                if self.style.kind == "line":
                    pts = shapely.line_interpolate_point(
                        shapely.line_merge(merc) if len(merc) else merc, 0.5, normalized=True)
                    pts = np.where(shapely.is_empty(pts), shapely.point_on_surface(merc), pts)
                else:
                    pts = shapely.point_on_surface(merc)
                self._anchors = (shapely.get_x(pts), shapely.get_y(pts))
            return self._anchors

    def extent(self) -> tuple[float, float, float, float] | None:
        if len(self.frame) == 0:
            return None
        if self.is_points and self._merc is None:
            b = self.point_index().bounds()
            return b if b is not None else (np.nan, np.nan, np.nan, np.nan)
        if self._merc is not None:
            b = shapely.total_bounds(self._merc)
        else:  # the lon/lat box projected: the same numbers (see _lonlat_index)
            lon0, lat0, lon1, lat1 = shapely.total_bounds(self._lonlat())
            x0, y0 = to_mercator(lon0, lat0)
            x1, y1 = to_mercator(lon1, lat1)
            b = np.array([x0, y0, x1, y1])
        return tuple(float(v) for v in b)  # type: ignore[return-value]

    def feature_extent(self, index: int) -> tuple[float, float, float, float]:
        b = shapely.bounds(self.merc_geometry(index))
        return tuple(float(v) for v in b)  # type: ignore[return-value]

    # -- state -------------------------------------------------------------------------
    def touch(self) -> None:
        self.version += 1

    def visible_mask(self) -> np.ndarray:
        """Features not switched off in the legend."""
        mask = np.ones(len(self.frame), dtype=bool)
        st = self.style
        for field_name, codes, cats in ((st.category_field, self.cat, st.categories),
                                        (st.shape_field, self.shape, st.shapes)):
            hidden = self.legend.hidden.get(field_name)
            if hidden:
                for i, c in enumerate(cats):
                    if c.key in hidden:
                        mask &= codes != i
        return mask

    def visible_at(self, rows: np.ndarray) -> np.ndarray:
        """``visible_mask()[rows]`` without a pass over every feature."""
        mask = np.ones(len(rows), dtype=bool)
        st = self.style
        for field_name, codes, cats in ((st.category_field, self.cat, st.categories),
                                        (st.shape_field, self.shape, st.shapes)):
            hidden = self.legend.hidden.get(field_name)
            if hidden:
                off = [i for i, c in enumerate(cats) if c.key in hidden]
                if off:
                    mask &= ~np.isin(codes[rows], off)
        return mask

    def in_view(self, view: Viewport, margin_px: float = 16.0) -> np.ndarray:
        x0, y0, x1, y1 = view.bbox
        m = margin_px * view.res
        if self.is_points:
            idx = self.point_index().rows_in((x0 - m, y0 - m, x1 + m, y1 + m))
        else:
            lon0, lat0 = to_lonlat(x0 - m, y0 - m)
            lon1, lat1 = to_lonlat(x1 + m, y1 + m)
            idx = self._lonlat_index().query(shapely.box(lon0, lat0, lon1, lat1))
        mask = np.zeros(len(self.frame), dtype=bool)
        mask[idx] = True
        return mask

    # -- rendering data ----------------------------------------------------------------
    def prepare(self, view: Viewport, lang: str = "zh", with_labels: bool = False,
                ) -> RenderData:
        """Arrays to paint this layer in ``view``: viewport-only, simplified to the pixel."""
        st = self.style
        out = RenderData(st.kind)
        if len(self.frame) == 0 or view.res > st.max_res:
            return out
        mask = self.in_view(view) & self.visible_mask()
        out.n_features = int(mask.sum())
        if out.n_features == 0:
            return out
        if st.kind == "point":
            if self.is_points:
                xs, ys = self.anchors()
            else:
                merc = self.merc
                xs, ys = shapely.get_x(merc), shapely.get_y(merc)
            ncat, nshape = max(len(st.categories), 1), max(len(st.shapes), 1)
            key = np.where(self.cat < 0, ncat, self.cat) * (nshape + 1) + \
                np.where(self.shape < 0, nshape, self.shape)
            for k in np.unique(key[mask]):
                sel = mask & (key == k)
                c, s = divmod(int(k), nshape + 1)
                out.points.append((c if c < ncat else -1, s if s < nshape else -1,
                                   xs[sel], ys[sel]))
        else:
            rings = self.lod.rings(lod_level(view.res), mask)
            if st.categories:
                for ci in np.unique(self.cat[mask]):
                    out.rings.append((int(ci), rings.select(mask & (self.cat == ci))))
            else:
                out.rings.append((-1, rings.select(mask)))
            if st.kind == "polygon":
                for si, shape in enumerate(st.shapes):
                    sel = mask & (self.shape == si)
                    if shape.shape == "hatch" and sel.any():
                        out.hatch.append((si, rings.select(sel)))
        if with_labels and self.labels and view.res <= st.label_max_res:
            out.labels = self._labels(mask, lang)
        return out

    def build_hit_index(self) -> None:
        """Build :attr:`merc` and :attr:`tree` now if this layer will need them (hit tests
        of a polygon or line layer).  Drawing does not (see :attr:`lod`), so the renderer
        asks for them once it has been idle a moment: the first click then does not
        project the whole layer on the GUI thread (20 000 units: ~150 ms)."""
        if self.style.kind != "point" and len(self.frame):
            _ = self.tree

    def prefetch(self, view: Viewport) -> None:
        """Simplify the geometry :meth:`prepare` will want for ``view`` now (GEOS works
        without the GIL: the renderer runs this in a second thread, bottom layer first,
        while it paints; :class:`layers.lod.LodCache` never simplifies a feature twice,
        and what the render thread is simplifying already is skipped, not waited for)."""
        st = self.style
        if st.kind == "point" or len(self.frame) == 0 or view.res > st.max_res:
            return
        mask = self.in_view(view) & self.visible_mask()
        if mask.any():
            self.lod.rings(lod_level(view.res), mask, wait=False)

    def prepare_labels(self, view: Viewport, lang: str = "zh") -> Labels | None:
        """Label anchors and texts in ``view`` (None when labels are off or hidden)."""
        st = self.style
        if (not self.visible or not self.labels or len(self.frame) == 0
                or view.res > st.label_max_res or view.res > st.max_res):
            return None
        mask = self.in_view(view, margin_px=0) & self.visible_mask()
        return self._labels(mask, lang) if mask.any() else None

    def _labels(self, mask: np.ndarray, lang: str) -> Labels | None:
        field_name = self.style.label_field(lang)
        if not field_name or field_name not in self.frame.columns:
            field_name = self.style.label_field_zh
        if not field_name or field_name not in self.frame.columns:
            return None
        ax, ay = self.anchors()
        idx = np.flatnonzero(mask)
        values = self.frame[field_name].to_numpy()[idx]
        texts = ["" if v is None or v != v else str(v) for v in values]
        if "rank" in self.frame.columns:
            rank = self.frame["rank"].to_numpy(dtype=float)[idx]
        else:
            # bigger features first: they are the ones people look for
            rank = -shapely.area(self.merc[idx]) if self.style.kind == "polygon" \
                else np.zeros(len(idx))
        rank = np.asarray(rank, dtype=float)
        # zoned reserves are several rows with one name: label the name once (best rank)
        order = np.argsort(rank, kind="stable")
        seen: set[str] = set()
        keep = []
        for i in order:
            if texts[i] and texts[i] not in seen:
                seen.add(texts[i])
                keep.append(i)
        k = np.array(keep, dtype=np.int64)
        return Labels(ax[idx][k], ay[idx][k], [texts[i] for i in keep], rank[k])
