"""A large inventory opens without waiting for its table: the docks say it is loading, the
record card and edits work meanwhile, and nothing done while loading is lost.

Above ``SYNC_LIMIT`` outfalls the table is made on the review's worker after the map's
first paint (issue 17); here the limit is set to 0 so the 8 test outfalls take that path.
"""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QPushButton

from models import outfall_edits as oe
from models.workspace import Workspace
from tests.models import outfall_testdata as td
from tests.ui.conftest import main_window_for, spin_until
from ui.outfalls import install_outfall_review


@pytest.fixture
def large(monkeypatch):
    """Make every inventory "large", and hold the table's making until ``gate`` is set."""
    import ui.outfalls.review as review_module

    monkeypatch.setattr(review_module, "SYNC_LIMIT", 0)
    gate = threading.Event()
    made = review_module.OutfallTable.from_frame

    def from_frame(*args, **kwargs):
        table = made(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread():
            assert gate.wait(20), "the test never let the table finish"
        return table

    monkeypatch.setattr(review_module.OutfallTable, "from_frame", staticmethod(from_frame))
    return gate


@pytest.fixture
def opened(large, qtbot, tmp_path):
    """Open the window with outfall review on the test workspace (``opened(lang)``); at
    the end the table is let through and the review shut down."""
    reviews = []

    def open_window(lang="zh"):
        ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
        win = main_window_for(qtbot, ws, lang)
        win.show()
        review = install_outfall_review(win, ws, lang=lang, interactive=False, user="王五")
        reviews.append(review)
        return win, ws, review

    yield open_window
    large.set()
    for review in reviews:
        review.shutdown()


def _shown(review):
    return [review.panel.model.code_at(r) for r in range(review.panel.model.rowCount())]


@pytest.mark.parametrize("lang, loading_text, loaded_text", [
    ("zh", "正在加载排污口清单…", "8 / 8 个排污口"),
    ("en", "Loading the outfall inventory…", "8 / 8 outfalls"),
])
def test_the_table_says_it_is_loading_then_shows_every_outfall_and_its_flags(
        large, opened, lang, loading_text, loaded_text):
    win, ws, review = opened(lang)
    assert review.loading
    assert review.panel.count.text() == loading_text
    assert review.panel.model.rowCount() == 0
    buttons = review.panel.findChildren(QPushButton)
    assert buttons and not any(b.isEnabled() for b in buttons)  # nothing to act on yet
    assert not review.panel.search.isEnabled()
    large.set()
    assert spin_until(review.settled)
    assert review.panel.count.text() == loaded_text
    assert _shown(review) == td.CODES  # in code order
    assert all(b.isEnabled() for b in review.panel.findChildren(QPushButton))
    # the flags of the check that followed the table: C and D are possible duplicates
    flags = {c: review.table.cell(review.table.row_of(c), "flags") for c in td.CODES}
    assert flags[td.CODES[2]] and flags[td.CODES[3]] and not flags[td.CODES[7]]


def test_an_outfall_picked_while_loading_shows_its_record_and_then_its_row(large, opened):
    win, ws, review = opened()
    assert review.loading
    win.select("outfalls", td.CODES[4])  # a click on the map
    assert review.card.code == td.CODES[4]  # the record card does not wait
    large.set()
    assert spin_until(lambda: not review.loading)
    assert review.card.code == td.CODES[4]
    assert review.panel.selected_codes() == [td.CODES[4]]  # and its row is selected


def test_an_edit_made_while_loading_is_in_the_table_and_undoes(large, opened):
    win, ws, review = opened()
    # the worker has taken its snapshot of the outfalls and is making the table
    assert spin_until(lambda: review.table_runner.busy("outfall_table"))
    code = td.CODES[1]
    done = review.do(oe.set_fields(review.session.frame, [code],
                                   {"name_zh": "改名的排口"}))
    assert done is not None
    large.set()
    assert spin_until(review.settled)
    row = review.table.row_of(code)
    assert review.table.cell(row, "name_zh") == "改名的排口"
    review.stack.undo()
    assert review.table.cell(review.table.row_of(code), "name_zh") == "测试排口2"
    assert ws.layer("outfalls").set_index("code").loc[code, "name_zh"] == "测试排口2"


def test_a_language_switch_while_loading_gives_the_table_in_the_new_language(large, opened):
    win, ws, review = opened()
    try:
        win.set_language("en")
        review.set_language("en")  # as ui.features does on a language change
        assert review.panel.count.text() == "Loading the outfall inventory…"
        large.set()
        assert spin_until(review.settled)
        assert review.lang == "en"
        assert review.table.cell(review.table.row_of(td.CODES[0]), "outfall_type") \
            == "Industrial"
        assert review.panel.count.text() == "8 / 8 outfalls"
    finally:
        win.set_language("zh")  # the translator is the application's


def test_a_large_tables_row_index_arrives_with_it_made_in_the_tables_worker(
        large, opened, monkeypatch):
    """The view's positions (table row -> view row, a click's way to its row) of a large
    inventory are made in the worker that makes its table, not in another worker after it
    arrived, where their fill fell on the turns of the table's first layout and paint."""
    from ui.outfalls import table_model

    monkeypatch.setattr(table_model, "POSITIONS_FROM", 0)  # the test set's 8 rows count
    made_on: list[str] = []
    real = table_model.view_positions

    def view_positions(rows, size):
        made_on.append(threading.current_thread().name)
        return real(rows, size)

    monkeypatch.setattr(table_model, "view_positions", view_positions)
    win, ws, review = opened()
    indexed_on_arrival: list[bool] = []
    arrived = review._table_arrived

    def table_arrived(*args, **kwargs):
        arrived(*args, **kwargs)
        model = review.panel.model
        indexed_on_arrival.append(model._positions is not None
                                  and model._positions[0] is model.rows)

    monkeypatch.setattr(review, "_table_arrived", table_arrived)
    large.set()
    assert spin_until(review.settled)
    assert indexed_on_arrival == [True]
    assert len(made_on) == 1 and made_on[0] != threading.main_thread().name
    model = review.panel.model
    assert [model.view_row_of(c) for c in td.CODES] == list(range(len(td.CODES)))


def test_a_layer_replaced_while_loading_shows_its_own_rows_not_the_late_table(
        large, opened, tmp_path):
    """A small layer swapped in (an import, an undo) while the first table is still made
    in the worker: its table is made at once, and the one still on its way -- of the rows
    as they were -- is dropped rather than shown over it when it comes."""
    from geodata.io.workspace_import import import_file
    from tests.ui.test_change_flow import CSV

    win, ws, review = opened()
    assert review.loading
    src = tmp_path / "新增排污口.csv"
    src.write_text("\n".join(CSV) + "\n", encoding="utf-8")
    import_file(src, ws.path, "outfalls")
    ws.reload_layer("outfalls")  # (as the window does after the wizard's import)
    n = len(ws.layer("outfalls"))
    assert n == len(td.CODES) + 3
    assert not review.loading and review.panel.model.rowCount() == n
    large.set()  # the first table, of the rows before the import, now arrives
    assert spin_until(review.settled, 10_000)
    assert review.panel.model.rowCount() == n
    assert review.table.row_of("PWK350582H0901") is not None
    assert not review.panel.loading
