"""The outfall inventory as a sortable, filterable table, done in numpy (fast at 100k rows).

The table keeps, per column, the display strings and an integer *rank* array (equal values,
equal rank; Chinese by pinyin, see :mod:`models.collation`).  Sorting is a stable ``argsort`` of the ranks of the rows
that pass the filter; filtering is boolean masks: a lookup table indexed by the rank for
categorical choices, ``numpy.strings.find`` over one lower-cased haystack per row for the
search box, coordinate comparisons for the map extent and ``shapely.contains_xy`` for a zone.
A Qt proxy model doing the same calls Python per row and took 14 s for 100k rows.

Qt-free: the Qt table model (``ui/outfalls/table_model.py``) only maps view rows to
:attr:`OutfallTable.view` and asks for :meth:`OutfallTable.cell`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geodata import schema
from geodata.messages import Message, in_language
from models import collation
from models.compliance import CHECKS


@dataclass(frozen=True)
class Column:
    key: str
    label_zh: str
    label_en: str

    def label(self, lang: str = "zh") -> str:
        return Message(self.label_zh, self.label_en).text(lang)


COLUMNS = (
    Column("code", "排污口编码", "Code"),
    Column("name_zh", "排污口名称", "Name"),
    Column("county", "县（市、区）", "County"),
    Column("outfall_type", "排污口类型", "Type"),
    Column("water_kind", "入海/入河", "Sea or river"),
    Column("receiving_water", "受纳水体", "Receiving water"),
    Column("remediation", "整治类型", "Remediation"),
    Column("remediation_status", "整治状态", "Remediation status"),
    Column("review_status", "核查状态", "Review status"),
    Column("flags", "合规提示", "Compliance flags"),
)
KEYS = tuple(c.key for c in COLUMNS)
#: the columns an edit in place can change (:meth:`OutfallTable.update_rows`)
EDITED_KEYS = ("name_zh", "outfall_type", "receiving_water", "remediation",
               "remediation_status", "review_status")
FLAG_BITS = {k: 1 << i for i, k in enumerate(CHECKS)}
WATER_KIND_ZH = {"sea": "入海", "river": "入河"}
WATER_KIND_EN = {"sea": "Sea", "river": "River"}


@dataclass(frozen=True)
class TableFilter:
    """What to show; ``None`` or empty means no restriction on that attribute."""

    counties: frozenset[str] | None = None  # display names
    types: frozenset[str] | None = None
    water_kinds: frozenset[str] | None = None
    remediation: frozenset[str] | None = None
    remediation_status: frozenset[str] | None = None
    review_status: frozenset[str] | None = None
    flags: frozenset[str] | None = None  # any of these check ids
    any_flag: bool = False
    text: str = ""
    bbox: tuple[float, float, float, float] | None = None  # lon/lat extent
    zone: Any = None  # a shapely (Multi)Polygon in CGCS2000
    codes: frozenset[str] | None = None  # e.g. the map selection

    def categorical(self) -> dict[str, frozenset[str] | None]:
        return {"county": self.counties, "outfall_type": self.types,
                "water_kind": self.water_kinds, "remediation": self.remediation,
                "remediation_status": self.remediation_status,
                "review_status": self.review_status}


def _text_array(values: Iterable[Any], names: Mapping[str, str] | None = None) -> np.ndarray:
    """Display strings as an object array ('' for missing), vectorised (no per-row Python
    over Arrow-backed strings, which costs ~4 us a row)."""
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if isinstance(s.dtype, pd.CategoricalDtype) or (
            pd.api.types.is_string_dtype(s.dtype) and s.dtype != object):
        # one str per distinct value, shared by its rows: at 1M rows a str per cell for
        # ten columns was ~0.9 GB (vocabulary columns have a handful of values)
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        if isinstance(s.dtype, pd.CategoricalDtype):
            values = [v if isinstance(v, str) else str(v) for v in uniques]
        else:  # Arrow strings: converted by Arrow in one call (iterating them in Python
            # took 2.5 s for the codes and names of 1M outfalls)
            values = _in_slices(lambda part: np.asarray(part, dtype=object).tolist(),
                                uniques)
        if names:  # display names of codes or vocabulary, one lookup per value
            values = [names.get(v, v) for v in values]
        shown = np.asarray(values + [""], dtype=object)
        return shown[np.where(codes < 0, len(shown) - 1, codes)]
    if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
        s = s.astype(str).where(s.notna(), "")
    arr = s.fillna("").to_numpy(dtype=object)
    if s.dtype == object:  # mixed content: make every cell a str
        arr = np.asarray([v if isinstance(v, str) else str(v) for v in arr], dtype=object)
    return _mapped(arr, names) if names else arr


#: rows per call of a long conversion: each call holds the GIL, so the window's worker
#: makes 1M strings in slices of a few ms and the GUI thread gets its turns in between
SLICE = 65_536


def _in_slices(fn: Any, values: Any) -> list[Any]:
    """``fn`` over consecutive slices of ``values``, its list results joined."""
    out: list[Any] = []
    for i in range(0, len(values), SLICE):
        out.extend(fn(values[i:i + SLICE]))
    return out


def _mapped(values: np.ndarray, names: Mapping[str, str]) -> np.ndarray:
    """``names.get(v, v)`` for every value, looked up once per distinct value."""
    codes, uniques = pd.factorize(values)
    shown = np.asarray([names.get(v, v) for v in uniques] + [""], dtype=object)
    return shown[np.where(codes < 0, len(shown) - 1, codes)]


def _isin(values: np.ndarray, wanted: Iterable[str]) -> np.ndarray:
    # pandas' hash-based isin: numpy's isin sorts object arrays (slow at 100k)
    return np.asarray(pd.Series(values, copy=False).isin(list(wanted)), dtype=bool)


def _rank(values: np.ndarray) -> np.ndarray:
    """Dense rank in Chinese order (pinyin; ASCII case-insensitive): equal strings get
    equal ranks.  Keys are made once per distinct value, then sorted by numpy."""
    n = len(values)
    if n == 0:
        return np.zeros(0, np.int32)
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    keys = collation.sort_keys(uniques) if collation.needs_collation(uniques) \
        else np.concatenate(_in_slices(lambda part: [np.char.lower(np.asarray(part, dtype=str))],
                                       uniques))
    order = np.argsort(keys, kind="stable")
    s = keys[order]
    step = np.empty(len(s), np.int32)
    step[0] = 0
    step[1:] = s[1:] != s[:-1]  # distinct values with equal keys (none today) tie
    urank = np.empty(len(s), np.int32)
    urank[order] = np.cumsum(step, dtype=np.int32)
    return urank[codes]


@dataclass
class OutfallTable:
    """Display strings, ranks, coordinates and flags of every outfall; view = row indices."""

    codes: np.ndarray
    text: dict[str, np.ndarray]
    x: np.ndarray
    y: np.ndarray
    flag_bits: np.ndarray
    lang: str = "zh"
    county_names: Mapping[str, str] = field(default_factory=dict)
    _ranks: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: counts the edits applied (update_rows): flags prepared off the GUI thread for an
    #: older version are aligned again by code instead
    version: int = 0
    _haystack: np.ndarray | None = field(default=None, repr=False)
    _row_of: dict[str, int] | None = field(default=None, repr=False)
    _choices: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _orders: dict[tuple[str, bool], np.ndarray] = field(default_factory=dict, repr=False)

    # -- building -------------------------------------------------------------------------
    @classmethod
    def from_frame(cls, frame: pd.DataFrame, county_names: Mapping[str, str] | None = None,
                   flags: Mapping[str, tuple[str, ...]] | None = None,
                   lang: str = "zh") -> OutfallTable:
        names = dict(county_names or {})
        codes = _text_array(frame["code"])
        text: dict[str, np.ndarray] = {}
        for key in KEYS:
            if key in ("county", "water_kind"):
                src = "county_code" if key == "county" else "water_kind"
                m = names if key == "county" else in_language(lang, WATER_KIND_ZH,
                                                              WATER_KIND_EN)
                text[key] = _text_array(frame[src], m) if src in frame else \
                    np.full(len(frame), "", dtype=object)
            elif key == "flags":
                text[key] = np.full(len(frame), "", dtype=object)
            elif key in frame:
                # vocabulary values in the UI language; filters and exports then see
                # what the user sees
                text[key] = _text_array(frame[key], in_language(
                    lang, None, schema.VOCABULARY_EN.get(key)))
            else:
                text[key] = np.full(len(frame), "", dtype=object)
        geoms = np.asarray(frame.geometry.values, dtype=object) if hasattr(frame, "geometry") \
            else np.full(len(frame), None, dtype=object)
        x = np.asarray(shapely.get_x(geoms), dtype=float) if len(geoms) else np.zeros(0)
        y = np.asarray(shapely.get_y(geoms), dtype=float) if len(geoms) else np.zeros(0)
        t = cls(codes, text, x, y, np.zeros(len(frame), np.int64), lang, names)
        if flags:
            t.set_flags(flags)
        return t

    def __len__(self) -> int:
        return len(self.codes)

    def row_of(self, code: str) -> int | None:
        if self._row_of is None:
            self._row_of = {str(c): i for i, c in enumerate(self.codes.tolist())}
        return self._row_of.get(code)

    def _rows_of(self, codes: list[str]) -> list[tuple[str, int | None]]:
        """(code, row) for ``codes``, as :meth:`row_of` gives them.  Until the code → row
        dictionary exists (a million Python entries, ~0.3 s), the rows are found by one
        vectorised ``isin`` over the codes instead (a repeated code: its last row, as in
        the dictionary)."""
        if self._row_of is not None or len(codes) < 64:
            return [(c, self.row_of(c)) for c in codes]
        rows = np.flatnonzero(pd.Series(self.codes, copy=False).isin(codes).to_numpy())
        found = {str(c): int(i) for c, i in zip(self.codes[rows].tolist(), rows, strict=True)}
        return [(c, found.get(c)) for c in codes]

    # -- keeping up with edits ------------------------------------------------------------
    def set_flags(self, flags: Mapping[str, tuple[str, ...]]) -> None:
        """Flags by outfall code (``flags_by_code``), through :meth:`set_flag_bits`."""
        bits = np.zeros(len(self), np.int64)
        for code, checks in flags.items():
            i = self.row_of(code)
            if i is not None:
                bits[i] = sum(FLAG_BITS[c] for c in checks if c in FLAG_BITS)
        self.set_flag_bits(bits)

    def set_flag_bits(self, bits: np.ndarray) -> None:
        """Flags per row from :func:`models.compliance.check_flag_bits` (same row order);
        one label string per distinct combination, shared by its rows."""
        if len(bits) != len(self):
            raise ValueError(f"{len(bits)} flag rows for a table of {len(self)}")
        self.set_flag_columns(*self._flag_columns(np.asarray(bits, np.int64)))

    def set_flag_bits_for(self, bits: np.ndarray, codes: np.ndarray) -> None:
        """Flags of a check that names its outfalls by code: aligned to the table's rows
        by code (the check may have run on the inventory as it was a moment ago; an outfall
        it did not see gets no flag until the next check)."""
        self.set_flag_columns(*self.flag_columns_for(bits, codes))

    def flag_columns_for(self, bits: np.ndarray,
                         codes: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(bits per row, label per row) of a check naming its outfalls by ``codes``,
        without changing the table: the window computes them on its worker and hands
        them to :meth:`set_flag_columns` (1M rows take ~0.3 s).  ``codes`` None: the
        check's rows are the table's rows (the window matched them by fid)."""
        if codes is None:
            if len(bits) != len(self):
                raise ValueError(f"{len(bits)} flag rows for a table of {len(self)}")
            return self._flag_columns(np.asarray(bits, np.int64))
        if len(codes) == len(self) and np.array_equal(np.asarray(codes, dtype=object),
                                                      self.codes.astype(object)):
            return self._flag_columns(np.asarray(bits, np.int64))
        src = pd.Index(np.asarray(codes, dtype=object).astype(str))
        first = ~src.duplicated()  # a code given twice: its first row's flags
        vals = np.asarray(bits, np.int64)[first]
        pos = src[first].get_indexer(self.codes.astype(str))
        aligned = np.where(pos >= 0, vals[np.maximum(pos, 0)], 0) if len(vals) \
            else np.zeros(len(self), np.int64)
        return self._flag_columns(aligned)

    def _flag_columns(self, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # pandas' hash factorize, not np.unique's sort (1M rows: ~10 ms instead of ~80)
        inv, uniq = pd.factorize(np.asarray(bits, np.int64).ravel())
        sep = in_language(self.lang, "、", ", ")
        names = list(CHECKS)
        labels = np.asarray([sep.join(Message(*CHECKS[names[k]][:2]).text(self.lang)
                                      for k in range(len(names)) if int(u) >> k & 1)
                             for u in uniq], dtype=object)
        return bits, labels[inv.ravel()]

    def set_flag_columns(self, bits: np.ndarray, shown: np.ndarray) -> None:
        """Install flags made by :meth:`flag_columns_for` (for this table's version)."""
        self.flag_bits = bits
        self.text["flags"] = shown
        self._invalidate("flags")

    def update_rows(self, frame: pd.DataFrame, codes: Iterable[str]) -> list[int]:
        """Refresh the rows of ``codes`` from ``frame`` (after an edit); returns row indices.

        Column at a time (a sync pull announces ten thousand codes at once): the frame row
        of a code is the table row when the codes there agree (the table was built from the
        frame, and an edit adds no rows), else looked up."""
        pairs = [(c, i) for c, i in self._rows_of(list(map(str, codes)))
                 if i is not None]
        self.version += 1
        if not pairs:
            return []
        want = np.asarray([c for c, _ in pairs], dtype=object)
        ii = np.asarray([i for _, i in pairs], dtype=np.int64)
        jj = ii.copy()
        inside = ii < len(frame)
        same = np.zeros(len(ii), dtype=bool)
        if inside.any():
            there = _text_array(frame["code"].take(ii[inside]))
            same[inside] = there == want[inside]
        if not same.all():  # rows moved (or a code was renamed): look the rest up
            pos = {str(c): k for k, c in enumerate(frame["code"].tolist())}
            found = np.asarray([pos.get(c, -1) for c in want[~same]], dtype=np.int64)
            jj[~same] = found
            keep = jj >= 0
            ii, jj = ii[keep], jj[keep]
        for key in EDITED_KEYS:
            if key in frame:
                vals = _text_array(frame[key].take(jj))
                shown = {v: schema.value_in(key, v, self.lang) if v else v
                         for v in set(vals.tolist())}
                self.text[key][ii] = [shown[v] for v in vals.tolist()]
        if hasattr(frame, "geometry"):
            geoms = np.asarray(frame.geometry.values.take(jj), dtype=object)
            ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
            self.x[ii[ok]] = shapely.get_x(geoms[ok])
            self.y[ii[ok]] = shapely.get_y(geoms[ok])
        for key in EDITED_KEYS:  # the other columns' ranks still hold
            self._invalidate(key)
        return [int(i) for i in ii]

    def _invalidate(self, key: str) -> None:
        self._ranks.pop(key, None)
        self._orders.pop((key, False), None)
        self._orders.pop((key, True), None)
        self._choices.pop(key, None)
        self._haystack = None

    # -- sort and filter ------------------------------------------------------------------
    def rank(self, key: str) -> np.ndarray:
        r = self._ranks.get(key)
        if r is None:
            r = _rank(self.text[key])
            self._ranks[key] = r
        return r

    def has_rank(self, key: str) -> bool:
        """Whether the ranks of ``key`` are still valid (no edit changed that column)."""
        return key in self._ranks

    def haystack(self) -> np.ndarray:
        if self._haystack is None:
            parts = [self.text[k] for k in ("code", "name_zh", "county", "outfall_type",
                                            "receiving_water", "flags")]
            joined = parts[0].astype(str)
            for p in parts[1:]:
                joined = np.strings.add(np.strings.add(joined, "\t"), p.astype(str))
            self._haystack = np.strings.lower(joined)
        return self._haystack

    def mask(self, flt: TableFilter) -> np.ndarray:
        keep = np.ones(len(self), bool)
        for key, wanted in flt.categorical().items():
            if wanted:
                keep &= _isin(self.text[key], wanted)
        if flt.flags:
            want = sum(FLAG_BITS[c] for c in flt.flags if c in FLAG_BITS)
            keep &= (self.flag_bits & want) != 0
        if flt.any_flag:
            keep &= self.flag_bits != 0
        if flt.text.strip():
            for word in flt.text.lower().split():
                keep &= np.strings.find(self.haystack(), word) >= 0
        if flt.bbox is not None:
            x0, y0, x1, y1 = flt.bbox
            keep &= (self.x >= x0) & (self.x <= x1) & (self.y >= y0) & (self.y <= y1)
        if flt.zone is not None:
            shapely.prepare(flt.zone)
            keep &= shapely.contains_xy(flt.zone, self.x, self.y)
        if flt.codes is not None:
            keep &= _isin(self.codes, flt.codes)
        return keep

    def order(self, key: str, descending: bool = False) -> np.ndarray:
        """Every row in ``key`` order (stable: equal values in row order), kept until the
        column changes: a filter then only picks from it (at 1M a sort is ~0.1 s)."""
        got = self._orders.get((key, descending))
        if got is None:
            r = self.rank(key)
            got = np.argsort(-r if descending else r, kind="stable")
            self._orders[(key, descending)] = got
        return got

    def view(self, flt: TableFilter | None = None, sort_key: str | None = None,
             descending: bool = False) -> np.ndarray:
        """Row indices that pass ``flt``, ordered by ``sort_key`` (stable)."""
        if sort_key is None:
            return np.flatnonzero(self.mask(flt)) if flt is not None else np.arange(len(self))
        order = self.order(sort_key, descending)
        # the stable order of all rows, filtered, is the stable order of the rows kept
        return order[self.mask(flt)[order]] if flt is not None else order.copy()

    def cell(self, row: int, key: str) -> str:
        return str(self.text[key][row])

    def choices(self, key: str) -> list[str]:
        """Distinct non-empty values of a column, for the filter menus (kept until an
        edit changes the column; the window makes them on its worker with the table)."""
        got = self._choices.get(key)
        if got is None:
            # distinct values by hash first (one str() per value, not per row: 1M rows)
            got = sorted({str(v) for v in _in_slices(pd.unique, self.text[key]) if v})
            self._choices[key] = got
        return list(got)


# -- export ---------------------------------------------------------------------------------
def export_rows(table: OutfallTable, rows: np.ndarray, path: Path | str,
                lang: str = "zh") -> Path:
    """Write ``rows`` (in that order) to CSV (UTF-8 with BOM, for Excel) or XLSX by suffix."""
    path = Path(path)
    header = [c.label(lang) for c in COLUMNS] + [Message("经度", "Longitude").text(lang),
                                                  Message("纬度", "Latitude").text(lang)]
    data = [[table.cell(int(i), k) for k in KEYS] + [round(float(table.x[i]), 7),
                                                      round(float(table.y[i]), 7)]
            for i in rows]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(Message("排污口", "Outfalls").text(lang))
        ws.append(header)
        for rec in data:
            ws.append(rec)
        wb.save(path)
    elif path.suffix.lower() == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(data)
    else:
        raise ValueError(f"export to .csv or .xlsx, not '{path.suffix}' / 请导出为 .csv 或 .xlsx")
    return path


def county_names(counties: pd.DataFrame | None, lang: str = "zh") -> dict[str, str]:
    if counties is None or not len(counties) or "code" not in counties:
        return {}
    col = in_language(lang, "name_zh", "name_en" if "name_en" in counties else "name_zh")
    return {str(c): str(n) for c, n in zip(counties["code"], counties[col])}
