"""The PDF report never fails on geometry: 60 random sites over the city (issue 14)."""

from __future__ import annotations

from pathlib import Path

from models.report_map_svg import render_map_svg, with_font
from models.screening import SiteError, screen_site
from tests.models.random_sites import random_sites
from ui.reports.pdf import write_pdf
from ui.reports.qt_app import cjk_family


def test_sixty_random_sites_as_pdf(bundled_ws, tmp_path: Path) -> None:
    family = cjk_family()
    failures = []
    for k, (site, buffer_m) in enumerate(random_sites(60, seed=1414)):
        try:
            rep = screen_site(bundled_ws, site, buffer_m=buffer_m)
        except SiteError:
            continue
        out = tmp_path / f"site{k}.pdf"
        try:
            svg = with_font(render_map_svg(bundled_ws, rep.site, rep.buffer_m), family)
            pages = write_pdf(rep, svg, out, "zh" if k % 2 else "en")
        except Exception as exc:  # noqa: BLE001 - collect, then show them all
            failures.append((k, site.wkt[:120], f"{type(exc).__name__}: {exc}"))
            continue
        assert pages >= 1 and out.read_bytes().startswith(b"%PDF")
    assert failures == []


def test_an_unreadable_map_does_not_cost_the_report(bundled_ws, tmp_path: Path) -> None:
    from tests.models.random_sites import ISSUE_SITE

    rep = screen_site(bundled_ws, ISSUE_SITE, buffer_m=500)
    for svg in ("", "<svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 0"/>'):
        out = tmp_path / "r.pdf"
        assert write_pdf(rep, svg, out, "zh") >= 1 and out.read_bytes().startswith(b"%PDF")
