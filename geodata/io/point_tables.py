"""CSV/TXT/XLSX point tables: longitude/latitude (decimal or 度分秒), X/Y or WKT columns.

- Encoding: BOM, else strict UTF-8, else GB18030 (Excel in China saves "CSV" as GBK).
- Delimiter: comma, semicolon, tab, pipe, or runs of spaces (fixed-width .dat tables).
- Coordinates: each value may be decimal or any 度分秒 spelling (:mod:`dms`).  Swapped
  columns are detected from ranges (in China the longitude is always the larger number),
  and swapped rows from hemisphere letters.  Projected X/Y follow the surveyors' habit of
  X = northing when the values say so.  Rows whose coordinates cannot be read are refused
  with their line number, column and reason.
- CRS: lon/lat tables are taken as CGCS2000 (≈WGS84) with a note saying so; give
  ``crs='gcj02'``/``'bd09'`` for points picked on Amap/Baidu.  Projected tables need a CRS
  or get the candidates inferred from their ranges.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geodata.io import crs_detect, encodings
from geodata.io.dms import parse_angle
from geodata.io.messages import ImportRefused, Message, Notes, msg
from geodata.io.readers import Progress, ReadResult, _tick

LON_NAMES = ("经度", "lon", "lng", "long", "longitude", "东经", "x经度", "jd", "经度坐标",
             "centerlng", "中心经度")
LAT_NAMES = ("纬度", "lat", "latitude", "北纬", "y纬度", "wd", "纬度坐标", "centerlat", "中心纬度")
X_NAMES = ("x", "x坐标", "东坐标", "easting", "east", "坐标x", "横坐标")
Y_NAMES = ("y", "y坐标", "北坐标", "northing", "north", "坐标y", "纵坐标")
WKT_NAMES = ("wkt", "geom", "geometry", "the_geom", "shape", "几何")


def _norm(name: object) -> str:
    return re.sub(r"[\s_()（）\[\]【】]|[(（].*?[)）]", "", str(name)).lower()


def find_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    normed = {_norm(c): c for c in columns}
    for n in names:
        if n in normed:
            return normed[n]
    return None


def _sniff_delimiter(header: str) -> str | None:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    return r"\s+" if len(header.split()) > 1 else ","


def read_text_table(path: Path, encoding: str, notes: Notes
                    ) -> tuple[pd.DataFrame, encodings.EncodingChoice]:
    data = path.read_bytes()
    choice = encodings.choose_text_encoding(data[:encodings.SAMPLE_BYTES], encoding)
    notes.items.append(choice.message)
    try:
        text = data.decode(choice.encoding)
    except UnicodeDecodeError as exc:
        raise ImportRefused(msg(f"按 {choice.encoding} 无法解码 {path.name}（第 {exc.start} 字节）",
                                f"{path.name} cannot be decoded as {choice.encoding} "
                                f"(byte {exc.start})")) from None
    text = text.lstrip("\ufeff")
    # CRLF (Excel, Windows), LF and old-Mac CR files all read the same
    header = (text.splitlines() or [""])[0]
    sep = _sniff_delimiter(header)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                         skip_blank_lines=False, engine="c" if len(sep) == 1 else "python",
                         quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, ValueError) as exc:
        line = str(exc).splitlines()[0][:160]
        raise ImportRefused(msg(f"无法解析表格 {path.name}：{line}",
                                f"cannot parse the table {path.name}: {line}")) from None
    if sep != ",":
        shown = "spaces" if len(sep) > 1 else repr(sep)
        notes.add(f"分隔符：{'空格' if len(sep) > 1 else repr(sep)}", f"delimiter: {shown}")
    return df, choice


def _read_excel(path: Path, sheet: str | None, engine: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False,
                         engine=engine)


def read_excel_table(path: Path, sheet: str | None) -> pd.DataFrame:
    """The first (or the named) sheet as text, the first row as the header.

    python-calamine (Rust) reads it through the same pandas code as openpyxl did, so header,
    sheet choice and text conversion are the same, ~10x faster (100k rows: ~3 s instead of
    ~30-40 s).  Whatever it cannot read, or where it is not installed (or pandas is older
    than 2.2), openpyxl reads as before, so errors and their messages are unchanged.  Known
    differences: an error cell (#DIV/0!) reads as empty text instead of missing, and a
    cell of only spaces saved without xml:space="preserve" (openpyxl saves them so; Excel
    and WPS do not) reads as empty.
    """
    try:
        return _read_excel(path, sheet, "calamine")
    except Exception:  # openpyxl decides: the table, or the error users know
        pass
    try:
        return _read_excel(path, sheet, "openpyxl")
    except ValueError as exc:
        raise ImportRefused(msg(f"无法读取工作表：{exc}", f"cannot read the sheet: {exc}")) from None
    except Exception as exc:
        raise ImportRefused(msg(f"无法打开 Excel 文件 {path.name}：{exc}",
                                f"cannot open the Excel file {path.name}: {exc}")) from None


def parse_column(values: pd.Series, field: str, lines: np.ndarray,
                 errors: list[tuple[int, str, Message]]) -> tuple[np.ndarray, np.ndarray]:
    """Numbers (NaN where unreadable) and hemisphere axes ('lon'/'lat'/'') of a column."""
    text = values.astype(str).str.strip()
    nums = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float).copy()
    axes = np.full(len(text), "", dtype=object)
    for i in np.flatnonzero(np.isnan(nums)):
        raw = text.iat[i]
        if not raw:
            errors.append((int(lines[i]), field, msg("坐标为空", "coordinate is empty")))
            continue
        try:
            nums[i], axis = parse_angle(raw)
            axes[i] = axis or ""
        except ValueError as exc:
            en, _, zh = str(exc).partition(" / ")
            errors.append((int(lines[i]), field, msg(zh or en, en)))
    return nums, axes


def _lonlat_points(df: pd.DataFrame, lon_col: str, lat_col: str, lines: np.ndarray,
                   errors: list[tuple[int, str, Message]], notes: Notes) -> np.ndarray:
    lon, ax_lon = parse_column(df[lon_col], lon_col, lines, errors)
    lat, ax_lat = parse_column(df[lat_col], lat_col, lines, errors)
    ok = ~np.isnan(lon) & ~np.isnan(lat)
    # whole columns swapped: in China the longitude is the larger number
    if ok.any() and np.nanmedian(lat[ok]) > np.nanmedian(lon[ok]) and \
            np.nanmedian(lat[ok]) > 73 and np.nanmedian(lon[ok]) < 54:
        lon, lat, ax_lon, ax_lat = lat, lon, ax_lat, ax_lon
        notes.add(f"“{lon_col}”与“{lat_col}”两列数值对调了，已纠正",
                  f"columns '{lon_col}' and '{lat_col}' hold swapped values; corrected")
    row_swap = ((ax_lon == "lat") | (ax_lat == "lon")) & ok
    if row_swap.any():
        lon[row_swap], lat[row_swap] = lat[row_swap].copy(), lon[row_swap].copy()
        notes.add(f"{int(row_swap.sum())} 行的 N/E 标记表明经纬度对调，已纠正",
                  f"{int(row_swap.sum())} rows had N/E letters showing swapped values; "
                  "corrected")
    bad = ok & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    for i in np.flatnonzero(bad):
        errors.append((int(lines[i]), f"{lon_col}/{lat_col}",
                       msg(f"({lon[i]:g}, {lat[i]:g}) 不是经纬度",
                           f"({lon[i]:g}, {lat[i]:g}) is not a longitude/latitude")))
    ok &= ~bad
    geoms = np.full(len(df), None, dtype=object)
    geoms[ok] = shapely.points(lon[ok], lat[ok])
    return geoms


def _xy_points(df: pd.DataFrame, x_col: str, y_col: str, lines: np.ndarray,
               errors: list[tuple[int, str, Message]], notes: Notes) -> np.ndarray:
    x, _ = parse_column(df[x_col], x_col, lines, errors)
    y, _ = parse_column(df[y_col], y_col, lines, errors)
    ok = ~np.isnan(x) & ~np.isnan(y)
    if ok.any():
        mx, my = np.median(x[ok]), np.median(y[ok])
        easting = (1e5 <= my <= 9e5) or (1.3e7 <= my <= 4.6e7)
        if easting and 2e6 <= mx <= 6e6:  # surveyors' X is the northing
            x, y = y, x
            notes.add(f"“{x_col}”为北坐标、“{y_col}”为东坐标（测量习惯），已按此处理",
                      f"'{x_col}' holds northings and '{y_col}' eastings (surveying "
                      "convention); treated so")
    geoms = np.full(len(df), None, dtype=object)
    geoms[ok] = shapely.points(x[ok], y[ok])
    return geoms


def _wkt_points(df: pd.DataFrame, col: str, lines: np.ndarray,
                errors: list[tuple[int, str, Message]]) -> np.ndarray:
    geoms = np.full(len(df), None, dtype=object)
    for i, raw in enumerate(df[col].astype(str)):
        try:
            geoms[i] = shapely.from_wkt(raw.strip()) if raw.strip() else None
        except shapely.errors.GEOSException:
            errors.append((int(lines[i]), col, msg(f"几何文本无法识别：{raw[:40]}",
                                                    f"unreadable WKT: {raw[:40]}")))
        if geoms[i] is None and raw.strip() == "":
            errors.append((int(lines[i]), col, msg("几何为空", "geometry is empty")))
    return geoms


def read_point_table(path: Path, sheet: str | None = None, encoding: str = "auto",
                     crs: str | CRS = "auto", progress: Progress | None = None) -> ReadResult:
    """Read a CSV/TXT/XLSX point table into CGCS2000 points."""
    path = Path(path)
    if not path.exists():
        raise ImportRefused(msg(f"文件不存在：{path}", f"file not found: {path}"))
    notes = Notes()
    choice = None
    _tick(progress, 0.0, "读取表格", "reading table")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = read_excel_table(path, sheet)
        first_line = 2
    else:
        df, choice = read_text_table(path, encoding, notes)
        first_line = 2
    df.columns = [str(c).strip() for c in df.columns]
    lines = np.arange(first_line, first_line + len(df))
    blank = (df.astype(str).apply(lambda s: s.str.strip()) == "").all(axis=1).to_numpy()
    df, lines = df.loc[~blank].reset_index(drop=True), lines[~blank]
    _tick(progress, 0.3, "解析坐标", "parsing coordinates")
    cols = list(df.columns)
    errors: list[tuple[int, str, Message]] = []
    option = crs_detect.parse_crs_option(crs) if isinstance(crs, str) else crs
    lon_col, lat_col = find_column(cols, LON_NAMES), find_column(cols, LAT_NAMES)
    x_col, y_col = find_column(cols, X_NAMES), find_column(cols, Y_NAMES)
    wkt_col = find_column(cols, WKT_NAMES)
    declared: CRS | None = None
    if lon_col and lat_col:
        geoms = _lonlat_points(df, lon_col, lat_col, lines, errors, notes)
        declared = CRS.from_epsg(4490)
        if option == "auto":
            notes.add("经纬度按 CGCS2000（≈WGS84）处理；若取自高德/腾讯或百度地图，请指定 gcj02 或 bd09",
                      "longitude/latitude taken as CGCS2000 (≈WGS84); if picked on "
                      "Amap/Tencent or Baidu maps, choose gcj02 or bd09")
    elif x_col and y_col:
        geoms = _xy_points(df, x_col, y_col, lines, errors, notes)
    elif wkt_col:
        geoms = _wkt_points(df, wkt_col, lines, errors)
    else:
        raise ImportRefused(msg(f"{path.name} 中找不到坐标列（经度/纬度、X/Y 或 WKT）；现有列：{', '.join(cols)}",
                                f"no coordinate columns (lon/lat, X/Y or WKT) in {path.name}; "
                                f"columns: {', '.join(cols)}"))
    valid = np.array([g is not None for g in geoms], dtype=bool)
    if declared is None and option == "auto" and valid.any():
        b = shapely.total_bounds(geoms[valid])
        if -180 <= b[0] and b[2] <= 180 and -90 <= b[1] and b[3] <= 90:
            declared = CRS.from_epsg(4490)
            notes.add("坐标为经纬度数值，按 CGCS2000（≈WGS84）处理；若取自高德/百度地图请指定 gcj02/bd09",
                      "coordinates are degrees; taken as CGCS2000 (≈WGS84); choose gcj02/bd09 "
                      "if they come from Amap/Baidu")
    geoms = crs_detect.to_target(geoms, declared, option, notes)
    frame = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs="EPSG:4490"))
    _tick(progress, 1.0, "完成", "done")
    bad_lines = {e[0] for e in errors}
    if bad_lines:
        keep = ~np.isin(lines, list(bad_lines))
        frame, lines = frame.loc[keep].reset_index(drop=True), lines[keep]
    return ReadResult(frame=frame, path=path, layer=sheet, encoding=choice,
                      declared_crs=declared.to_string() if declared else None, notes=notes,
                      row_numbers=lines, parse_errors=errors)
