"""Vocabulary fields read as categoricals: every edit, undo, save and export still works.

A workspace opened with :meth:`Workspace.open` holds the outfall vocabulary fields
(:data:`geodata.schema.VOCABULARY_FIELDS`) as pandas categoricals; setting a value that
is not yet a category raises in pandas, so edits go through ``store.set_value``.
"""

from __future__ import annotations

import pandas as pd
import pyogrio
import pytest

from geodata import schema, store
from geodata.io import writers
from layers.map_model import MapModel
from models import outfall_edits as oe
from models.outfall_session import EditSession
from models.outfall_table import OutfallTable, county_names
from models.workspace import Workspace
from tests.models import outfall_testdata as td

VOCAB = schema.VOCABULARY_FIELDS["outfalls"]


@pytest.fixture
def ws(tmp_path):
    return Workspace.open(td.build(tmp_path / "ws.gpkg"))


def _plain(path):
    return store.read_layer(path, "outfalls", categorical=False)


def _new_value(field: str, frame: pd.DataFrame) -> str:
    """A valid value of ``field`` that no outfall has yet (a new category)."""
    present = set(frame[field].dropna().astype(str))
    vocab = oe.EDITABLE[field]
    if vocab is None:
        return f"新的{field}"
    return next(v for v in vocab if v and v not in present)


def test_vocabulary_fields_are_categoricals_with_the_same_values(ws):
    f = ws.layer("outfalls")
    plain = _plain(ws.path)
    for name in VOCAB:
        assert isinstance(f[name].dtype, pd.CategoricalDtype), name
        assert list(f[name].cat.categories) == sorted(f[name].cat.categories)
        assert f[name].astype(object).where(f[name].notna(), None).tolist() == \
            plain[name].astype(object).where(plain[name].notna(), None).tolist()
    for name in ("code", "name_zh", "receiving_water", "responsible_party"):
        assert not isinstance(f[name].dtype, pd.CategoricalDtype)
    assert not isinstance(_plain(ws.path)["outfall_type"].dtype, pd.CategoricalDtype)


@pytest.mark.parametrize("field", list(oe.EDITABLE))
def test_every_editable_field_takes_a_new_value_undo_redo_and_saves(ws, field):
    s = EditSession(ws, user="检查员")
    f = ws.layer("outfalls")
    code = td.CODES[6]  # G: the one with missing fields
    row = f["code"].tolist().index(code)
    old = f[field].iloc[row]
    value = _new_value(field, f)
    map_before = MapModel.from_workspace(ws).get("outfalls")
    assert map_before is not None
    e = s.apply(oe.set_fields(f, [code], {field: value}))
    f = ws.layer("outfalls")
    assert f[field].iloc[row] == value
    if field in VOCAB:
        assert isinstance(f[field].dtype, pd.CategoricalDtype)
        assert value in f[field].cat.categories
        assert list(f[field].cat.categories) == sorted(f[field].cat.categories)
    assert map_before.frame[field].iloc[row] is old or map_before.frame[field].iloc[row] == old
    on_disk = _plain(ws.path)
    assert on_disk[field].iloc[row] == value
    assert [r["new_value"] for r in s.history(code)] == [value]
    s.undo(e)
    back = ws.layer("outfalls")[field].iloc[row]
    assert back == old or (pd.isna(back) and pd.isna(old))
    s.redo(e)
    assert ws.layer("outfalls")[field].iloc[row] == value
    assert Workspace.open(ws.path).layer("outfalls")[field].iloc[row] == value


def test_remediation_can_be_cleared_and_a_move_reaches_the_map(ws):
    s = EditSession(ws, user="u")
    model = MapModel.from_workspace(ws)
    s.apply(oe.set_fields(ws.layer("outfalls"), td.CODES[:2], {"remediation": "none"}))
    f = ws.layer("outfalls")
    assert f["remediation"].iloc[:2].tolist() == ["", ""]
    s.apply(oe.set_fields(f, [td.CODES[0]], {"outfall_type": "农业排口"}))
    s.apply(oe.move(f, td.CODES[0], 118.526, 24.826))  # replace_layer: a new MapLayer
    layer = model.get("outfalls")
    assert layer is not None and layer.frame["outfall_type"].iloc[0] == "农业排口"
    keys = [c.key for c in layer.style.categories]
    assert layer.cat[0] == keys.index("农业排口") and layer.cat[1] == keys.index("工业排污口")
    shapes = [c.key for c in layer.style.shapes]
    assert layer.shape[0] == -1 and layer.shape[2] == shapes.index("规范")
    assert layer.merc_geometry(0).distance(layer.merc_geometry(1)) > 1000


def test_outfall_table_and_legend_counts_are_the_same_as_from_strings(ws):
    cat, plain = ws.layer("outfalls"), _plain(ws.path)
    names = county_names(ws.layers.get("counties"))
    a, b = OutfallTable.from_frame(cat, names), OutfallTable.from_frame(plain, names)
    for key in a.text:
        assert a.text[key].tolist() == b.text[key].tolist(), key
        assert a.rank(key).tolist() == b.rank(key).tolist(), key
    for name in VOCAB:  # what the layer panel counts
        assert cat[name].astype(str).value_counts().to_dict() == \
            plain[name].astype(str).value_counts().to_dict()
    s = EditSession(ws, user="u")
    s.apply(oe.set_fields(cat, [td.CODES[3]], {"review_status": "位置存疑"}))
    rows = a.update_rows(ws.layer("outfalls"), [td.CODES[3]])
    assert a.cell(rows[0], "review_status") == "位置存疑"


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson", ".csv", ".xlsx"])
def test_a_categorical_frame_writes_like_strings(ws, tmp_path, suffix):
    s = EditSession(ws, user="u")
    s.apply(oe.set_fields(ws.layer("outfalls"), [td.CODES[0]], {"coord_source": "实测"}))
    cat = ws.layer("outfalls")
    plain = cat.copy()
    for name in VOCAB:
        plain[name] = plain[name].astype(object).where(plain[name].notna(), None)
    out_cat = writers.write_layer(cat, tmp_path / f"cat{suffix}", layer_name="outfalls")
    out_plain = writers.write_layer(plain, tmp_path / f"plain{suffix}", layer_name="outfalls")
    if suffix in (".csv", ".xlsx"):
        if suffix == ".csv":
            assert pd.read_csv(out_cat).equals(pd.read_csv(out_plain))
        else:
            assert pd.read_excel(out_cat, engine="openpyxl").equals(
                pd.read_excel(out_plain, engine="openpyxl"))
        return
    got, want = (pyogrio.read_dataframe(p, use_arrow=True) for p in (out_cat, out_plain))
    assert got.drop(columns="geometry").equals(want.drop(columns="geometry"))
    assert "实测" in got.iloc[0].tolist()  # (a shapefile cuts the field name)


def test_store_write_layers_round_trips_categoricals(ws, tmp_path):
    out = tmp_path / "copy.gpkg"
    store.write_layers(out, {"outfalls": ws.layer("outfalls")})
    back = store.read_layer(out, "outfalls")
    for name in VOCAB:
        assert isinstance(back[name].dtype, pd.CategoricalDtype)
    assert back.drop(columns="geometry").equals(ws.layer("outfalls").drop(columns="geometry"))
    assert _plain(out).drop(columns="geometry").equals(_plain(ws.path).drop(columns="geometry"))


def test_set_value_adds_categories_in_order_and_accepts_missing():
    frame = pd.DataFrame({"k": pd.Series(["b", "d", None], dtype="str").astype("category")})
    store.set_value(frame, 0, "k", "c")
    store.set_value(frame, 1, "k", None)
    store.set_value(frame, 2, "k", "a")
    assert frame["k"].astype(object).where(frame["k"].notna(), None).tolist() == ["c", None, "a"]
    assert list(frame["k"].cat.categories) == ["a", "b", "c", "d"]
    plain = pd.DataFrame({"k": ["x"]})
    store.set_value(plain, 0, "k", "y")
    assert plain["k"].tolist() == ["y"]
