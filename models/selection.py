"""The one selection of the window: a layer and the keys of its selected features.

Qt-free.  The map, the outfall table, search, the side panel, the record card and the
statistics view all read and write this one model (docs/ARCHITECTURE.md, "Selection");
none keeps a copy of its own.  A selection names features by their stable key (the code of
an outfall or control unit, the fid elsewhere — :func:`models.workspace.key_field`), never by
a row number, so it survives sorting, filtering and reloads.
"""

from __future__ import annotations

from dataclasses import dataclass

from psygnal import Signal


@dataclass(frozen=True)
class Selection:
    """``layer`` and the selected ``keys`` (in the order they were given); empty = none."""

    layer: str = ""
    keys: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.keys

    @property
    def key(self) -> str | None:
        """The first (current) key, or None."""
        return self.keys[0] if self.keys else None

    def contains(self, layer: str, key: str) -> bool:
        return layer == self.layer and str(key) in self.keys


class SelectionModel:
    """Holds the current :class:`Selection` and says when it changes.

    ``changed(selection, source)``: ``source`` names who set it ("map", "table", "search",
    "panel", "stats", "program" …) so that the view that made a selection need not react
    to its own change by scrolling or re-centring.
    """

    changed = Signal(object, str)

    def __init__(self) -> None:
        self._current = Selection()

    @property
    def current(self) -> Selection:
        return self._current

    def select(self, layer: str, keys: list[str] | tuple[str, ...] | str,
               source: str = "program") -> None:
        """Select ``keys`` of ``layer`` (a single key may be given as a string)."""
        if isinstance(keys, str):
            keys = (keys,)
        sel = Selection(layer, tuple(dict.fromkeys(str(k) for k in keys)))
        if sel == self._current:
            return
        self._current = sel
        self.changed.emit(sel, source)

    def clear(self, source: str = "program") -> None:
        if self._current.empty and not self._current.layer:
            return
        self._current = Selection()
        self.changed.emit(self._current, source)

    def forget(self, layer: str, keys: list[str] | None = None) -> None:
        """Drop keys that no longer exist (a layer was replaced or rows were removed).
        ``keys`` = the keys the layer still has; None drops the whole selection of it."""
        cur = self._current
        if cur.layer != layer or cur.empty:
            return
        if keys is None:
            self.clear("program")
            return
        alive = set(keys)
        kept = tuple(k for k in cur.keys if k in alive)
        if kept != cur.keys:
            self._current = Selection(layer if kept else "", kept)
            self.changed.emit(self._current, "program")
