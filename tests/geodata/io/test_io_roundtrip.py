from __future__ import annotations

from pathlib import Path

import pytest

from geodata.io.readers import read_any
from geodata.io.workspace_import import import_file
from geodata.io.writers import export_layer, short_names
from geodata.store import read_layer


def test_short_names_predictable() -> None:
    names = short_names(["responsible_party", "remediation", "remediation_status", "受纳水体名称"],
                        "utf-8")
    assert names == {"responsible_party": "responsibl", "remediation": "remediatio",
                     "remediation_status": "remediat_2", "受纳水体名称": "受纳水"}
    assert short_names(["受纳水体名称"], "gbk")["受纳水体名称"] == "受纳水体名"
    assert all(len(v.encode("utf-8")) <= 10 for v in names.values())


@pytest.mark.parametrize("ext,enc", [("shp", "utf-8"), ("shp", "gbk"), ("gpkg", "utf-8"),
                                     ("geojson", "utf-8"), ("kml", "utf-8"), ("kmz", "utf-8"),
                                     ("fgb", "utf-8"), ("csv", "utf-8"), ("csv", "gbk"),
                                     ("xlsx", "utf-8")])
def test_export_import_roundtrip(tmp_path: Path, workspace: Path, ext: str, enc: str) -> None:
    out = tmp_path / f"outfalls.{ext}"
    export_layer(workspace, "outfalls", out, encoding=enc)
    r = read_any(out)
    src = read_layer(workspace, "outfalls")
    names = set(r.frame.get("name_zh", r.frame.get("Name", r.frame.get("排污口名称"))))
    assert names == set(src["name_zh"])
    for a, b in zip(sorted(src.geometry, key=lambda g: g.x),
                    sorted(r.frame.geometry, key=lambda g: g.x), strict=True):
        assert (a.x, a.y) == pytest.approx((b.x, b.y), abs=1e-7)
    if ext in ("shp", "csv", "xlsx", "gpkg", "geojson", "fgb"):
        rep = import_file(out, workspace, "outfalls")  # comes back unchanged, by code
        assert rep.counts()["imported"] == 0 and rep.counts()["updated"] == 0, rep.to_json("en")
