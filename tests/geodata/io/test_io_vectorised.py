"""The vectorised checks of the import path give what the cell-by-cell versions gave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.io.crs_detect import usable
from geodata.io.validation import _plain_column, _plain_value

COLUMNS = {
    "float": pd.Series([1.0, np.inf, np.nan, -np.inf]),
    "float clean": pd.Series([1.0, 2.5]),
    "float all nan": pd.Series([np.nan, np.nan]),
    "float32": pd.Series([1.0, np.nan, np.inf], dtype="float32"),
    "float16": pd.Series([1.5, np.nan], dtype="float16"),
    "int64": pd.Series([1, 2]),
    "int32": pd.Series([1, -2], dtype="int32"),
    "uint8": pd.Series([1, 2], dtype="uint8"),
    "uint64 big": pd.Series([2**63 + 5, 1], dtype="uint64"),
    "Int64": pd.Series([1, None], dtype="Int64"),
    "bool": pd.Series([True, False]),
    "str": pd.Series(["a", None, "b"]),
    "str all missing": pd.Series([np.nan, np.nan], dtype="str"),
    "str empty text": pd.Series(["", ""], dtype="str"),
    "string NA": pd.Series(["a", None], dtype="string"),
    "string all NA": pd.Series([None, None], dtype="string"),
    "string python": pd.Series(["a", None], dtype="string[python]"),
    "object mixed": pd.Series(["a", 1, None, np.nan], dtype=object),
    "object text": pd.Series(["a", "b"], dtype=object),
    "object None": pd.Series([None, None], dtype=object),
    "object text None": pd.Series(["a", None], dtype=object),
    "object nested": pd.Series([[1, 2], {"a": 1}, np.array([1, 2]), None], dtype=object),
    "object nan": pd.Series([np.nan, np.nan], dtype=object),
    "datetime": pd.Series(pd.to_datetime(["2024-01-01", None])),
    "index kept": pd.Series([1.0, np.inf], index=[5, 9]),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_plain_column_is_map_of_plain_value(name: str) -> None:
    s = COLUMNS[name]
    pd.testing.assert_series_equal(_plain_column(s), s.map(_plain_value), check_exact=True)


def test_plain_frame_is_the_same() -> None:
    frame = pd.DataFrame({k: v.reset_index(drop=True) for k, v in COLUMNS.items()
                          if len(v) == 2})
    pd.testing.assert_frame_equal(frame.apply(_plain_column),
                                  frame.apply(lambda s: s.map(_plain_value)))


def test_usable_matches_the_per_geometry_rule() -> None:
    geoms = np.array([
        shapely.Point(118.5, 24.9), None, shapely.Point(), shapely.Point(np.nan, 1.0),
        shapely.Point(1.8e308, 1.8e308), shapely.LineString([(0, 0), (1e11, 1)]),
        shapely.LineString([(0, 0), (1, 1)]), shapely.Polygon(),
        shapely.MultiPoint([(1, 2), (np.inf, 3)]), shapely.Point(1, 2, 1e12),
        shapely.box(118, 24, 119, 25),
    ], dtype=object)

    def rule(g: object) -> bool:
        return g is not None and not shapely.is_empty(g) and \
            bool(np.all(np.abs(shapely.get_coordinates(g)) < 1e10))

    assert usable(geoms).tolist() == [rule(g) for g in geoms]
    assert usable(np.array([], dtype=object)).tolist() == []
