"""Offline web map: self-contained, escaped, and drawn by headless Chromium with no network.

How "no request leaves the file" is checked (three independent ways):

1. static: the HTML has no src/href/url()/@import pointing at http(s) or ``//`` hosts
   (:func:`models.webmap.remote_loads`), and it contains Leaflet itself;
2. offline: Chromium runs with a dead proxy (127.0.0.1:9) and every host name resolving to
   NOTFOUND, so anything remote the page needed would be missing — and the DOM must still
   contain Leaflet's drawn vector paths;
3. network log: Chromium writes a NetLog (``--log-net-log``) of every URL request made. The
   requests the *page* starts carry its origin as initiator (``null`` for a file:// page);
   Chromium's own background requests (component updater, account check) carry
   "not an origin" and are ignored.  No page-initiated request may be there.  A positive
   control page with an <img> and a fetch() to remote hosts proves the log catches them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from models.webmap import WebMapError, build_webmap, export_webmap, remote_loads
from models.workspace import Workspace
from tests.models.test_screening_support import EVIL, build_workspace

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return Workspace.open(build_workspace(tmp_path_factory.mktemp("wm") / "ws.gpkg"))


@pytest.fixture(scope="module")
def html_path(ws, tmp_path_factory):
    out = tmp_path_factory.mktemp("wmout") / "map.html"
    export_webmap(ws, out)
    return out


def test_self_contained_and_escaped(html_path):
    html = html_path.read_text(encoding="utf-8")
    assert remote_loads(html) == []
    assert "Leaflet 1.9.4" in html and "L.geoJson" in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    assert "data:image/png;base64," in html  # layer-control icon inlined
    # the evil name is never raw HTML: it reaches the page only escaped (&lt;script&gt;),
    # and folium's JSON writer additionally encodes < and > as \u003c \u003e
    assert EVIL not in html
    assert "&lt;script&gt;alert" in html.replace("\\u0026", "&")
    assert "<script>alert" not in html.replace("\\u003c", "<")
    # illustrative layers are marked in the layer switcher, legend and info box are there
    for text in ("环境管控单元（示例数据）", "图例", "示例数据：测试用。"):
        assert text in html or json.dumps(text)[1:-1] in html, text


def test_remote_load_scanner_catches_cdn_includes():
    assert remote_loads('<script src="https://cdn.jsdelivr.net/x.js"></script>')
    assert remote_loads("<link rel='stylesheet' href='//cdn.example.com/a.css'/>")
    assert remote_loads("a{background:url( 'https://tile.osm.org/1.png')}")
    assert remote_loads('<img src=http://a.b/c.png>')
    assert not remote_loads('<a href="https://leafletjs.com">Leaflet</a> '
                            '<svg xmlns="http://www.w3.org/2000/svg"></svg>')


def test_layers_option_and_errors(ws):
    html = build_webmap(ws, ["outfalls"], lang="en")
    assert "Outfalls (illustrative)" in html and "Control units" not in html
    with pytest.raises(WebMapError, match="unknown layer"):
        build_webmap(ws, ["nope"])
    with pytest.raises(WebMapError, match="local"):
        build_webmap(ws, tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    local = build_webmap(ws, tiles="tiles/{z}/{x}/{y}.png")
    assert "tiles/{z}/{x}/{y}.png" in local and remote_loads(local) == []


def _chromium(url: str, tmp: Path, *extra: str) -> tuple[str, list[dict]]:
    """Run headless Chromium offline on ``url``; return the DOM and page-initiated requests."""
    netlog = tmp / "netlog.json"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-default-apps", f"--user-data-dir={tmp / 'profile'}",
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--log-net-log={netlog}", "--net-log-capture-mode=Default",
           "--virtual-time-budget=8000", *extra, url]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    log = json.loads(netlog.read_text())
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    page = []
    for e in log["events"]:
        p = e.get("params", {})
        if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p and \
                p.get("initiator") != "not an origin":
            page.append(p)
    return run.stdout, page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_chromium_offline_draws_map_and_requests_nothing(html_path, tmp_path):
    dom, requests = _chromium(html_path.as_uri(), tmp_path, "--dump-dom")
    assert "环境管控单元（示例数据）" in dom and "示例数据：测试用。" in dom
    paths = re.findall(r'<path[^>]*class="leaflet-interactive"', dom)
    # 2 counties + 4 units + 1 bay + 2 protected areas + 3 outfalls (circle markers are paths)
    assert len(paths) >= 12, dom[:2000]
    assert "leaflet-control-layers" in dom and "ez-box" in dom
    assert [r.get("url") for r in requests if not str(r.get("url", "")).startswith(
        ("file:", "data:", "blob:"))] == []


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_network_log_catches_a_leaky_page(tmp_path):
    leak = tmp_path / "leak.html"
    leak.write_text('<html><body><img src="https://example.com/x.png">'
                    '<script>fetch("http://tiles.example.org/1/2/3.png").catch(e => 0)'
                    '</script></body></html>')
    _dom, requests = _chromium(leak.as_uri(), tmp_path, "--dump-dom")
    urls = {r.get("url") for r in requests}
    assert {"https://example.com/x.png", "http://tiles.example.org/1/2/3.png"} <= urls


OPEN_EVIL_POPUP = """<script>
window.addEventListener('load', function () { setTimeout(function () {
  Object.keys(window).forEach(function (k) {
    var v = window[k];
    if (v instanceof L.GeoJSON) { v.eachLayer(function (l) {
      if (l.feature.properties.t && l.feature.properties.t.indexOf('&lt;script') === 0) {
        l.openPopup(); } }); } });
}, 50); });
</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_popup_shows_a_script_name_as_text(html_path, tmp_path):
    # a test-only copy of the map opens the popup of the protected area named <script>…
    probe = tmp_path / "probe.html"
    probe.write_text(html_path.read_text(encoding="utf-8").replace(
        "</html>", OPEN_EVIL_POPUP + "</html>"), encoding="utf-8")
    dom, requests = _chromium(probe.as_uri(), tmp_path, "--dump-dom")
    popup = dom[dom.index('class="leaflet-popup-content'):]
    popup = popup[:popup.index("</table>")]
    assert "&lt;script&gt;alert('x')&lt;/script&gt;古森林" in popup
    assert "<script" not in popup and "核心区" in popup


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_bundled_workspace_web_map_offline(tmp_path):
    from geodata import store

    if not store.bundled_path().exists():
        pytest.skip("bundled dataset not built")
    ws = Workspace.open(store.bundled_path())
    out = tmp_path / "quanzhou.html"
    summary = export_webmap(ws, out)
    # responsive: a few MB at most (simplified, rounded); measured 2.7 MB, ~1 s to draw
    assert summary["bytes"] < 6_000_000
    dom, requests = _chromium(out.as_uri(), tmp_path, "--dump-dom")
    n_paths = len(re.findall(r'<path[^>]*class="leaflet-interactive"', dom))
    assert n_paths >= len(ws.layer("control_units")) + len(ws.layer("outfalls")) // 2
    assert [r["url"] for r in requests if not r["url"].startswith(("file:", "data:"))] == []


def test_sea_units_are_told_apart_in_web_map_and_report_map():
    """Sea control units get a dashed blue outline (web) / hatch (report SVG) and a legend line."""
    import shapely

    from geodata import store
    from models import report_style as st
    from models.report_map_svg import render_map_svg
    from models.webmap import _style_for, feature_collection

    bundled = Workspace.open(store.bundled_path())
    fc = feature_collection(bundled, "control_units", "zh", popups=False)
    sea = [f for f in fc["features"] if f["properties"].get("s")]
    n_sea = int((bundled.layer("control_units")["domain"] == "sea").sum())
    assert len(sea) == n_sea > 0
    style = _style_for("control_units")(sea[0])
    assert style["color"] == st.SEA_UNIT and style["dashArray"]
    html = build_webmap(bundled, lang="en")
    assert "Sea control unit (hatched)" in html
    # report map around 深沪湾: hatch lines in the sea-unit colour
    svg = render_map_svg(bundled, shapely.Point(118.70, 24.64).buffer(0.01), 500.0, lang="zh")
    assert f'stroke="{st.SEA_UNIT}"' in svg and "海域管控单元（斜线）" in svg
