"""Paint a point layer with its level of detail: density cells zoomed out, symbols zoomed in.

Runs in render worker threads, like :mod:`ui.painter`.  The Qt-free part (viewport query,
aggregation) is :mod:`layers.point_density`; this module only turns its answer into pixels:
symbols through the usual atlas painter, density cells as one premultiplied RGBA image
scaled up without smoothing (crisp cells) in a single ``drawImage``.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from layers.map_layer import MapLayer
from layers.point_density import Density, prepare_points
from layers.viewport import Viewport
from ui.painter import SymbolAtlas, new_image, paint_layer


def paint_density(img: QImage, d: Density) -> None:
    rows, cols = d.rgba.shape[:2]
    buf = d.rgba.tobytes()  # QImage does not own numpy memory: keep a bytes copy alive
    cells = QImage(buf, cols, rows, cols * 4, QImage.Format.Format_RGBA8888_Premultiplied)
    p = QPainter(img)
    try:
        p.drawImage(QRectF(0, 0, cols * d.cell_px, rows * d.cell_px), cells)
    finally:
        p.end()


def render_point_layer(layer: MapLayer, view: Viewport, atlas: SymbolAtlas | None,
                       ) -> QImage | None:
    """The layer's image for ``view`` (what a render worker job returns); None when no
    point of it is in view (nothing to clear and composite)."""
    data = prepare_points(layer, view)
    if not isinstance(data, Density) and data.n_features == 0:
        return None
    img = new_image(view)
    if isinstance(data, Density):
        paint_density(img, data)
    else:
        paint_layer(img, data, layer.style, view, atlas)
    return img
