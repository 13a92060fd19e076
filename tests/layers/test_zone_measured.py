"""The side panel's indicators of a zone carry the values measured from the workspace data,
the same as models.plan_progress (and so the 统计 dock)."""

from __future__ import annotations

from geodata import store
from layers.map_model import MapModel
from layers.zone_details import details
from models import plan_progress
from models.workspace import Workspace


def test_bay_zone_takes_its_own_share_and_a_unit_its_county_measure():
    ws = Workspace.open(store.bundled_path())
    model = MapModel.from_workspace(ws)
    measured = {p.indicator_id: p for p in plan_progress.measure(ws.layers, ws.tables,
                                                                  ws.illustrative_layers())}
    bays = model.get("bays")
    d = details(model, ws.tables, "bays",
                bays.keys[int((bays.frame["name_zh"] == "安海湾").to_numpy().argmax())])
    got = {item.id: (item.record, status) for item, status, _r in d.indicators}
    rec, status = got["QZ-I45"]
    assert rec["measured_value"] == measured["QZ-I45/安海湾"].measured
    assert status == "not_met" and "104" in rec["measured_basis_zh"]
    rec, status = got["QZ-I40"]
    assert rec["measured_value"] == "劣四类" and status == "not_met"
    units = model.get("control_units").frame
    shishi = units["code"][units["county_code"] == "350581"].iloc[0]  # a 石狮 unit
    d = details(model, ws.tables, "control_units", shishi)
    got = {item.id: (item.record, status) for item, status, _r in d.indicators}
    assert got["SS-I15"][0]["measured_value"] == measured["SS-I15"].measured
    assert got["SS-I13"][0]["measured_value"] is None and got["SS-I13"][1] == "unknown"
    # indicators the data cannot measure keep the plan's own status
    assert all("measured_value" not in rec for iid, (rec, _s) in got.items()
               if iid not in plan_progress.MEASURES)
