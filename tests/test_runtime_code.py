"""Runtime packages hold runtime code (issue 12 item 9).

- every runtime dependency declared in pyproject.toml is used by runtime code (a declared
  dependency nobody imports -- reportlab once -- only makes the install and the frozen
  build bigger);
- runtime code does not import the dataset builder (geodata/build: its output, the bundled
  GeoPackage, is what runs) nor the test and benchmark helpers (tests/, bench/).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ("cli", "ui", "layers", "models", "geodata")

#: distribution name -> module name, where they differ
MODULE = {"pyside6-essentials": "PySide6", "python-calamine": "python_calamine"}
#: dependencies used through another library rather than imported; the text that shows the
#: use must appear in runtime code
INDIRECT = {
    "pyarrow": r"use_(py)?arrow\s*[=:]|\"use_pyarrow\"",  # pyogrio reads through Arrow
    "python-calamine": r"\"calamine\"",  # pandas.read_excel(engine="calamine")
}


def runtime_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for pkg in RUNTIME:
        files += [p for p in (ROOT / pkg).rglob("*.py")
                  if not p.relative_to(ROOT).as_posix().startswith("geodata/build/")]
    return files


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement in ``path`` names, at any depth (lazy ones too)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0].lower()
             for d in project["dependencies"]]
    return sorted(set(names))


def test_every_declared_runtime_dependency_is_used_by_runtime_code():
    files = runtime_files()
    tops = {m.split(".")[0] for f in files for m in imported_modules(f)}
    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    unused = []
    for dist in _declared():
        module = MODULE.get(dist, dist.replace("-", "_"))
        if module in tops:
            continue
        if dist in INDIRECT and re.search(INDIRECT[dist], text):
            continue
        unused.append(dist)
    assert unused == [], f"declared in pyproject.toml but not used by runtime code: {unused}"


def test_reportlab_is_neither_declared_nor_frozen():
    assert "reportlab" not in _declared()
    spec = (ROOT / "packaging" / "ecozone.spec").read_text(encoding="utf-8")
    assert '"reportlab"' in spec.split("excludes = [", 1)[1]


def test_runtime_code_imports_neither_the_builder_nor_test_helpers():
    offenders = []
    for f in runtime_files():
        for m in imported_modules(f):
            if m == "geodata.build" or m.startswith("geodata.build.") or \
                    m.split(".")[0] in ("tests", "bench"):
                offenders.append(f"{f.relative_to(ROOT)} imports {m}")
    assert offenders == []


def test_runtime_packages_hold_no_synthetic_data_generators():
    assert not (ROOT / "layers" / "synthetic.py").exists()
    for f in runtime_files():
        tree = ast.parse(f.read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not {"synthetic_frame", "make_workspace"} & names, f
