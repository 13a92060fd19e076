"""Write a layer to GeoPackage, Shapefile, GeoJSON, KML/KMZ, FlatGeobuf, CSV or XLSX.

- Shapefile: UTF-8 with a ``.cpg`` (default) or GBK (``encoding='gbk'``: .cpg "GBK" and
  DBF language byte 0x4D, which ArcGIS 10 and older Chinese tools read).  Field names are
  cut predictably to 10 bytes *in the output encoding* (a Chinese character is 3 bytes in
  UTF-8, 2 in GBK); a clash gets ``_2``, ``_3`` … on an 8-byte stem.  The full names go in
  ``<name>.fields.json`` beside it, which our reader uses to restore them.
- CSV (UTF-8 with BOM so Excel opens it, or GBK) and XLSX: Chinese headers from the schema
  (``Field.label_zh``); points as 经度/纬度 columns, other geometries as WKT.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geodata import schema
from geodata.io.encodings import normalize
from geodata.io.messages import ImportRefused, msg

DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON",
           ".json": "GeoJSON", ".kml": "KML", ".kmz": "LIBKML", ".fgb": "FlatGeobuf",
           ".gpx": "GPX"}
SIDECAR = ".fields.json"


def labels_zh(columns: list[str]) -> dict[str, str]:
    """Schema field name → Chinese label, for the columns that are schema fields."""
    out: dict[str, str] = {}
    outfalls = "outfall_type" in columns or "receiving_water" in columns
    fields = (*schema.OUTFALL_FIELDS, *schema.CONTROL_UNIT_FIELDS) if outfalls else \
        (*schema.CONTROL_UNIT_FIELDS, *schema.OUTFALL_FIELDS)
    for f in fields:
        if f.name in columns and f.name not in out:
            out[f.name] = f.label_zh
    return out


def _cut(name: str, limit: int, enc: str) -> str:
    b = name.encode(enc)[:limit]
    return b.decode(enc, errors="ignore")


def short_names(columns: list[str], encoding: str = "utf-8") -> dict[str, str]:
    """Predictable ≤10-byte DBF field names: full name → short name."""
    enc = normalize(encoding)
    out: dict[str, str] = {}
    used: set[str] = set()
    for c in columns:
        short = _cut(c, 10, enc)
        n = 2
        while short.lower() in used:
            short = f"{_cut(c, 10 - 1 - len(str(n)), enc)}_{n}"
            n += 1
        used.add(short.lower())
        out[c] = short
    return out


def _plain(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.copy()
    for c in frame.columns:
        if c != frame.geometry.name and frame[c].dtype == object:
            frame[c] = frame[c].map(lambda v: json.dumps(v, ensure_ascii=False)
                                    if isinstance(v, (list, dict)) else v)
    return frame


def _check_gbk(frame: gpd.GeoDataFrame, cols: list[str]) -> None:
    """Refuse text GBK cannot hold: GDAL would drop those characters without a word
    (², ✓, rare names in CJK Extension B), so the file would say less than the workspace."""
    for col in cols:
        values = frame[col]
        if not (pd.api.types.is_object_dtype(values.dtype)
                or pd.api.types.is_string_dtype(values.dtype)
                or isinstance(values.dtype, pd.CategoricalDtype)):
            continue
        for row, value in enumerate(values.tolist(), start=1):
            if not isinstance(value, str):
                continue
            try:
                value.encode("cp936")
            except UnicodeEncodeError as exc:
                ch = value[exc.start]
                raise ImportRefused(msg(
                    f"第 {row} 行字段 {col} 的“{value}”含 GBK 无法表示的字符“{ch}”："
                    f"请用 UTF-8 导出（--encoding utf-8），或先修改该值",
                    f"row {row}, field {col}: '{value}' has a character GBK cannot hold "
                    f"('{ch}', U+{ord(ch):04X}); export as UTF-8 (--encoding utf-8) or "
                    f"change the value first")) from None


def write_shapefile(frame: gpd.GeoDataFrame, out: Path, encoding: str = "utf-8") -> Path:
    enc = normalize(encoding)
    cols = [c for c in frame.columns if c != frame.geometry.name]
    names = short_names(cols, enc)
    renamed = frame.rename(columns=names)
    gdal_enc = "UTF-8" if enc.startswith("utf-8") else "CP936"
    geom_types = set(frame.geometry.geom_type.dropna())
    if len({t.replace("Multi", "") for t in geom_types}) > 1:
        raise ImportRefused(msg("Shapefile 只能保存一种几何类型，请导出为 GeoPackage",
                                "a shapefile holds one geometry type only; export to GeoPackage"))
    if gdal_enc == "CP936":
        _check_gbk(frame, cols)
    pyogrio.write_dataframe(_plain(renamed), out, driver="ESRI Shapefile", encoding=gdal_enc)
    out.with_suffix(".cpg").write_text("UTF-8" if gdal_enc == "UTF-8" else "GBK", encoding="ascii")
    if gdal_enc == "CP936":  # language driver 0x4D (GBK) for tools that ignore .cpg
        with open(out.with_suffix(".dbf"), "r+b") as fh:
            fh.seek(29)
            fh.write(b"\x4d")
    labels = labels_zh(cols)
    sidecar = {"encoding": "UTF-8" if gdal_enc == "UTF-8" else "GBK",
               "fields": [{"short": names[c], "name": c, "label_zh": labels.get(c, "")}
                          for c in cols]}
    out.with_name(out.stem + SIDECAR).write_text(json.dumps(sidecar, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
    return out


def table_for_people(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attributes with Chinese headers; points as 经度/纬度, other geometries as WKT."""
    geoms = frame.geometry
    df = pd.DataFrame(frame.drop(columns=[geoms.name]))
    df = df.rename(columns=labels_zh(list(df.columns)))
    if len(geoms) and (geoms.geom_type == "Point").all():
        df["经度"] = np.round(geoms.x.to_numpy(), 8)
        df["纬度"] = np.round(geoms.y.to_numpy(), 8)
    else:
        df["WKT"] = shapely.to_wkt(geoms.array, rounding_precision=8)
    return df


def write_layer(frame: gpd.GeoDataFrame, out: Path, encoding: str = "utf-8",
                layer_name: str | None = None) -> Path:
    """Write ``frame`` (CGCS2000) to ``out``; the format follows the extension."""
    out = Path(out)
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".shp":
        return write_shapefile(frame, out, encoding)
    if suffix == ".csv":
        enc = normalize(encoding)
        # for Excel on Windows: a BOM so it reads UTF-8 (not the ANSI code page) and CRLF
        # line ends (RFC 4180), whatever platform writes the file
        table_for_people(frame).to_csv(out, index=False, lineterminator="\r\n",
                                       encoding="utf-8-sig" if enc.startswith("utf-8") else enc)
        return out
    if suffix == ".xlsx":
        table_for_people(frame).to_excel(out, index=False, engine="openpyxl")
        return out
    if suffix not in DRIVERS:
        raise ImportRefused(msg(f"不支持导出为 {suffix or out.name}",
                                f"cannot export to {suffix or out.name}"))
    plain = _plain(frame)
    if suffix in (".kml", ".kmz"):
        plain = plain.to_crs("EPSG:4326")
        if "name_zh" in plain.columns:
            plain = plain.rename(columns={"name_zh": "Name"})
    kwargs: dict[str, object] = {}
    if suffix in (".geojson", ".json"):
        plain = plain.to_crs("EPSG:4326")
        kwargs["layer_options"] = {"RFC7946": "YES"}
    if out.exists() and suffix != ".gpkg":
        out.unlink()
    pyogrio.write_dataframe(plain, out, driver=DRIVERS[suffix],
                            layer=layer_name or out.stem, **kwargs)  # type: ignore[arg-type]
    return out


def export_layer(workspace: Path, layer: str, out: Path, encoding: str = "utf-8") -> Path:
    from geodata.store import read_layer

    frame = read_layer(Path(workspace), layer)
    frame = frame.drop(columns=[c for c in ("fid",) if c in frame.columns])
    return write_layer(frame, out, encoding=encoding, layer_name=layer)
