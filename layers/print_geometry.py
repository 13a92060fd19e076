"""The arithmetic of a printed map: its view at the paper's resolution, the scale 1:n, the
scale bar's length and the CGCS2000 graticule.  Pure numbers, no Qt.

The map is drawn in Web Mercator (north up, as on screen).  The scale of a Mercator map
varies with latitude; 1:n is stated for the frame's centre, as QGIS does, and the graticule
shows the true meridians and parallels (straight lines in Mercator) labelled in degrees and
minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from layers.mercator import R, ground_resolution, to_lonlat, to_mercator
from layers.viewport import Viewport

MM_PER_INCH = 25.4
#: 1, 1.2, 1.5 … 8 × 10^k: the "nice" scales a fitted map is rounded up to.
NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
#: Graticule intervals in minutes of arc, coarse to fine.
GRID_MINUTES = (600, 300, 120, 60, 30, 20, 15, 10, 5, 2, 1, 0.5, 0.25)


def nice_scale_up(n: float) -> float:
    """The smallest nice scale denominator ≥ ``n`` (so the whole extent still fits)."""
    if n <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(n))
    for s in NICE_STEPS:
        if s * exp >= n * (1 - 1e-9):
            return s * exp
    return 10 * exp


def paper_metres_per_px(dpi: float) -> float:
    return 0.0254 / dpi


def scale_denominator(view: Viewport, dpi: float) -> float:
    """n of 1:n at the view's centre when one view pixel is 1/``dpi`` inch on paper."""
    return ground_resolution(view.res, view.cy) / paper_metres_per_px(dpi)


def view_for_scale(cx: float, cy: float, n: float, width: int, height: int,
                   dpi: float) -> Viewport:
    """The view centred on Mercator (cx, cy) drawn at 1:``n`` on a ``dpi`` device."""
    lat = math.atan(math.sinh(cy / R))
    ground = n * paper_metres_per_px(dpi)
    return Viewport(cx, cy, ground / max(math.cos(lat), 1e-6), max(1, width), max(1, height))


def frame_view(extent: tuple[float, float, float, float], width: int, height: int,
               dpi: float, scale: float = 0.0, margin: float = 0.0,
               nice: bool = True) -> Viewport:
    """The view of a ``width``×``height`` px map frame showing Mercator ``extent``.

    ``margin`` widens the extent by that fraction of its size on every side.  With
    ``scale`` the map is drawn at 1:``scale`` around the extent's centre; without, the
    extent is fitted and the scale rounded up to a nice number (1:250 000 rather than
    1:237 812), so 1:n on the page is exact.
    """
    x0, y0, x1, y1 = extent
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    x0, y0, x1, y1 = x0 - mx, y0 - my, x1 + mx, y1 + my
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if scale:
        return view_for_scale(cx, cy, scale, width, height, dpi)
    fit = Viewport.fit((x0, y0, x1, y1), width, height, 0.0)
    n = scale_denominator(fit, dpi)
    return view_for_scale(cx, cy, nice_scale_up(n) if nice else n, width, height, dpi)


def lonlat_extent_to_mercator(bbox: tuple[float, float, float, float],
                              ) -> tuple[float, float, float, float]:
    x0, y0 = to_mercator(bbox[0], bbox[1])
    x1, y1 = to_mercator(bbox[2], bbox[3])
    return float(x0), float(y0), float(x1), float(y1)


# -- scale bar ---------------------------------------------------------------------------
def scale_bar_length(view: Viewport, max_px: float) -> tuple[float, float]:
    """(length in metres, length in px) of a 1-2-5 scale bar no longer than ``max_px``."""
    gres = ground_resolution(view.res, view.cy)
    max_m = max(max_px * gres, 1e-3)
    exp = 10 ** math.floor(math.log10(max_m))
    length = exp
    for f in (5, 2, 1):
        if f * exp <= max_m:
            length = f * exp
            break
    return length, length / gres


def format_distance(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def format_scale(n: float) -> str:
    """1:250,000 (thousands separated, as both Chinese and English maps print it)."""
    return f"1:{int(round(n)):,}"


# -- graticule ---------------------------------------------------------------------------
@dataclass
class Graticule:
    step_minutes: float
    lons: list[tuple[float, float]]  # (longitude, screen x)
    lats: list[tuple[float, float]]  # (latitude, screen y)


def graticule(view: Viewport, target_lines: int = 5) -> Graticule:
    """Meridians and parallels crossing ``view`` at a round interval, about
    ``target_lines`` across the longer side."""
    x0, y0, x1, y1 = view.bbox
    lon0, lat0 = (float(v) for v in to_lonlat(x0, y0))
    lon1, lat1 = (float(v) for v in to_lonlat(x1, y1))
    span = max(lon1 - lon0, lat1 - lat0) * 60.0
    step = GRID_MINUTES[-1]
    for m in GRID_MINUTES:
        if span / m >= target_lines - 1:
            step = m
            break
    deg = step / 60.0
    lons = np.arange(math.ceil(lon0 / deg) * deg, lon1 + 1e-9, deg)
    lats = np.arange(math.ceil(lat0 / deg) * deg, lat1 + 1e-9, deg)
    mx, _ = to_mercator(lons, np.zeros_like(lons))
    _, my = to_mercator(np.zeros_like(lats), lats)
    sx, _ = view.to_screen(np.asarray(mx), np.zeros_like(lons))
    _, sy = view.to_screen(np.zeros_like(lats), np.asarray(my))
    return Graticule(step, [(float(a), float(b)) for a, b in zip(lons, sx, strict=True)],
                     [(float(a), float(b)) for a, b in zip(lats, sy, strict=True)])


def dm_label(value: float, axis: str, step_minutes: float = 1.0) -> str:
    """118°30′E / 24°50′N (seconds only when the interval is below a minute)."""
    hemi = ("E" if value >= 0 else "W") if axis == "lon" else ("N" if value >= 0 else "S")
    v = abs(value)
    total_s = round(v * 3600)
    d, rem = divmod(total_s, 3600)
    m, s = divmod(rem, 60)
    if step_minutes < 1 and s:
        return f"{d}°{m:02d}′{s:02d}″{hemi}"
    if m == 0 and step_minutes >= 60:
        return f"{d}°{hemi}"
    return f"{d}°{m:02d}′{hemi}"
