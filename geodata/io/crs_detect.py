"""Which coordinate system a file is in, and getting it into CGCS2000 (EPSG:4490).

- ``.prj`` in ESRI or OGC WKT form, including non-standard CGCS2000 spellings
  (``GEOGCS["CGCS_2000", DATUM["D_2000", ...]]``) and the Gauss-Kruger zones with or
  without the zone number prefixed to the easting (False_Easting 40500000 vs 500000).  A
  mismatch between the declared false easting and the coordinates (eastings of 40 5xx xxx
  with a 500000 .prj, or the reverse) is detected and corrected, with a note.
- Xian 1980 and Beijing 1954: PROJ has no grid for China, so the datum shift to CGCS2000
  is a "ballpark" one (same latitude/longitude, different ellipsoid).  The two differ by
  tens of metres and up to about 100 m; a note says so.  Survey-grade work needs the
  bureau's local 7-parameter transformation.
- No CRS → :func:`infer_candidates` from the coordinate ranges, ranked by whether the data
  then falls inside Quanzhou; the caller asks the user (the command line refuses and lists
  the candidates).
- GCJ-02 and BD-09 (Amap/Tencent, Baidu): converted with :mod:`geodata.chinese_crs`.
  Measured over the Quanzhou extent (50x50 grid), the round trip error is below 1e-6 m for
  GCJ-02 and below 0.12 m for BD-09 (its published inverse is approximate) — far below the
  0.55–0.62 km (GCJ-02) and 1.1–1.2 km (BD-09) offsets being removed.  The result is as
  accurate as the web map the points were picked on.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from pyproj import CRS, Transformer

from geodata.chinese_crs import bd09_to_wgs84, gcj02_to_wgs84
from geodata.io.crs_candidates import Candidate
from geodata.io.dms import in_quanzhou
from geodata.io.messages import ImportRefused, Notes, msg

TARGET = CRS.from_epsg(4490)
WEB_CHINESE = ("gcj02", "bd09")
ACCURACY_M = {"gcj02": 0.01, "bd09": 0.2}


def parse_crs_option(text: str | None) -> str | CRS:
    """'auto', 'gcj02', 'bd09' or a pyproj CRS from 'EPSG:n', 'n', 'cgcs2000', 'wgs84', WKT."""
    t = (text or "auto").strip()
    key = t.lower().replace("-", "").replace("_", "")
    if key in ("", "auto"):
        return "auto"
    if key in ("gcj02", "bd09"):
        return key
    if key in ("cgcs2000", "4490"):
        return TARGET
    if key in ("wgs84", "4326"):
        return CRS.from_epsg(4326)
    try:
        return CRS.from_user_input(int(t) if t.isdigit() else t)
    except Exception:
        raise ImportRefused(msg(f"无法识别坐标系“{t}”（可用 auto、EPSG:n、gcj02、bd09）",
                                f"unknown coordinate system '{t}' "
                                "(use auto, EPSG:n, gcj02 or bd09)")) from None


def normalize_crs(crs: CRS) -> CRS:
    """Map non-standard spellings of CGCS2000 geographic (ESRI 'D_2000' etc.) to EPSG:4490."""
    if crs.is_geographic and crs.to_epsg() is None:
        e = crs.ellipsoid
        name = (crs.name + " " + (crs.datum.name if crs.datum else "")).upper()
        if e is not None and abs(e.semi_major_metre - 6378137.0) < 0.5 and \
                ("2000" in name or "CGCS" in name):
            return TARGET
    epsg = crs.to_epsg(min_confidence=90)
    return CRS.from_epsg(epsg) if epsg else crs


def _false_easting(crs: CRS) -> float | None:
    if not crs.is_projected or crs.coordinate_operation is None:
        return None
    for p in crs.coordinate_operation.params:
        if p.name.lower().replace(" ", "_") == "false_easting":
            return float(p.value)
    return None


def _with_false_easting(crs: CRS, fe: float) -> CRS:
    d = crs.to_json_dict()
    for p in d["conversion"]["parameters"]:
        if p["name"].lower().replace(" ", "_") == "false_easting":
            p["value"] = fe
    return normalize_crs(CRS.from_json_dict(d))


def fix_zone_prefix(crs: CRS, minx: float, maxx: float, notes: Notes) -> CRS:
    """Correct a Gauss-Kruger .prj whose false easting disagrees with the coordinates."""
    fe = _false_easting(crs)
    if fe is None or not math.isfinite(minx):
        return crs
    prefixed_data = minx > 1e7 and maxx < 1e8
    if fe == 500000.0 and prefixed_data:
        zone = int(minx // 1e6)
        notes.add(f"东坐标带有带号 {zone}（.prj 未含带号），已按带号处理",
                  f"eastings carry the zone number {zone} although the .prj does not; "
                  "treated as zone-prefixed")
        return _with_false_easting(crs, zone * 1e6 + 500000.0)
    if fe > 1e7 and maxx < 1.5e6:
        notes.add("东坐标不含带号（.prj 含带号），已按不带带号处理",
                  "eastings carry no zone number although the .prj has one; treated as "
                  "without zone prefix")
        return _with_false_easting(crs, 500000.0)
    return crs


def _center_lands(crs: CRS, x: float, y: float) -> bool:
    try:
        t = Transformer.from_crs(crs, TARGET, always_xy=True)
        lon, lat = t.transform(x, y)
    except Exception:
        return False
    return bool(np.isfinite(lon) and in_quanzhou(lon, lat))


_GK_CANDIDATES = (4548, 4549, 2384, 2385, 4509)  # CGCS2000/Xian80 3° CM117/120, 6° CM117
_PREFIX = {39: (4527, 2363), 40: (4528, 2364), 20: (4498, 2333), 38: (4526, 2362),
           41: (4529, 2365)}


def infer_candidates(bounds: tuple[float, float, float, float]) -> list[Candidate]:
    """CRS candidates for coordinates in ``bounds``, those landing in Quanzhou first."""
    minx, miny, maxx, maxy = bounds
    if not all(math.isfinite(v) for v in bounds):
        return []
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    out: list[Candidate] = []
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        inside = in_quanzhou(cx, cy)
        out += [Candidate("EPSG:4490", "CGCS2000 经纬度 / lon-lat", inside),
                Candidate("EPSG:4326", "WGS84 经纬度 / lon-lat", inside),
                Candidate("gcj02", "高德/腾讯 GCJ-02", inside),
                Candidate("bd09", "百度 BD-09", inside)]
        if not inside and in_quanzhou(cy, cx):
            out.insert(0, Candidate("EPSG:4490", "CGCS2000 (经纬度对调 / lat-lon swapped)",
                                    True))
        return out
    codes: list[int] = []
    if 1e7 <= minx < 1e8 and int(minx // 1e6) == int(maxx // 1e6):
        codes += list(_PREFIX.get(int(minx // 1e6), ()))
    elif 0 < minx and maxx < 1.2e6 and 0 < miny and maxy < 1e7:
        codes += list(_GK_CANDIDATES)
    if abs(cx) <= 2.0037e7 and abs(cy) <= 2.0037e7:
        codes.append(3857)
    for code in codes:
        crs = CRS.from_epsg(code)
        out.append(Candidate(f"EPSG:{code}", crs.name, _center_lands(crs, cx, cy)))
    out.sort(key=lambda c: not c.in_quanzhou)
    return out


def refuse_unknown_crs(bounds: tuple[float, float, float, float], why_zh: str,
                       why_en: str) -> ImportRefused:
    """The refusal of data without a usable CRS, with the candidates as data."""
    cands = infer_candidates(bounds)
    listed = "; ".join(c.label() for c in cands) or "—"
    return ImportRefused(
        msg(f"{why_zh}；请用 --crs 指定坐标系。候选：{listed}",
            f"{why_en}; give the coordinate system with --crs. Candidates: {listed}"),
        crs_candidates=tuple(cands))


def datum_note(crs: CRS, notes: Notes) -> None:
    name = (crs.geodetic_crs.name if crs.geodetic_crs else crs.name).lower()
    if "xian" in name or "beijing" in name:
        notes.add(f"{crs.name} 转 CGCS2000 无本地七参数，按近似转换，误差可达数十至约 100 米",
                  f"{crs.name} to CGCS2000 without local 7 parameters is approximate "
                  "(ballpark); positions may be off by tens of metres up to about 100 m")


def convert_web_chinese(geoms: np.ndarray, source: str, notes: Notes) -> np.ndarray:
    """Convert shapely geometries from GCJ-02 or BD-09 to CGCS2000, vertex by vertex."""
    func = gcj02_to_wgs84 if source == "gcj02" else bd09_to_wgs84
    coords = shapely.get_coordinates(geoms)
    if len(coords):
        x, y = func(coords[:, 0], coords[:, 1])
        geoms = shapely.set_coordinates(np.array(geoms, dtype=object).copy(),
                                        np.column_stack([x, y]))
    label = "GCJ-02（高德/腾讯）" if source == "gcj02" else "BD-09（百度）"
    notes.add(f"坐标已由 {label} 转为 CGCS2000，转换误差小于 {ACCURACY_M[source]} 米",
              f"coordinates converted from {source.upper()} to CGCS2000; conversion error "
              f"below {ACCURACY_M[source]} m")
    return geoms


def _geographic_ok(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180.000001 <= minx and maxx <= 180.000001 and -90.000001 <= miny and \
        maxy <= 90.000001


def usable(geoms: np.ndarray) -> np.ndarray:
    """Mask of geometries that are not None, not empty and whose every coordinate (x, y) is
    below 1e10 in magnitude (NaN is not), computed for the whole array at once."""
    arr = np.asarray(geoms, dtype=object)
    ok: np.ndarray = ~shapely.is_missing(arr) & ~shapely.is_empty(arr)
    coords, index = shapely.get_coordinates(arr, return_index=True)
    ok[index[~(np.abs(coords) < 1e10).all(axis=1)]] = False
    return ok


def to_target(geoms: np.ndarray, declared: CRS | None, option: str | CRS,
              notes: Notes, no_crs_why: tuple[str, str] | None = None) -> np.ndarray:
    """Transform geometries to CGCS2000 given the file's CRS and the user's --crs option.

    Raises ImportRefused when the CRS is unknown (with candidates; ``no_crs_why`` says why
    there is none, e.g. for a CAD drawing) or the coordinates cannot be in the declared CRS
    (e.g. metres in a file that claims longitude/latitude).
    """
    valid = usable(geoms)  # NaN and ±1.8e308 sentinels are refused later, row by row
    b = shapely.total_bounds(geoms[valid]) if valid.any() else np.array([np.nan] * 4)
    finite = np.isfinite(b).all() and np.abs(b).max() < 1e15
    bounds = (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
    if option in WEB_CHINESE:
        return convert_web_chinese(geoms, str(option), notes)
    crs = option if isinstance(option, CRS) else declared
    if crs is None:
        if not valid.any():
            return geoms
        why = no_crs_why or ("文件未声明坐标系", "the file declares no coordinate system")
        raise refuse_unknown_crs(bounds, *why)
    crs = normalize_crs(crs)
    if crs.is_geographic and finite and not _geographic_ok(bounds):
        raise refuse_unknown_crs(bounds, f"坐标超出经纬度范围，不可能是 {crs.name}",
                                 f"coordinates are outside longitude/latitude range, so "
                                 f"they cannot be in {crs.name}")
    if crs.is_projected and finite:
        crs = fix_zone_prefix(crs, bounds[0], bounds[2], notes)
    if crs.equals(TARGET) or crs.to_epsg() in (4490, 4326, 4258, 4269, 4283):
        return geoms  # same as CGCS2000 to centimetres (docs/ARCHITECTURE.md, "Coordinates")
    datum_note(crs, notes)
    t = Transformer.from_crs(crs, TARGET, always_xy=True)
    coords = shapely.get_coordinates(geoms)
    if len(coords):
        x, y = t.transform(coords[:, 0], coords[:, 1])
        geoms = shapely.set_coordinates(np.array(geoms, dtype=object).copy(),
                                        np.column_stack([x, y]))
    epsg = crs.to_epsg()
    notes.add(f"坐标已由 {crs.name}{f' (EPSG:{epsg})' if epsg else ''} 转为 CGCS2000",
              f"coordinates transformed from {crs.name} to CGCS2000")
    return geoms
