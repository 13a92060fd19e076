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


def _keys_holding_a_member() -> tuple[weakref.ref, list[str], np.ndarray]:
    """A layer's 120 001 keys, the last a watched member: its weak reference, the names of
    the threads it was freed on, and the keys (the caller's only reference to it)."""
    freed_in: list[str] = []
    member = _Held()
    ref = weakref.ref(member, lambda _r: freed_in.append(threading.current_thread().name))
    keys = np.array([f"K{i}" for i in range(120_000)] + [member], dtype=object)
    return ref, freed_in, keys


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


def _points_frame(n: int):
    import geopandas as gpd
    import shapely

    xy = np.arange(2 * n, dtype=float).reshape(n, 2)
    return gpd.GeoDataFrame({"code": [f"K{i}" for i in range(n)]},
                            geometry=shapely.from_wkb(shapely.to_wkb(shapely.points(xy))),
                            crs="EPSG:4490")


def test_a_replaced_frame_is_taken_apart_and_its_geometries_freed_in_the_thread(monkeypatch):
    """A layer's old frame: its geometry array is emptied a piece at a time there (freed
    whole, 100k points held the window's GIL ~13 ms)."""
    from models import memory

    pieces: list[int] = []
    real = memory._empty_in_pieces
    frame = _points_frame(120_000)
    first = weakref.ref(frame.geometry.iloc[0])
    last = weakref.ref(frame.geometry.iloc[-1])
    # this frame's geometries only (an earlier test's array may be emptied meanwhile)
    monkeypatch.setattr(memory, "_empty_in_pieces", lambda a: (
        pieces.append(len(a)) if len(a) and a[0] is first() else None, real(a)))
    drop_later(frame)
    del frame
    assert _freed_on(first) and _freed_on(last)
    assert pieces == [120_000]


def test_a_frame_sharing_its_geometries_with_another_leaves_them_whole():
    frame = _points_frame(120_000)
    other = frame.copy(deep=False)  # the same geometry array, as a shallow copy shares it
    drop_later(frame)
    del frame
    time.sleep(0.3)
    gc.collect()
    assert other.geometry.iloc[0].x == 0.0 and other.geometry.iloc[-1].y == 239_999.0
    assert other.geometry.notna().all()


def test_what_another_holder_lets_go_of_later_is_freed_in_the_thread():
    """The old map layer or a table still holds the old frame when it is dropped: the
    dropping thread keeps it too, so when that holder lets go (here the test's thread) it
    is not freed whole there, but taken apart in the dropping thread."""
    ref, freed_in, keys = _keys_holding_a_member()
    other = keys  # the other holder
    drop_later(keys)
    del keys
    time.sleep(0.3)  # the dropping thread has met the other holder
    assert other[-1] is not None and ref() is not None  # left whole while it is held
    del other
    assert _freed_on(ref)
    assert freed_in == ["ecozone-drop"]


def test_what_another_holds_past_the_keeping_time_is_left_to_that_holder(monkeypatch):
    """Kept no longer than ``_KEEP_S``: then the dropping thread lets go, and the other
    holder frees it when it is done, as before the keeping."""
    from models import memory

    monkeypatch.setattr(memory, "_KEEP_S", -1.0)  # every kept item is already overdue
    freed_in: list[str] = []
    member = _Held()
    ref = weakref.ref(member, lambda _r: freed_in.append(threading.current_thread().name))
    frames = [_points_frame(10_000), _points_frame(10_000)]  # two kept at once
    keys = np.array([f"K{i}" for i in range(120_000)] + [member], dtype=object)
    others = (keys, frames)
    drop_later(keys, *frames)
    del keys, member
    time.sleep(0.5)  # kept, found overdue at the next look, let go of
    assert ref() is not None
    del others
    gc.collect()
    assert ref() is None and freed_in == [threading.current_thread().name]


def test_what_two_holders_both_drop_is_freed_once_the_last_other_lets_go():
    """The workspace and the map both drop a replaced layer's frame while a table still
    holds it: kept once, it is taken apart in the dropping thread as soon as the table lets
    go — kept twice, each entry held it for the other, and it stayed for ``_KEEP_S``."""
    ref, freed_in, keys = _keys_holding_a_member()
    table = keys  # the other holder
    drop_later(keys)
    drop_later(keys)
    del keys
    time.sleep(0.3)
    assert ref() is not None  # kept while the table holds it
    del table
    assert _freed_on(ref, timeout=3.0)
    assert freed_in == ["ecozone-drop"]
