"""Zip archives as bureaus send them: a shapefile, a File Geodatabase folder, or another
vector file, zipped.

:func:`datasets` lists what a zip holds that the reader can open; :func:`unpack` writes
the chosen one (a shapefile with its sidecar files, or a whole ``.gdb`` folder) to a
scratch folder.  Names inside the archive are never used as paths as they are: a member
``../../x`` lands inside the scratch folder all the same.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from geodata.io.messages import ImportRefused, msg

#: files inside a zip that are datasets of their own (a .gdb is a folder)
DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".gpx", ".fgb", ".tab",
                    ".mif", ".dxf", ".sqlite", ".spatialite")


def _usable(name: str) -> bool:
    return "__MACOSX" not in name and not PurePosixPath(name).name.startswith("._")


def _gdb_folder(name: str) -> str | None:
    """'data/排污口.gdb' for a member 'data/排污口.gdb/a00000001.gdbtable'."""
    parts = PurePosixPath(name).parts
    for i, part in enumerate(parts):
        if part.lower().endswith(".gdb"):
            return "/".join(parts[:i + 1])
    return None


def datasets(path: Path) -> list[str]:
    """The datasets inside a zip: member names of files, and of ``.gdb`` folders."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if _usable(n)]
    except zipfile.BadZipFile:
        raise ImportRefused(msg(f"不是有效的 zip 文件：{path.name}",
                                f"{path.name} is not a valid zip file")) from None
    gdbs = list(dict.fromkeys(g for g in map(_gdb_folder, names) if g))
    files = [n for n in names if _gdb_folder(n) is None and
             PurePosixPath(n).suffix.lower() in DATASET_SUFFIXES]
    shps = [n for n in files if n.lower().endswith(".shp")]
    # a shapefile's .json sidecar (our field names) is not a dataset of its own
    files = [n for n in files if not n.lower().endswith(".fields.json")]
    return shps + gdbs + [n for n in files if n not in shps]


def _safe_target(tmp: Path, member: str) -> Path:
    parts = [p for p in PurePosixPath(member).parts if p not in ("", ".", "..", "/")]
    return tmp.joinpath(*parts) if parts else tmp / "member"


def unpack(path: Path, choice: str | None, tmp: Path) -> tuple[Path, bool]:
    """Write the chosen dataset of the zip to ``tmp``; (its path, whether ``choice`` was
    spent choosing it).  With several datasets and no choice, refuse with the list."""
    found = datasets(path)
    if not found:
        raise ImportRefused(msg(f"压缩包中没有可读取的数据（.shp、.gdb 等）：{path.name}",
                                f"no readable dataset (.shp, .gdb …) in the zip archive "
                                f"{path.name}"))
    spent = choice in found
    if spent:
        chosen = str(choice)
    elif len(found) > 1 and choice is None:
        raise ImportRefused(msg(f"压缩包中有多个图层，请选择：{', '.join(found)}",
                                f"the zip holds several layers, choose one: "
                                f"{', '.join(found)}"), tuple(found))
    else:  # one dataset (a choice not among them names a layer inside it, e.g. a .gdb's)
        chosen = found[0]
    with zipfile.ZipFile(path) as zf:
        if chosen.lower().endswith(".gdb"):
            target = tmp / PurePosixPath(chosen).name
            target.mkdir(parents=True, exist_ok=True)
            for n in zf.namelist():
                if _usable(n) and not n.endswith("/") and _gdb_folder(n) == chosen:
                    (target / PurePosixPath(n).name).write_bytes(zf.read(n))
            return target, spent
        stem = chosen[:-len(PurePosixPath(chosen).suffix)]
        for n in zf.namelist():
            if n.endswith("/") or not _usable(n):
                continue
            if n.startswith(stem + ".") or n.lower().startswith(stem.lower() + "."):
                _safe_target(tmp, PurePosixPath(n).name).write_bytes(zf.read(n))
        return tmp / PurePosixPath(chosen).name, spent
