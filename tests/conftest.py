"""Shared fixtures: the bundled workspace, opened once, and an isolated user data folder."""

from __future__ import annotations

import os
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
