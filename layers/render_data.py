"""What a painter draws for one layer in one view: flat rings, points and labels.

numpy only, so that a paint process (:mod:`ui.paint_process`) can unpickle what the window
sends without importing geopandas, pandas or shapely (~0.9 s and ~120 MB a child).
:mod:`layers.lod` makes the rings and :mod:`layers.map_layer` the render data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Rings:
    """Flat coordinates of all rings (polygons) or parts (lines) of a set of features."""

    xy: np.ndarray  # (N, 2) float64, Mercator metres
    offsets: np.ndarray  # (R + 1,) int64: ring r is xy[offsets[r]:offsets[r + 1]]
    feature: np.ndarray  # (R,) int64: feature index of each ring

    @property
    def n_rings(self) -> int:
        return len(self.feature)

    def select(self, feature_mask: np.ndarray) -> Rings:
        """Only the rings of features where ``feature_mask`` is true."""
        keep = feature_mask[self.feature]
        if keep.all():
            return self
        return _gather(self.xy, self.offsets[:-1][keep], np.diff(self.offsets)[keep],
                       self.feature[keep])

    def connect(self) -> np.ndarray:
        """1 where a vertex connects to the next one, 0 at the end of every ring."""
        c = np.ones(len(self.xy), dtype=np.int32)
        if len(self.offsets) > 1:
            c[self.offsets[1:] - 1] = 0
        return c


def _gather(xy: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
            feature: np.ndarray) -> Rings:
    """Rings made of the vertex runs ``xy[starts[r]:starts[r] + lengths[r]]``, in order."""
    if len(lengths) == 0:
        return Rings(np.zeros((0, 2)), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    idx = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    return Rings(xy[idx], offsets, feature)


@dataclass
class Labels:
    x: np.ndarray  # Mercator
    y: np.ndarray
    text: list[str]
    rank: np.ndarray  # smaller first


@dataclass
class RenderData:
    """What a painter draws for one layer in one viewport."""

    kind: str
    #: polygons/lines: (category index or -1, rings in Mercator)
    rings: list[tuple[int, Rings]] = field(default_factory=list)
    #: points: (category index, shape index, x, y) in Mercator
    points: list[tuple[int, int, np.ndarray, np.ndarray]] = field(default_factory=list)
    #: polygons: (pattern index into ``style.shapes``, rings) drawn hatched over the fill
    hatch: list[tuple[int, Rings]] = field(default_factory=list)
    labels: Labels | None = None
    n_features: int = 0
