"""A change names the fields it wrote (``Workspace.features_changed(layer, keys, fields)``)
and the listeners refresh only what shows them: the inventory table and the map layer
after an edit, its undo, a move and a sync pull's ``set_values`` are what a table and a
map layer made afresh from the frame show."""

from __future__ import annotations

import numpy as np
import pytest

from layers.map_model import MapModel
from models import outfall_edits as oe
from models.outfall_session import EditSession
from models.outfall_table import KEYS, OutfallTable, TableFilter
from models.workspace import Workspace
from tests.models import outfall_testdata as td


@pytest.fixture
def ws(tmp_path):
    return Workspace.open(td.build(tmp_path / "ws.gpkg"))


class Views:
    """A table and a map model kept up to date by the change flow, as the window's."""

    def __init__(self, ws):
        self.ws = ws
        self.table = OutfallTable.from_frame(ws.layer("outfalls"))
        self.table.view(None, "review_status")  # a sort order, dropped when it changes
        self.model = MapModel.from_workspace(ws)
        self.model.get("outfalls").point_index()
        self.seen = []
        ws.features_changed.connect(self._changed)

    def _changed(self, layer, keys, fields):
        self.seen.append((layer, sorted(keys), fields))
        if layer == "outfalls":
            self.table.update_rows(self.ws.layer("outfalls"), keys, fields)

    def same_as_fresh(self):
        frame = self.ws.layer("outfalls")
        fresh = OutfallTable.from_frame(frame)
        for k in KEYS:
            assert self.table.text[k].tolist() == fresh.text[k].tolist(), k
        np.testing.assert_array_equal(self.table.x, fresh.x)
        np.testing.assert_array_equal(self.table.y, fresh.y)
        assert self.table.view(None, "review_status").tolist() == \
            fresh.view(None, "review_status").tolist()
        assert self.table.view(TableFilter(text="测试")).tolist() == \
            fresh.view(TableFilter(text="测试")).tolist()
        patched = self.model.get("outfalls")
        rebuilt = MapModel.from_workspace(self.ws).get("outfalls")
        np.testing.assert_array_equal(patched.cat, rebuilt.cat)
        np.testing.assert_array_equal(patched.shape, rebuilt.shape)
        np.testing.assert_array_equal(patched.point_index().coordinates()[0],
                                      rebuilt.point_index().coordinates()[0])
        for col in frame.columns:  # what identify and labels read
            assert patched.frame[col].tolist() == rebuilt.frame[col].tolist(), col


def test_edits_and_their_undo_name_their_fields_and_the_views_match_fresh_ones(ws):
    views = Views(ws)
    s = EditSession(ws, user="t")
    confirm = s.apply(oe.confirm_location(ws.layer("outfalls"), td.CODES[:5]))
    assert views.seen[-1] == ("outfalls", sorted(td.CODES[:5]), frozenset({"review_status"}))
    views.same_as_fresh()
    index = views.model.get("outfalls")._points
    s.apply(oe.set_fields(ws.layer("outfalls"), td.CODES[2:4],
                          {"remediation": "取缔", "name_zh": "改名排口"}))
    assert views.seen[-1][2] == frozenset({"remediation", "name_zh"})
    views.same_as_fresh()
    assert views.model.get("outfalls")._points is index  # no point moved: kept
    s.apply(oe.move(ws.layer("outfalls"), td.CODES[6], 118.61, 24.73))
    assert "geometry" in views.seen[-1][2]
    views.same_as_fresh()
    s.undo(confirm)
    views.same_as_fresh()
    note = s.apply(oe.add_note(ws.layer("outfalls"), td.CODES[:2], "复核"))
    assert views.seen[-1][2] == frozenset()  # a note writes no field of the layer
    views.same_as_fresh()
    s.undo(note)
    views.same_as_fresh()


def test_a_pull_of_values_names_its_fields_and_the_views_match_fresh_ones(ws):
    views = Views(ws)
    changes = {c: {"review_status": "位置存疑"} for c in td.CODES[1:6]}
    changes[td.CODES[7]] = {"review_status": "已核查", "remediation_status": "已完成"}
    done = ws.set_values("outfalls", changes)
    assert sorted(done) == sorted(changes)
    assert views.seen[-1][2] == frozenset({"review_status", "remediation_status"})
    views.same_as_fresh()
    # announced without fields (a writer that does not say): everything is refreshed
    ws.set_values("outfalls", {td.CODES[0]: {"outfall_type": "工业排污口"}}, announce=False)
    ws.announce_features_changed("outfalls", [td.CODES[0]])
    assert views.seen[-1][2] is None
    views.same_as_fresh()
