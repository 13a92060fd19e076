"""The QGIS side of the benchmark: render and join the same workspace with QGIS, print JSON.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/qgis_side.py --workspace W.gpkg \
        --size 1600x1000 --bbox-mercator minx,miny,maxx,maxy [--runs 3] [--join]

Runs under Debian's system Python with ``python3-qgis`` (not the EcoZone venv), in its own
process.  Same layers, same drawing order, same extent (Web Mercator) and size, similar
styling (control units categorised by class with EcoZone's colours, simple markers for
outfalls and places, plain fills and lines for the rest), no labels.  Rendering uses
``QgsMapRendererParallelJob`` (QGIS's own per-layer images in worker threads).

Figures in milliseconds: ``load_ms`` (open the layers), ``render_first_ms`` (first render,
provider caches cold), ``render_ms`` (median of the later renders), ``pan_ms`` (median of
renders of the view shifted by a third of its width, back and forth, as ``app.py render``
measures its pan), ``zoom_ms`` (first render of the view zoomed in two-fold about its
centre, the next zoom level), ``join_ms`` (``native:joinattributesbylocation``, outfalls
within units, one-to-one).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ORDER = ("sea", "land", "coastline", "rivers", "counties", "city", "control_units", "bays",
         "protected_areas", "places", "outfalls")
UNIT_COLOURS = {1: ((67, 160, 71, 110), (46, 125, 50)), 2: ((229, 57, 53, 105), (183, 28, 28)),
                3: ((253, 216, 53, 115), (190, 150, 20))}


def _style(layer, name):  # noqa: ANN001, ANN202 - QGIS types only exist in this process
    from qgis.core import (
        QgsCategorizedSymbolRenderer,
        QgsFillSymbol,
        QgsLineSymbol,
        QgsMarkerSymbol,
        QgsRendererCategory,
        QgsSingleSymbolRenderer,
    )

    def rgba(c):  # noqa: ANN001, ANN202
        return ",".join(str(v) for v in (tuple(c) + (255,))[:4])

    if name == "control_units":
        cats = []
        for cls, (fill, stroke) in UNIT_COLOURS.items():
            sym = QgsFillSymbol.createSimple({"color": rgba(fill), "outline_color":
                                              rgba(stroke), "outline_width": "0.2"})
            cats.append(QgsRendererCategory(cls, sym, str(cls)))
        layer.setRenderer(QgsCategorizedSymbolRenderer("unit_class", cats))
        return
    if name in ("outfalls", "places"):
        size = "2.4" if name == "outfalls" else "1.6"
        sym = QgsMarkerSymbol.createSimple({"name": "circle", "color": "198,40,40,255",
                                            "outline_color": "255,255,255,255",
                                            "size": size})
    elif name in ("coastline", "rivers"):
        sym = QgsLineSymbol.createSimple({"color": "86,138,186,255", "width": "0.3"})
    else:
        fills = {"sea": "200,224,242,255", "land": "246,244,238,255",
                 "bays": "30,136,229,30", "protected_areas": "0,121,107,80"}
        sym = QgsFillSymbol.createSimple({
            "color": fills.get(name, "0,0,0,0"),
            "outline_color": "0,0,0,0" if name in ("sea", "land") else "90,80,100,230",
            "outline_width": "0.3"})
    layer.setRenderer(QgsSingleSymbolRenderer(sym))


def _render(settings) -> float:  # noqa: ANN001
    from qgis.core import QgsMapRendererParallelJob

    job = QgsMapRendererParallelJob(settings)
    t = time.perf_counter()
    job.start()
    job.waitForFinished()
    elapsed = (time.perf_counter() - t) * 1000
    job.renderedImage()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--size", default="1600x1000")
    ap.add_argument("--bbox-mercator", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--join", action="store_true", help="also time the join by location")
    ap.add_argument("--out", default=None, help="PNG of the last render")
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    x0, y0, x1, y1 = (float(v) for v in args.bbox_mercator.split(","))

    from qgis.core import (
        Qgis,
        QgsApplication,
        QgsCoordinateReferenceSystem,
        QgsMapSettings,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    out: dict[str, object] = {"qgis": Qgis.version(), "threads": os.cpu_count()}
    t = time.perf_counter()
    layers = {}
    for name in ORDER:
        layer = QgsVectorLayer(f"{args.workspace}|layername={name}", name, "ogr")
        if layer.isValid():
            _style(layer, name)
            layers[name] = layer
    out["load_ms"] = round((time.perf_counter() - t) * 1000, 1)
    out["layers"] = {n: layer.featureCount() for n, layer in layers.items()}
    settings = QgsMapSettings()
    settings.setLayers([layers[n] for n in reversed(ORDER) if n in layers])  # top first
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setOutputSize(QSize(w, h))
    settings.setExtent(QgsRectangle(x0, y0, x1, y1))
    settings.setBackgroundColor(QColor(200, 224, 242))
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    times = [_render(settings) for _ in range(max(2, args.runs + 1))]
    out["render_first_ms"] = round(times[0], 1)
    out["render_ms"] = round(statistics.median(times[1:]), 1)
    out["render_runs_ms"] = [round(v, 1) for v in times]
    # the same pan and zoom as cli/render.py: a third of the width east and back, then
    # the next zoom level in about the centre of the first view
    shift = round(w / 3) * (x1 - x0) / w
    pans = []
    for i in range(max(1, args.runs)):
        d = shift if i % 2 == 0 else 0.0
        settings.setExtent(QgsRectangle(x0 + d, y0, x1 + d, y1))
        pans.append(_render(settings))
    out["pan_ms"] = round(statistics.median(pans), 1)
    cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 4, (y1 - y0) / 4
    settings.setExtent(QgsRectangle(cx - hw, cy - hh, cx + hw, cy + hh))
    out["zoom_ms"] = round(_render(settings), 1)
    settings.setExtent(QgsRectangle(x0, y0, x1, y1))
    if args.out:
        from qgis.core import QgsMapRendererParallelJob

        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(args.out)
    if args.join and "outfalls" in layers and "control_units" in layers:
        sys.path.append("/usr/share/qgis/python/plugins")
        import processing
        from processing.core.Processing import Processing
        from qgis.analysis import QgsNativeAlgorithms

        Processing.initialize()
        QgsApplication.processingRegistry().addProvider(QgsNativeAlgorithms())
        t = time.perf_counter()
        res = processing.run("native:joinattributesbylocation", {
            "INPUT": layers["outfalls"], "JOIN": layers["control_units"],
            "PREDICATE": [5],  # within
            "JOIN_FIELDS": ["code"], "METHOD": 1,  # one-to-one, first match
            "DISCARD_NONMATCHING": False, "PREFIX": "unit_", "OUTPUT": "memory:"})
        out["join_ms"] = round((time.perf_counter() - t) * 1000, 1)
        out["join_rows"] = res["OUTPUT"].featureCount()
    print(json.dumps(out), flush=True)
    sys.stderr.flush()
    # QGIS 3.22's teardown can crash after the work is done: leave without it
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
