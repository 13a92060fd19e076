"""A queue served by one daemon thread, started at the first item.

For work the caller hands over and does not wait for: the drop of a replaced layer's
objects (``models.memory.drop_later``), the fsync of the recovery journal
(``geodata.recovery``).  Starting the thread at the first item, not at import, keeps
processes that never need it (the command line, the children) without one.  Qt-free.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any


class DaemonQueue:
    """``put`` items; ``loop(queue)`` takes them on its own daemon thread, for good."""

    def __init__(self, name: str, loop: Callable[[queue.SimpleQueue[Any]], None]) -> None:
        self.name, self.loop = name, loop
        self._queue: queue.SimpleQueue[Any] | None = None
        self._lock = threading.Lock()

    def put(self, item: Any) -> None:
        with self._lock:
            if self._queue is None:
                self._queue = queue.SimpleQueue()
                threading.Thread(target=self.loop, args=(self._queue,), name=self.name,
                                 daemon=True).start()
            items = self._queue
        items.put(item)
