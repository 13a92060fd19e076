"""Geodesic measurement of a drawn line or polygon (GRS80 / CGCS2000 ellipsoid)."""

from __future__ import annotations

import shapely
from PySide6.QtCore import QCoreApplication

from models.geodesy import MU_PER_M2, geodesic_area_m2, geodesic_length_m


def tr(text: str) -> str:
    return QCoreApplication.translate("Measure", text)


def format_distance(m: float) -> str:
    return f"{m / 1000:,.3f} km" if m >= 1000 else f"{m:,.1f} m"


def format_area(m2: float) -> str:
    mu = m2 * MU_PER_M2
    km2 = m2 / 1e6
    return f"{m2:,.0f} m²  |  {mu:,.2f} {tr('亩')}  |  {km2:,.4f} km²"


class Measurement:
    """Vertices in lon/lat; ``area`` mode closes the ring."""

    def __init__(self, area: bool = False) -> None:
        self.area = area
        self.points: list[tuple[float, float]] = []
        self.finished = False

    def add(self, lon: float, lat: float) -> None:
        if self.finished:
            self.points.clear()
            self.finished = False
        self.points.append((lon, lat))

    def length_m(self, extra: tuple[float, float] | None = None) -> float:
        pts = self.points + ([extra] if extra else [])
        if self.area and len(pts) >= 3:
            pts = pts + [pts[0]]
        if len(pts) < 2:
            return 0.0
        return geodesic_length_m(shapely.LineString(pts))

    def area_m2(self, extra: tuple[float, float] | None = None) -> float:
        pts = self.points + ([extra] if extra else [])
        if len(pts) < 3:
            return 0.0
        return geodesic_area_m2(shapely.Polygon(pts))

    def text(self, extra: tuple[float, float] | None = None) -> str:
        length = format_distance(self.length_m(extra))
        if not self.area:
            return f"{tr('距离')}: {length}"
        return f"{tr('面积')}: {format_area(self.area_m2(extra))}    {tr('周长')}: {length}"
