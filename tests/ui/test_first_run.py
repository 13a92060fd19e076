"""The welcome panel: shown once on a first run, in either language, and remembered."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings

from ui.first_run import (
    SETTINGS_KEY,
    WELCOME_VERSION,
    WelcomeDialog,
    maybe_show_welcome,
    welcome_html,
)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


class FakeCanvas:
    def __init__(self):
        self.fitted = 0

    def full_extent(self):
        self.fitted += 1


def fake_window(qtbot, lang="zh"):
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    w.lang = lang
    w.ws = SimpleNamespace(path="/data/EcoZone/workspace.gpkg")
    w.canvas = FakeCanvas()
    w.settings = None  # the window's own settings (MapWindow.settings): none here
    return w


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_says_what_is_real_illustrative_and_how_to_import(lang):
    text = welcome_html(lang, "/data/ws.gpkg", logs="/data/logs/ecozone.log")
    assert "示例数据" in text  # the label the map and reports use, in both languages
    assert "/data/ws.gpkg" in text and "/data/logs/ecozone.log" in text
    assert " import " in text
    if lang == "zh":
        assert "县级行政区划边界" in text and "章节" in text and "离线" in text
        assert "环境管控单元" in text and "排污口" in text
    else:
        assert "County boundaries" in text and "section number" in text
        assert "Control units" in text and "outfalls" in text and "offline" in text
    assert "http" not in text  # nothing to click that would need the network


def test_first_run_shows_once_then_remembers(qtbot, settings):
    win = fake_window(qtbot)
    dlg = maybe_show_welcome(win, created=True, settings=settings)
    assert isinstance(dlg, WelcomeDialog)
    qtbot.addWidget(dlg)
    assert dlg.isVisible()
    assert win.canvas.fitted == 1  # a fresh workspace opens on the whole of Quanzhou
    assert "欢迎" in dlg.windowTitle()
    dlg.start.click()
    assert settings.value(SETTINGS_KEY) == WELCOME_VERSION
    assert maybe_show_welcome(win, created=False, settings=settings) is None


def test_unticking_shows_it_again_next_time(qtbot, settings):
    win = fake_window(qtbot, "en")
    dlg = maybe_show_welcome(win, created=False, settings=settings)
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Welcome to EcoZone"
    dlg.dont_show.setChecked(False)
    dlg.start.click()
    again = maybe_show_welcome(win, created=False, settings=settings)
    assert again is not None
    qtbot.addWidget(again)


def test_a_new_workspace_shows_it_even_if_seen(qtbot, settings):
    settings.setValue(SETTINGS_KEY, WELCOME_VERSION)
    win = fake_window(qtbot)
    assert maybe_show_welcome(win, created=False, settings=settings) is None
    dlg = maybe_show_welcome(win, created=True, settings=settings)
    assert dlg is not None
    qtbot.addWidget(dlg)
