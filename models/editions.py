"""The editions of the control units a workspace holds, and loading one for a comparison.

Qt-free.  An edition is named (``2021版``); the current one is the ``control_units`` layer
everything else reads, kept ones live in ``control_unit_editions`` (see
:mod:`geodata.editions_store`).  A comparison may also take a file that is not imported:
it is read and checked as an import would (:func:`read_units_file`) and named after the
file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

from geodata import editions_store, schema, store
from geodata.editions_store import EditionError
from geodata.messages import Message, msg

__all__ = ["Edition", "EditionError", "find", "list_editions", "load", "read_units_file",
           "resolve"]


@dataclass(frozen=True)
class Edition:
    """One edition: a kept one, the current one, or a file compared without importing."""

    name: str
    date: str | None = None
    source: str | None = None
    feature_count: int | None = None
    is_current: bool = False
    file: Path | None = None

    def title(self, lang: str = "zh") -> str:
        """The name as shown: the unnamed current edition reads 当前版本 / current."""
        if self.name == editions_store.DEFAULT_CURRENT.zh:
            return editions_store.DEFAULT_CURRENT.text(lang)
        return self.name

    def label(self, lang: str = "zh") -> str:
        """Name, date and (for the current one) a mark, for lists and report headings."""
        out = self.title(lang)
        if self.date:
            out += f" ({self.date})"
        if self.is_current and self.name != editions_store.DEFAULT_CURRENT.zh:
            out += " · " + msg("当前", "current").text(lang)
        if self.file is not None:
            out += " · " + msg("未导入的文件", "file, not imported").text(lang)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "date": self.date, "source": self.source,
                "feature_count": self.feature_count, "is_current": self.is_current,
                "file": str(self.file) if self.file else None}


def list_editions(workspace: Path) -> list[Edition]:
    """Kept editions (oldest first) and the current one last."""
    return [Edition(str(r["name"]), r["date"], r["source"], r["feature_count"],
                    bool(r["is_current"])) for r in editions_store.list_editions(workspace)]


def find(workspace: Path, name: str) -> Edition | None:
    """The edition called ``name`` (``current``/``当前`` name the current one)."""
    editions = list_editions(workspace)
    if name.strip().lower() in editions_store.CURRENT_ALIASES:
        return next((e for e in editions if e.is_current), None)
    return next((e for e in editions if e.name == name.strip()), None)


def load(workspace: Path, edition: Edition) -> gpd.GeoDataFrame:
    """The units of an edition of ``workspace`` (or of the edition's file)."""
    if edition.file is not None:
        return read_units_file(edition.file)
    if edition.is_current:
        frame = store.read_layer(Path(workspace), editions_store.CURRENT_LAYER)
    else:
        import pyogrio

        quoted = edition.name.replace("'", "''")
        frame = pyogrio.read_dataframe(Path(workspace), layer=editions_store.LAYER,
                                       where=f"edition = '{quoted}'", use_arrow=True)
        frame = frame.drop(columns=["edition"])
    if frame.crs is None:
        frame = frame.set_crs(schema.CRS, allow_override=True)
    elif frame.crs.to_epsg() not in (4490, 4326):
        frame = frame.to_crs(schema.CRS)
    return frame


def read_units_file(path: Path) -> gpd.GeoDataFrame:
    """Control units from a file, read, mapped and checked as an import would do it."""
    from geodata.io.field_mapping import suggest_mapping
    from geodata.io.messages import ImportRefused
    from geodata.io.readers import read_any
    from geodata.io.validation import prepare

    try:
        result = read_any(Path(path))
        suggested = suggest_mapping(list(result.frame.columns), "control_units")
        prep = prepare(result, "control_units", {t: m.source for t, m in suggested.items()})
    except ImportRefused as exc:
        raise EditionError(exc.message) from None
    if len(prep.frame) == 0:
        first = prep.rejected[0].reason if prep.rejected else msg("文件中没有要素", "no features")
        raise EditionError(Message(f"{Path(path).name}：没有可用的管控单元（例如：{first.zh}）",
                                   f"{Path(path).name}: no usable control unit "
                                   f"(e.g. {first.en})"))
    return prep.frame


def resolve(workspace: Path, spec: str) -> Edition:
    """An edition of the workspace named ``spec``, else the file at ``spec``; EditionError
    naming the editions there are when it is neither."""
    found = find(workspace, spec)
    if found is not None:
        return found
    path = Path(spec)
    if path.is_file():
        return Edition(path.stem, None, str(path), None, False, path)
    names = "、".join(e.name for e in list_editions(workspace)) or "—"
    names_en = ", ".join(e.title("en") for e in list_editions(workspace)) or "-"
    raise EditionError(Message(f"“{spec}”既不是工作区中的版本，也不是文件（已有版本：{names}）",
                               f"'{spec}' is neither an edition of the workspace nor a file "
                               f"(editions: {names_en})"))


@dataclass
class EditionComparison:
    """A comparison with what the reports need besides it: the two editions, the base map
    geometries and whether the units are illustrative (示例数据)."""

    result: Any  # models.edition_compare.Comparison
    old: Edition
    new: Edition
    base: dict[str, Any]
    illustrative: bool

    @property
    def editions(self) -> dict[str, Edition]:
        return {"old": self.old, "new": self.new}


def _illustrative(workspace: Path) -> bool:
    meta = store.read_table(Path(workspace), "metadata")
    if meta.empty or "key" not in meta.columns:
        return False
    value = dict(zip(meta["key"], meta["value"], strict=True)).get("illustrative_layers", "")
    return "control_units" in str(value).split(",")


def compare_editions(workspace: Path, new: str, old: str | None = None) -> EditionComparison:
    """Compare edition (or file) ``new`` with edition ``old`` (default: the current one)."""
    from models.edition_compare import compare

    workspace = Path(workspace)
    e_new = resolve(workspace, new)
    e_old = resolve(workspace, old) if old else find(workspace, "current")
    if e_old is None:
        raise EditionError(msg("工作区没有当前版本的管控单元",
                               "the workspace has no control units"))
    if e_old == e_new:
        raise EditionError(msg(f"“{e_new.name}”不能与自身对比，请用 --against 指定另一版本",
                               f"'{e_new.title('en')}' compared with itself: name another "
                               "edition with --against"))
    old_units, new_units = load(workspace, e_old), load(workspace, e_new)
    if e_new.file is not None:
        e_new = Edition(e_new.name, e_new.date, e_new.source, len(new_units), False, e_new.file)
    contents = dict(store.list_contents(workspace))
    layers = {n: store.read_layer(workspace, n) for n in ("outfalls", "counties", "land")
              if contents.get(n) == "features"}
    result = compare(old_units, new_units, e_old.name, e_new.name,
                     outfalls=layers.get("outfalls"), counties=layers.get("counties"))
    base = {"land": list(layers["land"].geometry) if "land" in layers else [],
            "counties": list(layers["counties"].geometry) if "counties" in layers else [],
            "units": new_units, "old_units": old_units}
    return EditionComparison(result, e_old, e_new, base, _illustrative(workspace))
