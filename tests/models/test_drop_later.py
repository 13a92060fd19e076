"""What a replaced layer leaves behind is freed in a worker thread, not by the caller."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import numpy as np

from models.memory import drop_later


class _Held:
    """Something whose freeing can be watched (an ndarray of objects cannot be a weakref's
    target through its members; this can)."""


def _freed_on(obj_ref: weakref.ref, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while obj_ref() is not None and time.monotonic() < end:
        time.sleep(0.01)
    return obj_ref() is None


def test_what_only_the_dropper_holds_is_freed_in_its_thread():
    freed_in: list[str] = []
    held = _Held()
    ref = weakref.ref(held, lambda _r: freed_in.append(threading.current_thread().name))
    member = _Held()
    keys = np.array([f"K{i}" for i in range(120_000)] + [member], dtype=object)
    keys.setflags(write=False)  # as the workspace keeps its keys
    member_ref = weakref.ref(member)
    drop_later(held, (keys, {"x": 1}))
    del held, keys, member
    assert _freed_on(ref) and _freed_on(member_ref)
    assert freed_in == ["ecozone-drop"]


def test_what_someone_else_still_holds_is_left_whole():
    keys = np.array([f"K{i}" for i in range(120_000)], dtype=object)
    kept = keys  # another holder: the array must not be emptied under it
    drop_later(keys)
    del keys
    time.sleep(0.3)
    gc.collect()
    assert kept[0] == "K0" and kept[-1] == "K119999"
