"""The QGIS side of bench/bench_atlas.py: QGIS's atlas of every control unit, JSON out.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/qgis_atlas_side.py \
        --workspace W.gpkg --out units.pdf

Runs under Debian's system Python with ``python3-qgis`` (not the EcoZone venv), in its own
process.  The layout is the one the issue names: A4 landscape, a map following the atlas
feature (control units) with a 10 % margin, a label with the unit's code and name, a
legend and a scale bar; counties, units (categorised by class in EcoZone's colours) and
outfalls on the map, in Web Mercator as EcoZone's pages.  ``time_s`` is
``QgsLayoutExporter.exportToPdf`` of the atlas; ``load_s`` opening the layers and building
the layout.  No cover, index, graticule, overview, north arrow or facts: EcoZone's pages
carry those on top.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

UNIT_COLOURS = {1: "67,160,71,110", 2: "229,57,53,105", 3: "253,216,53,115"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    from qgis.core import (
        QgsApplication,
        QgsCategorizedSymbolRenderer,
        QgsCoordinateReferenceSystem,
        QgsFillSymbol,
        QgsLayoutExporter,
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutItemPage,
        QgsLayoutItemScaleBar,
        QgsLayoutPoint,
        QgsLayoutSize,
        QgsPrintLayout,
        QgsProject,
        QgsRendererCategory,
        QgsScaleBarSettings,
        QgsSingleSymbolRenderer,
        QgsUnitTypes,
        QgsVectorLayer,
    )

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    t0 = time.perf_counter()
    project = QgsProject.instance()
    layers = {}
    for name in ("counties", "control_units", "outfalls"):
        layer = QgsVectorLayer(f"{args.workspace}|layername={name}", name, "ogr")
        if not layer.isValid():
            print(f"cannot open {name}", file=sys.stderr)
            return 1
        project.addMapLayer(layer)
        layers[name] = layer
    # shown in Web Mercator, as EcoZone's pages; styled like them
    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    project.setCrs(mercator)
    cats = []
    for cls, rgba in UNIT_COLOURS.items():
        sym = QgsFillSymbol.createSimple({"color": rgba, "outline_color": "90,90,90"})
        cats.append(QgsRendererCategory(cls, sym, str(cls)))
    layers["control_units"].setRenderer(QgsCategorizedSymbolRenderer("unit_class", cats))
    layers["counties"].setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(
        {"color": "0,0,0,0", "outline_color": "120,110,130", "outline_style": "dash"})))

    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 page
    page = layout.pageCollection().page(0)
    page.setPageSize("A4", QgsLayoutItemPage.Landscape)

    map_item = QgsLayoutItemMap(layout)
    map_item.attemptMove(QgsLayoutPoint(10, 25, QgsUnitTypes.LayoutMillimeters))
    map_item.attemptResize(QgsLayoutSize(190, 170, QgsUnitTypes.LayoutMillimeters))
    map_item.setCrs(mercator)
    map_item.setLayers([layers["outfalls"], layers["counties"], layers["control_units"]])
    map_item.setAtlasDriven(True)
    map_item.setAtlasScalingMode(QgsLayoutItemMap.Auto)
    map_item.setAtlasMargin(0.10)
    layout.addLayoutItem(map_item)

    label = QgsLayoutItemLabel(layout)
    label.setText('[% "code" %] [% "name_zh" %]')
    label.attemptMove(QgsLayoutPoint(10, 8, QgsUnitTypes.LayoutMillimeters))
    label.attemptResize(QgsLayoutSize(270, 12, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(label)

    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(map_item)
    legend.attemptMove(QgsLayoutPoint(210, 25, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(legend)

    bar = QgsLayoutItemScaleBar(layout)
    bar.setStyle("Single Box")
    bar.setLinkedMap(map_item)
    bar.applyDefaultSize(QgsUnitTypes.DistanceKilometers)
    bar.setUnitLabel("km")
    # segments fitted to 20-60 mm on every page, as EcoZone's 1-2-5 bar
    bar.setSegmentSizeMode(QgsScaleBarSettings.SegmentSizeFitWidth)
    bar.setMinimumBarWidth(20)
    bar.setMaximumBarWidth(60)
    bar.setNumberOfSegments(2)
    bar.setNumberOfSegmentsLeft(0)
    bar.attemptMove(QgsLayoutPoint(210, 170, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(bar)

    atlas = layout.atlas()
    atlas.setCoverageLayer(layers["control_units"])
    atlas.setEnabled(True)
    load_s = time.perf_counter() - t0

    t = time.perf_counter()
    settings = QgsLayoutExporter.PdfExportSettings()
    result, error = QgsLayoutExporter.exportToPdf(atlas, args.out, settings)
    elapsed = time.perf_counter() - t
    if result != QgsLayoutExporter.Success:
        print(f"export failed: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"pages": atlas.count(), "time_s": round(elapsed, 3),
                      "load_s": round(load_s, 3)}))
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
