"""Offline web map: one HTML file that works from a USB stick on a machine with no network.

Built with folium, with three changes to its defaults:

- folium's CDN scripts and styles (Leaflet, jQuery, Bootstrap, Font Awesome) are dropped
  and the vendored Leaflet 1.9.4 in ``geodata/web`` is inlined instead, its CSS images as
  ``data:`` URIs;
- no remote tiles: the basemap is the workspace's own land/sea/county vectors, or a user's
  local tile folder given as a relative URL template (``tiles/{z}/{x}/{y}.png``);
- popups and tooltips are built here with :func:`html.escape` and bound with our own
  ``onEachFeature`` (folium's GeoJsonPopup puts raw property values into innerHTML, so a
  name such as ``<img onerror=…>`` would run).

Geometries are simplified (about 1/3 of a pixel at zoom 13) and rounded to 1e-5 degrees
(about 1 m) to keep the file small and the map responsive.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from functools import partial
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geodata import files, schema
from geodata.messages import Message, in_language, localized
from models import report_style as st
from models.info import layer_title
from models.workspace import Workspace

DEFAULT_LAYERS = ("counties", "control_units", "bays", "protected_areas", "rivers", "outfalls")
KNOWN_LAYERS = DEFAULT_LAYERS + ("places", "coastline", "city")
#: simplification tolerance in degrees per layer (0.0001° ≈ 10 m)
SIMPLIFY = {"land": 0.0004, "sea": 0.0004, "counties": 0.0003, "city": 0.0003,
            "coastline": 0.0002, "control_units": 0.00015, "rivers": 0.0002,
            "bays": 0.0001, "protected_areas": 0.00005}
#: resource loads that would leave the file: src/href of script/link/img/iframe, CSS url()
#: and @import with an http(s) or protocol-relative URL
REMOTE_LOAD = re.compile(
    r"""<(?:script|link|img|iframe|source|audio|video|embed|object)\b[^>]*?"""
    r"""\b(?:src|href|data)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE)


class WebMapError(ValueError):
    """A web-map request that cannot be honoured (unknown layer, remote tiles…)."""


def _asset(name: str) -> bytes:
    return (resources.files("geodata") / "web" / name).read_bytes()


def leaflet_inline() -> tuple[str, str]:
    """(JS, CSS) of the vendored Leaflet, CSS images inlined as data: URIs."""
    js = _asset("leaflet.js").decode("utf-8")
    css = _asset("leaflet.css").decode("utf-8")
    for img in ("layers.png", "layers-2x.png"):
        data = base64.b64encode(_asset(f"images/{img}")).decode("ascii")
        css = css.replace(f"url(images/{img})", f"url(data:image/png;base64,{data})")
    # only L.Marker uses the default icon; we draw circle markers, so no icon is shipped
    css = css.replace("url(images/marker-icon.png)", "none")
    # "</script>" can not occur in Leaflet, but never let an inlined file end our tag
    return js.replace("</script", "<\\/script"), css


def remote_loads(html: str) -> list[str]:
    """Snippets of the HTML that would load something from the network (should be [])."""
    return [html[max(m.start() - 40, 0):m.end() + 40] for m in REMOTE_LOAD.finditer(html)]


# -- popups --------------------------------------------------------------------------------
def _v(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v)


def _popup(title: str, rows: Sequence[tuple[str, Any]], note: str = "") -> str:
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(_v(v))}</td></tr>"
                    for k, v in rows if _v(v) != "")
    extra = f'<div class="ez-note">{escape(note)}</div>' if note else ""
    return f'<div class="ez-pop"><b>{escape(title)}</b><table>{cells}</table>{extra}</div>'


WATER_KINDS = {"sea": ("入海", "Sea"), "river": ("入河", "River")}


def _value(r: dict[str, Any], lang: str, field: str) -> Any:
    """A vocabulary value (zone, status …) in ``lang``."""
    return schema.value_in(field, r.get(field), lang)


def _unit_popup(r: dict[str, Any], lang: str, note: str) -> str:
    t = partial(st.t, lang)
    cls = int(r.get("unit_class") or 0)
    zh, en = st.UNIT_CLASS_LABELS.get(cls, ("", ""))
    rows: list[tuple[str, Any]] = [(t("编码", "Code"), r.get("code")), (t("类别", "Class"),
                                   t(zh, en)), (t("行政区代码", "County"), r.get("county_code")),
                               (t("主导类型", "Theme"), _value(r, lang, "theme"))]
    # English: the unit's English texts where it has them, else the Chinese
    rows += [(t(z, e), schema.text_in(r, k, lang)) for k, z, e in st.DIMENSIONS]
    name = localized(r, "name", lang)
    return _popup(_v(name), rows, note)


def _popup_for(layer: str, r: dict[str, Any], lang: str, note: str) -> str:
    t = partial(st.t, lang)
    v = partial(_value, r, lang)
    name = _v(localized(r, "name", lang) or r.get("name"))
    if layer == "control_units":
        return _unit_popup(r, lang, note)
    if layer == "bays":
        return _popup(name, [(t("水质现状", "Water class"), v("wq_class")),
                             (t("水质目标", "Target"), r.get("wq_target")),
                             (t("目标年", "Target year"), r.get("target_year"))], note)
    if layer == "protected_areas":
        return _popup(name, [(t("级别", "Level"), v("level")),
                             (t("类型", "Kind"), v("kind")),
                             (t("分区", "Zone"), v("zone")),
                             (t("公布面积(公顷)", "Published area (ha)"),
                              r.get("area_published_ha"))], note)
    if layer == "outfalls":
        return _popup(name, [(t("编码", "Code"), r.get("code")),
                             (t("类型", "Type"), v("outfall_type")),
                             (t("子类", "Subtype"), v("subtype")),
                             (t("入海/入河", "Sea/river"), Message(*WATER_KINDS.get(
                                 _v(r.get("water_kind")), (r.get("water_kind"),) * 2)
                                 ).text(lang)),
                             (t("受纳水体", "Receiving water"), r.get("receiving_water")),
                             (t("整治", "Remediation"), v("remediation")),
                             (t("整治状态", "Status"), v("remediation_status")),
                             (t("核查状态", "Review status"), v("review_status"))], note)
    if layer == "counties":
        return _popup(name, [(t("代码", "Code"), r.get("code"))], note)
    return _popup(name, [], note)


# -- styles --------------------------------------------------------------------------------
def _style_for(layer: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def style(feature: dict[str, Any]) -> dict[str, Any]:
        k = feature["properties"].get("k")
        if layer == "control_units":
            fill, stroke = st.UNIT_CLASS_COLOURS.get(int(k or 0), ("#cccccc", "#888888"))
            if feature["properties"].get("s"):  # sea unit: blue dashed outline
                return {"fillColor": fill, "color": st.SEA_UNIT, "weight": 1.2,
                        "fillOpacity": 0.45, "dashArray": "5 3"}
            return {"fillColor": fill, "color": stroke, "weight": 0.8, "fillOpacity": 0.55}
        if layer == "bays":
            return {"fillColor": st.BAY[0], "color": st.BAY[1], "weight": 1.6,
                    "fillOpacity": 0.15, "dashArray": "6 3"}
        if layer == "protected_areas":
            return {"fillColor": st.PROTECTED[0], "color": st.PROTECTED[1], "weight": 1.8,
                    "fillOpacity": 0.25}
        if layer == "outfalls":
            colour = st.OUTFALL_RIVER if k == "river" else st.OUTFALL_SEA
            return {"fillColor": colour, "color": "#ffffff", "weight": 1, "fillOpacity": 0.95}
        if layer == "counties":
            return {"fill": False, "color": st.COUNTY_STROKE, "weight": 1.2,
                    "dashArray": "8 3 2 3"}
        if layer == "rivers":
            return {"color": "#4f8fc0", "weight": 1.2}
        if layer == "land":
            return {"fillColor": st.LAND[0], "color": st.LAND[1], "weight": 0.5,
                    "fillOpacity": 1.0}
        if layer == "sea":
            return {"fillColor": st.SEA[0], "color": st.SEA[1], "weight": 0, "fillOpacity": 1.0}
        return {"color": "#555555", "weight": 1}
    return style


# -- GeoJSON -------------------------------------------------------------------------------
def _round(g: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(g, lambda xy: np.round(xy, 5))


def feature_collection(ws: Workspace, layer: str, lang: str, popups: bool = True
                       ) -> dict[str, Any]:
    """A layer as GeoJSON with only what the map needs: id, style key, popup, tooltip."""
    import json

    frame = ws.layer(layer)
    note = st.t(lang, "示例数据，非官方成果", "Illustrative data, not official") \
        if ws.is_illustrative(layer) else ""
    geoms = frame.geometry.values
    tol = SIMPLIFY.get(layer, 0.0)
    if tol:
        geoms = shapely.simplify(geoms, tol, preserve_topology=True)
    features = []
    records = frame.drop(columns=frame.geometry.name).to_dict("records")
    for i, (g, r) in enumerate(zip(geoms, records, strict=True)):
        if g is None or shapely.is_empty(g):
            continue
        props: dict[str, Any] = {}
        if layer == "control_units":
            props["k"] = int(r.get("unit_class") or 0)
            if r.get("domain") == "sea":
                props["s"] = 1
        elif layer == "outfalls":
            props["k"] = _v(r.get("water_kind"))
        if popups and layer not in ("land", "sea"):
            props["p"] = _popup_for(layer, r, lang, note)
            name = localized(r, "name", lang) or r.get("name") or r.get("code")
            props["t"] = escape(_v(name))
        features.append({"type": "Feature", "id": i, "properties": props,
                         "geometry": json.loads(shapely.to_geojson(_round(g)))})
    return {"type": "FeatureCollection", "features": features}


ON_EACH = ("function(f, l) {"
           " if (f.properties.p) { l.bindPopup(f.properties.p, {maxWidth: 440}); }"
           " if (f.properties.t) { l.bindTooltip(f.properties.t, {sticky: true}); } }")


def _legend_html(lang: str, layers: Sequence[str]) -> str:
    rows = []
    for e in st.legend_entries(include_site=False):
        if e.kind in ("fill", "seaunit") and "control_units" not in layers:
            continue
        if e.kind == "point" and "outfalls" not in layers:
            continue
        if e.kind == "hatch":
            sw = (f'<span class="ez-sw" style="background:{e.fill};opacity:.5;'
                  f'border:2px solid {e.stroke}"></span>')
        elif e.kind == "seaunit":
            sw = (f'<span class="ez-sw" style="background:#e8e0b8;'
                  f'border:2px dashed {e.fill}"></span>')
        elif e.kind == "point":
            sw = f'<span class="ez-sw ez-pt" style="background:{e.fill}"></span>'
        elif e.kind == "fill":
            sw = (f'<span class="ez-sw" style="background:{e.fill};opacity:.75;'
                  f'border:1px solid {e.stroke}"></span>')
        else:
            sw = f'<span class="ez-sw" style="border:2px dashed {e.stroke}"></span>'
        rows.append(f"<div>{sw}{escape(e.label(lang))}</div>")
    return "".join(rows)


CSS = """
.leaflet-container{background:#d4e6f4;font-family:"Noto Sans CJK SC","Microsoft YaHei",
"PingFang SC",sans-serif}
.ez-box{background:rgba(255,255,255,.92);padding:6px 9px;border-radius:4px;font-size:12px;
box-shadow:0 1px 4px rgba(0,0,0,.3);line-height:1.5}
.ez-box h4{margin:0 0 4px;font-size:14px}
.ez-sw{display:inline-block;width:18px;height:11px;margin-right:6px;vertical-align:middle}
.ez-pt{width:10px;height:10px;border-radius:50%;margin:0 10px 0 4px}
.ez-pop table{border-collapse:collapse;margin-top:4px}
.ez-pop th{text-align:left;padding:1px 8px 1px 0;white-space:nowrap;vertical-align:top;color:#555}
.ez-pop td{padding:1px 0} .ez-note{color:#8a6d00;margin-top:4px}
.ez-warn{color:#8a6d00}
"""


def build_webmap(ws: Workspace, layers: Sequence[str] | None = None, lang: str = "zh",
                 tiles: str | None = None, title: str | None = None) -> str:
    """The HTML text of the offline web map."""
    import folium
    from branca.element import Element, MacroElement
    from folium.utilities import JsCode
    from jinja2 import Template

    layers = list(DEFAULT_LAYERS if not layers else layers)
    unknown = [n for n in layers if n not in KNOWN_LAYERS]
    if unknown:
        raise WebMapError(f"unknown layer(s) {', '.join(unknown)}; choose from "
                          f"{', '.join(KNOWN_LAYERS)} / 未知图层")
    if tiles and re.match(r"^\s*(https?:)?//", tiles, re.IGNORECASE):
        raise WebMapError("--tiles must be a local folder template such as "
                          "tiles/{z}/{x}/{y}.png, not a web address / 瓦片须为本地目录")
    layers = [n for n in layers if ws.has_layer(n)]
    present = [n for n in ("counties", "control_units", "land") if ws.has_layer(n)]
    if not present:
        raise WebMapError(f"workspace {ws.path.name} has nothing to map / 工作空间无可显示图层")
    minx, miny, maxx, maxy = ws.layer(present[0]).total_bounds
    t = partial(st.t, lang)

    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=9, tiles=None,
                   control_scale=True, prefer_canvas=False)
    m.default_js, m.default_css = [], []  # no CDN: Leaflet is inlined below
    js, css = leaflet_inline()
    root: Any = m.get_root()  # a branca Figure
    root.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
    root.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js")
    root.header.add_child(Element(f"<style>{CSS}</style>"), name="ecozone_css")
    root.title = title or t("生态环境分区管控一张图", "Environmental zoning map")

    base = folium.FeatureGroup(name=t("矢量底图（离线）", "Vector basemap (offline)"),
                               overlay=False, control=True)
    for name in ("sea", "land"):
        if ws.has_layer(name):
            folium.GeoJson(feature_collection(ws, name, lang, popups=False), name=name,
                           style_function=_style_for(name), control=False,
                           interactive=False).add_to(base)
    base.add_to(m)
    if tiles:
        folium.TileLayer(tiles=tiles, attr=t("本地瓦片", "local tiles"),
                         name=t("本地瓦片", "Local tiles"), overlay=False).add_to(m)

    for name in layers:
        label = layer_title(name, lang)
        if ws.is_illustrative(name):
            label += t("（示例数据）", " (illustrative)")
        kwargs: dict[str, Any] = {}
        if name in ("outfalls", "places"):
            kwargs["marker"] = folium.CircleMarker(radius=5 if name == "outfalls" else 3, fill=True,
                                                   fill_opacity=0.95, weight=1)
        folium.GeoJson(feature_collection(ws, name, lang), name=label,
                       style_function=_style_for(name), on_each_feature=JsCode(ON_EACH),
                       **kwargs).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])

    notice = ws.metadata.get(in_language(lang, "illustrative_notice_zh",
                                         "illustrative_notice_en"), "")
    head = escape(root.title)
    info = (f"<h4>{head}</h4>"
            + (f'<div class="ez-warn">{escape(notice)}</div>' if notice else "")
            + f"<div>{escape(ws.metadata.get('dataset', ''))} "
              f"{escape(ws.metadata.get('dataset_version', ''))}</div>")
    macro: Any = MacroElement()  # type: ignore[no-untyped-call]
    macro._template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            function box(pos, html) {
                var c = L.control({position: pos});
                c.onAdd = function() {
                    var d = L.DomUtil.create('div', 'ez-box');
                    d.innerHTML = html;
                    L.DomEvent.disableClickPropagation(d);
                    return d;
                };
                c.addTo(""" + m.get_name() + """);
            }
            box('bottomright', {{ this.legend|tojson }});
            box('topleft', {{ this.info|tojson }});
        })();
        {% endmacro %}""")
    macro.legend = f"<h4>{escape(t('图例', 'Legend'))}</h4>" + _legend_html(lang, layers)
    macro.info = info
    m.add_child(macro)
    html: str = root.render()
    html = html.replace('<html>', f'<html lang="{in_language(lang, "zh-CN", "en")}">', 1)
    leaks = remote_loads(html)
    if leaks:  # a folium upgrade that brings a new CDN include must not ship silently
        raise RuntimeError(f"web map would load remote resources: {leaks[:3]}")
    return html


def export_webmap(ws: Workspace, out: Path | str, layers: Sequence[str] | None = None,
                  lang: str = "zh", tiles: str | None = None,
                  title: str | None = None) -> dict[str, Any]:
    """Write the web map to ``out`` (atomically); return a small summary."""
    out = Path(out)
    html = build_webmap(ws, layers, lang, tiles, title)
    tmp = files.part_path(out)
    tmp.write_text(html, encoding="utf-8")
    files.finish(tmp, out)
    return {"out": str(out), "bytes": out.stat().st_size,
            "layers": [n for n in (layers or DEFAULT_LAYERS) if ws.has_layer(n)]}
