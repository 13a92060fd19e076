"""Random site polygons over Quanzhou for the screening robustness tests (seeded).

Half over the whole city's extent, half over the urban core (鲤城、丰泽、晋江、石狮), where
control units, protected areas and counties are densest and thin slivers of them meet the
map's frame: there the report map's clipping used to fail (issue 14).  Rectangles,
triangles and star-shaped polygons of 0.2–5 km, with buffers of 0–3 km.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import shapely

CITY = (117.55, 24.37, 119.04, 25.94)
CORE = (118.50, 24.70, 118.72, 24.97)
#: the site of the issue: "unexpected error: GEOSException … LinearRing found 3"
ISSUE_SITE = shapely.box(118.59, 24.89, 118.62, 24.92)


def random_sites(n: int, seed: int) -> Iterator[tuple[shapely.Polygon, float]]:
    rng = np.random.default_rng(seed)
    yield ISSUE_SITE, 1000.0
    for k in range(n - 1):
        x0, y0, x1, y1 = CORE if k % 2 else CITY
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
        w, h = rng.uniform(0.002, 0.05, 2)
        kind = k % 3
        if kind == 0:
            site = shapely.box(cx, cy, cx + w, cy + h)
        elif kind == 1:
            site = shapely.Polygon([(cx, cy), (cx + w, cy), (cx + w / 2, cy + h)])
        else:
            ang = np.sort(rng.uniform(0, 2 * np.pi, 7))
            r = rng.uniform(0.3, 1.0, 7)
            site = shapely.Polygon(np.column_stack([cx + w * r * np.cos(ang),
                                                    cy + h * r * np.sin(ang)]))
        yield shapely.make_valid(site) if not site.is_valid else site, \
            float(rng.choice([0.0, 500.0, 1000.0, 3000.0]))
