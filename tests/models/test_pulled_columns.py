"""A sync pull's columns made in its worker (``models.workspace.column_with``, from a
snapshot of the frame at the sync's start) and swapped in by ``Workspace.set_values``
leave the frame exactly as writing the values on the GUI thread does."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from models.sync.engine import made_columns
from models.workspace import Workspace, by_column_of


def _workspace(tmp_path):
    frame = gpd.GeoDataFrame({
        "code": pd.Series([f"PWK{i:04d}" for i in range(40)], dtype="str"),
        "name_zh": pd.Series([f"排口{i}" if i % 7 else None for i in range(40)], dtype="str"),
        "review_status": pd.Categorical(["待核查", "已核查"] * 20),
        "remediation": pd.Categorical([None, "取缔", "规范", "合并"] * 10),
        "count": list(range(40)),
    }, geometry=[shapely.Point(118 + i / 100, 24.9) for i in range(40)], crs=4490)
    return Workspace(tmp_path / "ws.gpkg", {"outfalls": frame}, {})


def test_columns_made_in_the_worker_are_what_the_writes_make(tmp_path):
    updates = {f"PWK{i:04d}": {"review_status": "位置存疑" if i % 2 else "已核查",
                               "name_zh": None if i % 5 == 0 else f"新名{i}",
                               "remediation": None if i % 3 == 0 else "整治新值",
                               "count": i * 10, "geometry": (119.0, 25.0 + i / 1000)}
               for i in range(3, 37, 2)}
    written, made_here = _workspace(tmp_path), _workspace(tmp_path)
    snapshot = made_here.layer("outfalls").copy(deep=False)
    before = snapshot.copy()
    rows = [int(r) for r in range(3, 37, 2)]
    by_column = by_column_of(updates, rows)
    made = made_columns(snapshot, by_column)
    assert set(made) == {"review_status", "name_zh", "remediation"}  # text and vocabulary
    assert written.set_values("outfalls", updates, announce=False) \
        == made_here.set_values("outfalls", updates, announce=False, rows=rows,
                                by_column=by_column, made=made)
    a, b = written.layer("outfalls"), made_here.layer("outfalls")
    assert a.dtypes.to_dict() == b.dtypes.to_dict()
    for name in a.columns:
        assert a[name].equals(b[name]), name
    assert list(a["remediation"].cat.categories) == list(b["remediation"].cat.categories) \
        == sorted(["合并", "取缔", "整治新值", "规范"])  # a new value: kept sorted
    assert b.loc[b["code"] == "PWK0005", "name_zh"].isna().all()
    # the snapshot the worker read is as it was
    for name in before.columns:
        assert snapshot[name].equals(before[name]), name


def test_a_made_column_of_another_length_is_not_swapped_in(tmp_path):
    ws = _workspace(tmp_path)
    updates = {"PWK0003": {"review_status": "位置存疑"}}
    by_column = by_column_of(updates, [3])
    made = {"review_status": pd.Categorical(["位置存疑"] * 5)}  # not this frame's
    ws.set_values("outfalls", updates, announce=False, rows=[3], by_column=by_column,
                  made=made)
    frame = ws.layer("outfalls")
    assert len(frame) == 40
    assert frame["review_status"].tolist()[2:5] == ["待核查", "位置存疑", "待核查"]
