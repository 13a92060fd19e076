"""Uncaught exceptions are logged with the traceback and shown, never lost."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from geodata import app_logging
from ui import error_dialog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hooked(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOZONE_HOME", str(tmp_path))
    app_logging.shutdown_logging()
    log_file = app_logging.setup_logging()
    shown = []
    error_dialog.install_excepthook(presenter=lambda info, path: shown.append((info, path)))
    yield shown, log_file
    error_dialog.uninstall_excepthook()
    app_logging.shutdown_logging()


def _flush():
    for h in logging.getLogger().handlers:
        h.flush()


def test_exception_is_logged_and_presented_with_log_path(hooked):
    shown, log_file = hooked
    try:
        raise ValueError("坐标超出范围")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    _flush()
    assert len(shown) == 1
    (exc_type, exc, _tb), path = shown[0]
    assert exc_type is ValueError and path == log_file
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "坐标超出范围" in text


def test_thread_exception_is_caught(hooked):
    shown, log_file = hooked

    def boom():
        raise RuntimeError("worker failed")

    t = threading.Thread(target=boom, name="render-1")
    t.start()
    t.join()
    _flush()
    assert shown and shown[0][0][0] is RuntimeError
    assert "render-1" in log_file.read_text(encoding="utf-8")


def test_dialog_texts_name_the_log_in_both_languages():
    texts = error_dialog.dialog_texts(KeyError("x"), Path("/d/logs/ecozone.log"))
    assert "/d/logs/ecozone.log" in texts["informative"]
    assert "日志" in texts["informative"] and "log" in texts["informative"]


def test_error_dialog_shows_on_a_screen(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen = {}

    def close_box():
        box = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QMessageBox) and w.isVisible())
        seen["text"] = box.informativeText()
        seen["details"] = box.detailedText()
        box.close()

    QTimer.singleShot(50, close_box)
    err = ZeroDivisionError("division by zero")
    error_dialog.show_dialog((ZeroDivisionError, err, None), tmp_path / "ecozone.log")
    assert str(tmp_path / "ecozone.log") in seen["text"]


def test_headless_prints_one_line_with_log_path(tmp_path):
    code = (
        "from geodata import app_logging\nfrom ui import error_dialog\n"
        "app_logging.setup_logging()\n"
        "error_dialog.install_excepthook()\n"
        "raise RuntimeError('boom\\nsecond line')\n"
    )
    import os

    env = dict(os.environ, ECOZONE_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=60)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert lines == [f"ecozone: unexpected error: RuntimeError: boom "
                     f"(details: {tmp_path / 'logs' / 'ecozone.log'})"]
    assert "Traceback" in (tmp_path / "logs" / "ecozone.log").read_text(encoding="utf-8")
