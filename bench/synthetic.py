"""Synthetic data for tests and benchmarks: workspaces of Voronoi control units and random
outfalls, and outfall tables of any size.

Not runtime code (issue 12: runtime packages hold runtime code); bench/ and tests/ import it
as ``bench.synthetic``.

The base map (land, sea, coastline, counties, city) is copied from any GeoPackage that has
it (the bundled one, or a preview); bays, protected areas, rivers and places come from the
bundled-data builders when they are importable.  Units are Voronoi cells over the Quanzhou
extent, outfalls random points.  Everything generated is marked illustrative.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import schema, store

BBOX = (117.55, 24.40, 119.10, 25.60)  # Quanzhou, lon/lat


def _grid_base() -> dict[str, gpd.GeoDataFrame]:
    """A stand-in base map when no GeoPackage with real boundaries is at hand."""
    x0, y0, x1, y1 = BBOX
    land = shapely.Polygon([(x0, y0 + 0.3), (x1 - 0.4, y0 + 0.2), (x1 - 0.2, y1), (x0, y1)])
    cells, codes = [], []
    xs = np.linspace(x0, x1, 5)
    ys = np.linspace(y0, y1, 4)
    for i in range(4):
        for j in range(3):
            cell = shapely.intersection(shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]), land)
            if not cell.is_empty:
                cells.append(cell)
                codes.append(f"3505{len(codes) + 21:02d}")
    counties = gpd.GeoDataFrame({"code": codes, "name_zh": [f"示例县{c[-2:]}" for c in codes],
                                 "name_en": [f"County {c[-2:]}" for c in codes]},
                                geometry=cells, crs=schema.CRS)
    sea = shapely.difference(shapely.box(*BBOX).buffer(0.5), land)
    return {
        "land": gpd.GeoDataFrame({"kind": ["land"]}, geometry=[land], crs=schema.CRS),
        "sea": gpd.GeoDataFrame({"kind": ["sea"]}, geometry=[sea], crs=schema.CRS),
        "coastline": gpd.GeoDataFrame({"kind": ["coast"]}, geometry=[land.exterior],
                                      crs=schema.CRS),
        "counties": counties,
        "city": gpd.GeoDataFrame({"code": ["350500"], "name_zh": ["泉州市"],
                                  "name_en": ["Quanzhou"]}, geometry=[land], crs=schema.CRS),
    }


def _base_layers(base: Path | None) -> dict[str, gpd.GeoDataFrame]:
    if base is None or not Path(base).exists():
        return _grid_base()
    out = {}
    contents = dict(store.list_contents(base))
    for name in ("land", "sea", "coastline", "counties", "city"):
        if contents.get(name) == "features":
            out[name] = store.read_layer(base, name)
    return out


def _optional_builders(base: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    out: dict[str, gpd.GeoDataFrame] = {}
    try:
        from geodata.build import bays, places, protected_areas, rivers
    except Exception:  # noqa: BLE001 - builders are optional in a synthetic workspace
        return out
    calls: list[tuple[str, Any]] = [
        ("bays", lambda: bays.build_bays(base["sea"])),
        ("protected_areas", lambda: protected_areas.build_protected_areas(
            base["land"], base["sea"], base["counties"])),
        ("rivers", rivers.build_rivers),
        ("places", lambda: places.build_places(base.get("land"))),
    ]
    for name, call in calls:
        try:
            out[name] = call()
        except Exception:  # noqa: BLE001 - a builder still being written must not stop us
            pass
    return out


def voronoi_units(n: int, counties: gpd.GeoDataFrame | None, land: shapely.Geometry | None,
                  seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` Voronoi control units over the Quanzhou extent with plausible attributes."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = BBOX
    pts = shapely.points(rng.uniform(x0, x1, n), rng.uniform(y0, y1, n))
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=shapely.box(*BBOX))
    geoms = np.asarray(shapely.get_parts(cells))
    geoms = shapely.intersection(geoms, shapely.box(*BBOX))
    geoms = geoms[~shapely.is_empty(geoms)]
    cent = shapely.centroid(geoms)
    county_codes = np.full(len(geoms), "350500", dtype=object)
    if counties is not None and len(counties):
        tree = shapely.STRtree(counties.geometry.values)
        near = tree.nearest(cent)
        county_codes = counties["code"].astype(str).values[near]
    domain = np.full(len(geoms), "land", dtype=object)
    if land is not None:
        domain[~shapely.contains(land, cent)] = "sea"
    cls = rng.choice([1, 2, 3], size=len(geoms), p=[0.35, 0.4, 0.25])
    serial: dict[tuple[str, int], int] = {}
    codes = []
    for cc, c in zip(county_codes, cls):
        serial[(cc, c)] = serial.get((cc, c), 0) + 1
        codes.append(f"ZH{cc}{c}{serial[(cc, c)]:04d}")
    themes = np.array(["生态保护红线", "工业园区", "城镇生活", "农业农村", "近岸海域"])
    frame = gpd.GeoDataFrame({
        "code": codes,
        "name_zh": [f"示例单元{i + 1}" for i in range(len(geoms))],
        "name_en": [f"Demo unit {i + 1}" for i in range(len(geoms))],
        "unit_class": cls.astype("int64"),
        "county_code": county_codes.astype(str),
        "domain": domain.astype(str),
        "theme": rng.choice(themes, len(geoms)),
        "kjbjys": "禁止新建、扩建不符合功能定位的项目。",
        "pwwpfgk": "严格执行污染物排放总量控制。",
        "hjfxfk": "加强环境风险源监管。",
        "zykfxlyq": "提高水资源利用效率。",
        "area_km2": np.round(shapely.area(geoms) * 111.0 * 101.0, 2),
    }, geometry=geoms, crs=schema.CRS)
    return frame


def random_outfalls(n: int, counties: gpd.GeoDataFrame | None, seed: int = 2,
                    ) -> gpd.GeoDataFrame:
    """``n`` random outfall points with every schema field filled."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = BBOX
    lon, lat = rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)
    pts = shapely.points(lon, lat)
    county_codes = np.full(n, "350582", dtype=object)
    if counties is not None and len(counties):
        near = shapely.STRtree(counties.geometry.values).nearest(pts)
        county_codes = counties["code"].astype(str).values[near]
    types = list(schema.OUTFALL_TYPES)
    t = rng.choice(len(types), n, p=[0.3, 0.1, 0.25, 0.35])
    kind = rng.choice(["sea", "river"], n, p=[0.6, 0.4])
    codes = [f"PWK{cc}{'H' if k == 'sea' else 'R'}{i % 10000:04d}"
             for i, (cc, k) in enumerate(zip(county_codes, kind))]
    return gpd.GeoDataFrame({
        "code": codes,
        "name_zh": [f"示例排污口{i + 1}" for i in range(n)],
        "outfall_type": np.array(types, dtype=object)[t],
        "subtype": [schema.OUTFALL_TYPES[types[k]][0] for k in t],
        "water_kind": kind,
        "receiving_water": rng.choice(["泉州湾", "晋江", "深沪湾", "围头湾", "洛阳江"], n),
        "discharge_mode": rng.choice(schema.DISCHARGE_MODES, n),
        "responsible_party": "示例企业",
        "county_code": county_codes.astype(str),
        "remediation": rng.choice(schema.REMEDIATION, n),
        "remediation_status": rng.choice(schema.REMEDIATION_STATUS, n),
        "review_status": rng.choice(schema.REVIEW_STATUS, n),
        "coord_source": rng.choice(schema.COORD_SOURCES, n),
    }, geometry=pts, crs=schema.CRS)


def _catalog() -> dict[str, pd.DataFrame]:
    try:
        from geodata.build.build_dataset import load_catalog
        return load_catalog()
    except Exception:  # noqa: BLE001
        return {}


def _metadata() -> pd.DataFrame:
    rows = {
        "dataset": "synthetic EcoZone workspace",
        "illustrative_layers": ",".join(schema.ILLUSTRATIVE_LAYERS),
        "illustrative_notice_zh": "示例数据：管控单元、排污口为随机生成，仅供测试。",
        "illustrative_notice_en": "Illustrative data: units and outfalls are random, "
                                  "for testing only.",
    }
    return pd.DataFrame({"key": list(rows), "value": list(rows.values())})


def make_workspace(out: Path, base: Path | None, n_units: int = 150, n_outfalls: int = 800,
                   seed: int = 1) -> Path:
    """Write a synthetic workspace GeoPackage to ``out`` and return its path."""
    layers: dict[str, pd.DataFrame] = dict(_base_layers(base))
    layers.update(_optional_builders(layers))  # type: ignore[arg-type]
    counties = layers.get("counties")
    land = layers.get("land")
    land_geom = shapely.union_all(land.geometry.values) if land is not None else None
    layers["control_units"] = voronoi_units(n_units, counties, land_geom, seed)  # type: ignore[arg-type]
    layers["outfalls"] = random_outfalls(n_outfalls, counties, seed + 1)  # type: ignore[arg-type]
    layers.update(_catalog())
    layers["metadata"] = _metadata()
    out = Path(out)
    if out.exists():
        out.unlink()
    store.write_layers(out, layers)
    return out


def synthetic_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` invented outfalls with schema vocabularies (benchmarks and tests only)."""
    rng = np.random.default_rng(seed)
    counties = ["350502", "350503", "350504", "350505", "350521", "350524", "350525",
                "350526", "350581", "350582", "350583"]
    types = list(schema.OUTFALL_TYPES)
    cc = rng.choice(counties, n)
    kinds = rng.choice(["sea", "river"], n)
    waters = np.array(["泉州湾", "深沪湾", "安海湾", "围头湾", "湄洲湾", "晋江", "洛阳江", "东溪"])
    frame = pd.DataFrame({
        "code": [f"PWK{c}{'H' if k == 'sea' else 'R'}{i:06d}" for i, (c, k) in
                 enumerate(zip(cc, kinds))],
        "name_zh": [f"{w}第{i}号排口" for i, w in enumerate(rng.choice(waters, n))],
        "outfall_type": rng.choice(types, n), "water_kind": kinds,
        "receiving_water": rng.choice(waters, n), "county_code": cc,
        "remediation": rng.choice(list(schema.REMEDIATION), n),
        "remediation_status": rng.choice(list(schema.REMEDIATION_STATUS), n),
        "review_status": rng.choice(list(schema.REVIEW_STATUS), n),
    })
    pts = shapely.points(rng.uniform(117.5, 119.2, n), rng.uniform(24.5, 25.9, n))
    return gpd.GeoDataFrame(frame, geometry=pts, crs="EPSG:4490")
