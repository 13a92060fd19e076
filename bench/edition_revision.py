"""A generated revision (动态更新) of the bundled control units, for tests and benchmarks.

Not runtime code.  Starting from the bundled units (illustrative, 示例数据) it makes one of
each change an edition comparison must recognise, deterministically (the units are picked
by rule, not at random):

- split: the largest general-control land unit is cut in two along a north–south line;
  the western part keeps the code, the eastern part gets a new serial;
- merged: two neighbouring general-control units of one county become one (the first
  code stays);
- reclassified with a code change: the general-control unit holding most outfalls becomes
  key control (class digit 3 → 2 in the code: a renamed code with the same geometry);
- reclassified in place: a key-control unit becomes priority protection, code kept;
- redrawn: a strip of a neighbour (same county) is moved into a key-control unit;
- requirement changed: one clause of one unit's 空间布局约束 is rewritten;
- renamed: one unit gets a new serial, nothing else changes;
- removed: one sea unit is dropped.

``make_revision(units)`` returns the revised frame and a dict naming the units involved,
so tests can check that the comparison finds exactly these.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely


def _new_code(code: str, cls: int | None = None, serial: int | None = None) -> str:
    county, c, s = code[2:8], int(code[8]), int(code[9:])
    return f"ZH{county}{cls if cls is not None else c}{(serial if serial is not None else s):04d}"


def _free_serial(codes: set[str], county: str, cls: int) -> int:
    used = {int(c[9:]) for c in codes if c[2:8] == county and int(c[8]) == cls}
    return max(used | {0}) + 101


def make_revision(units: gpd.GeoDataFrame, outfalls: gpd.GeoDataFrame | None = None
                  ) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """The revised units and what was done to which codes."""
    u = units.copy().reset_index(drop=True)
    codes = set(u["code"].astype(str))
    done: dict[str, Any] = {}
    land3 = u[(u["domain"] == "land") & (u["unit_class"] == 3)]
    area = shapely.area(np.asarray(land3.geometry.array))

    # split: the largest general-control land unit, cut at its centroid's longitude
    i = int(land3.index[int(np.argmax(area))])
    g = u.geometry.iloc[i]
    cx = shapely.centroid(g).x
    minx, miny, maxx, maxy = g.bounds
    west = shapely.intersection(g, shapely.box(minx - 1, miny - 1, cx, maxy + 1))
    east = shapely.intersection(g, shapely.box(cx, miny - 1, maxx + 1, maxy + 1))
    code = str(u.at[i, "code"])
    part = u.loc[[i]].copy()
    new = _new_code(code, serial=_free_serial(codes, code[2:8], 3))
    part["code"], part["name_zh"] = new, str(u.at[i, "name_zh"]) + "（东）"
    part = part.set_geometry([east], crs=u.crs)
    u.loc[i, "geometry"] = west
    done["split"] = (code, [code, new])
    codes.add(new)

    # merged: two neighbouring general-control units of one county (not the split one)
    tree = shapely.STRtree(np.asarray(u.geometry.array))
    merged = None
    for a in land3.index.tolist():
        if a == i:
            continue
        for b in tree.query(u.geometry.iloc[a], predicate="intersects").tolist():
            if b in (a, i) or u.at[b, "unit_class"] != 3 or u.at[b, "domain"] != "land" \
                    or u.at[b, "county_code"] != u.at[a, "county_code"]:
                continue
            shared = shapely.intersection(u.geometry.iloc[a], u.geometry.iloc[b])
            if shared.length > 0.01:
                merged = (a, b)
                break
        if merged:
            break
    assert merged is not None
    a, b = merged
    u.loc[a, "geometry"] = shapely.union(u.geometry.iloc[a], u.geometry.iloc[b])
    done["merged"] = ([str(u.at[a, "code"]), str(u.at[b, "code"])], str(u.at[a, "code"]))
    taken = {i, a, b}

    # reclassified 3 -> 2 with the code's class digit: the unit holding most outfalls
    pts = np.asarray(outfalls.geometry.array) if outfalls is not None else np.zeros(0)
    counts = np.zeros(len(u), dtype=int)
    if len(pts):
        _, uu = shapely.STRtree(np.asarray(u.geometry.array)).query(pts, predicate="within")
        counts = np.bincount(uu, minlength=len(u))
    order = [k for k in np.argsort(-counts, kind="stable").tolist()
             if k not in taken and u.at[k, "unit_class"] == 3 and k < len(units)]
    r = order[0]
    old = str(u.at[r, "code"])
    u.loc[r, "code"] = _new_code(old, cls=2, serial=_free_serial(codes, old[2:8], 2))
    u.loc[r, "unit_class"] = 2
    done["reclassified_renamed"] = (old, str(u.at[r, "code"]), int(counts[r]))
    taken.add(r)

    # reclassified in place 2 -> 1 (code kept)
    k2 = next(k for k in range(len(u)) if k not in taken and u.at[k, "unit_class"] == 2
              and u.at[k, "domain"] == "land")
    u.loc[k2, "unit_class"] = 1
    done["reclassified"] = (str(u.at[k2, "code"]), 2, 1)
    taken.add(k2)

    # redrawn: a key-control unit takes a 300 m strip of a neighbour
    tree = shapely.STRtree(np.asarray(u.geometry.array))
    for k in range(len(u)):
        if k in taken or u.at[k, "unit_class"] != 2 or u.at[k, "domain"] != "land":
            continue
        nbrs = [m for m in tree.query(u.geometry.iloc[k], predicate="intersects").tolist()
                if m != k and m not in taken and u.at[m, "domain"] == "land"
                and u.at[m, "county_code"] == u.at[k, "county_code"]]
        if not nbrs:
            continue
        m = nbrs[0]
        strip = shapely.intersection(shapely.buffer(u.geometry.iloc[k], 0.003),
                                     u.geometry.iloc[m])
        if shapely.area(strip) <= 0:
            continue
        u.loc[k, "geometry"] = shapely.union(u.geometry.iloc[k], strip)
        u.loc[m, "geometry"] = shapely.difference(u.geometry.iloc[m], strip)
        done["redrawn"] = (str(u.at[k, "code"]), str(u.at[m, "code"]))
        taken |= {k, m}
        break

    # a requirement rewritten, in the first untouched unit with a numbered clause
    k3 = next((k for k in range(len(u)) if k not in taken and "2. " in str(u.at[k, "kjbjys"])),
              next(k for k in range(len(u)) if k not in taken))
    text = str(u.at[k3, "kjbjys"])
    u.loc[k3, "kjbjys"] = text.replace("2. ", "2. 新建项目须同步建设污染治理设施。", 1) \
        if "2. " in text else text + " 2. 新建项目须同步建设污染治理设施。"
    taken.add(k3)
    done["requirement"] = (str(u.at[k3, "code"]), "kjbjys")

    # renamed: a new serial, nothing else
    k4 = next(k for k in range(len(u)) if k not in taken and u.at[k, "domain"] == "land")
    old4 = str(u.at[k4, "code"])
    u.loc[k4, "code"] = _new_code(old4, serial=_free_serial(codes, old4[2:8], int(old4[8])))
    done["renamed"] = (old4, str(u.at[k4, "code"]))
    taken.add(k4)

    # removed: the first untouched sea unit
    k5 = next(k for k in range(len(u)) if k not in taken and u.at[k, "domain"] == "sea")
    done["removed"] = str(u.at[k5, "code"])
    drop = [b, k5]
    out = gpd.GeoDataFrame(
        __import__("pandas").concat([u.drop(index=drop), part], ignore_index=True),
        geometry="geometry", crs=units.crs)
    if "area_km2" in out.columns:
        out["area_km2"] = out["area_km2"].astype(float)
    return out, done
