"""Shared fixtures: the bundled workspace, opened once, and an isolated user data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Qt must never try to reach a display in tests; set before any test imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    from geodata import store

    path = store.bundled_path()
    assert path.exists(), f"bundled dataset missing: {path} (python -m geodata.build.build_dataset)"
    return path


@pytest.fixture(scope="session")
def bundled_ws(bundled_path):
    from models.workspace import Workspace

    return Workspace.open(bundled_path)


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    """Never touch the real user data folder from a test."""
    monkeypatch.setenv("ECOZONE_HOME", str(tmp_path_factory.mktemp("ecozone_home")))


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread():
    """Once a test has made the application, collections run only when the GUI thread's
    timer calls them (ui/gui_collector.py); a test that never spins the event loop would
    then collect nothing, and the tests after it in this process would inherit its
    garbage.  Run the collection that is due after each test, as the timer would."""
    yield
    from geodata import collector

    if collector.driven():
        collector.collect_due()


@pytest.fixture(autouse=True)
def _no_file_preparation_unless_asked(monkeypatch):
    """The outfall review gives a file without review tables its tables from a worker a
    second after the window's first paint (ui/outfalls/review.PREPARE_AFTER_MS); an edit
    made meanwhile is saved behind it in the worker.  Tests of saves would then depend on
    how long they ran: here it never comes, as for a user who edits at once, unless a
    test asks for it (tests/ui/outfalls/test_file_prepared_ahead.py).  (Only where a test
    has imported Qt: a test without it must not import it.)"""
    if "PySide6" in sys.modules:
        from ui.outfalls import review

        monkeypatch.setattr(review, "PREPARE_AFTER_MS", 2**31 - 1)


@pytest.fixture(autouse=True)
def _no_widgets_made_ahead_unless_asked(monkeypatch):
    """The window makes the record card's rows (ui/outfalls/review.CARD_ROWS_AFTER_MS) and a
    zone's side-panel tabs (ui/main.PANEL_TABS_AFTER_MS) ahead in idle turns after its
    first paint.  A test's first click would then take one path or the other by how long
    the test had run: here they are never made ahead, as for a user who clicks at once,
    unless a test asks (tests/ui/outfalls/test_card_rows_ahead.py,
    tests/ui/test_panel_tabs_ahead.py)."""
    if "PySide6" in sys.modules:
        from ui import main
        from ui.outfalls import review

        monkeypatch.setattr(review, "CARD_ROWS_AFTER_MS", 2**31 - 1)
        monkeypatch.setattr(main, "PANEL_TABS_AFTER_MS", 2**31 - 1)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report):
    """Under pytest-xdist a worker sends each report to the controller through execnet, which
    refuses text that is not UTF-8 encodable; a test that logs a lone surrogate on purpose
    (tests/windows/test_encodings.py) then crashes the worker.  Escape such characters in the
    captured-output sections only (what a failure would print), before xdist sends them; the
    test itself, its assertions and its outcome are untouched.  Serial runs keep the text as is."""
    sections = getattr(report, "sections", None)
    if not sections or not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    report.sections = [(title, _utf8_safe(text)) for title, text in sections]


def _utf8_safe(text: str) -> str:
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
