"""A pull's moves written into the workspace keep its R-tree as GDAL's triggers would.

Inside the sync's transaction ``models.sync.local.update_local`` suspends GDAL's per-row
R-tree triggers and remakes the moved outfalls' R-tree rows in bulk
(``gpkg_sql.geometry_updates``); outside one the triggers fire row by row.  Both must
leave the same file.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from geodata import gpkg_sql, store
from models.sync import local
from tests.gpkg_rows import TRIGGERS, rows_of


def _dump(path: Path) -> tuple[Any, ...]:
    return rows_of(path, "select * from rtree_outfalls_geom order by id",
                   "select fid, code, name_zh, hex(geom) from outfalls order by fid", TRIGGERS)


def test_pulled_moves_update_the_rtree_as_the_triggers_do(tmp_path: Path) -> None:
    bulk, by_row = tmp_path / "bulk.gpkg", tmp_path / "by_row.gpkg"
    shutil.copyfile(store.bundled_path(), bulk)
    con = sqlite3.connect(bulk)
    codes = [c for (c,) in con.execute("select code from outfalls order by fid limit 4")]
    con.close()
    shutil.copyfile(bulk, by_row)
    updates = {codes[0]: {local.GEOMETRY: [118.61, 24.72], "name_zh": "移动并改名"},
               codes[1]: {local.GEOMETRY: None},  # position taken away
               codes[2]: {"name_zh": "只改名"},
               codes[3]: {local.GEOMETRY: [118.4, 24.9]},
               "PWK-NOT-HERE": {local.GEOMETRY: [118.0, 24.0]}}
    before = _dump(bulk)

    con = gpkg_sql.connect(bulk)
    con.execute("begin immediate")  # as a sync does: the bulk path
    local.update_local(con, updates)
    con.execute("commit")
    con.close()
    con = gpkg_sql.connect(by_row)
    local.update_local(con, updates)  # no transaction yet: GDAL's triggers, row by row
    con.commit()
    con.close()

    assert _dump(bulk) == _dump(by_row)
    assert _dump(bulk)[2] == before[2]  # the triggers are back
    assert len(_dump(bulk)[0]) == len(before[0]) - 1  # the outfall without a position
    con = sqlite3.connect(bulk)
    box = con.execute("select minx, miny from rtree_outfalls_geom r join outfalls o on "
                      "o.fid = r.id where o.code=?", (codes[0],)).fetchone()
    con.close()
    assert abs(box[0] - 118.61) < 1e-4 and abs(box[1] - 24.72) < 1e-4
