"""PySide6's check of each imported module, made cheap, gives the same answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import sys, inspect
import ui  # installs the quick check
import PySide6.support.feature as feature
from ui.pyside_imports import uses_pyside

assert feature._mod_uses_pyside is uses_pyside
import ui.main, ui.features, cli.window  # what the window loads

def original(module):  # PySide6's own (shibokensupport/feature.py)
    try:
        source = inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False
    return "PySide6" in source

mods = list(sys.modules.values())
differ = [m.__name__ for m in mods if original(m) != uses_pyside(m)]
print(len(mods), sum(map(uses_pyside, mods)), differ)
"""


def test_the_quick_check_answers_as_pysides_own_for_every_module_the_window_loads():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=300).stdout.split()
    n, using, differ = int(out[0]), int(out[1]), " ".join(out[2:])
    assert n > 500 and using > 10  # the window's modules, ours among them
    assert differ == "[]"
