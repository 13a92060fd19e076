"""The view of the map: centre, resolution and size in pixels.  Pure arithmetic, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Viewport:
    """Centre (Web Mercator metres), resolution (metres per pixel), size (pixels)."""

    cx: float
    cy: float
    res: float
    width: int
    height: int

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        hw, hh = self.width * self.res / 2, self.height * self.res / 2
        return self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh

    def to_screen(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x0, _, _, y1 = self.bbox
        return (x - x0) / self.res, (y1 - y) / self.res

    def to_map(self, sx: float, sy: float) -> tuple[float, float]:
        x0, _, _, y1 = self.bbox
        return x0 + sx * self.res, y1 - sy * self.res

    def panned(self, dx_px: float, dy_px: float) -> Viewport:
        """The view after dragging the map by (dx, dy) screen pixels."""
        return replace(self, cx=self.cx - dx_px * self.res, cy=self.cy + dy_px * self.res)

    def zoomed(self, factor: float, sx: float | None = None, sy: float | None = None,
               ) -> Viewport:
        """Zoom by ``factor`` (>1 zooms in) keeping screen point (sx, sy) fixed."""
        res = min(max(self.res / factor, 0.05), 20000.0)
        if sx is None or sy is None:
            return replace(self, res=res)
        mx, my = self.to_map(sx, sy)
        # keep (mx, my) under the cursor
        cx = mx - (sx - self.width / 2) * res
        cy = my + (sy - self.height / 2) * res
        return replace(self, cx=cx, cy=cy, res=res)

    def resized(self, width: int, height: int) -> Viewport:
        return replace(self, width=max(1, width), height=max(1, height))

    @classmethod
    def fit(cls, bbox: tuple[float, float, float, float], width: int, height: int,
            margin: float = 0.05) -> Viewport:
        """The view showing ``bbox`` (Mercator) in a ``width``×``height`` window."""
        x0, y0, x1, y1 = bbox
        w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
        res = max(w / max(width, 1), h / max(height, 1)) * (1 + 2 * margin)
        return cls((x0 + x1) / 2, (y0 + y1) / 2, max(res, 0.1), max(1, width), max(1, height))

    def transform_from(self, other: Viewport) -> tuple[float, float, float]:
        """(scale, dx, dy) mapping an image rendered for ``other`` onto this view."""
        s = other.res / self.res
        ox0, _, _, oy1 = other.bbox
        sx, sy = self.to_screen(np.array(ox0), np.array(oy1))
        return s, float(sx), float(sy)
