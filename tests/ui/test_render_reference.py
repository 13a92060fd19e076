"""The map renders as it did: fixed views through the real renderer against reference PNGs.

Each case renders one view with ``cli.render.render_map`` (the window's own
:class:`ui.render_worker.Renderer` offscreen, with background, scale bar and north arrow)
and compares it with a PNG made by the renderer before the speed work of issue 17
(commit 74a2c1d).  Views: the bundled data at full extent and zoomed into the city (in
Chinese and in English), and a small synthetic workspace (``bench/make_workspace.py``,
10k outfalls, 120 units) with the points' level of detail on (density cells) and off
(every outfall a symbol).

Regenerate the references only on purpose, from the code that defines "right":

    QT_QPA_PLATFORM=offscreen python tests/ui/test_render_reference.py --write
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parent / "reference"
SIZE = (800, 500)
#: lon/lat: the city centre (Licheng, Fengze, Luojiang) down to the Jinjiang estuary
CITY_BBOX = (118.50, 24.80, 118.72, 24.97)

#: name -> (workspace: "bundled" | "synthetic", bbox or None for full extent, lang, lod)
CASES = {
    "bundled_full_zh": ("bundled", None, "zh", True),
    "bundled_city_zh": ("bundled", CITY_BBOX, "zh", True),
    "bundled_city_en": ("bundled", CITY_BBOX, "en", True),
    "synthetic_full_density": ("synthetic", None, "zh", True),
    "synthetic_full_symbols": ("synthetic", None, "zh", False),
}

#: A pixel "differs" when any channel is off by more than this (of 255) ...
PIXEL_TOLERANCE = 64
#: ... and a render matches when at most this share of its pixels differ.
#: Why not zero: the same outlines may be simplified, cut and antialiased a little
#: differently (Douglas-Peucker at one pixel moves a vertex by up to a pixel, a path cut
#: into bands or tiles rasterises its edge pixels with different coverage, layers painted
#: into one image instead of composited round differently).  That moves single edge
#: pixels along outlines, ~0.1-0.5 % of the image; a missing or misplaced layer, label,
#: symbol or colour changes several percent (one label is ~0.1 %, so missing labels are
#: caught by the second bound below).
MAX_DIFFERING_SHARE = 0.012
#: No 24x24 block may differ in more than this share of its pixels: a label or symbol
#: gone or moved is a dense blotch, edge noise along an outline is thin.
MAX_BLOCK_SHARE = 0.35
BLOCK = 24


def synthetic_workspace(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_workspace import make_workspace
    finally:
        sys.path.remove(str(ROOT / "bench"))
    out = folder / "render_reference.gpkg"
    if not out.exists():
        make_workspace(out, 10_000, 120, seed=3)
    return out


def render_case(name: str, ws_path: Path, out: Path) -> np.ndarray:
    from cli.render import render_map
    from models.workspace import Workspace

    _kind, bbox, lang, lod = CASES[name]
    old = os.environ.get("ECOZONE_POINT_LOD")
    os.environ["ECOZONE_POINT_LOD"] = "1" if lod else "0"
    try:
        render_map(Workspace.open(ws_path), out, SIZE, bbox, 1, lang)
    finally:
        if old is None:
            del os.environ["ECOZONE_POINT_LOD"]
        else:
            os.environ["ECOZONE_POINT_LOD"] = old
    return load_rgba(out)


def load_rgba(path: Path) -> np.ndarray:
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    assert not img.isNull(), path
    arr = np.frombuffer(img.constBits(), dtype=np.uint8)
    return arr.reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :img.width()].copy()


def differences(new: np.ndarray, ref: np.ndarray) -> tuple[float, float]:
    """(share of differing pixels, worst share inside one BLOCK x BLOCK block)."""
    assert new.shape == ref.shape
    diff = (np.abs(new.astype(np.int16) - ref.astype(np.int16)).max(axis=2)
            > PIXEL_TOLERANCE)
    h, w = diff.shape
    hb, wb = h // BLOCK, w // BLOCK
    blocks = diff[:hb * BLOCK, :wb * BLOCK].reshape(hb, BLOCK, wb, BLOCK).mean(axis=(1, 3))
    return float(diff.mean()), float(blocks.max())


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory) -> dict[str, Path]:
    from geodata import store

    return {"bundled": store.bundled_path(),
            "synthetic": synthetic_workspace(tmp_path_factory.mktemp("render_ref"))}


@pytest.mark.parametrize("name", list(CASES))
def test_render_matches_reference(name: str, workspaces, tmp_path, qapp) -> None:
    new = render_case(name, workspaces[CASES[name][0]], tmp_path / f"{name}.png")
    ref = load_rgba(REFERENCE / f"{name}.png")
    share, block = differences(new, ref)
    assert share <= MAX_DIFFERING_SHARE and block <= MAX_BLOCK_SHARE, (
        f"{name}: {share:.2%} of pixels differ (allowed {MAX_DIFFERING_SHARE:.1%}), "
        f"worst {BLOCK}px block {block:.0%} (allowed {MAX_BLOCK_SHARE:.0%}); "
        f"new render in {tmp_path}")


def test_a_missing_layer_is_caught(workspaces, tmp_path, qapp) -> None:
    """The tolerance is not so loose that a map without its control units passes."""
    ref = load_rgba(REFERENCE / "bundled_city_zh.png")
    from cli.render import render_map
    from models.workspace import Workspace

    ws = Workspace.open(workspaces["bundled"])
    ws.layers.pop("control_units")
    render_map(ws, tmp_path / "no_units.png", SIZE, CITY_BBOX, 1, "zh")
    share, block = differences(load_rgba(tmp_path / "no_units.png"), ref)
    assert share > MAX_DIFFERING_SHARE or block > MAX_BLOCK_SHARE


def main() -> int:
    if "--write" not in sys.argv:
        print(__doc__)
        return 2
    from PySide6.QtGui import QGuiApplication

    from geodata import store

    _app = QGuiApplication.instance() or QGuiApplication([])
    import tempfile

    REFERENCE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spaces = {"bundled": store.bundled_path(), "synthetic": synthetic_workspace(Path(tmp))}
        for name in CASES:
            render_case(name, spaces[CASES[name][0]], REFERENCE / f"{name}.png")
            print("wrote", REFERENCE / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
