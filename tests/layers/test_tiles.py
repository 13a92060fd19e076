"""Local tile basemap: which tiles cover a view, read from an XYZ folder and an MBTiles file."""

from __future__ import annotations

import sqlite3

from layers.mercator import to_mercator
from layers.tiles import TileSource, tiles_for, zoom_for
from layers.viewport import Viewport


def _view() -> Viewport:
    x, y = to_mercator(118.6, 24.9)
    return Viewport(float(x), float(y), 611.5, 512, 512)  # ~ zoom 8


def test_tiles_for_view_cover_it_and_line_up():
    view = _view()
    z = zoom_for(view, 18)
    assert z == 8
    tiles = tiles_for(view, z)
    assert (8, 212, 109, ) in [(t[0], t[1], t[2]) for t in tiles]
    for _z, _x, _y, left, top, size in tiles:
        assert abs(size - 256) < 0.5
    lefts = sorted({round(t[3], 3) for t in tiles})
    assert all(abs((b - a) - 256) < 0.5 for a, b in zip(lefts, lefts[1:]))


def test_xyz_folder_and_mbtiles_read_the_same_tile(tmp_path):
    data = b"\x89PNG fake"
    folder = tmp_path / "xyz" / "8" / "212"
    folder.mkdir(parents=True)
    (folder / "109.png").write_bytes(data)
    assert TileSource(tmp_path / "xyz").read(8, 212, 109) == data
    mb = tmp_path / "t.mbtiles"
    con = sqlite3.connect(mb)
    con.execute("create table tiles (zoom_level int, tile_column int, tile_row int, "
                "tile_data blob)")
    con.execute("insert into tiles values (8, 212, ?, ?)", ((1 << 8) - 1 - 109, data))
    con.commit()
    con.close()
    src = TileSource(mb)
    assert src.read(8, 212, 109) == data and src.max_zoom == 8
    assert src.read(8, 212, 110) is None
