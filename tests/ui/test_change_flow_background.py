"""Imports, their undo and pulls arrive in pieces (issue 17, item 4), and the user still
sees all of it, loses nothing and can close the window at any moment.

The import job reads the changed layer in its worker (``Workspace.read_layer``), the window
swaps it in, and above ``TABLE_SYNC_ROWS`` the outfall table is built in a worker and
swapped in later.  Here ``TABLE_SYNC_ROWS`` is 0, so the bundled inventory takes the path a
100k or 1M inventory takes, and the import goes through the wizard's own 导入 and 撤销 jobs.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from geodata import store
from models.workspace import Workspace
from tests.ui.conftest import spin, spin_until
from tests.ui.test_change_flow import _table_codes, _window

NEW = [f"PWK350582H09{i:02d}" for i in range(40)]
CSV = ["排污口编码,排污口名称,经度,纬度,受纳水体"] + [
    f"{code},新增排口{i},118.6{i % 10}12,24.7{i % 10}05,深沪湾" for i, code in enumerate(NEW)]


@pytest.fixture
def workspace(tmp_path) -> Path:
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(store.bundled_path(), path)
    return path


@pytest.fixture
def in_pieces(monkeypatch):
    monkeypatch.setattr("ui.outfalls.review.TABLE_SYNC_ROWS", 0)


@pytest.fixture
def held_table(monkeypatch):
    """The worker building the new outfall table waits until the test opens the gate, so
    what happens "meanwhile" happens meanwhile on any machine."""
    import ui.outfalls.review as review_module

    gate = threading.Event()
    build = review_module._table_of

    def held(*args):
        gate.wait(20)
        return build(*args)

    monkeypatch.setattr(review_module, "_table_of", held)
    yield gate
    gate.set()


def _wizard_at_import(win, src: Path):
    """The import dialog on its summary page (file read, dry run done), as the user
    reaches it before pressing 导入."""
    dlg = win.features.open_import()
    s = dlg.state.session
    s.path, s.target = src, "outfalls"
    s.read()
    s.suggest()
    dlg.state.dry_report = s.run(True)
    # on to the summary page, each page's work done above: left on the first page, the
    # import's move to the next step ran the file page's own read (of its empty path) in
    # the wizard's worker, and an undo asked while that read ran was refused as busy
    while dlg.currentPage() is not dlg.summary_page:
        dlg.currentPage()._passed = True
        dlg.next()
    return dlg


def _csv(tmp_path: Path) -> Path:
    src = tmp_path / "新增排污口.csv"
    src.write_text("\n".join(CSV) + "\n", encoding="utf-8")
    return src


def _shows_all(win, review, codes) -> bool:
    layer = win.model.get("outfalls")
    return set(codes) <= _table_codes(review) and all(layer.row_of(c) is not None
                                                      for c in codes)


def test_an_import_in_pieces_ends_with_table_map_and_search_showing_it(
        qtbot, workspace, tmp_path, in_pieces):
    win = _window(qtbot, workspace)
    review = win.features.review
    n0 = review.panel.model.rowCount()
    dlg = _wizard_at_import(win, _csv(tmp_path))
    dlg.summary_page.start_work()
    assert spin_until(lambda: _shows_all(win, review, NEW))
    assert review.panel.model.rowCount() == n0 + len(NEW)
    assert len(win.ws.layer("outfalls")) == n0 + len(NEW)
    win.search.setText(NEW[-1])
    assert win.search.go() is not None
    assert win.selection.current.keys == (NEW[-1],)
    spin_until(lambda: review.card.code == NEW[-1], 2000)
    assert review.card.code == NEW[-1]

    dlg.result_page.undo()  # the wizard's 撤销本次导入, also in pieces
    assert spin_until(lambda: not (set(NEW) & _table_codes(review)))
    assert review.panel.model.rowCount() == n0
    assert all(win.model.get("outfalls").row_of(c) is None for c in NEW)
    assert win.selection.current.empty and review.card.code is None
    dlg.close()
    review.shutdown()


def test_a_table_made_in_pieces_is_shown_in_the_panel_and_card_there_are(
        qtbot, workspace, tmp_path, in_pieces):
    """The new table is shown in the panel and card already in the docks (no widgets are
    made for it): in the end they show the new rows and the open record, and the sort
    order and the filters the user chose stand, the filter menus listing the new values."""
    from PySide6.QtCore import Qt

    win = _window(qtbot, workspace)
    review = win.features.review
    assert spin_until(lambda: not review.loading)
    review.open_card(str(win.ws.layer("outfalls")["code"].iloc[0]))
    code = review.card.code
    panel, card = review.panel, review.card
    panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    panel.search.setText("新增排口")  # the new outfalls' names: none before the import
    panel.apply_filter()
    assert panel.model.rowCount() == 0
    dlg = _wizard_at_import(win, _csv(tmp_path))
    dlg.summary_page.start_work()
    assert spin_until(lambda: _shows_all(win, review, NEW))
    assert review.panel is panel and review.card is card
    assert review.table_dock.widget() is panel and review.card_dock.widget() is card
    assert card.code == code and panel.isVisible()
    assert [panel.model.code_at(r) for r in range(panel.model.rowCount())] == \
        sorted(NEW, reverse=True)
    table = review.table
    for key in panel.CHOICE_KEYS:
        combo = panel.combos[key]
        assert [combo.itemData(i) for i in range(1, combo.count())] == table.choices(key)
    dlg.close()
    review.shutdown()


def test_an_edit_made_while_an_import_is_applied_is_not_lost(
        qtbot, workspace, tmp_path, in_pieces, held_table):
    """Edits made while the import job runs (before its worker read the layer, or after)
    and while the new table is built are all in the frame, the table and the file."""
    win = _window(qtbot, workspace)
    review = win.features.review
    frame = win.ws.layer("outfalls")
    old = [c for c, s in zip(frame["code"].astype(str), frame["review_status"].astype(str),
                             strict=True) if s != "已核查"][:3]
    dlg = _wizard_at_import(win, _csv(tmp_path))
    dlg.summary_page.start_work()
    review.panel.select_codes([old[0]])
    review.request("confirm")  # while the import job runs
    # the layer is replaced, the table is still being built: edit again
    assert spin_until(lambda: win.ws.row_of("outfalls", NEW[0]) is not None)
    assert not set(NEW) & _table_codes(review)  # the table is still the old one
    review.panel.select_codes([old[1]])
    review.request("confirm")
    held_table.set()
    assert spin_until(lambda: _shows_all(win, review, NEW))
    spin(300)
    for code in old[:2]:
        row = review.table.row_of(code)
        assert review.table.cell(row, "review_status") == "已核查", code
        f = win.ws.layer("outfalls")
        assert f.loc[f["code"] == code, "review_status"].astype(str).tolist() == ["已核查"]
    assert review.table.cell(review.table.row_of(old[2]), "review_status") != "已核查"
    review.shutdown()
    dlg.close()
    on_disk = Workspace.open(workspace).layer("outfalls")
    assert set(NEW) <= set(on_disk["code"].astype(str))
    for code in old[:2]:
        assert on_disk.loc[on_disk["code"] == code, "review_status"].astype(str).tolist() \
            == ["已核查"]


def test_closing_the_window_while_an_import_arrives_keeps_the_workspace(
        qtbot, workspace, tmp_path, in_pieces, held_table):
    win = _window(qtbot, workspace)
    review = win.features.review
    dlg = _wizard_at_import(win, _csv(tmp_path))
    dlg.summary_page.start_work()
    assert spin_until(lambda: win.ws.row_of("outfalls", NEW[0]) is not None)
    # the new table is on its way in the worker: the user closes the window now
    assert not set(NEW) & _table_codes(review)
    review.shutdown()
    dlg.close()
    win.close()
    held_table.set()
    spin(500)  # the table's result arrives at a closed window: nothing breaks
    reopened = Workspace.open(workspace)
    assert set(NEW) <= set(reopened.layer("outfalls")["code"].astype(str))


def test_a_background_read_older_than_an_edit_is_not_swapped_in(workspace):
    """``reload_layer`` takes a layer read in a worker only if no frame was written since
    the read began; otherwise it reads again (the edit is in the file by then)."""
    ws = Workspace.open(workspace)
    read = ws.read_layer("outfalls")
    code = str(ws.layer("outfalls")["code"].iloc[0])
    ws.set_values("outfalls", {code: {"review_status": "位置存疑"}})
    replaced = []
    ws.layer_replaced.connect(replaced.append)
    ws.reload_layer("outfalls", read)
    assert replaced == ["outfalls"]
    assert ws.layer("outfalls") is not read.frame  # stale: read again
    fresh = ws.read_layer("outfalls")
    ws.reload_layer("outfalls", fresh)
    assert ws.layer("outfalls") is fresh.frame  # nothing changed since: swapped in as is


def test_set_values_writes_columns_as_one_value_at_a_time_did(workspace):
    """The bulk write gives the frame write_value gave: new vocabulary values become
    categories, None clears, points move, unknown keys are skipped."""
    a, b = Workspace.open(workspace), Workspace.open(workspace)
    codes = a.layer("outfalls")["code"].astype(str).tolist()[:30]
    updates: dict[str, dict[str, object]] = {}
    for i, code in enumerate(codes):
        if i % 3 == 0:
            updates[code] = {"review_status": "位置存疑", "name_zh": f"改名{i}"}
        elif i % 3 == 1:
            updates[code] = {"remediation": "新的整治类型", "receiving_water": None}
        else:
            updates[code] = {"geometry": (118.5 + i / 1000, 24.8)}
    updates["NO-SUCH-CODE"] = {"review_status": "已核查"}
    seen = []
    a.features_changed.connect(lambda layer, keys: seen.append((layer, len(keys))))
    done = a.set_values("outfalls", updates)
    assert done == codes and seen == [("outfalls", len(codes))]
    frame_b = b.layer("outfalls")
    for code, values in updates.items():
        row = b.row_of("outfalls", code)
        if row is None:
            continue
        for fld, value in values.items():
            b.write_value("outfalls", row, fld, value)
    fa, fb = a.layer("outfalls"), frame_b
    assert list(fa.columns) == list(fb.columns)
    for col in fa.columns:
        if col == fa.geometry.name:
            assert fa.geometry.equals(fb.geometry)
        else:
            assert fa[col].astype(object).where(fa[col].notna(), None).tolist() == \
                fb[col].astype(object).where(fb[col].notna(), None).tolist(), col
            assert str(fa[col].dtype) == str(fb[col].dtype), col
            if str(fa[col].dtype) == "category":
                assert list(fa[col].cat.categories) == list(fb[col].cat.categories), col
    assert "新的整治类型" in list(fa["remediation"].cat.categories)


def test_a_pull_read_in_the_sync_worker_is_swapped_in_only_if_nothing_changed(workspace):
    """What a pull that added outfalls read in the sync's worker (the layer and the
    inspections) is used when the workspace did not change since the sync started, and
    read again otherwise."""
    from models.sync.engine import read_for_workspace, tell_workspace
    from models.sync.pull import PullOutcome

    ws = Workspace.open(workspace)
    out = PullOutcome(added=["PWK350582H0900"])
    read = read_for_workspace(ws, out, ws.revision)
    tell_workspace(ws, out, read)
    assert ws.layer("outfalls") is read.outfalls.frame
    assert ws.table("inspections") is read.inspections

    since = ws.revision
    code = str(ws.layer("outfalls")["code"].iloc[0])
    ws.set_values("outfalls", {code: {"review_status": "位置存疑"}})  # an edit meanwhile
    read = read_for_workspace(ws, out, since)
    tell_workspace(ws, out, read)
    assert ws.layer("outfalls") is not read.outfalls.frame
    assert ws.table("inspections") is not read.inspections
