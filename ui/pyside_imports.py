"""A cheaper answer to PySide6's question about every module imported after it.

PySide6 replaces ``__import__`` to support ``from __feature__ import snake_case``; after
each import it asks whether the new module "uses PySide6" (its source mentions
``PySide6``) by ``inspect.getsource`` -- linecache reading and splitting the whole file,
with the encoding detected by tokenize.  The window imports ~840 modules after PySide6
(pandas, geopandas, pyqtgraph, ours): ~110-140 ms of every start on a slow laptop
(measured, issue 17).  The same answer from the file's bytes takes a quarter of that.
EcoZone selects no ``__feature__``; the answers stay the same anyway (a test compares
them for every module the window loads).
"""

from __future__ import annotations

from types import ModuleType


def uses_pyside(module: ModuleType) -> bool:
    """Whether ``module``'s source file mentions PySide6 (False without a .py source, as
    ``inspect.getsource`` fails for built-in, extension and bytecode-only modules)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as f:
            return b"PySide6" in f.read()
    except OSError:
        return False


def quick_feature_check() -> bool:
    """Put :func:`uses_pyside` in PySide6's place; False where this PySide6 has no such
    check (another version, PyPy): nothing changed."""
    try:
        import PySide6  # noqa: F401 - loads the support package
        from PySide6.support import feature
    except ImportError:
        return False
    if not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside
    return True
