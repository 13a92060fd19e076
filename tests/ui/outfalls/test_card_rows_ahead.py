"""The record card's 属性 rows are made, and painted once offscreen, in idle turns after the
window's first paint: the first click on an outfall only sets their texts and shows them
(made by that click they were ~14 ms of its turn at 10k outfalls).  With no outfall shown
the rows stay hidden."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from tests.models import outfall_testdata as td
from tests.ui.conftest import spin, spin_until
from tests.ui.outfalls.test_outfall_review import setup  # noqa: F401 - the fixture


@pytest.fixture
def card_rows_soon(monkeypatch):
    """The rows made ahead as in the window (tests/conftest.py holds them back)."""
    from ui.outfalls import review

    monkeypatch.setattr(review, "CARD_ROWS_AFTER_MS", 300)


def _rows_shown(card) -> list[bool]:
    return card.rows_shown()


def test_the_cards_rows_are_ready_before_the_first_click(card_rows_soon, setup):  # noqa: F811
    win, ws, review = setup
    card = review.card
    assert spin_until(lambda: len(card._attr_labels) > 0)
    spin(400)  # (and painted once, offscreen)
    assert card.code is None
    assert _rows_shown(card) and not any(_rows_shown(card))  # made, none shown
    labels = set(card.attrs.findChildren(QLabel))
    code = td.CODES[2]
    win.selection.select("outfalls", [code], "map")
    assert card.code == code
    # every field and the coordinates (set in the turn after the click's, the card being
    # brought to the front over 要素详情)
    assert spin_until(lambda: all(_rows_shown(card)), 2000)
    assert set(card.attrs.findChildren(QLabel)) == labels  # no label made by the click
    shown = [lb.text() for lb in card._attr_labels]
    frame = ws.layer("outfalls").set_index("code")
    assert code in shown and frame.loc[code, "name_zh"] in shown
    g = frame.loc[code, "geometry"]
    assert shown[-1] == f"{g.x:.6f}, {g.y:.6f}"
    card.show_outfall(None)  # nothing shown: the rows hidden again, their texts gone
    assert not any(_rows_shown(card))
    assert code not in [lb.text() for lb in card._attr_labels]
