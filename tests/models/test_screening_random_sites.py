"""The screening report never fails on geometry: 300 random sites over the whole city and
its urban core, each screened and written as an HTML report with its SVG map (issue 14)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import shapely

from models.report_html import render_html
from models.report_map_svg import clip_rect, render_map_svg
from models.screening import SiteError, screen_site
from tests.models.random_sites import ISSUE_SITE, random_sites


def test_clip_survives_what_geos_rectangle_clipping_refuses(bundled_ws) -> None:
    """The control unit whose sliver made GEOS build a 3-point ring for the issue's site."""
    from models.report_map_svg import frame_for

    box = frame_for(ISSUE_SITE, 1000.0, 1000, 760).lonlat_box()
    units = bundled_ws.layer("control_units").geometry.values
    for g in units[bundled_ws.index("control_units").tree.query(box)]:
        out = clip_rect(g, *box.bounds)  # never raises
        assert out.is_empty or out.within(box.buffer(1e-9))


def test_three_hundred_random_sites_as_html(bundled_ws) -> None:
    failures = []
    for k, (site, buffer_m) in enumerate(random_sites(300, seed=14)):
        lang = "en" if k % 2 else "zh"
        try:
            rep = screen_site(bundled_ws, site, buffer_m=buffer_m)
        except SiteError:  # a site the screening refuses (too large …) is a user error
            continue
        try:
            svg = render_map_svg(bundled_ws, rep.site, rep.buffer_m, lang=lang)
            ET.fromstring(svg)  # well-formed: the PDF's renderer parses it too
            html = render_html(rep, svg, lang)
        except Exception as exc:  # noqa: BLE001 - collect, then show them all
            failures.append((k, shapely.to_wkt(site, rounding_precision=5), buffer_m,
                             f"{type(exc).__name__}: {exc}"))
            continue
        assert "<svg" in html
    assert failures == []


@pytest.mark.parametrize("text", [
    "118.59,24.89; 118.62,24.89; 118.62,24.92; 118.59,24.92",
    "118.59 24.89, 118.62 24.89, 118.62 24.92, 118.59 24.92",
    "POLYGON((118.59 24.89, 118.62 24.89, 118.62 24.92, 118.59 24.92, 118.59 24.89))"])
def test_the_issue_site_in_each_spelling(bundled_ws, text) -> None:
    from models.site_input import read_site

    site = read_site(text)
    assert site.polygon.equals(ISSUE_SITE)
    rep = screen_site(bundled_ws, site.polygon, buffer_m=1000)
    assert "<path" in render_map_svg(bundled_ws, rep.site, rep.buffer_m)


def test_degenerate_pieces_draw_nothing_rather_than_bad_paths() -> None:
    from models.report_map_svg import path_d

    pieces = shapely.GeometryCollection([shapely.Polygon(), shapely.Point(1, 1),
                                         shapely.LineString([(0, 0), (0, 0)]),
                                         shapely.box(0, 0, 10, 10)])
    d = path_d(pieces)
    assert "MZ" not in d and d.count("M") == 2  # the square, and the zero-length line
    assert path_d(shapely.MultiPolygon()) == ""
