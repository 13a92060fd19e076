"""Category codes of map layers: made per distinct value, the same as made per row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from layers.map_layer import _codes


def _old_codes(values: np.ndarray, keys: list[str]) -> np.ndarray:
    lookup = {k: i for i, k in enumerate(keys)}
    text = [str(int(v)) if isinstance(v, (float, np.floating)) and v == v and float(v).is_integer()
            else str(v) for v in values]
    return np.array([lookup.get(t, -1) for t in text], dtype=np.int64)


@pytest.mark.parametrize("series", [
    pd.Series(["工业排污口", None, "农业排口", "x", "工业排污口"], dtype="str"),
    pd.Series(["工业排污口", None, "农业排口", "x"], dtype="str").astype("category"),
    pd.Series(["1", "2", None, "3"], dtype=object),
    pd.Series([1, 2, 3, 2, 1], dtype="int64"),
    pd.Series([1.0, 2.0, np.nan, 3.5, 2.0]),
    pd.Series([1, "1", 2.0, None, "nan"], dtype=object),
    pd.Series([], dtype="str"),
])
@pytest.mark.parametrize("keys", [["工业排污口", "农业排口"], ["1", "2", "3"],
                                  ["nan", "2", "None"]])
def test_vectorised_category_codes_match_the_per_row_ones(series: pd.Series, keys: list[str],
                                                          ) -> None:
    assert _codes(series, keys).tolist() == _old_codes(series.to_numpy(), keys).tolist()
