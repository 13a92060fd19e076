"""Map export: paper size at the chosen DPI, map placed in the frame, furniture drawn."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtGui import QColor, QImage

from layers.mercator import to_mercator
from layers.viewport import Viewport
from models.workspace import Workspace
from tests.models.test_screening_support import build_workspace
from ui.reports.map_export import export_view, frame_view, workspace_renderer

X0, Y0 = (float(v) for v in to_mercator(118.55, 24.85))
X1, Y1 = (float(v) for v in to_mercator(118.68, 24.95))


def _solid(view: Viewport) -> QImage:
    img = QImage(view.width, view.height, QImage.Format.Format_RGB32)
    img.fill(QColor("#ff00ff"))
    return img


def test_png_has_paper_size_at_dpi_and_the_map(tmp_path, qapp):
    out = export_view(_solid, (X0, Y0, X1, Y1), tmp_path / "map.png", dpi=100, paper="A4",
                      landscape=True, title="测试地图", notice="示例数据")
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1169, 827)  # 297 x 210 mm at 100 dpi
    assert img.dotsPerMeterX() == round(100 / 0.0254)
    centre = QColor(img.pixel(img.width() // 3, img.height() // 2))
    assert centre.name() == "#ff00ff"  # the map fills the frame
    assert QColor(img.pixel(5, 5)).name() == "#ffffff"  # paper margin
    # title, legend and scale bar put dark pixels where they belong
    dark = sum(QColor(img.pixel(x, y)).lightness() < 100 for x in range(40, 400, 2)
               for y in range(50, 95, 2))
    assert dark > 20


def test_frame_keeps_centre_and_shows_whole_extent():
    v = frame_view((0.0, 0.0, 1000.0, 500.0), 100, 100)
    assert (v.cx, v.cy, v.res) == (500.0, 250.0, 10.0)
    x0, y0, x1, y1 = v.bbox
    assert x0 <= 0 and x1 >= 1000 and y0 <= 0 and y1 >= 500


def test_screen_image_source_and_bad_inputs(tmp_path, qapp):
    view = Viewport((X0 + X1) / 2, (Y0 + Y1) / 2, 20.0, 400, 300)
    shot = QImage(400, 300, QImage.Format.Format_RGB32)
    shot.fill(QColor("#00ff00"))
    out = export_view(shot, view, tmp_path / "v.png", dpi=60, paper="A4", landscape=False)
    img = QImage(str(out))
    assert (img.width(), img.height()) == (496, 702)
    assert QColor(img.pixel(img.width() // 3, img.height() // 2)).name() == "#00ff00"
    with pytest.raises(ValueError, match="png or .pdf"):
        export_view(shot, view, tmp_path / "v.jpg")
    with pytest.raises(ValueError, match="paper"):
        export_view(shot, view, tmp_path / "v.png", paper="B9")


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_pdf_from_workspace_renderer(tmp_path, qapp):
    ws = Workspace.open(build_workspace(tmp_path / "ws.gpkg"))
    out = export_view(workspace_renderer(ws), (X0, Y0, X1, Y1), tmp_path / "map.pdf", dpi=150,
                      paper="A3", title="泉州测试 Map", lang="en")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(out), str(tmp_path / "pg")], check=True)
    img = QImage(str(next(tmp_path.glob("pg*.png"))))
    assert img.width() > img.height()  # A3 landscape
    names = {QColor(img.pixel(x, y)).name() for x in range(0, img.width(), 4)
             for y in range(0, img.height(), 4)}
    assert len(names) > 20  # a drawn map, not a blank page
