"""The layering rule: geodata, models and layers never import Qt, pyqtgraph or ui."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = ("geodata", "models", "layers")
FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "ui")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def test_qt_free_packages_import_no_qt_even_lazily():
    # import-linter sees module-level imports; this also catches imports inside functions
    offenders = []
    for pkg in QT_FREE:
        for path in (ROOT / pkg).rglob("*.py"):
            for mod in _imports(path):
                if mod.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert offenders == []


def test_import_linter_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter not installed (pip install -e .[test])")
    res = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_nothing_below_the_command_line_imports_cli():
    # cli sits above ui (pyproject's layers contract); this also catches lazy imports
    offenders = []
    for pkg in ("geodata", "models", "layers", "ui"):
        for path in (ROOT / pkg).rglob("*.py"):
            for mod in _imports(path):
                if mod.split(".")[0] in ("cli", "app"):
                    offenders.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert offenders == []


def test_help_imports_no_qt_and_no_geopandas():
    # `ecozone --help` and the window's start stay fast: the command modules import their
    # heavy dependencies inside the commands
    code = ("import sys, cli; cli.build_parser().format_help(); "
            "print(sorted(m for m in ('PySide6', 'geopandas', 'pandas', 'shapely', 'pyogrio') "
            "if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"
