"""Side-panel content computed for the bundled workspace (skipped if it is not built)."""

from __future__ import annotations

import pytest

from geodata import store
from layers.map_model import MapModel
from layers.zone_details import details, indicator_series


@pytest.fixture(scope="module")
def model_and_ws():
    if not store.bundled_path().exists():
        pytest.skip("bundled dataset not built")
    from models.workspace import Workspace

    ws = Workspace.open(store.bundled_path())
    return MapModel.from_workspace(ws), ws


def test_every_layer_of_the_bundled_workspace_has_a_style_and_extent(model_and_ws):
    model, ws = model_and_ws
    for layer in model.layers:
        assert layer.extent() is not None, layer.name
    units = model.get("control_units")
    assert units is not None and (units.cat >= 0).all()  # every unit class has a colour


def test_unit_details_have_tasks_indicators_and_outfall_counts(model_and_ws):
    model, ws = model_and_ws
    units = model.get("control_units")
    with_outfalls = 0
    for i in range(0, len(units), max(1, len(units) // 25)):
        d = details(model, ws.tables, "control_units", model.get("control_units").key_at(i))
        assert d.record["code"] == units.frame["code"].iloc[i]
        assert d.tasks, d.record["code"]
        if len(d.outfalls):
            with_outfalls += 1
            assert sum(d.outfall_counts["outfall_type"].values()) == len(d.outfalls)
    assert with_outfalls > 0


def test_bay_details_link_bay_tasks(model_and_ws):
    model, ws = model_and_ws
    bays = model.get("bays")
    if bays is None:
        pytest.skip("no bays")
    i = int((bays.frame["name_zh"] == "泉州湾").to_numpy().argmax())
    d = details(model, ws.tables, "bays", model.get("bays").key_at(i))
    assert any(r["zone_type"] == "bay" for t in d.tasks for r in t.reasons)


def test_indicator_series_orders_baseline_measured_target():
    rec = {"baseline_year": 2020, "baseline_value": 80.0, "actual_year": 2022,
           "actual_value": 85.0, "target_year": 2025, "target_value": 90.0}
    assert [k for _y, _v, k in indicator_series(rec)] == ["baseline", "measured", "target"]
