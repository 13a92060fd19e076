"""A layer's keys: a text code column is its own keys (no object array of a million codes
is made to find one), and either way a key's row is its first row."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from models import key_lookup
from models.workspace import Workspace, keys_are_text


def _ws(codes: pd.Series) -> Workspace:
    frame = gpd.GeoDataFrame({"code": codes},
                             geometry=[shapely.Point(i, i) for i in range(len(codes))],
                             crs="EPSG:4490")
    return Workspace(Path("unused.gpkg"), {"outfalls": frame}, {})


CODES = ["A1", "B2", "A1", "C3"]  # a code held twice (as the benchmark's inventories do)


def test_a_text_code_column_is_its_own_keys_and_finds_the_first_row():
    ws = _ws(pd.Series(CODES, dtype="str"))
    assert keys_are_text("outfalls", ws.layer("outfalls"))
    assert [ws.row_of("outfalls", c) for c in ("A1", "B2", "C3", "Z9")] == [0, 1, 3, None]
    assert "outfalls" not in ws._keys  # found without making the object array of keys
    assert list(ws.keys("outfalls")) == CODES  # which is still made when asked for


def test_other_key_columns_find_the_same_rows():
    for codes in (pd.Series(CODES, dtype=object), pd.Series(CODES, dtype="category"),
                  pd.Series(["A1", None, "A1", "C3"], dtype="str")):
        ws = _ws(codes)
        assert not keys_are_text("outfalls", ws.layer("outfalls"))
        assert ws.row_of("outfalls", "A1") == 0 and ws.row_of("outfalls", "C3") == 3
        assert ws.row_of("outfalls", "Z9") is None


def test_finding_one_key_leaves_the_shared_lookup_of_an_edit_alone():
    """An edit's listeners share the last lookup of its codes (``models.key_lookup``): a
    ``row_of`` meanwhile must not replace it with its one key."""
    ws = _ws(pd.Series(CODES, dtype="str"))
    column = ws.layer("outfalls")["code"]
    key_lookup.isin(column, ["B2", "C3"])  # the edit's lookup
    before = list(key_lookup._last)
    assert ws.row_of("outfalls", "A1") == 0
    assert list(key_lookup._last) == before
