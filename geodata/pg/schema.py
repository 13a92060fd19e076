"""The server schema, applied as numbered migrations, and the group roles it relies on.

Tables keep the workspace's names (``outfalls``, ``inspections``, ``photos``; base layers
and plan tables are created with their workspace columns when the city loads them) in
EPSG:4490 with GiST indexes, so QGIS opens them as they are.  Every feature row carries
``version`` (bumped by a trigger on each change), ``changed_by`` (the login role) and
``changed_at``.  ``ecozone_migrations`` records which numbered migration ran when; a new
release appends to :data:`MIGRATIONS` and :func:`migrate` applies what is missing, in order,
each in its own transaction.

Who may do what is decided by the database (row-level security), whatever client connects:

- ``ecozone_inspector``: reads everything; inserts, updates and deletes only outfalls of
  their own county and adds audit rows and photos only for those;
- ``ecozone_planner``: reads everything, writes nothing;
- ``ecozone_admin``: reads and writes everything.

A person is a LOGIN role that is a member of one of these groups, with their county in
``ecozone_users``.
"""

from __future__ import annotations

from typing import Any

from geodata import schema

GROUPS = {"inspector": "ecozone_inspector", "planner": "ecozone_planner",
          "admin": "ecozone_admin"}

_OUTFALL_COLUMNS = ",\n    ".join(f'"{f.name}" text' for f in schema.OUTFALL_FIELDS
                                   if f.name != "code")

_GROUPS_SQL = """
DO $$
DECLARE g text;
BEGIN
  FOREACH g IN ARRAY ARRAY['ecozone_inspector', 'ecozone_planner', 'ecozone_admin'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', g);
    END IF;
  END LOOP;
END $$;
"""

# Migration 1: users, outfalls with RLS, the audit log, photos, pushes, deletions.
_V1 = f"""
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE ecozone_users (
    role_name text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('inspector', 'planner', 'admin')),
    county_code text,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The county of the connected person (NULL for planners and admins).  SECURITY DEFINER so
-- the policies can read it without granting more than needed.
CREATE FUNCTION ecozone_user_county() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$ SELECT county_code FROM ecozone_users WHERE role_name = session_user $$;

-- Row versions: every insert and update stamps who and when; updates bump the version.
CREATE FUNCTION ecozone_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.version := 1;
  ELSE
    NEW.version := OLD.version + 1;
  END IF;
  NEW.changed_by := session_user;
  NEW.changed_at := now();
  RETURN NEW;
END $$;

CREATE TABLE outfalls (
    fid serial PRIMARY KEY,
    code text NOT NULL UNIQUE,
    {_OUTFALL_COLUMNS},
    geom geometry(Point, 4490),
    version integer NOT NULL DEFAULT 1,
    changed_by text,
    changed_at timestamptz
);
CREATE INDEX outfalls_geom_idx ON outfalls USING gist (geom);
CREATE INDEX outfalls_county_idx ON outfalls (county_code);
CREATE TRIGGER outfalls_stamp BEFORE INSERT OR UPDATE ON outfalls
    FOR EACH ROW EXECUTE FUNCTION ecozone_stamp_row();

-- What was deleted, by whom and when: a pull tells "deleted on the server" from "never
-- there", and an edit of a deleted outfall becomes a conflict naming who deleted it.
CREATE TABLE outfall_deletions (
    code text NOT NULL,
    county_code text,
    version integer,
    deleted_by text NOT NULL,
    deleted_at timestamptz NOT NULL
);
CREATE INDEX outfall_deletions_code_idx ON outfall_deletions (code);
CREATE FUNCTION ecozone_record_deletion() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  INSERT INTO outfall_deletions VALUES (OLD.code, OLD.county_code, OLD.version,
                                        session_user, now());
  RETURN OLD;
END $$;
CREATE TRIGGER outfalls_deleted AFTER DELETE ON outfalls
    FOR EACH ROW EXECUTE FUNCTION ecozone_record_deletion();

-- The audit log, as in the workspace, plus the county and what received it.  (batch, seq)
-- names one audit row of one edit for good: it is written once, whatever retries.
CREATE TABLE inspections (
    id bigserial PRIMARY KEY,
    "at" timestamptz,
    "user" text,
    outfall_code text,
    "action" text,
    "field" text,
    old_value text,
    new_value text,
    note text,
    batch text NOT NULL,
    seq integer NOT NULL,
    county_code text,
    received_by text NOT NULL DEFAULT session_user,
    received_at timestamptz NOT NULL DEFAULT now(),
    push_id uuid,
    UNIQUE (batch, seq)
);
CREATE INDEX inspections_code_idx ON inspections (outfall_code);
CREATE INDEX inspections_county_idx ON inspections (county_code);

CREATE TABLE photos (
    fid bigserial PRIMARY KEY,
    photo_id text NOT NULL UNIQUE,
    outfall_code text,
    county_code text,
    added_at text,
    "user" text,
    filename text,
    mime text,
    note text,
    data bytea,
    thumb bytea
);
CREATE INDEX photos_code_idx ON photos (outfall_code);

-- One row per push: a push repeated after a cut connection finds its row and gets the
-- stored result instead of being applied twice.
CREATE TABLE sync_pushes (
    push_id uuid PRIMARY KEY,
    pushed_by text NOT NULL DEFAULT session_user,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    result jsonb NOT NULL
);

-- The layers and tables the city loaded, in drawing order: what a checkout copies.
CREATE TABLE ecozone_layers (
    name text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('features', 'attributes')),
    position integer NOT NULL
);

ALTER TABLE outfalls ENABLE ROW LEVEL SECURITY;
CREATE POLICY outfalls_read ON outfalls FOR SELECT USING (true);
CREATE POLICY outfalls_admin ON outfalls FOR ALL TO ecozone_admin USING (true) WITH CHECK (true);
CREATE POLICY outfalls_inspector_update ON outfalls FOR UPDATE TO ecozone_inspector
    USING (county_code = ecozone_user_county())
    WITH CHECK (county_code = ecozone_user_county());
CREATE POLICY outfalls_inspector_insert ON outfalls FOR INSERT TO ecozone_inspector
    WITH CHECK (county_code = ecozone_user_county());
CREATE POLICY outfalls_inspector_delete ON outfalls FOR DELETE TO ecozone_inspector
    USING (county_code = ecozone_user_county());

ALTER TABLE inspections ENABLE ROW LEVEL SECURITY;
CREATE POLICY inspections_read ON inspections FOR SELECT USING (true);
CREATE POLICY inspections_admin ON inspections FOR ALL TO ecozone_admin
    USING (true) WITH CHECK (true);
CREATE POLICY inspections_inspector_insert ON inspections FOR INSERT TO ecozone_inspector
    WITH CHECK (county_code = ecozone_user_county() AND received_by = session_user
                AND NOT EXISTS (SELECT 1 FROM outfalls o WHERE o.code = outfall_code
                                AND o.county_code IS DISTINCT FROM ecozone_user_county()));

ALTER TABLE photos ENABLE ROW LEVEL SECURITY;
CREATE POLICY photos_read ON photos FOR SELECT USING (true);
CREATE POLICY photos_admin ON photos FOR ALL TO ecozone_admin USING (true) WITH CHECK (true);
CREATE POLICY photos_inspector ON photos FOR ALL TO ecozone_inspector
    USING (county_code = ecozone_user_county())
    WITH CHECK (county_code = ecozone_user_county());

ALTER TABLE sync_pushes ENABLE ROW LEVEL SECURITY;
CREATE POLICY sync_pushes_own ON sync_pushes FOR ALL
    USING (pushed_by = session_user) WITH CHECK (pushed_by = session_user);

GRANT SELECT ON ALL TABLES IN SCHEMA public
    TO ecozone_inspector, ecozone_planner, ecozone_admin;
GRANT INSERT, UPDATE, DELETE ON outfalls, photos TO ecozone_inspector, ecozone_admin;
GRANT INSERT ON inspections TO ecozone_inspector, ecozone_admin;
GRANT INSERT, UPDATE ON sync_pushes TO ecozone_inspector, ecozone_admin;
GRANT UPDATE, DELETE ON inspections TO ecozone_admin;
GRANT ALL ON ecozone_users TO ecozone_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ecozone_inspector, ecozone_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT ON TABLES TO ecozone_inspector, ecozone_planner, ecozone_admin;
"""

#: (number, name, SQL), applied in order; never edit one that has shipped: append.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "outfalls, audit log, photos, pushes, roles and row-level security", _V1),
)


def applied(con: Any) -> list[int]:
    """Numbers of the migrations the database has (empty for a fresh database)."""
    row = con.execute("SELECT to_regclass('public.ecozone_migrations')").fetchone()
    if row[0] is None:
        return []
    return [int(r[0]) for r in
            con.execute("SELECT version FROM ecozone_migrations ORDER BY version")]


def migrate(con: Any) -> list[int]:
    """Apply the missing migrations in order, each in one transaction; their numbers."""
    with con.transaction():
        con.execute(_GROUPS_SQL)
        con.execute("CREATE TABLE IF NOT EXISTS ecozone_migrations (version integer PRIMARY "
                    "KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        con.execute("GRANT SELECT ON ecozone_migrations TO ecozone_inspector, "
                    "ecozone_planner, ecozone_admin")
    done = set(applied(con))
    ran: list[int] = []
    for number, name, sql in MIGRATIONS:
        if number in done:
            continue
        with con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(4490)")  # two inits at once: one runs
            if con.execute("SELECT 1 FROM ecozone_migrations WHERE version=%s",
                           (number,)).fetchone():
                continue
            con.execute(sql)
            con.execute("INSERT INTO ecozone_migrations (version, name) VALUES (%s, %s)",
                        (number, name))
        ran.append(number)
    return ran
