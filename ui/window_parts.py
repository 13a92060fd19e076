"""What the parts installed into the main window may use of it: a declared interface.

Outfall review, import, statistics, printing and sync are installed by
:mod:`ui.features` into :class:`ui.main.MainWindow`.  They use the window only through the
members listed in :class:`MapWindow` — no ``hasattr``/``getattr`` probing, no private
methods (docs/ARCHITECTURE.md, "The window's parts").  A test builds the real window and
checks that it has every member listed here.
"""

from __future__ import annotations

from typing import Any, Protocol

from models.selection import SelectionModel
from models.workspace import Workspace


class MapWindow(Protocol):
    """The main window as its installed parts see it."""

    #: the open workspace: the one place that changes data and announces changes
    ws: Workspace
    #: "zh" or "en"; parts re-label themselves in ``retranslate`` of :mod:`ui.features`
    lang: str
    #: the one selection (layer, keys) of the window
    selection: SelectionModel
    #: the map canvas (``view_changed``, ``feature_dragged``, ``set_draggable``,
    #: ``set_tool``, ``zoom_to_feature``, ``measurement``, ``after_first_paint``) and its
    #: layer model
    canvas: Any
    model: Any
    settings: Any
    #: menus and tool bar parts add their actions to
    m_file: Any
    m_edit: Any
    m_view: Any
    m_tools: Any
    m_help: Any
    toolbar: Any
    tool_group: Any
    #: the last measure tool's action: map tools of parts go after it
    a_marea: Any
    #: the feature-details dock, tabified with the parts' record docks
    side_dock: Any

    def statusBar(self) -> Any: ...  # noqa: N802 - Qt's name

    def menuBar(self) -> Any: ...  # noqa: N802 - Qt's name; parts add whole menus (同步)

    def notice(self) -> str:
        """The 示例数据 notice in the window's language ("" when nothing is illustrative)."""
        ...

    def zoom_to_lonlat(self, bbox: tuple[float, float, float, float]) -> None:
        """Zoom the map to a CGCS2000 lon/lat box."""
        ...

    def addDockWidget(self, area: Any, dock: Any) -> None: ...  # noqa: N802

    def tabifyDockWidget(self, first: Any, second: Any) -> None: ...  # noqa: N802

    def addAction(self, action: Any) -> None: ...  # noqa: N802

    def windowTitle(self) -> str: ...  # noqa: N802


#: the names a test checks on the real window
MEMBERS = ("ws", "lang", "selection", "canvas", "model", "settings", "m_file", "m_edit",
           "m_view", "m_tools", "m_help", "toolbar", "tool_group", "a_marea", "side_dock",
           "statusBar", "menuBar", "notice", "zoom_to_lonlat", "addDockWidget", "tabifyDockWidget",
           "addAction", "windowTitle")
