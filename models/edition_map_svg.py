"""The map of changes between two editions, as SVG (inlined in the HTML report, painted as
vectors into the PDF), drawn with the primitives of :mod:`models.report_map_svg`.

Land and county boundaries for orientation, the new edition's units in pale class colours,
then the changed areas coloured by kind; each change also gets a ring at its centre so a
redrawn strip of a few hectares is still seen on a city-wide map.  Outfalls whose unit
became stricter are red dots.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from geodata.messages import Message
from models import report_style as st
from models.edition_compare import CHANGE_KINDS, Comparison
from models.report_map_svg import (
    MapFrame,
    _text,
    frame_for,
    north_arrow,
    path_d,
    scale_bar,
)

#: Fill colour of each kind of changed area (outline-only kinds have fill "none").
KIND_COLOURS = {
    "added": "#2e7d32", "removed": "#616161", "stricter": "#c62828", "looser": "#1e88e5",
    "gained": "#8e24aa", "lost": "#f9a825", "split": "none", "merged": "none",
    "regrouped": "none", "renamed": "none", "requirements": "none",
}
KIND_STROKES = {
    "added": "#1b5e20", "removed": "#212121", "stricter": "#7f0000", "looser": "#0d47a1",
    "gained": "#4a148c", "lost": "#e65100", "split": "#6a1b9a", "merged": "#00695c",
    "regrouped": "#4e342e", "renamed": "#37474f", "requirements": "#ad1457",
}
#: Drawing order, bottom first: outlines over fills.
ORDER = ("removed", "added", "looser", "stricter", "lost", "gained", "split", "merged",
         "regrouped", "renamed", "requirements")


def _path(geom: Any, **attrs: object) -> str:
    # drop empty parts (simplified away, or points from an intersection): an empty ring
    # would write "MZ", which PDF readers reject ("no current point in closepath")
    parts = [g for g in shapely.get_parts(geom) if not g.is_empty
             and g.geom_type in ("Polygon", "LineString", "LinearRing", "MultiLineString")]
    d = "".join(path_d(g) for g in parts)
    if not d:
        return ""
    a = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<path d="{d}" {a}/>'


def _to_px(fr: MapFrame, box: Any, g: Any) -> Any:
    """A geometry cut to the frame, in pixels.  An intersection, not ``clip_by_rect``: the
    latter returns the whole rectangle when it lies in a polygon's hole (a unit around a
    town), which would paint the town with the surrounding unit's colour."""
    g = shapely.intersection(shapely.make_valid(g) if not shapely.is_valid(g) else g, box)
    if shapely.is_empty(g):
        return g
    view = shapely.box(0, 0, fr.width, fr.height)
    p = fr.to_px(g)
    if not shapely.is_valid(p):  # a spike can cross itself once projected and rounded
        p = shapely.make_valid(p)
    # clipped in pixels too: Qt's SVG Tiny renderer (the PDF) has no clipPath
    return shapely.simplify(shapely.intersection(p, view), 0.4)


def change_frame(cmp: Comparison, width: float, height: float) -> MapFrame | None:
    """A frame around every changed area (and the affected outfalls)."""
    geoms = list(cmp.changes.geometry) if cmp.changes is not None else []
    geoms += [shapely.Point(o["lon"], o["lat"]) for o in cmp.affected_outfalls]
    if not geoms:
        return None
    box = shapely.box(*shapely.total_bounds(np.asarray(geoms, dtype=object)))
    return frame_for(box, 0.0, width, height)


def render_changes_svg(cmp: Comparison, base: dict[str, Any], lang: str = "zh",
                       width: float = 1000, height: float = 720,
                       illustrative: bool = True) -> str:
    """The complete map: ``base`` holds the 'land' and 'counties' geometries (lon/lat
    arrays) and the 'units' frame of the new edition (may be absent)."""
    fr = change_frame(cmp, width, height)
    if fr is None:
        return ""
    box = fr.lonlat_box()
    view = shapely.box(0, 0, fr.width, fr.height)

    def px(g: Any) -> Any:
        return _to_px(fr, box, g)

    out = [f'<rect x="0" y="0" width="{fr.width:.0f}" height="{fr.height:.0f}" '
           f'fill="{st.SEA[0]}"/>']
    for g in base.get("land", []):
        if shapely.intersects(g, box):
            out.append(_path(px(g), fill=st.LAND[0], stroke=st.LAND[1], stroke_width=0.6))
    units = base.get("units")
    if units is not None and len(units):
        cls = units["unit_class"].to_numpy() if "unit_class" in units else np.full(len(units), 3)
        for g, c in zip(units.geometry.array, cls, strict=True):
            if g is not None and shapely.intersects(g, box):
                fill, stroke = st.UNIT_CLASS_COLOURS.get(int(c), ("#cccccc", "#999999"))
                out.append(_path(px(g), fill=fill, fill_opacity=0.22, stroke=stroke,
                                 stroke_opacity=0.5, stroke_width=0.4, fill_rule="evenodd"))
    for g in base.get("counties", []):
        if shapely.intersects(g, box):
            out.append(_path(px(shapely.boundary(g)), fill="none", stroke=st.COUNTY_STROKE,
                             stroke_width=1.1, stroke_dasharray="8,3,2,3"))
    ch = cmp.changes
    rings = []
    for kind in ORDER:
        if ch is None or not len(ch):
            break
        for g in ch.geometry[ch["kind"] == kind]:
            p = px(g)
            if p.is_empty:
                continue
            fill = KIND_COLOURS[kind]
            out.append(_path(p, fill=fill, fill_opacity=0.75 if fill != "none" else 0,
                             stroke=KIND_STROKES[kind], stroke_width=1.6 if fill == "none"
                             else 0.8, fill_rule="evenodd"))
            if kind not in ("split", "merged", "regrouped", "renamed", "requirements"):
                c = shapely.point_on_surface(p)
                rings.append(f'<circle cx="{c.x:.1f}" cy="{c.y:.1f}" r="11" fill="none" '
                             f'stroke="{KIND_STROKES[kind]}" stroke-width="2"/>')
    out += rings
    for o in cmp.affected_outfalls:
        p = fr.to_px(shapely.Point(o["lon"], o["lat"]))
        if shapely.contains(view, p):
            out.append(f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="3.2" fill="#d50000" '
                       f'stroke="#ffffff" stroke-width="0.8"/>')
    return _compose(cmp, fr, "".join(out), lang, illustrative)


def legend_items(cmp: Comparison) -> list[tuple[str, str, str, str]]:
    """(kind, fill, stroke, label zh|en) for the kinds present, plus the outfall dot."""
    kinds = set(cmp.changes["kind"]) if cmp.changes is not None and len(cmp.changes) else set()
    return [(k, KIND_COLOURS[k], KIND_STROKES[k], "|".join(CHANGE_KINDS[k]))
            for k in ORDER if k in kinds]


def _compose(cmp: Comparison, fr: MapFrame, body: str, lang: str, illustrative: bool) -> str:
    items = legend_items(cmp)
    cols = 4
    row_h = 20.0
    extra = 1 if cmp.affected_outfalls else 0
    rows = (len(items) + extra + cols - 1) // cols
    leg_h = 26 + rows * row_h + 8
    total_h = fr.height + leg_h
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
             f'width="{fr.width:.0f}" height="{total_h:.0f}" '
             f'viewBox="0 0 {fr.width:.0f} {total_h:.0f}">',
             f'<rect x="0" y="0" width="{fr.width:.0f}" height="{total_h:.0f}" fill="#ffffff"/>',
             body,
             scale_bar(22, fr.height - 18, fr.metres_per_px, fr.width * 0.28, lang),
             north_arrow(fr.width - 34, 14, lang=lang)]
    if illustrative:
        parts.append(f'<rect x="8" y="8" width="{fr.width * 0.46:.0f}" height="22" '
                     f'fill="#fff3cd" fill-opacity="0.9" stroke="#b58900"/>')
        parts.append(_text(14, 24, st.t(lang, "示例数据：管控单元及其修订为演示生成，非官方成果",
                                        "Illustrative data: units and revision not official"),
                           12, fill="#7a5b00"))
    parts.append(f'<rect x="0.5" y="0.5" width="{fr.width - 1:.0f}" height="{fr.height - 1:.0f}"'
                 ' fill="none" stroke="#333333"/>')
    y0 = fr.height + 8
    parts.append(_text(12, y0 + 12, st.t(lang, "图例", "Legend"), 12, weight="bold"))
    col_w = (fr.width - 24) / cols
    entries = [(fill, stroke, Message(*label.split("|")[:2]).text(lang), "area")
               for _, fill, stroke, label in items]
    if cmp.affected_outfalls:
        entries.append(("#d50000", "#ffffff", st.t(lang, "管控趋严的排污口",
                                                    "Outfall now in a stricter unit"), "dot"))
    for k, (fill, stroke, label, kind) in enumerate(entries):
        x = 12 + (k % cols) * col_w
        y = y0 + 22 + (k // cols) * row_h
        if kind == "dot":
            parts.append(f'<circle cx="{x + 11:.1f}" cy="{y + 6:.1f}" r="4" fill="{fill}" '
                         f'stroke="#888888"/>')
        else:
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="22" height="12" '
                         f'fill="{fill}" fill-opacity="{0.75 if fill != "none" else 0}" '
                         f'stroke="{stroke}" stroke-width="1.5"/>')
        parts.append(_text(x + 28, y + 11, label, 11))
    parts.append("</svg>")
    return "".join(parts)


def render_units_svg(units: Any, base: dict[str, Any], bounds: tuple[float, float, float, float],
                     title: str, lang: str = "zh", width: float = 520, height: float = 420,
                     outline: Any = None) -> str:
    """One edition's units around ``bounds`` (lon/lat), coloured by class and labelled with
    their codes when they are few; ``outline`` (a geometry) is drawn on top, e.g. the change
    being looked at.  Two of these side by side are the dialog's split view."""
    fr = frame_for(shapely.box(*bounds), 0.0, width, height)
    box = fr.lonlat_box()

    def px(g: Any) -> Any:
        return _to_px(fr, box, g)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
           f'width="{fr.width:.0f}" height="{fr.height:.0f}" '
           f'viewBox="0 0 {fr.width:.0f} {fr.height:.0f}">',
           f'<rect x="0" y="0" width="{fr.width:.0f}" height="{fr.height:.0f}" '
           f'fill="{st.SEA[0]}"/>']
    for g in base.get("land", []):
        if shapely.intersects(g, box):
            out.append(_path(px(g), fill=st.LAND[0], stroke=st.LAND[1], stroke_width=0.6))
    labels = []
    if units is not None and len(units):
        geoms = np.asarray(units.geometry.array, dtype=object)
        hit = np.flatnonzero(shapely.intersects(geoms, box))
        cls = units["unit_class"].to_numpy() if "unit_class" in units else np.full(len(units), 3)
        codes = units["code"].astype(str).to_numpy() if "code" in units else None
        for k in hit.tolist():
            p = px(geoms[k])
            if p.is_empty:
                continue
            fill, stroke = st.UNIT_CLASS_COLOURS.get(int(cls[k]), ("#cccccc", "#999999"))
            out.append(_path(p, fill=fill, fill_opacity=0.6, stroke=stroke, stroke_width=0.9,
                             fill_rule="evenodd"))
            if codes is not None and p.area > 2500:  # room for the code
                c = shapely.point_on_surface(p)
                labels.append(_text(c.x, c.y, codes[k], 10, "middle", fill="#333333"))
    for g in base.get("counties", []):
        if shapely.intersects(g, box):
            out.append(_path(px(shapely.boundary(g)), fill="none", stroke=st.COUNTY_STROKE,
                             stroke_width=1.1, stroke_dasharray="8,3,2,3"))
    if outline is not None:
        out.append(_path(px(outline), fill="none", stroke="#ffffff", stroke_width=4.5))
        out.append(_path(px(outline), fill="none", stroke="#880e4f", stroke_width=2.2))
    out += labels
    out.append(f'<rect x="6" y="6" width="{min(fr.width - 12, 14 + 13 * len(title)):.0f}" '
               f'height="24" fill="#ffffff" fill-opacity="0.85" stroke="#555555"/>')
    out.append(_text(12, 23, title, 13, weight="bold"))
    out.append(scale_bar(16, fr.height - 14, fr.metres_per_px, fr.width * 0.3, lang, 10))
    out.append(f'<rect x="0.5" y="0.5" width="{fr.width - 1:.0f}" height="{fr.height - 1:.0f}" '
               'fill="none" stroke="#333333"/></svg>')
    return "".join(out)
