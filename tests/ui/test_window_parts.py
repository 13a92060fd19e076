"""The main window offers every member its installed parts may use (ui/window_parts.py),
and the parts use no other: no probing with hasattr/getattr, no private methods."""

from __future__ import annotations

import ast
from pathlib import Path

from ui.window_parts import MEMBERS

ROOT = Path(__file__).resolve().parents[2]


def test_the_real_window_has_every_declared_member(win):
    missing = [m for m in MEMBERS if not hasattr(win, m)]
    assert missing == []


def _probes(path: Path) -> list[str]:
    """getattr/hasattr calls on the main window or the canvas, and calls of another
    object's private methods (``x._name(...)`` where x is not self/cls/super())."""
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id in ("getattr", "hasattr") and node.args:
            target = ast.unparse(node.args[0])
            if target in ("self.win", "win", "main_window", "self.win.canvas", "canvas",
                          "self.parent()", "parent"):
                out.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
        if isinstance(f, ast.Attribute) and f.attr.startswith("_") \
                and not f.attr.startswith("__"):
            owner = ast.unparse(f.value)
            if owner not in ("self", "cls", "super()") and not owner.startswith("self._"):
                out.append(f"{path.name}:{node.lineno} {ast.unparse(f)}")
    return out


def test_window_parts_do_not_probe_the_window_or_call_private_methods():
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        offenders += _probes(path)
    assert offenders == []
