"""What the window remembers between runs (QSettings): layout, visible layers, extent."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSettings

from layers.map_model import MapModel
from layers.viewport import Viewport


def app_settings() -> QSettings:
    return QSettings("EcoZone", "EcoZone")


def save(settings: QSettings, window: Any, model: MapModel, view: Viewport, lang: str) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("map/visible", json.dumps(model.visibility()))
    settings.setValue("map/extent", json.dumps(list(view.bbox)))
    settings.setValue("map/order", json.dumps(model.names()))
    settings.setValue("lang", lang)
    settings.sync()


def restore(settings: QSettings, window: Any, model: MapModel) -> tuple[float, ...] | None:
    """Restore layout and layers; return the saved extent (Mercator bbox) if any."""
    geom = settings.value("window/geometry")
    if geom is not None:
        window.restoreGeometry(geom)
    state = settings.value("window/state")
    if state is not None:
        window.restoreState(state)
    try:
        order = json.loads(str(settings.value("map/order", "[]")))
        for i, name in enumerate(n for n in order if model.get(n) is not None):
            if model.names().index(name) != i:
                model.move(name, i)
        for name, on in json.loads(str(settings.value("map/visible", "{}"))).items():
            model.set_visible(name, bool(on))
        extent = json.loads(str(settings.value("map/extent", "null")))
    except (ValueError, TypeError):
        return None
    return tuple(float(v) for v in extent) if extent and len(extent) == 4 else None


def bookmarks(settings: QSettings) -> list[dict[str, Any]]:
    try:
        return list(json.loads(str(settings.value("bookmarks", "[]"))))
    except ValueError:
        return []


def set_bookmarks(settings: QSettings, items: list[dict[str, Any]]) -> None:
    settings.setValue("bookmarks", json.dumps(items, ensure_ascii=False))


def reset(settings: QSettings) -> None:
    """Forget layout, layers and extent (bookmarks are kept: the user made them)."""
    for key in ("window/geometry", "window/state", "map/visible", "map/extent", "map/order"):
        settings.remove(key)
    settings.sync()
