"""``models.memory.release_memory`` trims glibc's arenas unless the process turned that off
(the window does: a worker's trim stops the GUI thread's allocations, issue 17)."""

from __future__ import annotations

import ctypes
from typing import Any

import pytest

from models import memory


class _Calls(list[int]):
    """``malloc_trim``'s pads, and ``mallopt``'s (option, value) in ``options``."""

    options: list[tuple[int, int]]


class _Libc:
    """Stands in for glibc: records ``malloc_trim`` and ``mallopt``."""

    def __init__(self, calls: _Calls) -> None:
        self.calls = calls

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(pad)
        return 1

    def mallopt(self, option: int, value: int) -> int:
        self.calls.options.append((option, value))
        return 1


@pytest.fixture
def trims(monkeypatch: pytest.MonkeyPatch) -> Any:
    calls = _Calls()
    calls.options = []
    real = ctypes.CDLL

    def cdll(name: str, *args: Any, **kwargs: Any) -> Any:
        return _Libc(calls) if name == "libc.so.6" else real(name, *args, **kwargs)

    monkeypatch.setattr(ctypes, "CDLL", cdll)
    memory.trim_arenas(True)  # as in a process without a window (a test's window turns it off)
    yield calls
    memory.trim_arenas(True)


def test_release_memory_trims_the_arenas_in_a_process_without_a_window(trims: _Calls) -> None:
    memory.release_memory()
    assert trims == [0]


def test_with_trimming_off_the_arenas_are_not_trimmed(trims: _Calls) -> None:
    memory.trim_arenas(False)
    memory.release_memory()
    assert trims == []
    memory.trim_arenas(True)
    memory.release_memory()
    assert trims == [0]


def test_untrimmed_large_blocks_are_mapped_apart_and_a_heaps_top_given_back(trims: _Calls
                                                                            ) -> None:
    """Arenas no longer trimmed: glibc's thresholds fixed, so an arena that must grow for a
    large buffer maps it apart (unmapped when freed) and a heap's free top beyond twice
    that goes back as freed, whatever glibc's own thresholds had risen to."""
    memory.trim_arenas(False)
    assert trims.options == [(-3, memory.MMAP_FROM), (-1, 2 * memory.MMAP_FROM)]


def _python(code: str, **env: str) -> str:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    environ = {k: v for k, v in os.environ.items() if k != "MIMALLOC_PURGE_DELAY"}
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=dict(environ, **env),
                          capture_output=True, text=True, check=True).stdout.strip()


def test_arrow_keeps_its_freed_memory_when_asked_before_pyarrow_loads() -> None:
    """``outfalls check`` asks Arrow's allocator to keep what its JSON batches free (each
    batch's memory reused, not faulted in afresh); the option is read as pyarrow loads,
    so asking later does nothing and says so, and a user's own setting wins."""
    code = ("import os, sys\nfrom models import memory\nfirst = memory.keep_arrow_pages()\n"
            "import pyarrow\nprint(first, memory.keep_arrow_pages(), "
            "os.environ.get('MIMALLOC_PURGE_DELAY'))")
    assert _python(code) == f"True False {memory.ARROW_KEEP_MS}"
    assert _python(code, MIMALLOC_PURGE_DELAY="5") == "False False 5"
    late = "import pyarrow\nfrom models import memory\nprint(memory.keep_arrow_pages())"
    assert _python(late) == "False"


def test_the_check_command_loads_pyarrow_only_after_asking() -> None:
    """The command line's check sets the option before anything it imports loads
    pyarrow (cli.outfalls._check imports models.memory first, which does not)."""
    code = ("import sys\nimport cli.main\nfrom models import memory\n"
            "print('pyarrow' in sys.modules)")
    assert _python(code) == "False"
