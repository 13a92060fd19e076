"""The log file: in the user's data folder, rotating at 1 MB, five old files kept."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from geodata import app_logging


@pytest.fixture
def fresh_logging():
    app_logging.shutdown_logging()
    yield
    app_logging.shutdown_logging()


def test_log_goes_to_user_folder_with_a_start_line(fresh_logging, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOZONE_HOME", str(tmp_path))
    path = app_logging.setup_logging()
    assert path == tmp_path / "logs" / "ecozone.log"
    assert app_logging.setup_logging() == path  # idempotent: one handler
    logging.getLogger("ecozone.test").info("hello 泉州")
    for h in logging.getLogger().handlers:
        h.flush()
    text = path.read_text(encoding="utf-8")
    assert "EcoZone" in text and "starting" in text and "hello 泉州" in text
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_ecozone_handler", False)]
    assert len(ours) == 1
    assert ours[0].maxBytes == 1_000_000 and ours[0].backupCount == 5


def test_log_rotates(fresh_logging, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOZONE_HOME", str(tmp_path))
    monkeypatch.setattr(app_logging, "MAX_BYTES", 2_000)
    path = app_logging.setup_logging()
    for h in logging.getLogger().handlers:
        if getattr(h, "_ecozone_handler", False):
            h.maxBytes = 2_000
    log = logging.getLogger("ecozone.test")
    for i in range(400):
        log.warning("line %d %s", i, "x" * 50)
    names = sorted(p.name for p in Path(path).parent.iterdir())
    assert "ecozone.log.1" in names and "ecozone.log.5" in names
    assert "ecozone.log.6" not in names


def test_unwritable_data_folder_falls_back_to_temp(fresh_logging, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ECOZONE_HOME", str(blocker))  # logs/ cannot be created under a file
    path = app_logging.setup_logging()
    assert path.exists() and "EcoZone" in str(path)
