"""The report map as SVG, drawn from the workspace geometries without Qt.

One SVG serves both outputs: it is inlined as it is in the HTML report and painted as
vectors into the PDF by ``ui.reports.pdf`` (QSvgRenderer).  Only SVG features that Qt's
SVG Tiny renderer draws are used: paths, circles, rects, text — no patterns, masks or CSS
classes.  Hatching of protected areas is therefore real line geometry clipped to the
polygons with shapely.

The map is in an azimuthal-equidistant projection centred on the map, so north is up at
the centre and the scale bar is true at the centre (error below 1e-6 across a 20 km map).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

import numpy as np
import shapely

from models import report_style as st
from models.geodesy import degrees_for_metres, local_projector
from models.workspace import Workspace

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def with_font(svg: str, family: str) -> str:
    """The SVG with one font family instead of the list (Qt's SVG renderer takes one)."""
    return svg.replace(f'font-family="{FONT}"', f'font-family="{escape(family)}"')


@dataclass
class MapFrame:
    """Pixel geometry of the map: metres (AEQD at the centre) to SVG pixels."""

    lon0: float
    lat0: float
    metres_per_px: float
    width: float
    height: float

    def to_px(self, geom: shapely.Geometry) -> shapely.Geometry:
        tr = local_projector(self.lon0, self.lat0)
        s = 1.0 / self.metres_per_px
        cx, cy = self.width / 2, self.height / 2

        def f(xy: np.ndarray) -> np.ndarray:
            x, y = tr.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([cx + np.asarray(x) * s, cy - np.asarray(y) * s])

        return shapely.transform(geom, f)

    def lonlat_box(self, margin: float = 0.1) -> shapely.Geometry:
        half_w = self.width * self.metres_per_px * (0.5 + margin)
        half_h = self.height * self.metres_per_px * (0.5 + margin)
        dx = degrees_for_metres(self.lat0, half_w)
        dy = half_h / 110_574.0 * 1.05
        return shapely.box(self.lon0 - dx, self.lat0 - dy, self.lon0 + dx, self.lat0 + dy)


def frame_for(site: shapely.Geometry, buffer_m: float, width: float,
              height: float) -> MapFrame:
    """A frame showing the site and its buffer with some context around it."""
    c = shapely.centroid(site)
    tr = local_projector(c.x, c.y)
    xs, ys = tr.transform(*np.asarray(shapely.get_coordinates(site)).T)
    half = max(np.ptp(xs) / 2 * 1.25, np.ptp(ys) / 2 * 1.25, 200.0)
    half_w = max(np.ptp(xs) / 2 + buffer_m, half) * 1.35
    half_h = max(np.ptp(ys) / 2 + buffer_m, half) * 1.35
    mpp = max(2 * half_w / width, 2 * half_h / height)
    cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
    lon0, lat0 = tr.transform(cx, cy, direction="INVERSE")
    return MapFrame(float(lon0), float(lat0), float(mpp), width, height)


# -- SVG primitives ------------------------------------------------------------------------
def _ring(coords: np.ndarray) -> str:
    coords = coords[np.isfinite(coords).all(axis=1)] if len(coords) else coords
    if len(coords) < 3:  # nothing to draw: no "MZ" for the renderer to choke on
        return ""
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    return f"M{pts}Z"


def path_d(geom: shapely.Geometry) -> str:
    """SVG path data of a (multi)polygon or (multi)line in pixel coordinates."""
    out = []
    for part in shapely.get_parts(geom):
        if part is None or part.is_empty:  # a piece that collapsed while clipping
            continue
        if part.geom_type == "Polygon":
            out.append(_ring(np.asarray(part.exterior.coords)))
            out.extend(_ring(np.asarray(r.coords)) for r in part.interiors if len(r.coords) >= 3)
        elif part.geom_type in ("LineString", "LinearRing"):
            c = np.asarray(part.coords)
            if len(c) >= 2:
                out.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in c))
        elif part.geom_type.startswith("Multi") or part.geom_type == "GeometryCollection":
            out.append(path_d(part))
    return "".join(out)


def _path(geom: shapely.Geometry, **attrs: object) -> str:
    d = path_d(geom)
    if not d:
        return ""
    a = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<path d="{d}" {a}/>'


def _text(x: float, y: float, s: str, size: float = 12, anchor: str = "start",
          weight: str = "normal", fill: str = "#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size:.1f}" '
            f'font-weight="{weight}" text-anchor="{anchor}" fill="{fill}">{escape(s)}</text>')


def hatch(poly_px: shapely.Geometry, spacing: float = 7.0) -> shapely.Geometry:
    """45° hatch lines clipped to a polygon (pixel coordinates)."""
    minx, miny, maxx, maxy = poly_px.bounds
    lines = []
    start = minx - (maxy - miny)
    n = int((maxx - start) / spacing) + 1
    for i in range(n):
        x = start + i * spacing
        lines.append(((x, maxy), (x + (maxy - miny), miny)))
    if not lines:
        return shapely.GeometryCollection()
    return shapely.intersection(shapely.MultiLineString(lines), poly_px)


def _hatch_valid(poly_px: shapely.Geometry, spacing: float = 7.0) -> shapely.Geometry:
    return hatch(shapely.make_valid(poly_px), spacing)


def nice_length(max_m: float) -> float:
    """The largest of 1, 2, 5 x 10^n metres not above ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    for f in (5, 2, 1):
        if f * exp <= max_m:
            return float(f * exp)
    return float(exp)


def scale_bar(x: float, y: float, metres_per_px: float, max_px: float, lang: str,
              size: float = 11) -> str:
    """A 4-segment scale bar with its left end at (x, y)."""
    length_m = nice_length(max_px * metres_per_px)
    px = length_m / metres_per_px
    out = [f'<rect x="{x - 6:.1f}" y="{y - size - 8:.1f}" width="{px + 40:.1f}" '
           f'height="{size + 22:.1f}" fill="#ffffff" fill-opacity="0.8"/>']
    for i in range(4):
        fill = "#222222" if i % 2 == 0 else "#ffffff"
        out.append(f'<rect x="{x + i * px / 4:.1f}" y="{y:.1f}" width="{px / 4:.1f}" '
                   f'height="5" fill="{fill}" stroke="#222222" stroke-width="0.8"/>')
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    out.append(_text(x, y - 3, "0", size, "middle"))
    out.append(_text(x + px, y - 3, label, size, "middle"))
    return "".join(out)


def north_arrow(x: float, y: float, h: float = 36, lang: str = "zh") -> str:
    """A north arrow whose tip is at (x, y)."""
    w = h * 0.36
    return (f'<path d="M{x:.1f},{y:.1f} L{x + w:.1f},{y + h:.1f} L{x:.1f},{y + h * 0.72:.1f}Z" '
            f'fill="#222222"/>'
            f'<path d="M{x:.1f},{y:.1f} L{x - w:.1f},{y + h:.1f} L{x:.1f},{y + h * 0.72:.1f}Z" '
            f'fill="#ffffff" stroke="#222222" stroke-width="1"/>'
            + _text(x, y + h + 14, st.t(lang, "北", "N"), 13, "middle", "bold"))


def legend(x: float, y: float, width: float, lang: str, include_site: bool = True,
           columns: int = 3, size: float = 11) -> tuple[str, float]:
    """Legend entries in columns; returns the SVG and its height."""
    entries = st.legend_entries(include_site)
    col_w = width / columns
    row_h = size + 9
    out = [_text(x, y + size, st.t(lang, "图例", "Legend"), size + 1, weight="bold")]
    y0 = y + size + 8
    for i, e in enumerate(entries):
        cx = x + (i % columns) * col_w
        cy = y0 + (i // columns) * row_h
        sw, sh = 22.0, size
        if e.kind == "fill":
            out.append(f'<rect x="{cx:.1f}" y="{cy:.1f}" width="{sw}" height="{sh}" '
                       f'fill="{e.fill}" fill-opacity="0.6" stroke="{e.stroke}"/>')
        elif e.kind in ("hatch", "seaunit"):
            box = shapely.box(cx, cy, cx + sw, cy + sh)
            out.append(_path(hatch(box, 4.0), stroke=e.fill, stroke_width=1, fill="none"))
            out.append(f'<rect x="{cx:.1f}" y="{cy:.1f}" width="{sw}" height="{sh}" '
                       f'fill="none" stroke="{e.stroke}" stroke-width="1.5"/>')
        elif e.kind == "point":
            out.append(f'<circle cx="{cx + sw / 2:.1f}" cy="{cy + sh / 2:.1f}" r="4" '
                       f'fill="{e.fill}" stroke="{e.stroke}" stroke-width="1"/>')
        elif e.kind == "dash":
            out.append(f'<path d="M{cx:.1f},{cy + sh / 2:.1f} h{sw}" stroke="{e.stroke}" '
                       f'stroke-width="1.5" stroke-dasharray="4,3" fill="none"/>')
        else:
            fill = e.fill if e.fill != "none" else "none"
            width_ = 3 if e.stroke == st.SITE else 1.5
            out.append(f'<rect x="{cx:.1f}" y="{cy:.1f}" width="{sw}" height="{sh}" '
                       f'fill="{fill}" fill-opacity="0.25" stroke="{e.stroke}" '
                       f'stroke-width="{width_}"/>')
        out.append(_text(cx + sw + 5, cy + sh - 1, e.label(lang), size))
    rows = math.ceil(len(entries) / columns)
    return "".join(out), (y0 - y) + rows * row_h


# -- the map -------------------------------------------------------------------------------
def _features(ws: Workspace, layer: str, box: shapely.Geometry
              ) -> Iterable[tuple[int, shapely.Geometry]]:
    if not ws.has_layer(layer):
        return []
    frame = ws.layer(layer)
    idx = np.sort(ws.index(layer).tree.query(box, predicate="intersects"))
    geoms = frame.geometry.values
    return [(int(i), geoms[i]) for i in idx]


def clip_rect(geom: shapely.Geometry, minx: float, miny: float, maxx: float,
              maxy: float) -> shapely.Geometry:
    """``geom`` cut to a rectangle, never raising on awkward geometry.

    GEOS's fast rectangle clipping can fail on valid input: cutting a thin sliver of a
    polygon along the frame it builds a 3-point ring and raises "Invalid number of points
    in LinearRing" (issue 14: a site in the urban core crashed the report).  Then the
    general intersection is used, on the repaired geometry if need be, and, as a last
    resort, part by part, leaving out a part that still cannot be cut: a missing sliver at
    the edge of the map is better than no report.
    """
    if geom is None or shapely.is_empty(geom):
        return shapely.GeometryCollection()
    try:
        return shapely.clip_by_rect(geom, minx, miny, maxx, maxy)
    except shapely.errors.GEOSException:
        pass
    box = shapely.box(minx, miny, maxx, maxy)
    for candidate in (geom, shapely.make_valid(geom)):
        try:
            return shapely.intersection(candidate, box)
        except shapely.errors.GEOSException:
            continue
    kept = []
    for part in shapely.get_parts(shapely.make_valid(geom)):
        try:
            kept.append(shapely.intersection(shapely.make_valid(part), box))
        except shapely.errors.GEOSException:
            continue
    return shapely.union_all(kept) if kept else shapely.GeometryCollection()


def _clip(geom: shapely.Geometry, box: shapely.Geometry) -> shapely.Geometry:
    minx, miny, maxx, maxy = box.bounds
    return clip_rect(geom, minx, miny, maxx, maxy)


def _safe(op: Callable[..., shapely.Geometry], *args: object) -> shapely.Geometry:
    """``op(*args)``, or an empty geometry where GEOS gives up on a degenerate piece (a
    collapsed sliver after clipping and simplifying)."""
    try:
        out = op(*args)
    except (shapely.errors.GEOSException, ValueError):
        return shapely.GeometryCollection()
    return out if out is not None else shapely.GeometryCollection()


def draw_layers(ws: Workspace, fr: MapFrame, site: shapely.Geometry | None = None,
                buffer_m: float = 0.0) -> str:
    """The map content (no furniture) as SVG elements, clipped to the frame."""
    box = fr.lonlat_box()
    out: list[str] = [f'<rect x="0" y="0" width="{fr.width:.1f}" height="{fr.height:.1f}" '
                      f'fill="{st.SEA[0]}"/>']

    def px(g: shapely.Geometry) -> shapely.Geometry:
        # clip in pixels too: Qt's SVG Tiny renderer has no clipPath
        g = fr.to_px(_clip(g, box))
        g = clip_rect(g, 0, 0, fr.width, fr.height)
        return _safe(shapely.simplify, g, 0.4)

    for _, g in _features(ws, "land", box):
        out.append(_path(px(g), fill=st.LAND[0], stroke=st.LAND[1], stroke_width=0.6))
    units = ws.layers.get("control_units")
    for i, g in _features(ws, "control_units", box):
        assert units is not None
        cls = int(units["unit_class"].iloc[i]) if "unit_class" in units else 3
        fill, stroke = st.UNIT_CLASS_COLOURS.get(cls, ("#cccccc", "#888888"))
        p = px(g)
        out.append(_path(p, fill=fill, fill_opacity=0.55, stroke=stroke, stroke_width=0.7,
                         fill_rule="evenodd"))
        if "domain" in units and units["domain"].iloc[i] == "sea" and not p.is_empty:
            out.append(_path(_safe(_hatch_valid, p, 7.0),
                             stroke=st.SEA_UNIT, stroke_width=0.6, stroke_opacity=0.7,
                             fill="none"))
    for _, g in _features(ws, "bays", box):
        out.append(_path(px(g), fill=st.BAY[0], fill_opacity=0.18, stroke=st.BAY[1],
                         stroke_width=1.4, stroke_dasharray="6,3", fill_rule="evenodd"))
    for _, g in _features(ws, "protected_areas", box):
        p = px(g)
        if p.is_empty:
            continue
        out.append(_path(_safe(_hatch_valid, p), stroke=st.PROTECTED[0],
                         stroke_width=1, fill="none"))
        out.append(_path(p, fill="none", stroke=st.PROTECTED[1], stroke_width=1.6))
    for _, g in _features(ws, "counties", box):
        out.append(_path(px(shapely.boundary(g)), fill="none", stroke=st.COUNTY_STROKE,
                         stroke_width=1.2, stroke_dasharray="8,3,2,3"))
    outfalls = ws.layers.get("outfalls")
    for i, g in _features(ws, "outfalls", box):
        assert outfalls is not None
        kind = str(outfalls["water_kind"].iloc[i]) if "water_kind" in outfalls else "sea"
        colour = st.OUTFALL_RIVER if kind == "river" else st.OUTFALL_SEA
        p = fr.to_px(g)
        if not (0 <= p.x <= fr.width and 0 <= p.y <= fr.height):
            continue
        out.append(f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="4.5" fill="{colour}" '
                   f'stroke="#ffffff" stroke-width="1.2"/>')
    if site is not None:
        if buffer_m > 0:
            tr = local_projector(fr.lon0, fr.lat0)
            site_m = shapely.transform(site, lambda xy: np.column_stack(
                tr.transform(xy[:, 0], xy[:, 1])))
            buf_m = shapely.buffer(site_m, buffer_m, quad_segs=16)
            buf = shapely.transform(buf_m, lambda xy: np.column_stack(
                tr.transform(xy[:, 0], xy[:, 1], direction="INVERSE")))
            out.append(_path(px(shapely.boundary(buf)), fill="none", stroke=st.SITE_BUFFER,
                             stroke_width=1.5, stroke_dasharray="7,4"))
        out.append(_path(px(site), fill=st.SITE, fill_opacity=0.08, stroke="#ffffff",
                         stroke_width=5.5))
        out.append(_path(px(site), fill="none", stroke=st.SITE, stroke_width=3))
    out.append(_labels(ws, fr, box))
    return "".join(out)


def _labels(ws: Workspace, fr: MapFrame, box: shapely.Geometry) -> str:
    """County names where a county covers a good part of the frame."""
    out = []
    counties = ws.layers.get("counties")
    view = shapely.box(0, 0, fr.width, fr.height)
    for i, g in _features(ws, "counties", box):
        assert counties is not None
        p = clip_rect(fr.to_px(_clip(g, box)), 0, 0, fr.width, fr.height)
        if p.is_empty or p.area < 0.08 * view.area:
            continue
        pt = _safe(shapely.point_on_surface, p)
        if pt.is_empty or pt.geom_type != "Point":
            continue
        out.append(_text(pt.x, pt.y, str(counties["name_zh"].iloc[i]), 15, "middle", "bold",
                         "#555555"))
    return "".join(out)


def render_map_svg(ws: Workspace, site: shapely.Geometry | None = None, buffer_m: float = 0.0,
                   lang: str = "zh", width: float = 1000, height: float = 760,
                   frame: MapFrame | None = None, title: str | None = None,
                   on_frame: Callable[[MapFrame], None] | None = None) -> str:
    """A complete SVG: map, legend, scale bar, north arrow and (optionally) a title."""
    if frame is None:
        if site is None:
            raise ValueError("render_map_svg needs a site or a frame")
        frame = frame_for(site, buffer_m, width, height)
    if on_frame is not None:
        on_frame(frame)
    top = 30.0 if title else 0.0
    leg_svg, leg_h = legend(12, top + frame.height + 10, frame.width - 24, lang,
                            include_site=site is not None)
    total_h = top + frame.height + leg_h + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
             f'width="{frame.width:.0f}" height="{total_h:.0f}" '
             f'viewBox="0 0 {frame.width:.0f} {total_h:.0f}">',
             f'<rect x="0" y="0" width="{frame.width:.0f}" height="{total_h:.0f}" '
             f'fill="#ffffff"/>']
    if title:
        parts.append(_text(frame.width / 2, 21, title, 17, "middle", "bold"))
    parts.append(f'<g transform="translate(0,{top:.0f})">')
    parts.append(draw_layers(ws, frame, site, buffer_m))
    parts.append(scale_bar(22, frame.height - 18, frame.metres_per_px, frame.width * 0.28,
                           lang))
    parts.append(north_arrow(frame.width - 34, 14, lang=lang))
    if ws.illustrative_layers():
        parts.append(f'<rect x="8" y="8" width="{frame.width * 0.42:.0f}" height="22" '
                     f'fill="#fff3cd" fill-opacity="0.9" stroke="#b58900"/>')
        parts.append(_text(14, 24, st.t(lang, "示例数据：管控单元、排污口非官方成果",
                                        "Illustrative data: units and outfalls not official"),
                           12, fill="#7a5b00"))
    parts.append(f'<rect x="0.5" y="0.5" width="{frame.width - 1:.0f}" '
                 f'height="{frame.height - 1:.0f}" fill="none" stroke="#333333"/>')
    parts.append("</g>")
    parts.append(leg_svg)
    parts.append("</svg>")
    return "".join(parts)
