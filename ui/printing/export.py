"""Write a print layout to PDF (vector, fonts embedded), PNG or TIFF (at the chosen DPI,
recorded in the file), atomically: the page is written beside the target and moved into
place only when complete, so a failed export never leaves half a file under the name.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF, Qt
from PySide6.QtGui import QImage, QImageWriter, QPageLayout, QPageSize, QPainter, QPdfWriter

from geodata import files
from geodata.messages import Message
from models.print_layout import FORMATS, LayoutError, PrintLayout
from ui.printing.layout_page import PageContext, draw_layout_page
from ui.reports.qt_app import ensure_app

#: Largest raster page (pixels): A1 at 600 dpi is 280 Mpx, about 1.1 GB in memory.
MAX_PIXELS = 300e6


def output_format(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise LayoutError(Message(f"{out.name}：请用 .pdf、.png 或 .tif 结尾",
                                  f"{out.name}: the output must end in .pdf, .png or .tif"))
    return {".tiff": "tif"}.get(suffix, suffix[1:])


def pdf_writer(path: Path, paper: str, orientation: str, dpi: int, title: str) -> QPdfWriter:
    """A QPdfWriter for ``paper`` with no margins: the page design places everything."""
    from models.print_layout import PAPERS

    writer = QPdfWriter(str(path))
    writer.setResolution(int(dpi))
    w, h = PAPERS[paper]
    writer.setPageSize(QPageSize(QSizeF(w, h), QPageSize.Unit.Millimeter, paper))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape if orientation == "landscape"
                              else QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle(title or "EcoZone")
    writer.setCreator("EcoZone 生态环境分区管控一张图")
    return writer


def page_pixels(writer: QPdfWriter) -> tuple[float, float]:
    r = writer.pageLayout().fullRectPixels(writer.resolution())
    return float(r.width()), float(r.height())


def raster_image(layout: PrintLayout, dpi: int) -> QImage:
    w, h = layout.page_pixels(dpi)
    if w * h > MAX_PIXELS:
        raise LayoutError(Message(
            f"{layout.paper} 在 {dpi} dpi 下为 {w}×{h} 像素，过大；请降低分辨率或改用 PDF",
            f"{layout.paper} at {dpi} dpi is {w}×{h} pixels, too large; lower --dpi or "
            "write a PDF"))
    img = QImage(w, h, QImage.Format.Format_RGB32)
    dpm = int(round(dpi / 0.0254))
    img.setDotsPerMeterX(dpm)
    img.setDotsPerMeterY(dpm)
    img.fill(Qt.GlobalColor.white)
    return img


def save_image(img: QImage, path: Path, fmt: str) -> None:
    w = QImageWriter(str(path), b"tiff" if fmt == "tif" else fmt.encode())
    if fmt == "tif":
        w.setCompression(1)  # LZW
    if not w.write(img):
        raise OSError(f"{path}: {w.errorString()}")


def export_layout(layout: PrintLayout, ctx: PageContext, out: Path | str) -> dict[str, Any]:
    """Write one page; returns what the ``print`` command reports."""
    ensure_app()
    layout.validate()
    out = Path(out)
    fmt = output_format(out)
    t0 = time.perf_counter()
    tmp = out.with_name(out.name + ".part")
    try:
        if fmt == "pdf":
            writer = pdf_writer(tmp, layout.paper, layout.orientation, layout.dpi,
                                layout.title)
            p = QPainter(writer)
            try:
                w, h = page_pixels(writer)
                res = draw_layout_page(p, layout, ctx, w, h, layout.dpi)
            finally:
                p.end()
            del writer
        else:
            img = raster_image(layout, layout.dpi)
            p = QPainter(img)
            try:
                res = draw_layout_page(p, layout, ctx, img.width(), img.height(), layout.dpi)
            finally:
                p.end()
            save_image(img, tmp, fmt)
            del img
        files.finish(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    wmm, hmm = layout.page_mm()
    return {"pages": 1, "out": str(out), "paper": layout.paper,
            "orientation": layout.orientation, "page_mm": [wmm, hmm], "dpi": layout.dpi,
            "scale": round(res.scale), "layers": res.shown,
            "time_s": round(time.perf_counter() - t0, 3)}
