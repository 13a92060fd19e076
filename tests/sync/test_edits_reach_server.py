"""Whatever wrote the checkout, the sync finds it: notes and photos (audit rows without a
field change), edits made in QGIS directly in the GeoPackage, and a layer rewritten by an
import (which drops the change-tracking triggers)."""

from __future__ import annotations

import psycopg

from geodata import gpkg_sql, outfall_store
from models import outfall_edits as oe
from models.outfall_session import EditSession
from models.sync import local
from models.sync.engine import sync
from models.workspace import Workspace
from tests.sync.support import (
    PASSWORDS,
    check_out,
    differences,
    laptop_rows,
    server_audit,
    server_rows,
)


def test_notes_and_photos_reach_the_server_once_and_the_other_laptops(city_db, tmp_path):
    w = check_out(city_db, "jj1", tmp_path / "a.gpkg")
    ws = Workspace.open(w)
    session = EditSession(ws, user="jj1")
    x = sorted(laptop_rows(w))[0]
    session.apply(oe.add_note(ws.layer("outfalls"), [x], "排口旁有施工"))
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
    session.apply(oe.add_photo(ws.layer("outfalls"), x, "现场.jpg", jpeg, "image/jpeg"))
    sync(w, password=PASSWORDS["jj1"])
    sync(w, password=PASSWORDS["jj1"])
    audit = server_audit(city_db)
    assert sorted((r[2], r[3], r[4]) for r in audit) == \
        sorted([(x, "note", "排口旁有施工"), (x, "photo", "现场.jpg")])
    with psycopg.connect(city_db) as con:
        photos = con.execute("SELECT outfall_code, filename, data FROM photos").fetchall()
    assert photos == [(x, "现场.jpg", jpeg)]
    # the other inspector of the county gets note and photo with the next sync
    b = check_out(city_db, "jj2", tmp_path / "b.gpkg")
    assert [p.filename for p in outfall_store.read_photos(b, x)] == ["现场.jpg"]
    session.apply(oe.add_photo(ws.layer("outfalls"), x, "第二张.jpg", jpeg, "image/jpeg"))
    sync(w, password=PASSWORDS["jj1"])
    rep = sync(b, password=PASSWORDS["jj2"])
    assert rep.pulled_photos == 1
    assert [p.filename for p in outfall_store.read_photos(b, x)] == ["现场.jpg", "第二张.jpg"]
    assert outfall_store.read_photo_data(b, outfall_store.read_photos(b, x)[1].photo_id) == jpeg


def test_an_edit_made_in_qgis_is_pushed(city_db, tmp_path):
    w = check_out(city_db, "jj1", tmp_path / "a.gpkg")
    x = sorted(laptop_rows(w))[2]
    # what QGIS does: a plain UPDATE of the layer's table (with GDAL's SQL functions, which
    # its R-tree triggers call)
    con = gpkg_sql.connect(w)
    con.execute("UPDATE outfalls SET responsible_party='某某公司' WHERE code=?", (x,))
    con.close()
    rep = sync(w, password=PASSWORDS["jj1"])
    assert rep.pushed_fields == 1
    assert server_rows(city_db)[x]["responsible_party"] == "某某公司"


def test_a_rewritten_layer_is_compared_in_full(city_db, tmp_path):
    w = check_out(city_db, "jj1", tmp_path / "a.gpkg")
    x = sorted(laptop_rows(w))[3]
    con = gpkg_sql.connect(w)
    con.execute("BEGIN IMMEDIATE")
    for name in ("sync_dirty_insert", "sync_dirty_update", "sync_dirty_delete"):
        con.execute(f'DROP TRIGGER "{name}"')  # as a layer replaced by an import
    con.execute("UPDATE outfalls SET name_zh='改名后的排口' WHERE code=?", (x,))
    con.execute("COMMIT")
    assert not local.tracking_ok(con)
    con.close()
    sync(w, password=PASSWORDS["jj1"])
    assert server_rows(city_db)[x]["name_zh"] == "改名后的排口"
    con = gpkg_sql.connect(w, readonly=True)
    try:
        assert local.tracking_ok(con)  # reinstalled
        assert local.dirty_codes(con) == []  # and everything matches its base again
    finally:
        con.close()
    assert differences(laptop_rows(w), server_rows(city_db)) == []
