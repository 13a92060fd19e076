"""Generate a synthetic EcoZone workspace of any size over the Quanzhou extent.

    python bench/make_workspace.py --outfalls 1000000 --units 20000 --out W.gpkg

The base map (land, sea, coastline, counties, city, rivers, bays, protected areas, places)
is copied from the bundled GeoPackage, so the map looks like Quanzhou.  Generated:

- ``control_units``: Voronoi cells over the city extent (land and near-shore sea), clipped
  to it, edges densified to 50-200 vertices per unit and bent by a smooth displacement
  field (so boundaries wiggle like surveyed ones and simplification has real work to do,
  while neighbours still share their edges), class 1/2/3, codes from ``schema.unit_code``.
- ``outfalls``: points clustered around towns and the coast plus a uniform scatter, every
  schema field filled from the schema's vocabularies.

Everything is vectorised numpy; 1M outfalls generate and write in well under a minute
(pyogrio with Arrow).  The workspace is marked illustrative (示例数据) in its metadata.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyogrio  # noqa: E402
import shapely  # noqa: E402

from geodata import schema, store  # noqa: E402

#: Quanzhou city extent with its near-shore sea, lon/lat (CGCS2000).
EXTENT = (117.55, 24.37, 119.18, 25.94)
BASE_LAYERS = ("land", "sea", "coastline", "counties", "city", "rivers", "bays",
               "protected_areas", "places")
RECEIVING = ("泉州湾", "晋江", "深沪湾", "围头湾", "洛阳江", "湄洲湾", "安海湾", "九十九溪")


def _bend(xy: np.ndarray, amp: float, wave: float) -> np.ndarray:
    """A smooth, deterministic displacement of lon/lat vertices.

    The same field moves every vertex, so two units that share an edge still share it
    (up to a sub-metre sampling difference) after bending.
    """
    x, y = xy[:, 0], xy[:, 1]
    k = 2 * np.pi / wave
    dx = amp * (np.sin(k * y + 1.3) * np.cos(0.7 * k * x) + 0.5 * np.sin(2.3 * k * y))
    dy = amp * (np.sin(k * x + 0.4) * np.cos(0.6 * k * y) + 0.5 * np.sin(1.9 * k * x))
    return np.column_stack([x + dx, y + dy])


def nearest_county(lon: np.ndarray, lat: np.ndarray, counties: gpd.GeoDataFrame | None,
                   default: str) -> np.ndarray:
    """County code of the nearest county centre (a synthetic stand-in for point-in-county).

    Exact point-in-county on the real boundaries costs minutes at 1M points (distance to
    multipolygons of thousands of vertices); for synthetic data the nearest centre will do.
    """
    if counties is None or not len(counties):
        return np.full(len(lon), default, dtype=object)
    c = shapely.point_on_surface(counties.geometry.values)
    cx, cy = shapely.get_x(c), shapely.get_y(c)
    best = np.zeros(len(lon), dtype=np.int64)
    best_d = np.full(len(lon), np.inf)
    for i in range(len(cx)):
        d = (lon - cx[i]) ** 2 + (lat - cy[i]) ** 2
        closer = d < best_d
        best[closer], best_d[closer] = i, d[closer]
    return counties["code"].astype(str).to_numpy()[best]


def make_units(n: int, counties: gpd.GeoDataFrame | None, land: shapely.Geometry | None,
               seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` Voronoi control units with 50-200 vertices each and plausible attributes."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = EXTENT
    box = shapely.box(*EXTENT)
    pts = shapely.multipoints(np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)]))
    cells = np.asarray(shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=box)))
    cells = shapely.intersection(cells, box)
    cells = cells[~shapely.is_empty(cells)]
    # densify: each unit gets a target of 50-200 vertices along its perimeter
    target = rng.integers(50, 201, len(cells))
    seg = shapely.length(cells) / target
    cells = shapely.segmentize(cells, seg)
    # bend by a field scaled to the unit size: gentle enough (slope < 0.4) not to fold edges
    size = float(np.sqrt((x1 - x0) * (y1 - y0) / n))
    cells = shapely.transform(cells, lambda xy: _bend(xy, 0.06 * size, 2.5 * size))
    bad = ~shapely.is_valid(cells)
    if bad.any():
        cells[bad] = shapely.make_valid(cells[bad])
    out = ~shapely.contains_properly(box, cells)
    cells[out] = shapely.intersection(cells[out], box)
    cells = cells[~shapely.is_empty(cells) & (shapely.get_type_id(cells) >= 3)]
    m = len(cells)
    cent = shapely.point_on_surface(cells)
    county = nearest_county(shapely.get_x(cent), shapely.get_y(cent), counties, "350500")
    domain = np.full(m, "land", dtype=object)
    if land is not None:
        shapely.prepare(land)
        domain[~shapely.contains(land, cent)] = "sea"
    cls = rng.choice([1, 2, 3], size=m, p=[0.35, 0.4, 0.25])
    # serial per (county, class), in order of appearance
    key = pd.Series(county).astype(str) + pd.Series(cls).astype(str)
    serial = key.groupby(key).cumcount().to_numpy() + 1
    codes = [schema.unit_code(c, int(k), int(s))
             for c, k, s in zip(county, cls, serial, strict=True)]
    themes = np.array(["生态保护红线", "工业园区", "城镇生活", "农业农村", "近岸海域"])
    ids = np.arange(1, m + 1).astype(str)
    return gpd.GeoDataFrame({
        "code": codes,
        "name_zh": np.char.add("示例单元", ids),
        "name_en": np.char.add("Demo unit ", ids),
        "unit_class": cls.astype("int64"),
        "county_code": county.astype(str),
        "domain": domain.astype(str),
        "theme": rng.choice(themes, m),
        "kjbjys": "禁止新建、扩建不符合功能定位的项目。",
        "pwwpfgk": "严格执行污染物排放总量控制。",
        "hjfxfk": "加强环境风险源监管。",
        "zykfxlyq": "提高水资源利用效率。",
    }, geometry=cells, crs=schema.CRS)


def _outfall_xy(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """70 % in Gaussian clusters (towns, industrial parks, the coast), 30 % uniform."""
    x0, y0, x1, y1 = EXTENT
    n_cl = int(n * 0.7)
    k = 400
    cx = rng.uniform(118.0, 119.0, k)
    cy = rng.uniform(24.5, 25.4, k)
    spread = rng.uniform(0.004, 0.04, k)
    which = rng.integers(0, k, n_cl)
    lon = np.concatenate([cx[which] + rng.normal(0, 1, n_cl) * spread[which],
                          rng.uniform(x0, x1, n - n_cl)])
    lat = np.concatenate([cy[which] + rng.normal(0, 1, n_cl) * spread[which],
                          rng.uniform(y0, y1, n - n_cl)])
    return np.clip(lon, x0, x1), np.clip(lat, y0, y1)


def make_outfalls(n: int, counties: gpd.GeoDataFrame | None, seed: int = 2,
                  ) -> gpd.GeoDataFrame:
    """``n`` outfall points with every schema field filled (vectorised)."""
    rng = np.random.default_rng(seed)
    lon, lat = _outfall_xy(n, rng)
    order = np.lexsort((lon, np.round(lat, 2)))  # rows roughly in space order, like real data
    lon, lat = lon[order], lat[order]
    pts = shapely.points(lon, lat)
    county = nearest_county(lon, lat, counties, "350582")
    types = list(schema.OUTFALL_TYPES)
    t = rng.choice(len(types), n, p=[0.3, 0.1, 0.25, 0.35])
    sub_first = np.array([schema.OUTFALL_TYPES[k][0] for k in types], dtype=object)
    kind = np.where(rng.random(n) < 0.6, "sea", "river")
    # PWK + county + H/R + 4-digit serial per (county, kind).  The national format has room
    # for 9 999 per group; bigger synthetic inventories wrap (codes then repeat), names stay
    # unique.
    group = pd.Series(county).astype(str) + pd.Series(kind)
    serial = (group.groupby(group).cumcount().to_numpy() % 9999) + 1
    hr = np.where(kind == "sea", "H", "R")
    codes = (pd.Series(county, dtype=str).str.cat([pd.Series(hr),
             pd.Series(serial).astype(str).str.zfill(4)]).radd("PWK"))
    ids = pd.Series(np.arange(1, n + 1)).astype(str)
    return gpd.GeoDataFrame({
        "code": codes.to_numpy(),
        "name_zh": ("示例排污口" + ids).to_numpy(),
        "outfall_type": np.array(types, dtype=object)[t],
        "subtype": sub_first[t],
        "water_kind": kind,
        "receiving_water": rng.choice(np.array(RECEIVING, dtype=object), n),
        "discharge_mode": rng.choice(np.array(schema.DISCHARGE_MODES, dtype=object), n),
        "responsible_party": "示例企业",
        "county_code": county.astype(str),
        "remediation": rng.choice(np.array(schema.REMEDIATION, dtype=object), n),
        "remediation_status": rng.choice(np.array(schema.REMEDIATION_STATUS, dtype=object), n),
        "review_status": rng.choice(np.array(schema.REVIEW_STATUS, dtype=object), n),
        "coord_source": rng.choice(np.array(schema.COORD_SOURCES, dtype=object), n),
    }, geometry=pts, crs=schema.CRS)


def _metadata(n_units: int, n_outfalls: int) -> pd.DataFrame:
    rows = {
        "dataset": f"synthetic EcoZone benchmark workspace ({n_outfalls} outfalls, "
                   f"{n_units} units)",
        "illustrative_layers": ",".join(schema.ILLUSTRATIVE_LAYERS),
        "illustrative_notice_zh": "示例数据：管控单元、排污口为随机生成，仅供性能测试。",
        "illustrative_notice_en": "Illustrative data: units and outfalls are random, "
                                  "for benchmarks only.",
    }
    return pd.DataFrame({"key": list(rows), "value": list(rows.values())})


def make_workspace(out: Path, n_outfalls: int, n_units: int, base: Path | None = None,
                   seed: int = 1) -> dict[str, float]:
    """Write the workspace to ``out``; returns timings in seconds."""
    t0 = time.perf_counter()
    base = Path(base) if base is not None else store.bundled_path()
    layers: dict[str, pd.DataFrame] = {}
    if base.exists():
        contents = dict(store.list_contents(base))
        for name in BASE_LAYERS:
            if contents.get(name) == "features":
                layers[name] = store.read_layer(base, name)
    counties = layers.get("counties")
    land = layers.get("land")
    land_geom = shapely.union_all(land.geometry.values) if land is not None else None
    t1 = time.perf_counter()
    units = make_units(n_units, counties, land_geom, seed)  # type: ignore[arg-type]
    t2 = time.perf_counter()
    outfalls = make_outfalls(n_outfalls, counties, seed + 1)  # type: ignore[arg-type]
    t3 = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.stem + ".part.gpkg")
    if tmp.exists():
        tmp.unlink()
    for name, frame in layers.items():
        pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", promote_to_multi=False)
    for name, frame in (("control_units", units), ("outfalls", outfalls)):
        pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", use_arrow=True,
                                promote_to_multi=False)
    pyogrio.write_dataframe(_metadata(len(units), n_outfalls), tmp, layer="metadata",
                            driver="GPKG")
    # the index of the outfalls' codes that an import into a workspace makes
    # (geodata/io/workspace_import.py): without it the first edit's save made it, ~0.6 s
    # of the window's GUI thread at 1M, which no imported inventory costs
    con = sqlite3.connect(tmp)
    try:
        con.execute('CREATE INDEX IF NOT EXISTS idx_outfalls_code ON "outfalls" (code)')
        con.commit()
    finally:
        con.close()
    tmp.replace(out)  # a half-written workspace is never picked up from the cache
    t4 = time.perf_counter()
    n_vertices = int(shapely.get_num_coordinates(units.geometry.values).sum())
    return {"base_s": round(t1 - t0, 2), "units_s": round(t2 - t1, 2),
            "outfalls_s": round(t3 - t2, 2), "write_s": round(t4 - t3, 2),
            "total_s": round(t4 - t0, 2), "units": len(units), "outfalls": n_outfalls,
            "unit_vertices_mean": round(n_vertices / max(len(units), 1), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outfalls", type=int, required=True)
    ap.add_argument("--units", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--base", type=Path, default=None,
                    help="GeoPackage to copy the base map from (default: the bundled one)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.outfalls < 1 or args.units < 2:
        print("make_workspace: need --outfalls >= 1 and --units >= 2", file=sys.stderr)
        return 2
    info = make_workspace(args.out, args.outfalls, args.units, args.base, args.seed)
    print(json.dumps({"out": str(args.out), **info}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
