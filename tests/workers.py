"""Running a test's function in a worker thread (where ``geodata.gil_slices`` slices)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def in_worker(fn: Callable[[], Any]) -> Any:
    """``fn()`` in a thread other than the main one, re-raising what it raised."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join(60)
    if "error" in out:
        raise out["error"]
    return out.get("value")
