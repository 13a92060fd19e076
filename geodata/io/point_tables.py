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
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geodata import gil_slices
from geodata.gil_slices import in_worker
from geodata.io import crs_detect, encodings
from geodata.io.coordinate_columns import (  # noqa: F401 - the names are part of this API
    LAT_NAMES,
    LON_NAMES,
    WKT_NAMES,
    X_NAMES,
    Y_NAMES,
    find_column,
    find_coordinates,
)
from geodata.io.dms import parse_angle
from geodata.io.formats import SPREADSHEET_SUFFIXES
from geodata.io.messages import ImportRefused, Message, Notes, msg
from geodata.io.read_result import Progress, ReadResult
from geodata.io.read_result import tick as _tick
from geodata.io.table_layout import Table, find_table, layout_notes, trim_rows


def _sniff_delimiter(header: str) -> str | None:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    return r"\s+" if len(header.split()) > 1 else ","


def read_text_table(path: Path, encoding: str, notes: Notes
                    ) -> tuple[pd.DataFrame, encodings.EncodingChoice]:
    """A CSV-like text table, its first line as the header (see :func:`text_table`)."""
    df, choice, _ = _read_text(path, encoding, notes)
    return df, choice


#: rows per slice of a CSV read in a worker: the C parser holds the GIL while it makes a
#: slice's strings (100k rows at once: 50-140 ms the GUI thread could not run)
CSV_SLICE = 8_192


def _read_csv(text: str, sep: str) -> pd.DataFrame:
    """Every cell as text; in a worker, ``CSV_SLICE`` rows at a time with the GIL handed
    over between them (the same frame: one parser reads on where the last slice ended)."""
    kw = dict(sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False,
              engine="c" if len(sep) == 1 else "python", quoting=csv.QUOTE_MINIMAL)
    if len(sep) != 1 or not in_worker():
        return pd.read_csv(io.StringIO(text), **kw)
    parts = []
    with pd.read_csv(io.StringIO(text), chunksize=CSV_SLICE, **kw) as reader:
        for part in reader:
            parts.append(part)
            gil_slices.hand_over()  # the GUI thread's turn
    if not parts:  # a header alone
        return pd.read_csv(io.StringIO(text), **kw)
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def _read_text(path: Path, encoding: str, notes: Notes
               ) -> tuple[pd.DataFrame, encodings.EncodingChoice, pd.DataFrame | None]:
    """(table with the first line as header, encoding, grid when pandas could not parse it).

    A title line above the header ("泉州市…清单" alone on line 1) gives the C parser ragged
    lines; then the text is read by the csv module into a grid for :func:`find_table`.
    """
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
    lines = text.splitlines()[:40] or [""]
    # a title line alone above the header has no delimiter: sniff from the first that has
    header = next((ln for ln in lines if any(d in ln for d in ",;\t|")), lines[0])
    sep = _sniff_delimiter(header)
    if len(sep) == 1 and _ragged(lines, sep):  # a title line above the header
        return pd.DataFrame(), choice, _csv_grid(text, sep)
    try:
        df = _read_csv(text, sep)
    except (pd.errors.ParserError, ValueError) as exc:
        if len(sep) != 1:
            line = str(exc).splitlines()[0][:160]
            raise ImportRefused(msg(f"无法解析表格 {path.name}：{line}",
                                    f"cannot parse the table {path.name}: {line}")) from None
        return pd.DataFrame(), choice, _csv_grid(text, sep)
    if sep != ",":
        shown = "spaces" if len(sep) > 1 else repr(sep)
        notes.add(f"分隔符：{'空格' if len(sep) > 1 else repr(sep)}", f"delimiter: {shown}")
    return df, choice, None


def _ragged(lines: list[str], sep: str) -> bool:
    """Whether the first line has fewer fields than most later ones: a title above the
    header (pandas would take the extra leading fields as an index, not refuse).  One long
    line (an unquoted comma in a value) is not that: pandas refuses it as before."""
    counts = [len(r) for r in csv.reader(lines[:-1] if len(lines) > 2 else lines,
                                         delimiter=sep) if r]
    if len(counts) < 2:
        return False
    later = counts[1:]
    usual = max(set(later), key=later.count)
    return counts[0] < usual


def _csv_grid(text: str, sep: str) -> pd.DataFrame:
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def _read_excel(path: Path, sheet: str | None, engine: str) -> pd.DataFrame:
    """One sheet as a grid of text, without a header: row 0 is the sheet's row 1."""
    return pd.read_excel(path, sheet_name=sheet or 0, header=None, dtype=str,
                         keep_default_na=False, engine=engine)


def _kind(path: Path) -> Message:
    return msg("电子表格", "spreadsheet") if path.suffix.lower() == ".ods" else \
        msg("Excel 文件", "Excel file")


def read_sheet_grid(path: Path, sheet: str | None) -> pd.DataFrame:
    """The first (or the named) sheet as a grid of text (row 0 = row 1 in Excel and WPS).

    python-calamine (Rust) reads .xlsx, .xls and .ods, ~10x faster than openpyxl (100k rows:
    ~3 s instead of ~30-40 s).  An .xlsx it cannot read, or where it is not installed,
    openpyxl reads as before, so errors and their messages are unchanged.  Known
    differences: an error cell (#DIV/0!) reads as empty text instead of missing, and a
    cell of only spaces saved without xml:space="preserve" (openpyxl saves them so; Excel
    and WPS do not) reads as empty.
    """
    try:
        return _read_excel(path, sheet, "calamine")
    except Exception:  # openpyxl decides: the table, or the error users know
        pass
    kind = _kind(path)
    try:
        return _read_excel(path, sheet, "openpyxl")
    except ValueError as exc:
        raise ImportRefused(msg(f"无法读取工作表：{exc}",
                                f"cannot read the sheet: {exc}")) from None
    except Exception as exc:
        raise ImportRefused(msg(f"无法打开{kind.zh} {path.name}：{exc}",
                                f"cannot open the {kind.en} {path.name}: {exc}")) from None


def list_sheets(path: Path) -> list[str]:
    """The sheet names of a workbook (.xlsx, .xls, .ods), in order; [] if unreadable."""
    try:
        from python_calamine import CalamineWorkbook

        return [str(n) for n in CalamineWorkbook.from_path(str(path)).sheet_names]
    except Exception:  # noqa: BLE001 - not installed, or a file calamine cannot read
        pass
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return list(wb.sheetnames)
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - unreadable: the reader says why
        return []


def _has_coordinates(table: Table) -> bool:
    return len(table.frame) > 0 and find_coordinates(list(table.frame.columns)) is not None


def read_spreadsheet(path: Path, sheet: str | None, notes: Notes) -> tuple[Table, str | None]:
    """The table of the named sheet, or of the first sheet with coordinate columns."""
    names = list_sheets(path)
    if sheet or len(names) <= 1:
        try:
            grid = read_sheet_grid(path, sheet)
        except ImportRefused:
            if sheet and names and sheet not in names:
                listed = ", ".join(names)
                raise ImportRefused(msg(f"{path.name} 中没有工作表“{sheet}”；可选：{listed}",
                                        f"{path.name} has no sheet '{sheet}'; choose one of: "
                                        f"{', '.join(names)}"), tuple(names)) from None
            raise
        return find_table(grid), sheet or (names[0] if names else None)
    first: Table | None = None
    for name in names:  # stop at the first with coordinates: each sheet read costs
        table = find_table(read_sheet_grid(path, name))
        first = first or table
        if _has_coordinates(table):
            notes.add(f"工作簿有 {len(names)} 张工作表（{', '.join(names)}），"
                      f"已选用含坐标的“{name}”；其他工作表可用 --sheet 或在导入向导中选择",
                      f"the workbook has {len(names)} sheets ({', '.join(names)}); the sheet "
                      f"with coordinates, '{name}', was used; choose another with --sheet or "
                      "in the import wizard")
            return table, name
    assert first is not None
    return first, names[0]


def text_table(path: Path, encoding: str, notes: Notes
               ) -> tuple[pd.DataFrame, np.ndarray, encodings.EncodingChoice, Table | None]:
    """(rows, line numbers, encoding, the table found below title lines if there were any)."""
    df, choice, grid = _read_text(path, encoding, notes)
    if grid is None:
        df.columns = [str(c).strip() for c in df.columns]
        if find_coordinates(list(df.columns)) is not None:
            return df, np.arange(2, 2 + len(df)), choice, None
        header = ["" if str(c).startswith("Unnamed:") else str(c) for c in df.columns]
        grid = pd.DataFrame([header, *df.to_numpy(dtype=object).tolist()], dtype=object)
    table = find_table(grid)
    if not _has_coordinates(table):  # no better than the first line: keep the plain reading
        if len(df.columns):
            return df, np.arange(2, 2 + len(df)), choice, None
    return table.frame, table.rows, choice, table


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
    """Read a CSV/TXT or spreadsheet (.xlsx, .xls, .ods) point table into CGCS2000 points.

    Row numbers are the file's own: the CSV line, or the spreadsheet row as Excel and WPS
    number it, whatever title rows, header rows and blank rows come before.
    """
    path = Path(path)
    if not path.exists():
        raise ImportRefused(msg(f"文件不存在：{path}", f"file not found: {path}"))
    notes = Notes()
    choice = None
    _tick(progress, 0.0, "读取表格", "reading table")
    where = msg("", "")
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        table, sheet = read_spreadsheet(path, sheet, notes)
        df, lines = table.frame, table.rows
        if sheet and len(list_sheets(path)) > 1:
            where = msg(f"工作表“{sheet}”：", f"sheet '{sheet}': ")
    else:
        df, lines, choice, table = text_table(path, encoding, notes)
        df.columns = [str(c).strip() for c in df.columns]
        blank = (df.astype(str).apply(lambda s: s.str.strip()) == "").all(axis=1).to_numpy()
        df, lines = df.loc[~blank].reset_index(drop=True), lines[~blank]
    found = find_coordinates(list(df.columns))
    if found is None:
        sheets = list_sheets(path) if path.suffix.lower() in SPREADSHEET_SUFFIXES else []
        also = msg(f"；工作表：{', '.join(sheets)}", f"; sheets: {', '.join(sheets)}") \
            if len(sheets) > 1 else msg("", "")
        cols = ", ".join(map(str, df.columns))
        raise ImportRefused(msg(f"{where.zh}{path.name} 中找不到坐标列（经度/纬度、X/Y 或 WKT）；"
                                f"现有列：{cols}{also.zh}",
                                f"{where.en}no coordinate columns (lon/lat, X/Y or WKT) in "
                                f"{path.name}; columns: {cols}{also.en}"))
    df, lines, dropped = trim_rows(df, lines, found.columns)
    if table is not None:
        notes.items.extend(layout_notes(table, dropped, where))
    elif dropped:
        notes.items.extend(layout_notes(Table(df, lines, (1, 1)), dropped, where))
    result = points_from_table(df, lines, path, crs, notes, progress)
    result.layer, result.encoding = sheet, choice
    return result


def points_from_table(df: pd.DataFrame, lines: np.ndarray, path: Path, crs: str | CRS,
                      notes: Notes, progress: Progress | None = None) -> ReadResult:
    """Points from the coordinate columns of a table (any reader's), in CGCS2000.

    Rows whose coordinates cannot be read are left out and listed in ``parse_errors``
    with their values in ``refused_rows``.
    """
    _tick(progress, 0.3, "解析坐标", "parsing coordinates")
    found = find_coordinates([str(c) for c in df.columns])
    if found is None:
        cols = ", ".join(map(str, df.columns))
        raise ImportRefused(msg(f"{path.name} 中找不到坐标列（经度/纬度、X/Y 或 WKT）；现有列：{cols}",
                                f"no coordinate columns (lon/lat, X/Y or WKT) in {path.name}; "
                                f"columns: {cols}"))
    errors: list[tuple[int, str, Message]] = []
    option = crs_detect.parse_crs_option(crs) if isinstance(crs, str) else crs
    declared: CRS | None = None
    if found.kind == "lonlat":
        geoms = _lonlat_points(df, *found.columns, lines, errors, notes)
        declared = CRS.from_epsg(4490)
        if option == "auto":
            notes.add("经纬度按 CGCS2000（≈WGS84）处理；若取自高德/腾讯或百度地图，请指定 gcj02 或 bd09",
                      "longitude/latitude taken as CGCS2000 (≈WGS84); if picked on "
                      "Amap/Tencent or Baidu maps, choose gcj02 or bd09")
    elif found.kind == "xy":
        geoms = _xy_points(df, *found.columns, lines, errors, notes)
    else:
        geoms = _wkt_points(df, found.columns[0], lines, errors)
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
    refused: dict[int, dict[str, object]] = {}
    if bad_lines:
        keep = ~np.isin(lines, list(bad_lines))
        refused = {int(n): rec for n, rec in zip(
            lines[~keep].tolist(), df.loc[~keep].to_dict("records"), strict=True)}
        frame, lines = frame.loc[keep].reset_index(drop=True), lines[keep]
    return ReadResult(frame=frame, path=path, declared_crs=declared.to_string()
                      if declared else None, notes=notes, row_numbers=lines,
                      parse_errors=errors, refused_rows=refused)
