"""Optional raster basemap from a local MBTiles file or XYZ tile folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from layers.tiles import TileSource, tiles_for, zoom_for
from layers.viewport import Viewport
from ui.painter import new_image


class TileBasemap:
    def __init__(self, path: Path | str) -> None:
        self.source = TileSource(path)
        self.source_id = str(Path(path).resolve())
        self.enabled = True
        self.opacity = 1.0

    def render(self, view: Viewport) -> QImage:
        img = new_image(view)
        z = zoom_for(view, self.source.max_zoom, self.source.min_zoom)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for tz, tx, ty, left, top, size in tiles_for(view, z):
            data = self.source.read(tz, tx, ty)
            if not data:
                continue
            tile = QImage.fromData(data)
            if not tile.isNull():
                p.drawImage(QRectF(left, top, size, size), tile)
        p.end()
        return img
