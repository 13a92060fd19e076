"""Freed small blocks are merged as they are freed, not kept for one long merge later.

A million shapely points free two million small blocks; kept in glibc's fastbins, they
were all merged in one later ``free`` that held the GIL 40-55 ms (models/memory.py,
``no_fastbins``).  glibc's ``mallinfo2`` tells how many bytes sit in fastbins."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="fastbins are glibc's (Linux)")

_PROBE = textwrap.dedent("""
    import ctypes, json

    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    libc.mallinfo2.restype = MallInfo2

    def in_fastbins_after_freeing_small_blocks():
        # more than the thread's cache (tcache: 7 a size) takes, with a guard between
        # each two so that freed neighbours are not merged with each other anyway
        # (both halves listed first: a list's growth is a large request, and a large
        # request merges the fastbins)
        blocks = [libc.malloc(48) for _ in range(2000)]
        even, odd = blocks[::2], blocks[1::2]
        for b in even:
            libc.free(b)
        held = libc.mallinfo2().fsmblks
        for b in odd:
            libc.free(b)
        return held

    from models.memory import no_fastbins
    before = in_fastbins_after_freeing_small_blocks()
    no_fastbins()
    after = in_fastbins_after_freeing_small_blocks()
    print(json.dumps({"before": before, "after": after}))
""")


def _mallinfo2_available() -> bool:
    import ctypes

    try:
        return hasattr(ctypes.CDLL("libc.so.6"), "mallinfo2")
    except OSError:
        return False


@pytest.mark.skipif(not _mallinfo2_available(), reason="needs glibc 2.33+ (mallinfo2)")
def test_small_blocks_freed_after_no_fastbins_are_not_kept_in_fastbins():
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=root, capture_output=True,
                         text=True, timeout=120, check=True)
    sizes = json.loads(out.stdout.strip().splitlines()[-1])
    assert sizes["before"] > 0  # glibc's default: kept in fastbins for a later merge
    assert sizes["after"] == 0
