"""Moving whole layers between a workspace GeoPackage and the server.

``load_workspace`` (``server init --from W.gpkg``) copies every layer and table of a
workspace into the server with COPY: outfalls into the migrated ``outfalls`` table (with
versions), base layers and plan tables into tables created with their workspace columns
(feature tables get ``geom geometry(…, 4490)`` with a GiST index and the same version
columns and trigger as outfalls).  ``read_layer`` brings one back as a (Geo)DataFrame with
the workspace's columns, for a checkout.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import schema, store

#: Columns the server adds to feature rows; not part of a workspace layer.
ROW_META = ("version", "changed_by", "changed_at")
OUTFALL_COLUMNS = tuple(f.name for f in schema.OUTFALL_FIELDS)


def _pg_type(dtype: Any) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double precision"
    return "text"


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _hex_ewkb(geoms: Any) -> list[str | None]:
    arr = shapely.set_srid(np.asarray(geoms, dtype=object), 4490)
    out = shapely.to_wkb(arr, hex=True, include_srid=True, output_dimension=2)
    return [None if g is None else str(g) for g in out.tolist()]


def _copy_rows(con: Any, table: str, columns: Iterable[str], rows: Iterable[tuple[Any, ...]]
               ) -> None:
    from psycopg import sql

    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), cols)
    with con.cursor() as cur, cur.copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)


def _create_table(con: Any, name: str, frame: pd.DataFrame, spatial: bool) -> list[str]:
    from psycopg import sql

    columns = [c for c in frame.columns
               if c != getattr(frame, "_geometry_column_name", None) and c != "fid"]
    defs: list[sql.Composable] = [sql.SQL("fid serial PRIMARY KEY")]
    defs += [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_pg_type(frame[c].dtype)))
             for c in columns]
    if spatial:
        defs += [sql.SQL("geom geometry(Geometry, 4490)"), sql.SQL("version integer NOT NULL "
                 "DEFAULT 1"), sql.SQL("changed_by text"), sql.SQL("changed_at timestamptz")]
    con.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))
    con.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(name),
                                                       sql.SQL(", ").join(defs)))
    if spatial:
        con.execute(sql.SQL("CREATE INDEX {} ON {} USING gist (geom)").format(
            sql.Identifier(f"{name}_geom_idx"), sql.Identifier(name)))
        con.execute(sql.SQL("CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW "
                            "EXECUTE FUNCTION ecozone_stamp_row()").format(
            sql.Identifier(f"{name}_stamp"), sql.Identifier(name)))
    con.execute(sql.SQL("GRANT SELECT ON {} TO ecozone_inspector, ecozone_planner, "
                        "ecozone_admin").format(sql.Identifier(name)))
    return columns


def load_workspace(con: Any, path: Any) -> dict[str, int]:
    """Copy the layers and tables of the workspace at ``path`` into the server, in one
    transaction; returns rows per layer.  The server's outfalls must be empty."""
    counts: dict[str, int] = {}
    contents = dict(store.list_contents(path))
    names = [n for n in schema.SPATIAL_LAYERS + ("rivers",) + schema.TABLES if n in contents]
    with con.transaction():
        con.execute("DELETE FROM ecozone_layers")
        for position, name in enumerate(names):
            spatial = contents[name] == "features"
            if name == "outfalls":
                counts[name] = _load_outfalls(con, path)
            elif name == "inspections":
                counts[name] = _load_inspections(con, path)
            else:
                frame = (store.read_layer(path, name, categorical=False) if spatial
                         else store.read_table(path, name))
                cols = _create_table(con, name, frame, spatial)
                values = [[_cell(v) for v in frame[c].tolist()] for c in cols]
                if spatial:
                    values.append(_hex_ewkb(frame.geometry.values))
                    cols = [*cols, "geom"]
                _copy_rows(con, name, cols, zip(*values, strict=True))
                counts[name] = len(frame)
            con.execute("INSERT INTO ecozone_layers (name, kind, position) VALUES (%s, %s, %s)",
                        (name, contents[name], position))
    return counts


def _load_outfalls(con: Any, path: Any) -> int:
    frame = store.read_layer(path, "outfalls", categorical=False)
    cols = [c for c in OUTFALL_COLUMNS if c in frame.columns]
    values = [[_cell(v) for v in frame[c].tolist()] for c in cols]
    values.append(_hex_ewkb(frame.geometry.values))
    _copy_rows(con, "outfalls", [*cols, "geom"], zip(*values, strict=True))
    return len(frame)


def _load_inspections(con: Any, path: Any) -> int:
    table = store.read_table(path, "inspections")
    if table.empty:
        return 0
    if "batch" not in table.columns:
        table["batch"] = None
    county = dict(con.execute("SELECT code, county_code FROM outfalls").fetchall())
    rows = []
    seq: dict[str, int] = {}
    for i, r in enumerate(table.to_dict("records")):
        batch = r.get("batch") or f"loaded-{i}"
        seq[batch] = seq.get(batch, 0) + 1
        rows.append((r.get("at") or None, r.get("user"), r.get("outfall_code"), r.get("action"),
                     r.get("field"), r.get("old_value"), r.get("new_value"), r.get("note"),
                     batch, seq[batch], county.get(r.get("outfall_code"))))
    _copy_rows(con, "inspections", ("at", "user", "outfall_code", "action", "field",
                                    "old_value", "new_value", "note", "batch", "seq",
                                    "county_code"), rows)
    return len(rows)


def layer_names(con: Any) -> list[tuple[str, str]]:
    """(name, 'features'|'attributes') of the layers the city loaded, in drawing order."""
    return [(str(a), str(b)) for a, b in
            con.execute("SELECT name, kind FROM ecozone_layers ORDER BY position")]


def read_layer(con: Any, name: str, spatial: bool, where: str = "",
               params: tuple[Any, ...] = ()) -> pd.DataFrame:
    """One server table with the workspace's columns (no fid, no row versions)."""
    from psycopg import sql

    cols = [str(r[0]) for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema='public' AND "
        "table_name=%s ORDER BY ordinal_position", (name,))]
    keep = [c for c in cols if c not in ("fid", "geom", *ROW_META)]
    select: list[sql.Composable] = [sql.Identifier(c) for c in keep]
    if spatial:
        select.append(sql.SQL("ST_AsBinary(geom)"))
    q = sql.SQL("SELECT {} FROM {} {} ORDER BY fid").format(
        sql.SQL(", ").join(select), sql.Identifier(name), sql.SQL(where))
    rows = con.execute(q, params).fetchall()
    if not spatial:
        return pd.DataFrame(rows, columns=keep)
    frame = pd.DataFrame([r[:-1] for r in rows], columns=keep)
    geoms = shapely.from_wkb([None if r[-1] is None else bytes(r[-1]) for r in rows])
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=schema.CRS),
                            crs=schema.CRS)
