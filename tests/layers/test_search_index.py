"""The search index answers as before now that it keeps Arrow-backed strings."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from layers.map_layer import MapLayer
from layers.map_model import MapModel
from layers.search import SEARCHED, SearchIndex, SearchResult
from layers.style import style_for


def _model() -> MapModel:
    rng = np.random.default_rng(5)
    n = 3_000
    waters = np.array(["泉州湾", "深沪湾", "晋江", "Luoyang River"])
    names = pd.Series([f"{w}第{i}号排口" for i, w in enumerate(rng.choice(waters, n))],
                      dtype="str")
    names[::50] = None
    outfalls = gpd.GeoDataFrame(
        {"code": pd.Series([f"PWK350582{'HR'[i % 2]}{i:04d}" for i in range(n)], dtype="str"),
         "name_zh": names,
         "outfall_type": pd.Series(["工业排污口"] * n, dtype="str").astype("category")},
        geometry=shapely.points(rng.uniform(118.4, 118.6, n), rng.uniform(24.8, 25.0, n)),
        crs="EPSG:4490")
    units = gpd.GeoDataFrame(
        {"code": ["ZH35058210001", "ZH35058220002", None],
         "name_zh": ["大单元", "小单元", "Mixed Case"],
         "name_en": ["Big unit", None, "MIXED case"], "unit_class": [1, 2, 3]},
        geometry=[shapely.box(118.4, 24.8, 118.5, 24.9)] * 3, crs="EPSG:4490")
    return MapModel([MapLayer("control_units", units, style_for("control_units")),
                     MapLayer("outfalls", outfalls, style_for("outfalls"))])


def _old_search(index: SearchIndex, model: MapModel, text: str, limit: int = 20,
                ) -> list[SearchResult]:
    """What SearchIndex.search did with numpy object arrays (coordinates left out)."""
    q = text.strip().lower()
    out = []
    for name in SEARCHED:
        layer = model.get(name)
        if layer is None:
            continue
        best: dict[int, int] = {}
        for f in ("code", "name_zh", "name_en"):
            if f not in layer.frame.columns:
                continue
            values = layer.frame[f].astype(str).str.lower().to_numpy()
            s = pd.Series(values)
            exact = np.flatnonzero(values == q)
            starts = np.flatnonzero(s.str.startswith(q, na=False).to_numpy())
            contains = np.flatnonzero(s.str.contains(q, regex=False, na=False).to_numpy())
            for score, idx in ((1, exact), (2, starts), (3, contains)):
                for i in idx[:limit]:
                    best[int(i)] = min(best.get(int(i), 9), score)
        for i, score in best.items():
            out.append(SearchResult(name, layer.key_at(i), index.label(name, i), score))
    order = {n: k for k, n in enumerate(SEARCHED)}
    out.sort(key=lambda r: (r.score, order.get(r.layer, -1), r.label))
    return out[:limit]


@pytest.mark.parametrize("text", ["PWK350582H0010", "pwk350582r00", "泉州湾", "第12号",
                                  "luoyang", "mixed case", "ZH35058220002", "小单元", "nan",
                                  "none", "不存在", "h0"])
def test_search_gives_the_results_of_the_object_array_version(text: str) -> None:
    model = _model()
    index = SearchIndex(model)
    assert index.search(text) == _old_search(index, model, text)
    assert index.search(text, limit=5) == _old_search(index, model, text, limit=5)
