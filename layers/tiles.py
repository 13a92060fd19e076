"""Local raster tiles (MBTiles file or XYZ folder) for an optional basemap.  No network.

Tiles are Web Mercator (the map's display CRS), so they line up with the vectors.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from pathlib import Path

from geodata.gpkg_sql import sqlite_uri
from layers.mercator import HALF, RES0
from layers.viewport import Viewport


class TileSource:
    """Reads 256-px tiles ``(z, x, y)`` (XYZ numbering, y down) from a local source."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.is_mbtiles = self.path.is_file()
        if not self.path.exists():
            raise FileNotFoundError(f"basemap not found: {self.path}")
        self._local = threading.local()
        self.max_zoom = 19
        if self.is_mbtiles:
            con = self._con()
            row = con.execute("select max(zoom_level), min(zoom_level) from tiles").fetchone()
            self.max_zoom, self.min_zoom = int(row[0] or 0), int(row[1] or 0)
        else:
            zs = [int(p.name) for p in self.path.iterdir() if p.is_dir() and p.name.isdigit()]
            self.max_zoom, self.min_zoom = (max(zs), min(zs)) if zs else (0, 0)

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(sqlite_uri(self.path), uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def read(self, z: int, x: int, y: int) -> bytes | None:
        if self.is_mbtiles:
            row = self._con().execute(
                "select tile_data from tiles where zoom_level=? and tile_column=? and tile_row=?",
                (z, x, (1 << z) - 1 - y)).fetchone()  # MBTiles rows are TMS (y up)
            return bytes(row[0]) if row else None
        for ext in ("png", "jpg", "jpeg", "webp"):
            f = self.path / str(z) / str(x) / f"{y}.{ext}"
            if f.exists():
                return f.read_bytes()
        return None


def zoom_for(view: Viewport, max_zoom: int, min_zoom: int = 0) -> int:
    z = int(round(math.log2(RES0 / view.res)))
    return max(min_zoom, min(max_zoom, z))


def tiles_for(view: Viewport, z: int) -> list[tuple[int, int, int, float, float, float]]:
    """(z, x, y, screen left, screen top, screen size) of the tiles covering ``view``."""
    n = 1 << z
    size_m = 2 * HALF / n
    x0, y0, x1, y1 = view.bbox
    tx0 = max(0, int((x0 + HALF) // size_m))
    tx1 = min(n - 1, int((x1 + HALF) // size_m))
    ty0 = max(0, int((HALF - y1) // size_m))
    ty1 = min(n - 1, int((HALF - y0) // size_m))
    out = []
    if (tx1 - tx0 + 1) * (ty1 - ty0 + 1) > 400:
        return out
    for tx in range(tx0, tx1 + 1):
        for ty in range(ty0, ty1 + 1):
            left = (tx * size_m - HALF - x0) / view.res
            top = (y1 - (HALF - ty * size_m)) / view.res
            out.append((z, tx, ty, left, top, size_m / view.res))
    return out
