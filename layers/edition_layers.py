"""Temporary map layers of the edition comparison: the changed areas, and the units of a
chosen edition.  Qt-free; the 版本对比 dialog adds them to the window's MapModel.

The change layer is categorised by ``kind`` with the colours of the report map
(:mod:`models.edition_map_svg`), strong fills and outlines so the changes stand out over
the current units; an edition's units use the control-unit style.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from layers.map_layer import MapLayer
from layers.style import STYLES, Category, LayerStyle

CHANGES = "edition_changes"
EDITION = "edition_units"
MARK = "changed"


def _rgba(hex_colour: str, alpha: int) -> tuple[int, int, int, int]:
    if hex_colour == "none":
        return (0, 0, 0, 0)
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha)


def change_style() -> LayerStyle:
    from models.edition_compare import CHANGE_KINDS
    from models.edition_map_svg import KIND_COLOURS, KIND_STROKES, ORDER

    cats = tuple(Category(k, *CHANGE_KINDS[k], fill=_rgba(KIND_COLOURS[k], 170),
                          stroke=_rgba(KIND_STROKES[k], 255)) for k in ORDER)
    # one hatch over every changed area, so a change never reads as a unit of that colour
    hatch = (Category(MARK, "变化区域（斜线）", "Changed area (hatched)",
                      stroke=(136, 14, 79, 230), shape="hatch"),)
    return LayerStyle("polygon", "units", stroke=(120, 0, 0, 255), stroke_width=2.6,
                      category_field="kind", categories=cats, shape_field="mark",
                      shapes=hatch, label_field_zh="code_after",
                      label_field_en="code_after", label_max_res=60, label_priority=2,
                      label_size=8.5, label_color=(120, 0, 0, 255), label_bold=True,
                      queryable=False)


def changes_layer(changes: Any, illustrative: bool) -> MapLayer:
    """The changed areas (``Comparison.changes``) as a highlighted map layer."""
    frame = changes.reset_index(drop=True)
    frame["code_after"] = frame["code_after"].where(frame["code_after"] != "",
                                                    frame["code_before"])
    frame["mark"] = MARK
    return MapLayer(CHANGES, frame, change_style(), illustrative)


def edition_layer(units: Any, illustrative: bool) -> MapLayer:
    """An edition's units, drawn like the current control units."""
    style = replace(STYLES["control_units"], queryable=False, stroke=(40, 40, 40, 255),
                    stroke_width=1.4)
    return MapLayer(EDITION, units.reset_index(drop=True), style, illustrative)
