"""The 同步 menu in the window: status, background sync, others' changes shown at once,
the conflicts dialog (base/mine/theirs, the move map) and resolving from it."""

from __future__ import annotations

import pytest

from models.sync.engine import sync
from models.sync.merge import GEOMETRY
from tests.sync.support import PASSWORDS, check_out, edit, laptop_rows, user_url


def wait_job(menu, timeout_ms=60000):
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    job = menu.job
    assert job is not None
    if not job.done.is_set():
        loop = QEventLoop()
        job.signals.finished.connect(loop.quit)
        job.signals.failed.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
    for _ in range(20):
        QCoreApplication.processEvents()
        if menu.job is None:
            break
    assert menu.job is None, "sync did not finish"


def checkout_window(city_db, tmp_path):
    """Two laptops' checkouts, ``a`` and ``b``, and the window on ``b`` with its parts
    (jj2's password given); (window, a, b).  The caller owns the window."""
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.language import set_language
    from ui.main import MainWindow, make_app
    from ui.sync import credentials

    a = check_out(city_db, "jj1", tmp_path / "a.gpkg")
    b = check_out(city_db, "jj2", tmp_path / "b.gpkg")
    credentials.put(user_url(city_db, "jj2"), PASSWORDS["jj2"], remember=False)
    make_app()
    set_language("zh")
    win = MainWindow(Workspace.open(b), "zh", None)
    install_features(win, interactive=False)
    return win, a, b


@pytest.fixture
def window(qtbot, city_db, tmp_path):
    win, a, b = checkout_window(city_db, tmp_path)
    qtbot.addWidget(win)
    yield win, a, b
    from ui.language import set_language

    win.features.review.lock.release()
    set_language("zh")


def test_sync_menu_status_and_background_sync(window, tmp_path):
    from models import outfall_edits as oe

    win, a, b = window
    menu = win.features.sync
    assert [x.text() for x in menu.menu.actions()] == ["连接服务器…", "检出…", "同步", "冲突…"]
    assert menu.menu.title() == "同步"
    assert menu.a_sync.shortcut().toString() == "Ctrl+Shift+S"
    assert menu.pending_label.text() == "0 项修改未同步"
    assert menu.last_label.text().startswith("上次同步：20")

    codes = sorted(laptop_rows(b))
    x, y = codes[0], codes[1]
    lon, lat = laptop_rows(b)[x][GEOMETRY]
    session = win.features.review.session
    session.apply(oe.move(win.ws.layer("outfalls"), x, lon, lat + 0.0005))
    assert menu.pending_label.text() == "1 项修改未同步"
    # jj1 moved the same outfall elsewhere and changed another one
    edit(a, "jj1", [(x, GEOMETRY, (lon + 0.0005, lat))])
    edit(a, "jj1", [(y, "review_status", "位置存疑")])
    sync(a, password=PASSWORDS["jj1"])

    seen = []
    win.ws.features_changed.connect(lambda layer, keys: seen.append((layer, keys)))
    menu.a_sync.trigger()
    wait_job(menu)
    assert menu.last_error is None
    frame = win.ws.layer("outfalls")
    assert frame.loc[frame["code"] == y, "review_status"].tolist() == ["位置存疑"]
    assert ("outfalls", [y]) in seen  # shown at once, through the change flow
    assert menu.pending_label.text() == "0 项修改未同步"
    assert menu.a_conflicts.text() == "冲突（1）…"

    dlg = menu.show_conflicts()
    assert dlg.list.rowCount() == 1
    assert [dlg.detail.horizontalHeaderItem(i).text() for i in range(3)] == \
        ["基准（上次同步）", "我的", "服务器"]
    assert dlg.detail.item(0, 1).text() == f"{lon:.7f},{lat + 0.0005:.7f}"
    assert dlg.detail.item(0, 2).text() == f"{lon + 0.0005:.7f},{lat:.7f}"
    assert dlg.detail.item(1, 2).text() == "jj1"
    assert dlg.map.isVisible() and 70 < dlg.map.distance < 80
    dlg.resize(900, 480)
    dlg.grab().save(str(tmp_path / "conflicts.png"))
    print("conflicts dialog:", tmp_path / "conflicts.png")

    dlg.b_theirs.click()
    assert dlg.list.rowCount() == 0
    pt = win.ws.layer("outfalls").set_index("code").geometry[x]
    assert (pt.x, pt.y) == pytest.approx((lon + 0.0005, lat))
    assert menu.a_conflicts.text() == "冲突…"


def test_sync_menu_speaks_english(window):
    win, _a, _b = window
    win.set_language("en")
    menu = win.features.sync
    assert [x.text() for x in menu.menu.actions()] == \
        ["Connect to server…", "Check out…", "Sync", "Conflicts…"]
    assert menu.pending_label.text() == "0 changes not synced"
    edit(_b, "jj2", [(sorted(laptop_rows(_b))[0], "review_status", "位置存疑")])
    menu.refresh_status()
    assert menu.pending_label.text() == "1 change not synced"


def test_a_plain_workspace_offers_checkout_but_not_sync(qtbot, tmp_path):
    import shutil

    from geodata import store
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.main import MainWindow, make_app

    make_app()
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(store.bundled_path(), path)
    win = MainWindow(Workspace.open(path), "zh", None)
    qtbot.addWidget(win)
    install_features(win, interactive=False)
    menu = win.features.sync
    assert menu.a_checkout.isEnabled() and not menu.a_sync.isEnabled()
    assert not menu.pending_label.isVisibleTo(win)
    win.features.review.lock.release()


def test_cancel_leaves_the_workspace_valid_and_a_later_sync_finishes(window, city_db):
    from tests.sync.support import server_rows

    win, _a, b = window
    menu = win.features.sync
    x = sorted(laptop_rows(b))[4]
    edit(b, "jj2", [(x, "review_status", "位置存疑")])
    menu.a_sync.trigger()
    menu.cancel()
    wait_job(menu)
    assert menu.last_error is not None and "cancelled" in menu.last_error.en
    assert server_rows(city_db)[x]["review_status"] != "位置存疑"  # nothing half-pushed
    menu.a_sync.trigger()
    wait_job(menu)
    assert menu.last_error is None
    assert server_rows(city_db)[x]["review_status"] == "位置存疑"


def test_checkout_from_the_window(window, city_db, tmp_path):
    from models.workspace import Workspace

    win, _a, _b = window
    menu = win.features.sync
    out = tmp_path / "石狮 checkout.gpkg"  # Chinese and a space in the path
    url = user_url(city_db, "jj2")
    menu.run_checkout(url, "350582", out)
    wait_job(menu)
    assert menu.last_error is None
    assert len(Workspace.open(out).layer("outfalls")) == 194
    assert "194" in win.statusBar().currentMessage()


def test_connecting_keeps_the_password_out_of_the_settings(qtbot, city_db, tmp_path):
    import shutil

    from PySide6.QtCore import QSettings

    from geodata import store
    from models.workspace import Workspace
    from ui.features import install_features
    from ui.main import MainWindow, make_app
    from ui.sync import credentials

    make_app()
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(store.bundled_path(), path)
    ini = tmp_path / "settings.ini"
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    win = MainWindow(Workspace.open(path), "zh", settings)
    qtbot.addWidget(win)
    install_features(win, interactive=False)
    menu = win.features.sync
    typed = user_url(city_db, "jj2").replace("jj2@", f"jj2:{PASSWORDS['jj2']}@")
    url = menu.remember_server(typed, "", remember=False)
    assert url == user_url(city_db, "jj2")
    assert credentials.get(url) == PASSWORDS["jj2"]  # in memory for this session
    job = menu.test_connection(url)
    job.done.wait(30)
    assert ini.read_text(encoding="utf-8").count("127.0.0.1") == 1
    text = ini.read_text(encoding="utf-8")
    assert "secret" not in text and PASSWORDS["jj2"] not in text
    win.features.review.lock.release()
