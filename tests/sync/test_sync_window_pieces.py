"""A pull of many edits is announced to the window in pieces, one per event-loop turn
(``ui/sync/menu.py``: ``ANNOUNCE_CHUNK``): what the user sees afterwards is what a fresh
open of the workspace shows, an edit made while the pieces arrive is kept, and closing
the window meanwhile is safe.  A real PostgreSQL server (tests/pg_server.py)."""

from __future__ import annotations

import shutil

import pytest

from models.sync.engine import sync
from models.sync.merge import GEOMETRY
from tests.sync.support import PASSWORDS, edit, laptop_rows
from tests.sync.test_sync_window import (  # noqa: F401 - the fixture
    checkout_window,
    wait_job,
    window,
)

PIECE = 4  # keys per announce here: a pull of a few dozen edits arrives in many turns


@pytest.fixture
def pieces(monkeypatch):
    from ui.sync import menu

    monkeypatch.setattr(menu, "ANNOUNCE_CHUNK", PIECE)
    return PIECE


def push_from_other_laptop(a, codes):
    """jj1 changes ``codes``: all but two get another review status, one a new name, one
    moves; then pushes."""
    rows = laptop_rows(a)
    status = [(c, "review_status", "位置存疑") for c in codes[2:]
              if rows[c]["review_status"] != "位置存疑"]
    lon, lat = rows[codes[1]][GEOMETRY]
    edit(a, "jj1", [*status, (codes[0], "name_zh", "新名称排口"),
                    (codes[1], GEOMETRY, (lon + 0.001, lat - 0.001))])
    sync(a, password=PASSWORDS["jj1"])
    return [c for c, _f, _v in status]


def seen_by_user(win, codes):
    """What the window shows of ``codes``: table cells, map rows (category, shape,
    point), search hits for them and for the new name, the record card's text."""
    from PySide6.QtWidgets import QLabel

    review = win.features.review
    table = review.table
    cells = {}
    for c in codes:
        row = table.row_of(c)
        cells[c] = None if row is None else tuple(str(table.cell(row, k)) for k in table.text)
    layer = win.model.get("outfalls")
    on_map = {}
    for c in codes:
        i = layer.row_of(c)
        g = layer.frame.geometry.iloc[i]
        on_map[c] = (int(layer.cat[i]), int(layer.shape[i]), round(g.x, 9), round(g.y, 9))
    found = {text: [(r.layer, r.key, r.label) for r in win.search.index.search(text)]
             for text in [*codes[:3], "新名称排口"]}
    card = [w.text() for w in review.card.attrs.findChildren(QLabel)]
    return {"table": cells, "map": on_map, "search": found, "card": card,
            "rows": (len(table), review.panel.model.rowCount())}


def fresh_window(qtbot, path):
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.main import MainWindow

    win = MainWindow(Workspace.open(path), "zh", None)
    qtbot.addWidget(win)
    install_features(win, interactive=False)
    return win


def pump_until(predicate, timeout_ms=60000):
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(timeout_ms)
    while not predicate():
        assert not deadline.hasExpired(), "timed out"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def step_until(predicate, timeout_ms=60000):
    """:func:`pump_until` one pass of the event loop at a time: a piece of a pull is one
    pass, so the loop stops right after the first piece that makes ``predicate`` hold (a
    20 ms pump ran every piece of a small pull once announcing got fast)."""
    import time

    from PySide6.QtCore import QCoreApplication, QDeadlineTimer

    deadline = QDeadlineTimer(timeout_ms)
    while not predicate():
        assert not deadline.hasExpired(), "timed out"
        QCoreApplication.processEvents()
        time.sleep(0.001)


def test_a_pull_in_pieces_shows_what_a_fresh_open_shows(window, pieces, qtbot, tmp_path):  # noqa: F811 - the fixture
    win, a, b = window
    codes = sorted(laptop_rows(b))[:30]
    status = push_from_other_laptop(a, codes)
    review = win.features.review
    review.open_card(codes[0])
    announced = []
    win.ws.features_changed.connect(lambda layer, keys: announced.append(list(keys)))

    win.features.sync.a_sync.trigger()
    wait_job(win.features.sync)
    pump_until(lambda: win.features.sync.job is None)
    assert win.features.sync.last_error is None
    # in pieces, each key once, in several turns
    keys = sum(announced, [])
    assert sorted(keys) == sorted({*status, codes[0], codes[1]})  # each pulled key once
    assert len(announced) == -(-len(keys) // pieces) > 3

    review.session.save()
    copy = tmp_path / "fresh.gpkg"
    shutil.copyfile(b, copy)
    other = fresh_window(qtbot, copy)
    other.features.review.open_card(codes[0])
    pump_until(lambda: other.features.review.settled() and review.settled())
    try:
        mine, theirs = seen_by_user(win, codes), seen_by_user(other, codes)
        assert mine == theirs
        # and the pull is really in it: the new name, the status, the moved point
        assert any(r[1] == codes[0] for r in mine["search"]["新名称排口"])
        assert "新名称排口" in mine["card"]
        row = review.table.row_of(status[-1])
        assert review.table.cell(row, "review_status") == "位置存疑"
    finally:
        other.features.review.lock.release()


def test_an_edit_made_while_the_pieces_arrive_is_kept(window, pieces):  # noqa: F811 - the fixture
    from models import outfall_edits as oe
    from models.workspace import Workspace

    win, a, b = window
    codes = sorted(laptop_rows(b))[:30]
    status = push_from_other_laptop(a, codes)
    menu, review = win.features.sync, win.features.review
    announced = []
    win.ws.features_changed.connect(lambda layer, keys: announced.append(list(keys)))
    mine = status[-1]  # announced in the last piece: the user edits it before that

    menu.a_sync.trigger()
    step_until(lambda: len(announced) >= 1)
    assert menu.job is not None and mine not in sum(announced, [])
    review.do(oe.set_fields(win.ws.layer("outfalls"), [mine], {"review_status": "已核查"}))
    pump_until(lambda: menu.job is None)

    frame = win.ws.layer("outfalls")
    assert frame.loc[frame["code"] == mine, "review_status"].tolist() == ["已核查"]
    assert review.table.cell(review.table.row_of(mine), "review_status") == "已核查"
    other = status[0]
    assert review.table.cell(review.table.row_of(other), "review_status") == "位置存疑"
    review.session.save()
    reopened = Workspace.open(b).layer("outfalls")
    assert reopened.loc[reopened["code"] == mine, "review_status"].tolist() == ["已核查"]
    assert reopened.loc[reopened["code"] == other, "review_status"].tolist() == ["位置存疑"]
    assert menu.pending_label.text() == "1 项修改未同步"


def test_closing_the_window_while_the_pieces_arrive_is_safe(city_db, tmp_path, pieces):
    """The window (not qtbot's: it is deleted here) goes while pieces are still due."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from models.workspace import Workspace

    win, a, b = checkout_window(city_db, tmp_path)
    review, menu, ws = win.features.review, win.features.sync, win.ws
    codes = sorted(laptop_rows(b))[:30]
    status = push_from_other_laptop(a, codes)
    announced = []
    ws.features_changed.connect(lambda layer, keys: announced.append(list(keys)))
    menu.a_sync.trigger()
    step_until(lambda: len(announced) >= 1)
    assert menu.job is not None  # pieces still to come
    n = len(announced)
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    for _ in range(50):
        QCoreApplication.processEvents()
    review.lock.release()
    assert len(announced) == n  # nothing more announced once the window is gone
    # the pull is in the file: the next open shows it
    reopened = Workspace.open(b).layer("outfalls")
    assert reopened.loc[reopened["code"].isin(status), "review_status"].eq("位置存疑").all()


def test_a_layer_replaced_while_the_pieces_arrive_is_looked_up_afresh(window, pieces):  # noqa: F811 - the fixture
    """Each piece carries its keys' rows as the sync's worker found them in the outfalls
    of the sync's start (``key_lookup.remember``, answered only for that key column).  A
    layer replaced meanwhile (here: the same outfalls in the other order) has other rows:
    after the last piece every pulled value is drawn at its own outfall, as a map made
    afresh from the frame draws it."""
    from layers.map_layer import MapLayer

    win, a, b = window
    rows = laptop_rows(b)
    codes = sorted(rows)[:30]
    other = {"取缔": "合并", "合并": "规范"}
    changes = [(c, "remediation", other.get(rows[c]["remediation"], "取缔")) for c in codes]
    edit(a, "jj1", changes)
    sync(a, password=PASSWORDS["jj1"])
    menu, ws = win.features.sync, win.ws
    announced = []
    ws.features_changed.connect(lambda layer, keys: announced.append(list(keys)))

    menu.a_sync.trigger()
    step_until(lambda: len(announced) >= 1)
    assert menu.job is not None  # pieces still to come
    frame = ws.layer("outfalls")
    ws.replace_layer("outfalls", frame.iloc[::-1].reset_index(drop=True))
    pump_until(lambda: menu.job is None)
    assert menu.last_error is None and len(announced) > 3

    layer = win.model.get("outfalls")
    afresh = MapLayer("outfalls", layer.frame, layer.style, layer.illustrative, layer.keys)
    assert layer.shape.tolist() == afresh.shape.tolist()
    shapes = [c.key for c in layer.style.shapes]
    for code, _field, value in changes:
        assert shapes[layer.shape[layer.row_of(code)]] == value
