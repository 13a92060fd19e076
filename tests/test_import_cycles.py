"""No import cycles inside a package (issue 12, item 7).

A cycle (``readers`` imports ``point_tables`` which imports ``readers``; a dialog that imports
its pages whose type hints import the dialog) means two modules that cannot be understood,
tested or moved one without the other.  grimp (installed with import-linter) builds the
import graph, type-checking imports included; the test lists every strongly connected group
of modules.  :data:`PACKAGES` names the packages held to it so far.
"""

from __future__ import annotations

import grimp
import pytest

#: packages (and sub-packages) that must have no import cycle among their modules
PACKAGES = ("geodata.io", "ui.importing")


def _cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """Groups of modules of ``package`` that import each other, directly or in a ring
    (Tarjan's strongly connected components on the package's own imports)."""
    modules = sorted({package} | graph.find_descendants(package))
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in edges[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            group = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                group.append(n)
                if n == m:
                    break
            if len(group) > 1 or m in edges[m]:
                found.append(sorted(group))

    for m in modules:
        if m not in index:
            visit(m)
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    roots = sorted({p.split(".")[0] for p in PACKAGES})
    return grimp.build_graph(*roots, include_external_packages=False)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(graph: grimp.ImportGraph, package: str) -> None:
    assert _cycles(graph, package) == []


def test_cycle_finder_finds_a_ring(tmp_path, monkeypatch) -> None:
    """The finder itself: a ring of three modules is reported, a chain is not."""
    pkg = tmp_path / "ringpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from ringpkg import b\n")
    (pkg / "b.py").write_text("from ringpkg import c\n")
    (pkg / "c.py").write_text("from ringpkg import a\n")
    (pkg / "d.py").write_text("from ringpkg import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    g = grimp.build_graph("ringpkg", cache_dir=None)
    assert _cycles(g, "ringpkg") == [["ringpkg.a", "ringpkg.b", "ringpkg.c"]]
