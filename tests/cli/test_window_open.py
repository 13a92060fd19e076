"""The window's start: the workspace read while the window's modules import
(``cli.window.open_importing_window``), numpy's huge pages off until the first map, the
user folder found without the geodata stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_workspace_opened_beside_the_imports_is_the_workspace(bundled_path) -> None:
    from cli.window import open_importing_window
    from models.workspace import Workspace

    ws = open_importing_window(bundled_path)
    alone = Workspace.open(bundled_path)
    assert sorted(ws.layers) == sorted(alone.layers)
    for name, frame in alone.layers.items():
        assert len(ws.layers[name]) == len(frame), name
        assert list(ws.layers[name].columns) == list(frame.columns), name
    assert "ui.main" in sys.modules  # the window's modules came with it


def test_a_file_that_is_no_workspace_says_so(tmp_path) -> None:
    from cli.window import open_importing_window
    from geodata.store import WorkspaceError

    bad = tmp_path / "notes.gpkg"
    bad.write_text("不是 GeoPackage", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="not a GeoPackage") as err:
        open_importing_window(bad)
    assert str(bad) in str(err.value)


def test_numpy_huge_pages_switched_off_and_on() -> None:
    """``huge_pages`` sets numpy's switch (where numpy has one)."""
    from models.memory import huge_pages

    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:
        pytest.skip("this numpy has no huge-page switch")
    before = _set_madvise_hugepage(True)
    try:
        huge_pages(False)
        assert _set_madvise_hugepage(False) is False
        huge_pages(True)
        assert _set_madvise_hugepage(True) is True
    finally:
        _set_madvise_hugepage(before)


def test_the_log_folder_is_found_without_geopandas(tmp_path) -> None:
    """Logging (set up by every command) finds the user folder without importing the
    geodata stack: a quick command stays quick."""
    code = ("import sys; from geodata.app_logging import log_dir; print(log_dir()); "
            "print('geopandas' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True,
                         env={**os.environ, "ECOZONE_HOME": str(tmp_path)}).stdout
    folder, loaded = out.splitlines()
    assert Path(folder) == tmp_path / "logs"
    assert loaded == "False False"


def test_a_command_that_draws_nothing_imports_no_qt(bundled_path, tmp_path) -> None:
    """``outfalls check`` sets up the log and the crash hooks and checks the bundled
    workspace without importing PySide6 (whose import hook looks at every module imported
    after it: ~0.1-0.3 s of a check)."""
    # app.py's main, without its exit (cli/leave.py ends the process at once)
    code = ("import sys, contextlib, io\n"
            "from app import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    rc = main(['outfalls', 'check', '--json', '--workspace', "
            f"{str(bundled_path)!r}])\n"
            "assert rc == 0, rc\n"
            "print('findings' in out.getvalue(), 'PySide6' in sys.modules, "
            "sys.excepthook.__module__)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True,
                         env={**os.environ, "ECOZONE_HOME": str(tmp_path)}).stdout
    assert out.splitlines()[-1] == "True False geodata.crash_hooks"
