"""A selection or hover changed on the map repaints only where its marks were and are,
and the window then shows exactly what a whole repaint shows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from tests.ui.conftest import spin, wait_rendered


class _Regions(QObject):
    """The regions of the canvas's paint events: each a list of rectangles."""

    def __init__(self, canvas) -> None:  # noqa: ANN001
        super().__init__()
        self.seen: list[list[QRect]] = []
        canvas.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802, ANN001
        if event.type() == QEvent.Type.Paint:
            self.seen.append(list(event.region()))
        return False


def _small(rects: list[QRect]) -> bool:
    """Rings' areas, not the canvas: each rectangle at most 40 px a side."""
    return all(r.width() <= 40 and r.height() <= 40 for r in rects)


def _on_screen(win) -> QImage:  # noqa: ANN001
    """The canvas as the window shows it: its pixels in the window's backing store."""
    canvas = win.canvas
    shot = win.screen().grabWindow(win.winId()).toImage()
    at = canvas.mapTo(win, QPoint(0, 0))
    return shot.copy(QRect(at, canvas.size())).convertToFormat(QImage.Format.Format_RGB32)


def _repainted_whole(win) -> QImage:  # noqa: ANN001
    return win.canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _outfalls_in_view(win, n: int) -> list[tuple[str, QPoint]]:  # noqa: ANN001
    """``n`` outfalls well inside the canvas and far apart, each alone under the cursor."""
    canvas = win.canvas
    layer = win.model.get("outfalls")
    xy = np.array([[g.x, g.y] for g in (layer.merc_geometry(i) for i in range(len(layer)))])
    sx, sy = canvas.view.to_screen(xy[:, 0], xy[:, 1])
    picked: list[tuple[str, QPoint]] = []
    for i in range(len(layer)):
        p = QPoint(int(round(sx[i])), int(round(sy[i])))
        if not (60 < p.x() < canvas.width() - 60 and 60 < p.y() < canvas.height() - 60):
            continue
        if any((p - q).manhattanLength() < 200 for _c, q in picked):
            continue
        found = canvas.identify(p.x(), p.y())
        if found and found[0].layer == "outfalls" and found[0].index == i:
            picked.append((str(layer.key_at(i)), p))
        if len(picked) == n:
            return picked
    raise AssertionError("not enough outfalls apart in view")


def test_a_selected_outfall_repaints_its_ring_alone(qtbot, win) -> None:  # noqa: ANN001
    (first, at_first), (second, at_second) = _outfalls_in_view(win, 2)
    canvas = win.canvas
    regions = _Regions(canvas)
    spin(50)
    regions.seen.clear()
    win.select("outfalls", first)
    spin(100)
    assert regions.seen, "no repaint"
    rects = regions.seen[-1]
    assert _small(rects) and any(r.contains(at_first) for r in rects)
    assert _on_screen(win) == _repainted_whole(win)
    regions.seen.clear()
    win.select("outfalls", second)  # far away: the old ring's area and the new one's
    spin(100)
    rects = [r for seen in regions.seen for r in seen]
    assert rects and _small(rects)
    assert any(r.contains(at_first) for r in rects)  # the old ring taken off
    assert any(r.contains(at_second) for r in rects)
    assert _on_screen(win) == _repainted_whole(win)


def test_the_hover_mark_follows_the_mouse_and_leaves_no_trace(qtbot, win) -> None:  # noqa: ANN001
    (_a, at_a), (b, at_b) = _outfalls_in_view(win, 2)
    canvas = win.canvas
    regions = _Regions(canvas)
    QTest.mouseMove(canvas, at_a)
    assert qtbot.waitUntil(lambda: canvas.hover is not None, timeout=2000) is None
    spin(50)
    assert canvas.hover.layer == "outfalls"
    assert _small(regions.seen[-1])
    assert _on_screen(win) == _repainted_whole(win)
    QTest.mouseMove(canvas, at_b)
    qtbot.waitUntil(lambda: canvas.hover is not None and canvas.hover.key == b, timeout=2000)
    spin(50)
    assert _on_screen(win) == _repainted_whole(win)


def test_many_selected_repaint_the_whole_canvas(qtbot, win) -> None:  # noqa: ANN001
    from ui.map_canvas import MARKS_REPAINTED_ALONE

    layer = win.model.get("outfalls")
    codes = [str(layer.key_at(i)) for i in range(MARKS_REPAINTED_ALONE + 1)]
    regions = _Regions(win.canvas)
    spin(50)
    regions.seen.clear()
    win.canvas.set_selection([("outfalls", c) for c in codes])
    spin(100)
    assert regions.seen[-1] == [win.canvas.rect()]
    assert _on_screen(win) == _repainted_whole(win)


def test_several_selected_outfalls_are_ringed(qtbot, win) -> None:  # noqa: ANN001
    """A table's or a chart's selection of several outfalls: a ring round each (its
    colour on the circle, the map inside it), drawn where the whole repaint draws it."""
    from PySide6.QtGui import QColor

    from ui.map_canvas import POINT_MARK_RADIUS, SELECT_PEN

    picked = _outfalls_in_view(win, 3)
    win.selection.select("outfalls", [code for code, _at in picked], "table")
    spin(100)
    shown = _on_screen(win)
    assert shown == _repainted_whole(win)
    cyan = QColor(SELECT_PEN)

    def near(c: QColor, to: QColor) -> bool:
        return abs(c.red() - to.red()) + abs(c.green() - to.green()) \
            + abs(c.blue() - to.blue()) < 60

    for _code, at in picked:
        on_ring = [shown.pixelColor(at + QPoint(dx, dy)) for dx, dy in
                   ((POINT_MARK_RADIUS, 0), (-POINT_MARK_RADIUS, 0),
                    (0, POINT_MARK_RADIUS), (0, -POINT_MARK_RADIUS))]
        assert sum(near(c, cyan) for c in on_ring) >= 3, [c.name() for c in on_ring]
        inside = shown.pixelColor(at + QPoint(4, 4))
        assert not near(inside, cyan)


def _own_window(qtbot, tmp_path, ui_workspace_path):  # noqa: ANN001, ANN202
    """A window on a workspace of its own (the test writes to it or reloads its layers),
    shown and drawn at the full extent."""
    import shutil

    from models.workspace import Workspace
    from tests.ui.conftest import main_window_for

    path = tmp_path / "ws.gpkg"
    shutil.copy(ui_workspace_path, path)
    ws = Workspace.open(path)
    win = main_window_for(qtbot, ws)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.canvas.full_extent()
    wait_rendered(qtbot, win)
    return ws, win


def test_a_selected_outfall_moved_then_another_selected_leaves_no_old_ring(
        qtbot, tmp_path, ui_workspace_path) -> None:  # noqa: ANN001
    """The ring's old area is found where the ring is drawn now: a selected outfall moved
    (the change flow: the frame written, then announced) and then another selected."""
    ws, win = _own_window(qtbot, tmp_path, ui_workspace_path)
    (first, _at), (second, _at2) = _outfalls_in_view(win, 2)
    win.select("outfalls", first)
    spin(100)
    row = int(np.flatnonzero(ws.layer("outfalls")["code"].astype(str).to_numpy() == first)[0])
    g = ws.layer("outfalls").geometry.iloc[row]
    ws.write_value("outfalls", row, "geometry", (g.x + 0.02, g.y + 0.01))
    ws.announce_features_changed("outfalls", [first], geometry=True)
    wait_rendered(qtbot, win)
    spin(100)
    assert _on_screen(win) == _repainted_whole(win)
    win.select("outfalls", second)
    spin(100)
    assert _on_screen(win) == _repainted_whole(win)


def test_a_layer_replaced_under_the_selection_repaints_whole_without_its_keys_index(
        qtbot, tmp_path, ui_workspace_path) -> None:  # noqa: ANN001
    """An import or its undo replaces the outfalls' layer under a selected outfall: the
    selection then changed does not look for the old ring in the new layer (its index of
    keys was made on the GUI thread for it: 17 ms at 100k outfalls) but repaints the
    whole canvas, as the new layer needs anyway; the window then shows what a whole
    repaint shows."""
    ws, win = _own_window(qtbot, tmp_path, ui_workspace_path)
    (first, _at), (second, _at2) = _outfalls_in_view(win, 2)
    win.select("outfalls", first)
    spin(100)
    old = win.model.get("outfalls")
    ws.reload_layer("outfalls")
    new = win.model.get("outfalls")
    assert new is not old and not new.keys_indexed
    regions = _Regions(win.canvas)
    win.canvas.set_selection([("outfalls", second)])
    assert not new.keys_indexed  # (the paint finds the new ring; nothing before it)
    wait_rendered(qtbot, win)
    spin(100)
    assert [win.canvas.rect()] in regions.seen
    assert _on_screen(win) == _repainted_whole(win)
    regions.seen.clear()
    win.canvas.set_selection([("outfalls", first)])  # drawn with the new layer: a ring's area
    spin(100)
    assert regions.seen and _small([r for seen in regions.seen for r in seen])
    assert _on_screen(win) == _repainted_whole(win)
