"""Read vector files into a GeoDataFrame in CGCS2000, with notes on every choice made.

Formats: Shapefile (loose or zipped; a lone .dbf is a table, read as points when it has
coordinate columns), Esri File Geodatabase (a ``.gdb`` folder, or zipped), GeoPackage
(choose among layers), GeoJSON, KML/KMZ (all folders, ExtendedData as columns), GPX
(waypoints, routes and tracks), FlatGeobuf, MapInfo TAB and MIF/MID (their ``!charset``,
e.g. WindowsSimpChinese = GBK, decides the text encoding), SpatiaLite/SQLite, DXF (CAD
drawings carry no CRS: the candidates are inferred from the coordinates' size, as for a
shapefile without .prj), and CSV/XLSX/XLS/ODS point tables (:mod:`point_tables`).  DWG is
refused with a clear way out (save as DXF): GDAL's DWG reader needs a non-free library.

The fast path is pyogrio's Arrow stream read in batches, which gives progress and cancel
between batches.  Curved and TIN/MultiPatch geometries, which the WKB parser of shapely
does not take, are read again through fiona, which linearises them.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geodata.io import archives, crs_detect, encodings, point_tables
from geodata.io.coordinate_columns import find_coordinates
from geodata.io.formats import (  # noqa: F401 - part of this module's API
    CAD_ONLY_SUFFIXES,
    TABLE_SUFFIXES,
    VECTOR_SUFFIXES,
    supported_suffixes,
)
from geodata.io.messages import ImportCancelled, ImportRefused, Notes, msg
from geodata.io.read_result import Progress, ReadResult
from geodata.io.read_result import tick as _tick

__all__ = ["Progress", "ReadResult", "list_layers", "read_any", "read_vector"]

#: formats that declare no CRS by design, and why (for the refusal that lists candidates)
_NO_CRS = {".dxf": ("CAD 图纸（DXF）不带坐标系",
                    "a CAD drawing (DXF) carries no coordinate system")}
#: formats that are WGS84 by definition
_WGS84 = (".kml", ".kmz", ".gpx", ".geojson", ".json")
#: layered formats: a ``layer`` names a layer inside them
_LAYERED = (".gpkg", ".gdb", ".sqlite", ".spatialite", ".kml", ".kmz", ".gpx", ".tab")
BATCH = 20_000


def source_path(path: Path) -> Path:
    """The dataset a user means: a file picked inside a ``.gdb`` folder means the folder."""
    path = Path(path)
    for parent in (path, *path.parents):
        if parent.suffix.lower() == ".gdb":
            return parent
    return path


def list_layers(path: Path) -> list[str]:
    """Layer names a user can choose among (GeoPackage, KML folders, GPX parts)."""
    try:
        return [str(n) for n, _ in pyogrio.list_layers(path)]
    except Exception:
        return []


def _prepare_shapefile(path: Path, tmp: Path, notes: Notes) -> Path:
    """Copy a shapefile without .shx to a scratch folder where GDAL may rebuild the index."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if path.suffix.lower() == ".shp" and head != b"\x00\x00\x27\x0a":
        raise ImportRefused(msg(f"{path.name} 不是 Shapefile（文件头不对，可能是改了扩展名的其他文件）",
                                f"{path.name} is not a shapefile (wrong file header; perhaps "
                                "another file renamed to .shp)"))
    has_shx = any(path.with_suffix(s).exists() for s in (".shx", ".SHX"))
    if path.suffix.lower() != ".shp" or has_shx:
        return path
    for sib in path.parent.glob(path.stem + ".*"):
        shutil.copy(sib, tmp / sib.name)
    pyogrio.set_gdal_config_options({"SHAPE_RESTORE_SHX": "YES"})
    notes.add("缺少 .shx 索引文件，已重建", "the .shx index file was missing and was rebuilt")
    return tmp / path.name


def _geometry_column(batch_schema: object) -> str | None:
    for f in batch_schema:  # type: ignore[attr-defined]
        meta = f.metadata or {}
        if meta.get(b"ARROW:extension:name") == b"geoarrow.wkb":
            return str(f.name)
    return None


def _read_arrow(src: str | Path, layer: str | None, enc: str | None,
                progress: Progress | None) -> tuple[pd.DataFrame, np.ndarray, str | None]:
    """Attributes, shapely geometries and the CRS of one layer, in batches."""
    kwargs: dict[str, object] = {"layer": layer, "batch_size": BATCH, "use_pyarrow": True}
    if enc:
        kwargs["encoding"] = enc
    try:
        total = int(pyogrio.read_info(src, layer=layer, encoding=enc)["features"])
    except Exception:
        total = -1
    frames, geoms = [], []
    done = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pyogrio.open_arrow(src, **kwargs) as (meta, reader):  # type: ignore[arg-type]
            crs = meta.get("crs")
            for batch in reader:
                gcol = _geometry_column(batch.schema)
                if gcol is not None:
                    geoms.append(shapely.from_wkb(batch.column(gcol).to_numpy(
                        zero_copy_only=False)))
                    batch = batch.drop_columns([gcol])
                else:
                    geoms.append(np.full(batch.num_rows, None, dtype=object))
                frames.append(batch.to_pandas(types_mapper=None))
                done += batch.num_rows
                if total > 0:
                    _tick(progress, done / total, f"已读 {done}/{total}", f"read {done}/{total}")
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    g = np.concatenate(geoms) if geoms else np.array([], dtype=object)
    return df, g, crs


def _read_fiona(src: str | Path, layer: str | None, enc: str | None
                ) -> tuple[pd.DataFrame, np.ndarray, str | None]:
    import fiona

    kwargs: dict[str, object] = {"layer": layer} if layer else {}
    if enc:
        kwargs["encoding"] = enc
    rows, geoms = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fiona.open(src, **kwargs) as coll:  # type: ignore[arg-type]
            crs = coll.crs.to_wkt() if coll.crs else None
            for feat in coll:
                rows.append(dict(feat.properties))
                try:
                    geoms.append(shapely.geometry.shape(feat.geometry) if feat.geometry else None)
                except (shapely.errors.GEOSException, ValueError):
                    geoms.append(None)  # refused later as an empty geometry
    return pd.DataFrame(rows), np.array(geoms, dtype=object), crs


def read_layer_raw(src: str | Path, layer: str | None, enc: str | None,
                   progress: Progress | None, notes: Notes
                   ) -> tuple[pd.DataFrame, np.ndarray, str | None]:
    try:
        return _read_arrow(src, layer, enc, progress)
    except (ImportCancelled, ImportRefused):
        raise
    except Exception as exc:
        first = exc
    try:  # curves, TIN/MultiPatch, unclosed rings: fiona linearises and closes them
        out = _read_fiona(src, layer, enc)
        notes.add("部分几何无法直接解析（曲线、TIN 或未闭合的环等），已逐条读取并转换",
                  "some geometries could not be parsed directly (curves, TIN, unclosed "
                  "rings …); read record by record and converted")
        return out
    except Exception:
        pass
    text = str(first).splitlines()[0][:200] if str(first) else type(first).__name__
    raise ImportRefused(msg(f"无法打开 {Path(str(src)).name}：{text}",
                            f"cannot open {Path(str(src)).name}: {text}")) from None


def _pick_layers(path: Path, layer: str | None) -> list[str | None]:
    layers = list_layers(path)
    if layer is not None:
        if layers and layer not in layers:
            raise ImportRefused(msg(f"没有图层“{layer}”；可选：{', '.join(layers)}",
                                    f"no layer '{layer}'; choose one of: {', '.join(layers)}"),
                                tuple(layers))
        return [layer]
    suffix = path.suffix.lower()
    if suffix == ".gpx":
        main = [n for n in ("waypoints", "routes", "tracks") if n in layers]
        return list(main) or [None]
    if suffix in (".kml", ".kmz"):
        return list(layers) or [None]
    if len(layers) > 1:
        counts = {n: pyogrio.read_info(path, layer=n)["features"] for n in layers}
        nonempty = [n for n, c in counts.items() if c]
        if len(nonempty) == 1:
            return [nonempty[0]]
        raise ImportRefused(msg(f"{path.name} 含多个图层，请选择：{', '.join(layers)}",
                                f"{path.name} holds several layers, choose one: "
                                f"{', '.join(layers)}"), tuple(layers))
    return [None]


def restore_field_names(shp: Path, parts: list[tuple[pd.DataFrame, np.ndarray, str | None]],
                        notes: Notes) -> None:
    """Give back the full field names our Shapefile writer cut to 10 bytes (sidecar JSON)."""
    sidecar = shp.with_name(shp.stem + ".fields.json")
    if shp.suffix.lower() != ".shp" or not sidecar.exists():
        return
    try:
        fields = json.loads(sidecar.read_text(encoding="utf-8"))["fields"]
        names = {f["short"]: f["name"] for f in fields}
    except (ValueError, KeyError, TypeError):
        return
    for df, _, _ in parts:  # (in place: the parts' frames are the ones read on)
        df.columns = [names.get(c, c) for c in df.columns]
    notes.add("已按 .fields.json 恢复完整字段名", "full field names restored from .fields.json")


def _read_prj(src: Path) -> str | None:
    """A .prj GDAL could not read (WKT2, a UTF-8 BOM …), parsed by PROJ instead."""
    prj = src.with_suffix(".prj")
    if src.suffix.lower() != ".shp" or not prj.exists():
        return None
    try:
        return CRS.from_user_input(prj.read_text(encoding="utf-8-sig",
                                                 errors="replace").strip()).to_wkt()
    except Exception:
        return None


def _unpack_zip(path: Path, layer: str | None, tmp: Path) -> tuple[Path, str | None]:
    """The dataset inside a zip, written to ``tmp``, and the layer still to choose in it."""
    src, spent = archives.unpack(path, layer, tmp)
    if spent or src.suffix.lower() not in _LAYERED:
        layer = None
    return src, layer


def _refuse_cad_only(path: Path) -> None:
    if path.suffix.lower() in CAD_ONLY_SUFFIXES:
        raise ImportRefused(msg(
            f"{path.name} 是 AutoCAD 的 DWG 专有格式，无法直接读取"
            "（读取 DWG 需要非自由的 ODA 库）；请在 CAD 软件中“另存为” DXF 后导入 DXF 文件",
            f"{path.name} is AutoCAD's proprietary DWG format, which cannot be read here "
            "(reading DWG needs the non-free ODA library); in your CAD program use Save As "
            "DXF and import the DXF file"))


def _table_points(src: Path, path: Path, df: pd.DataFrame, crs: str | CRS, notes: Notes,
                  progress: Progress | None) -> ReadResult | None:
    """A lone .dbf (no .shp beside it) with coordinate columns, as points."""
    beside = src.with_suffix(".shp").exists() or src.with_suffix(".SHP").exists()
    if src.suffix.lower() != ".dbf" or beside or \
            find_coordinates(list(map(str, df.columns))) is None:
        return None
    notes.add("单独的 .dbf 表格（没有 .shp），按其中的坐标列生成点",
              "a lone .dbf table (no .shp): points made from its coordinate columns")
    return point_tables.points_from_table(df, np.arange(1, len(df) + 1), path, crs, notes,
                                          progress)


def read_vector(path: Path, layer: str | None = None, encoding: str = "auto",
                crs: str | CRS = "auto", progress: Progress | None = None) -> ReadResult:
    """Read a vector file; geometries come back in CGCS2000 (see :mod:`crs_detect`)."""
    path = source_path(Path(path))
    if not path.exists():
        raise ImportRefused(msg(f"文件不存在：{path}", f"file not found: {path}"))
    _refuse_cad_only(path)
    notes = Notes()
    option = crs_detect.parse_crs_option(crs) if isinstance(crs, str) else crs
    with tempfile.TemporaryDirectory(prefix="ecozone-import-") as tmpdir:
        tmp = Path(tmpdir)
        src = path
        if path.suffix.lower() == ".zip":
            src, layer = _unpack_zip(path, layer, tmp)
        choice = None
        if src.suffix.lower() in (".shp", ".dbf"):
            src = _prepare_shapefile(src, tmp, notes)
            choice = encodings.choose_dbf_encoding(src, encoding)
            notes.items.append(choice.message)
        parts = []
        picked = _pick_layers(src, layer)
        for name in picked:
            df, geoms, declared = read_layer_raw(src, name, choice.gdal_name if choice else None,
                                                 progress, notes)
            if name is not None and src.suffix.lower() in (".gpx", ".kml", ".kmz") and \
                    len(df) and len(picked) > 1:
                df.insert(0, "source_layer", name)
            parts.append((df, geoms, declared))
        if len(parts) == 1 and not any(g is not None for g in parts[0][1]):
            table = _table_points(src, path, parts[0][0], crs, notes, progress)
            if table is not None:
                table.encoding = choice
                return table
        restore_field_names(src if src.exists() else path, parts, notes)
        prj_crs = _read_prj(src) if parts and not parts[0][2] else None
        if prj_crs:
            parts = [(d, g, prj_crs) for d, g, _ in parts]
    parts = [p for p in parts if len(p[0]) or len(p[1])] or parts[:1]
    df = pd.concat([p[0] for p in parts], ignore_index=True) if parts else pd.DataFrame()
    geoms = np.concatenate([p[1] for p in parts]) if parts else np.array([], dtype=object)
    declared = parts[0][2] if parts else None
    declared_crs = CRS.from_user_input(declared) if declared else None
    if declared_crs is None and src.suffix.lower() in _WGS84:
        declared_crs = CRS.from_epsg(4326)  # these formats are WGS84 by definition
    if len(geoms) and shapely.has_z(geoms[[g is not None for g in geoms]]).any():
        geoms = shapely.force_2d(geoms)
        notes.add("已去掉 Z/M 值（高程、量测值）", "Z/M values (elevation, measure) were dropped")
    geoms = crs_detect.to_target(geoms, declared_crs, option, notes,
                                 no_crs_why=_NO_CRS.get(src.suffix.lower()))
    frame = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs="EPSG:4490"))
    if encodings.has_replacement_chars(df.select_dtypes(["object", "string"]).head(2000).to_numpy()
                                       .ravel().tolist()):
        notes.add("文件中的文字在到达本程序前已损坏（含替换字符 �），无法恢复",
                  "text in the file was already damaged before it reached us "
                  "(replacement characters �); it cannot be recovered")
    return ReadResult(frame=frame, path=path, layer=layer, encoding=choice,
                      declared_crs=declared_crs.to_string() if declared_crs else None,
                      notes=notes, row_numbers=np.arange(1, len(frame) + 1))


def read_any(path: Path, layer: str | None = None, encoding: str = "auto",
             crs: str | CRS = "auto", progress: Progress | None = None) -> ReadResult:
    """Read any supported file (vector or point table) into CGCS2000.

    ``layer`` names the layer inside a layered file, the dataset inside a zip, or the
    sheet of a workbook.
    """
    path = source_path(Path(path))
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return point_tables.read_point_table(path, sheet=layer, encoding=encoding, crs=crs,
                                             progress=progress)
    if suffix in VECTOR_SUFFIXES:
        return read_vector(path, layer=layer, encoding=encoding, crs=crs, progress=progress)
    _refuse_cad_only(path)
    if path.is_dir():
        raise ImportRefused(msg(f"{path.name} 是文件夹，不是可导入的数据"
                                "（File Geodatabase 文件夹名以 .gdb 结尾）",
                                f"{path.name} is a folder, not a dataset to import (a File "
                                "Geodatabase folder ends in .gdb)"))
    listed = " ".join(supported_suffixes())
    raise ImportRefused(msg(f"不支持的文件类型：{path.suffix or path.name}（可导入：{listed}）",
                            f"unsupported file type: {path.suffix or path.name} "
                            f"(supported: {listed})"))
