"""What a test compares of a GeoPackage file: the rows of some queries, read at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: every trigger of the file, by name (GDAL's R-tree triggers suspended and re-created)
TRIGGERS = "select name, sql from sqlite_master where type='trigger' order by name"


def rows_of(path: Path, *queries: str) -> tuple[list[tuple[object, ...]], ...]:
    """Each query's rows, from one connection to ``path``."""
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(q).fetchall() for q in queries)
    finally:
        con.close()
