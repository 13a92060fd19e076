"""The server as QGIS and an administrator see it: the workspace's table names in EPSG:4490
with spatial indexes, row versions stamped by the database, migrations recorded once."""

from __future__ import annotations

import psycopg

from geodata.pg import schema
from tests.sync.support import PASSWORDS, user_url


def test_tables_open_in_qgis_as_they_are(city_db):
    with psycopg.connect(city_db, autocommit=True) as con:
        geoms = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT f_table_name, srid, type FROM geometry_columns")}
        assert geoms["outfalls"] == (4490, "POINT")
        for name in ("control_units", "counties", "bays", "protected_areas", "places"):
            assert geoms[name][0] == 4490, name
        gist = {r[0] for r in con.execute(
            "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")}
        assert set(geoms) <= gist
        plain = {r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname='public'")}
        assert {"inspections", "photos", "tasks", "indicators", "projects", "zone_links",
                "outfall_samples", "metadata"} <= plain
        for name in geoms:
            cols = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name=%s",
                (name,))}
            assert {"version", "changed_by", "changed_at"} <= cols, name


def test_every_write_stamps_version_who_and_when(city_db):
    with psycopg.connect(user_url(city_db, "jj1"), password=PASSWORDS["jj1"],
                         autocommit=True) as con:
        code, v = con.execute("SELECT code, version FROM outfalls WHERE county_code='350582' "
                              "ORDER BY code LIMIT 1").fetchone()
        con.execute("UPDATE outfalls SET review_status='已核查', version=1, changed_by='x' "
                    "WHERE code=%s", (code,))
        after = con.execute("SELECT version, changed_by, changed_at FROM outfalls "
                            "WHERE code=%s", (code,)).fetchone()
    assert after[0] == v + 1 and after[1] == "jj1" and after[2] is not None


def test_migrations_are_recorded_and_applied_once(city_db):
    with psycopg.connect(city_db, autocommit=True) as con:
        assert schema.applied(con) == [n for n, _name, _sql in schema.MIGRATIONS]
        assert schema.migrate(con) == []
        (n,) = con.execute("SELECT count(*) FROM ecozone_migrations").fetchone()
    assert n == len(schema.MIGRATIONS)
