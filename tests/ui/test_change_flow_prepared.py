"""What the GUI thread no longer makes itself after an import, its undo or a pull
(issue 17, item 4) still shows exactly what a fresh open shows.

- A layer read in a worker (``Workspace.read_layer``) brings its keys and the map layer the
  map model prepared from it in that worker (``Workspace.add_read_preparer``); the map then
  draws what a map built from a fresh open draws.
- A read older than an edit is not swapped in, and neither is what was prepared from it.
- A pull of many edits finds its rows without the map's hash of every key, and the map
  and the table then show what a fresh open shows.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from layers.map_model import MapModel
from models import outfall_edits as oe
from models.outfall_table import OutfallTable, county_names
from models.workspace import Workspace, keys_are_text, keys_of
from tests.ui.conftest import spin, spin_until
from tests.ui.test_change_flow import _table_codes, _window
from tests.ui.test_change_flow_background import (  # noqa: F401 - fixtures
    NEW,
    _csv,
    _shows_all,
    _wizard_at_import,
    in_pieces,
    workspace,
)


def _drawn(layer):
    x, y = layer.point_index().coordinates()
    return list(layer.keys), layer.cat.tolist(), layer.shape.tolist(), x.tolist(), y.tolist()


def _as_fresh_open(win, path) -> None:
    """The window's map and workspace keys are those of the file opened afresh."""
    fresh_ws = Workspace.open(path)
    fresh = MapModel.from_workspace(fresh_ws).get("outfalls")
    assert _drawn(win.model.get("outfalls")) == _drawn(fresh)
    assert list(win.ws.keys("outfalls")) == list(fresh_ws.keys("outfalls"))


@pytest.fixture
def prepared_in(monkeypatch):
    """The threads the map model prepared a layer in, and the layers it made."""
    made: list[tuple[str, object]] = []
    prepare = MapModel._prepare

    def spy(self, name, frame, keys):
        layer = prepare(self, name, frame, keys)
        made.append((threading.current_thread().name, layer))
        return layer

    monkeypatch.setattr(MapModel, "_prepare", spy)
    return made


def test_an_import_and_its_undo_show_on_the_map_what_a_fresh_open_shows(
        qtbot, workspace, tmp_path, in_pieces, prepared_in):  # noqa: F811
    win = _window(qtbot, workspace)
    review = win.features.review
    dlg = _wizard_at_import(win, _csv(tmp_path))
    dlg.summary_page.start_work()
    assert spin_until(lambda: _shows_all(win, review, NEW))
    # the map layer the window shows was made in the import's worker, not here
    assert prepared_in and prepared_in[-1][0] != threading.main_thread().name
    assert win.model.get("outfalls") is prepared_in[-1][1]
    _as_fresh_open(win, workspace)
    keys = win.ws.keys("outfalls")
    assert not keys.flags.writeable  # shared by every listener: nobody writes into it

    dlg.result_page.undo()
    assert spin_until(lambda: not (set(NEW) & _table_codes(review)))
    assert win.model.get("outfalls") is prepared_in[-1][1]
    _as_fresh_open(win, workspace)
    dlg.close()
    review.shutdown()


def test_a_read_older_than_an_edit_brings_no_map_layer_with_it(workspace):  # noqa: F811
    ws = Workspace.open(workspace)
    model = MapModel.from_workspace(ws)
    read = ws.read_layer("outfalls")
    assert read.prepared.get("map") is not None
    # the code column is text: it is the keys, no object array of them is made in the read
    assert keys_are_text("outfalls", read.frame) and read.keys is None
    code = str(ws.layer("outfalls")["code"].iloc[0])
    ws.set_values("outfalls", {code: {"review_status": "位置存疑"}})  # an edit meanwhile
    ws.reload_layer("outfalls", read)
    layer = model.get("outfalls")
    assert layer is not read.prepared["map"]
    row = layer.row_of(code)
    assert str(layer.frame["review_status"].iloc[row]) == "位置存疑"
    assert _drawn(layer) == _drawn(MapModel.from_workspace(Workspace.open(workspace))
                                   .get("outfalls"))


def test_keys_follow_a_new_code_and_a_replaced_layer(workspace):  # noqa: F811
    ws = Workspace.open(workspace)
    from models.outfall_session import EditSession

    old = str(ws.layer("outfalls")["code"].iloc[0])
    before = ws.keys("outfalls")
    assert ws.keys("outfalls") is before  # kept while nothing changes
    s = EditSession(ws, user="t")
    s.apply(oe.set_code(ws.layer("outfalls"), old, "PWK350582H0999"))
    assert ws.keys("outfalls")[0] == "PWK350582H0999" and before[0] == old
    assert ws.row_of("outfalls", "PWK350582H0999") == 0 and ws.row_of("outfalls", old) is None
    ws.reload_layer("outfalls")
    assert list(ws.keys("outfalls")) == list(keys_of("outfalls", ws.layer("outfalls"), None))


def test_a_pull_of_many_edits_shows_on_map_and_table_what_a_fresh_open_shows(
        qtbot, workspace):  # noqa: F811
    win = _window(qtbot, workspace)
    review = win.features.review
    spin(200)
    layer = win.model.get("outfalls")
    assert not layer.keys_indexed  # nothing was clicked: the rows are found without it
    frame = win.ws.layer("outfalls")
    codes = frame["code"].astype(str).tolist()
    pulled = {c: {"review_status": "位置存疑", "remediation": "取缔"} for c in codes[::2]}
    pulled["NO-SUCH-CODE"] = {"review_status": "已核查"}
    done = win.ws.set_values("outfalls", pulled)
    assert done == codes[::2]
    assert win.model.get("outfalls") is not layer  # patched, not rebuilt from scratch
    assert win.model.get("outfalls").keys is layer.keys
    # the pull wrote the file in its worker; the frame is what reopening it would give
    fresh_ws = Workspace(win.ws.path, {"outfalls": win.ws.layer("outfalls").copy()},
                         dict(win.ws.tables))
    fresh = MapModel.from_workspace(fresh_ws).get("outfalls")
    assert _drawn(win.model.get("outfalls")) == _drawn(fresh)
    table = OutfallTable.from_frame(win.ws.layer("outfalls"),
                                    county_names(win.ws.layers.get("counties"), "zh"), None, "zh")
    for code in codes[:40]:
        r, f = review.table.row_of(code), table.row_of(code)
        for key in ("review_status", "remediation"):
            assert review.table.cell(r, key) == table.cell(f, key), (code, key)
    review.shutdown()


def test_rows_found_by_scan_and_by_the_key_hash_agree(workspace):  # noqa: F811
    ws = Workspace.open(workspace)
    model = MapModel.from_workspace(ws)
    indexed = MapModel.from_workspace(ws)
    indexed.get("outfalls").row_of("")  # this one has its hash of the keys
    codes = ws.layer("outfalls")["code"].astype(str).tolist()
    ws.set_values("outfalls", {c: {"review_status": "位置存疑"} for c in codes[1::3]})
    a, b = model.get("outfalls"), indexed.get("outfalls")
    assert _drawn(a) == _drawn(b)
    np.testing.assert_array_equal(a.cat, b.cat)
