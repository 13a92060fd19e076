"""``app.py outfalls check`` at 100k outfalls gives exactly the findings of the checker
before issue 17 (tests/models/compliance_reference.py), byte for byte as the user gets
them: the whole ``--json`` document, the ``--lang en`` text and ``--code``.

The workspace is made once per run by bench/make_workspace.py (seeded, 100k outfalls,
2k units over the bundled base map), its outfalls given defects of every kind, and written
back to the GeoPackage: the command reads the file itself (models/compliance_input.py),
the reference the workspace as ``Workspace.open`` reads it; files the light reader does
not take go through ``Workspace.open`` with the same result.  ~45 s on 2 shared cores
(~20 s at load 3).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from models.workspace import Workspace
from tests.models import compliance_reference as ref
from tests.models.test_compliance_scale import plant_twins

ROOT = Path(__file__).resolve().parents[2]
N = 100_000


def _plant(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Defects of every kind, as tests/models/test_compliance_scale.py plants them."""
    frame = frame.copy()
    n = len(frame)
    for col, val in (("name_zh", ""), ("receiving_water", None), ("subtype", "  "),
                     ("responsible_party", None), ("discharge_mode", "\u3000"),
                     ("name_zh", " \t"), ("county_code", "\u2003")):
        rows = rng.choice(n, 800, replace=False)
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].cat.add_categories([v for v in [val] if v is not None])
        frame.loc[frame.index[rows], col] = val
    geoms = frame.geometry.to_numpy().copy()
    geoms[rng.choice(n, 150, replace=False)] = None  # no location
    codes = frame["code"].astype(object).to_numpy().copy()
    for k, r in enumerate(rng.choice(n, 200, replace=False)):  # provisional, blank codes
        codes[r] = f"待编码-350582-{k:04d}" if k % 4 else ("" if k % 8 else " ")
    codes[rng.choice(n, 3, replace=False)] = 'PWK"引号\\斜杠'  # escaped in JSON, repeated
    codes[rng.choice(n, 2, replace=False)] = None  # no code at all (NULL in the file)
    frame["code"] = codes
    plant_twins(geoms, rng, 1500)
    for r in rng.choice(n, 100, replace=False):  # far outside the city
        geoms[r] = shapely.Point(rng.uniform(110, 115), rng.uniform(20, 23))
    frame["geometry"] = geoms
    return frame


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    import pyogrio

    from bench.make_workspace import make_workspace
    from geodata import store

    path = tmp_path_factory.mktemp("w100k") / "w100k.gpkg"
    make_workspace(path, n_outfalls=N, n_units=2_000, seed=17)
    frame = _plant(store.read_layer(path, "outfalls"), np.random.default_rng(17))
    pyogrio.write_dataframe(frame, path, layer="outfalls", driver="GPKG",
                            promote_to_multi=False)
    return path


@pytest.fixture(scope="module")
def reference(workspace):
    ws = Workspace.open(workspace)
    assert len(ws.layer("outfalls")) == N
    return ws, ref.check_outfalls(ws)


def _command(*args: str) -> bytes:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / "app.py"), "outfalls", "check", *args],
                          cwd=ROOT, env=env, capture_output=True, check=True).stdout


def _document(ws, findings, path: Path) -> bytes:
    cfg = ref.ComplianceConfig()
    doc = {"workspace": str(path), "outfalls": len(ws.layer("outfalls")),
           "config": cfg.__dict__, "summary": ref.summary(findings),
           "findings": [f.to_dict() for f in findings]}
    return (json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\n").encode()


def test_every_check_finds_something(reference):
    counts = ref.summary(reference[1])
    assert all(counts.values()), counts


def test_the_command_reads_the_file_itself(workspace):
    """The comparisons below are of the light reader, not of its fall-back to
    Workspace.open (which gives its codes as a numpy array)."""
    from models import compliance_input
    from models.compliance import REQUIRED_FIELDS

    inp = compliance_input.read(workspace, REQUIRED_FIELDS)
    assert isinstance(inp.codes, compliance_input.Codes)


def test_json_is_the_reference_checkers_byte_for_byte(workspace, reference):
    ws, old = reference
    got = _command("--json", "--workspace", str(workspace))
    assert got == _document(ws, old, workspace)


def test_text_is_the_reference_checkers(workspace, reference):
    _ws, old = reference
    got = _command("--lang", "en", "--workspace", str(workspace)).decode()
    counts = ref.summary(old)
    lines = [f"{f.code}\t{f.label('en')}\t{f.message.text('en')}" for f in old]
    lines.append(f"{len(old)} findings: " + ", ".join(f"{k} {v}" for k, v in counts.items()
                                                     if v))
    assert got == "\n".join(lines) + "\n"


def test_one_outfall_is_the_reference_checkers(workspace, reference):
    ws, old = reference
    # a duplicate, one in a priority unit and near a protected area, a code to escape
    picks = {next(f.code for f in old if f.check == c) for c in
             ("possible_duplicate", "near_protected_area", "missing_fields")}
    picks.add('PWK"引号\\斜杠')
    args = [a for c in sorted(picks) for a in ("--code", c)]
    got = _command("--json", "--workspace", str(workspace), *args)
    assert got == _document(ws, [f for f in old if f.code in picks], workspace)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from bench.make_workspace import make_workspace
    from geodata import store

    path = tmp_path_factory.mktemp("small") / "w.gpkg"
    make_workspace(path, n_outfalls=3_000, n_units=200, seed=5)
    return path, _plant(store.read_layer(path, "outfalls"), np.random.default_rng(5))


@pytest.mark.parametrize("case", ["multipoints", "numeric_field", "other_crs"])
def test_what_the_light_reader_does_not_take_falls_back_to_the_same_findings(
        small, tmp_path, case):
    """A file the light reader would not read as the workspace does (geometries other
    than points, a required field that is not text, another CRS) is opened as a
    Workspace: the same document as the reference's."""
    import shutil

    import pyogrio

    from models import compliance_input
    from models.compliance import REQUIRED_FIELDS

    path = tmp_path / "w.gpkg"
    shutil.copyfile(small[0], path)
    frame = small[1].copy()
    if case == "multipoints":
        geoms = frame.geometry.to_numpy().copy()
        for r in range(0, len(geoms), 97):
            if geoms[r] is not None:
                geoms[r] = shapely.MultiPoint([geoms[r]])
        frame["geometry"] = geoms
    elif case == "numeric_field":
        frame["county_code"] = pd.to_numeric(frame["county_code"].astype(str),
                                             errors="coerce")
    else:
        frame = frame.to_crs("EPSG:3857")
    pyogrio.write_dataframe(frame, path, layer="outfalls", driver="GPKG",
                            promote_to_multi=False)
    inp = compliance_input.read(path, REQUIRED_FIELDS)
    assert not isinstance(inp.codes, compliance_input.Codes)  # it fell back
    ws = Workspace.open(path)
    got = _command("--json", "--workspace", str(path))
    assert got == _document(ws, ref.check_outfalls(ws), path)


def test_a_missing_code_is_not_a_code_to_ask_for(workspace):
    """``--code nan`` names no outfall, though an outfall without a code shows as "nan"
    (as the command always had it: pandas keeps a missing code NaN)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(ROOT / "app.py"), "outfalls", "check",
                           "--json", "--workspace", str(workspace), "--code", "nan"],
                          cwd=ROOT, env=env, capture_output=True)
    assert proc.returncode == 2
    assert "nan" in proc.stderr.decode()
