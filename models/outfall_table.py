"""The outfall inventory as a sortable, filterable table, done in numpy and Arrow (fast at 1M rows).

The table keeps, per column, the display strings (:mod:`models.text_columns`: codes and
names as the frame's own Arrow strings, the other columns as small codes into their few
values — no Python ``str`` per row) and an integer *rank* array made on first sort (equal
values, equal rank; Chinese by pinyin, see :mod:`models.collation`).  Sorting is a stable
``argsort`` of the ranks of the rows that pass the filter; filtering is boolean masks: a
lookup per distinct value for categorical choices, Arrow's substring match over the
lower-cased names and codes (and per distinct value of the other columns) for the search
box, coordinate comparisons for the map extent and ``shapely.contains_xy`` for a zone.
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
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geodata import schema
from geodata.messages import Message, in_language
from models import key_lookup
from models.compliance import CHECKS
from models.text_columns import (
    SLICE,
    ArrowText,
    CodedText,
    CodeIndex,
    Haystack,
    dense_rank_of_values,
    shared_text,
)


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


def _text_array(values: Iterable[Any]) -> np.ndarray:
    """Display strings of a few values (an edit's rows) as an object array, '' for
    missing (the table's own columns are :mod:`models.text_columns`)."""
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    col = CodedText.of(s)
    return col.values[col.codes]  # type: ignore[no-any-return]


def _rank(values: Iterable[Any]) -> np.ndarray:
    """Dense rank in Chinese order (pinyin; ASCII case-insensitive): equal strings get
    equal ranks.  Keys are made once per distinct value, then sorted by numpy."""
    return dense_rank_of_values(np.asarray(list(values), dtype=object))


#: the columns the search box looks in
SEARCHED = ("code", "name_zh", "county", "outfall_type", "receiving_water", "flags")
#: free-text columns, kept as Arrow strings (one distinct value per row, or nearly)
FREE_TEXT = ("code", "name_zh")


@dataclass
class OutfallTable:
    """Display strings, ranks, coordinates and flags of every outfall; view = row indices.

    ``text[key]`` is a :mod:`models.text_columns` column: codes and names as Arrow strings
    shared with the frame, the other columns as small codes into their display strings;
    ``codes`` is ``text["code"]``."""

    codes: ArrowText
    text: dict[str, Any]
    x: np.ndarray
    y: np.ndarray
    flag_bits: np.ndarray
    lang: str = "zh"
    county_names: Mapping[str, str] = field(default_factory=dict)
    _ranks: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: counts the edits applied (update_rows): flags prepared off the GUI thread for an
    #: older version are aligned again by code instead
    version: int = 0
    #: the lower-cased, tab-joined free-text columns the search box looks in
    _haystack: Any = field(default=None, repr=False)
    _row_of: CodeIndex | None = field(default=None, repr=False)
    _choices: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _orders: dict[tuple[str, bool], np.ndarray] = field(default_factory=dict, repr=False)

    # -- building -------------------------------------------------------------------------
    @classmethod
    def from_frame(cls, frame: pd.DataFrame, county_names: Mapping[str, str] | None = None,
                   flags: Mapping[str, tuple[str, ...]] | None = None,
                   lang: str = "zh") -> OutfallTable:
        names = dict(county_names or {})
        n = len(frame)
        text: dict[str, Any] = {}
        for key in KEYS:
            if key in ("county", "water_kind"):
                src = "county_code" if key == "county" else "water_kind"
                m = names if key == "county" else in_language(lang, WATER_KIND_ZH,
                                                              WATER_KIND_EN)
                text[key] = CodedText.of(frame[src], m) if src in frame else \
                    CodedText.constant(n)
            elif key == "flags":
                text[key] = CodedText.constant(n)
            elif key in FREE_TEXT:
                text[key] = ArrowText.of(frame[key]) if key in frame else \
                    ArrowText(pa.array([""] * n, type=pa.string()))
            elif key in frame:
                # vocabulary values in the UI language; filters and exports then see
                # what the user sees
                text[key] = CodedText.of(frame[key], in_language(
                    lang, None, schema.VOCABULARY_EN.get(key)))
            else:
                text[key] = CodedText.constant(n)
        geoms = np.asarray(frame.geometry.values, dtype=object) if hasattr(frame, "geometry") \
            else np.full(len(frame), None, dtype=object)
        x = np.asarray(shapely.get_x(geoms), dtype=float) if len(geoms) else np.zeros(0)
        y = np.asarray(shapely.get_y(geoms), dtype=float) if len(geoms) else np.zeros(0)
        t = cls(text["code"], text, x, y, np.zeros(n, np.int64), lang, names)
        if flags:
            t.set_flags(flags)
        return t

    def __len__(self) -> int:
        return len(self.codes)

    def row_of(self, code: str) -> int | None:
        if self._row_of is None:
            self._row_of = CodeIndex(self.codes)
        return self._row_of.row_of(code)

    def _rows_of(self, codes: list[str]) -> list[tuple[str, int | None]]:
        """(code, row) for ``codes``, as :meth:`row_of` gives them: a few by binary
        search, many by one vectorised ``isin`` over the codes (a repeated code: its last
        row, as :meth:`row_of`)."""
        if len(codes) < CodeIndex.BULK:
            return [(c, self.row_of(c)) for c in codes]
        index = self._row_of
        if index is not None and index.pays_for(len(codes)):
            found_at = index.find(codes, last=True).tolist()
            return [(c, r if r >= 0 else None) for c, r in zip(codes, found_at, strict=True)]
        rows = np.flatnonzero(self.codes.isin(codes))
        found = {str(c): int(i) for c, i in zip(self.codes.strings(rows).tolist(), rows,
                                                 strict=True)}
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
        if self._same_codes(codes):
            return self._flag_columns(np.asarray(bits, np.int64))
        src = _arrow_codes(codes, self.codes.arr.type)
        # a code given twice: its first row's flags (index_in finds the first match)
        pos = pc.index_in(self.codes.arr, value_set=src).fill_null(-1)
        pos = np.asarray(pos.to_numpy(zero_copy_only=False), dtype=np.int64)
        vals = np.asarray(bits, np.int64)
        aligned = np.where(pos >= 0, vals[np.maximum(pos, 0)], 0) if len(vals) \
            else np.zeros(len(self), np.int64)
        return self._flag_columns(aligned)

    def _same_codes(self, codes: Any) -> bool:
        """Whether ``codes`` are the table's, row for row: compared a slice at a time (a
        whole Arrow copy of a million codes given as Python strings is ~20 MB more at the
        re-check's peak)."""
        if len(codes) != len(self):
            return False
        mine = self.codes.arr
        if isinstance(codes, np.ndarray):
            return all(_arrow_codes(codes[i:i + SLICE], mine.type).equals(mine.slice(i, SLICE))
                       for i in range(0, len(codes), SLICE))
        return bool(_arrow_codes(codes, mine.type).equals(mine))

    def _flag_columns(self, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # pandas' hash factorize, not np.unique's sort (1M rows: ~10 ms instead of ~80)
        inv, uniq = pd.factorize(np.asarray(bits, np.int64).ravel())
        sep = in_language(self.lang, "、", ", ")
        names = list(CHECKS)
        labels = [sep.join(Message(*CHECKS[names[k]][:2]).text(self.lang)
                           for k in range(len(names)) if int(u) >> k & 1) for u in uniq]
        return bits, CodedText(inv.ravel(), labels)

    def set_flag_columns(self, bits: np.ndarray, shown: CodedText) -> None:
        """Install flags made by :meth:`flag_columns_for` (for this table's version)."""
        self.flag_bits = bits
        self.text["flags"] = shown
        self._invalidate("flags")

    def update_rows(self, frame: pd.DataFrame, codes: Iterable[str],
                    fields: Iterable[str] | None = None) -> list[int]:
        """Refresh the rows of ``codes`` from ``frame`` (after an edit); returns row indices.
        ``fields``: the frame columns the change wrote ("geometry" for the coordinates), as
        ``Workspace.features_changed`` names them; only the table columns showing those are
        refreshed (None: every column an edit can change).

        Column at a time (a sync pull announces ten thousand codes at once): the frame row
        of a code is the table row when the codes there agree (the table was built from the
        frame, and an edit adds no rows), else looked up."""
        written = None if fields is None else set(fields)
        keys = [k for k in EDITED_KEYS if k in frame and (written is None or k in written)]
        moved = hasattr(frame, "geometry") and (written is None or "geometry" in written)
        wanted = list(map(str, codes))
        self.version += 1
        # the table's codes are the frame's own (an edit of other columns leaves them be):
        # a table row is that frame row, found in one pass (the edit's own lookup of the
        # same codes in the same buffers, kept by key_lookup) with no string per row
        ii = self._rows_holding(wanted) if self._built_on_keys_of(frame) else None
        if ii is not None:
            jj = ii
        else:
            ii, jj = self._rows_and_frame_rows(frame, wanted)
        if not len(ii):
            return []
        if keys or moved:
            self._write_rows(frame, keys, moved, ii, jj)
        return np.asarray(ii, dtype=np.int64).tolist()  # type: ignore[no-any-return]

    def _rows_holding(self, wanted: list[str]) -> np.ndarray | None:
        """The rows of ``wanted`` codes, ascending, when no code found is in two rows (a
        repeated code's row is then chosen by :meth:`_rows_and_frame_rows`); else None.
        Few codes, or many in a large table with its index, by :meth:`_rows_of`."""
        known = key_lookup.rows_known(self.codes.arr, wanted)
        if known is not None:  # the edit's own lookup in this code column (each code's row)
            return known
        index = self._row_of
        if len(wanted) < CodeIndex.BULK or (index is not None and index.pays_for(len(wanted))):
            return np.unique(np.asarray([i for _, i in self._rows_of(wanted) if i is not None],
                                        dtype=np.int64))
        rows = np.flatnonzero(self.codes.isin(wanted))
        if len(rows) > 1 and pc.count_distinct(
                self.codes.arr.take(pa.array(rows))).as_py() != len(rows):
            return None
        return rows

    def _rows_and_frame_rows(self, frame: pd.DataFrame,
                             wanted: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(table rows, frame rows) of ``wanted`` codes (a repeated code: its last row, as
        :meth:`row_of`): the frame row is the table row where the codes there agree (the
        table was built from the frame, and an edit adds no rows), else looked up."""
        pairs = [(c, i) for c, i in self._rows_of(wanted) if i is not None]
        if not pairs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
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
        return ii, jj

    def _write_rows(self, frame: pd.DataFrame, keys: list[str], moved: bool,
                    ii: np.ndarray, jj: np.ndarray) -> None:
        """Table rows ``ii`` take the values of frame rows ``jj`` in ``keys`` (and the
        coordinates if ``moved``): per column, the few distinct values are made display
        strings once and written as codes (a ``str`` per row was ~2 ms of an edit of
        1 000 outfalls)."""
        for key in keys:
            taken = CodedText.of(frame[key].take(jj))
            shown = [schema.value_in(key, v, self.lang) if v else v
                     for v in taken.values.tolist()]
            self.text[key].set_coded(ii, taken.codes, shown)
        if moved:
            geoms = np.asarray(frame.geometry.values.take(jj), dtype=object)
            ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
            self.x[ii[ok]] = shapely.get_x(geoms[ok])
            self.y[ii[ok]] = shapely.get_y(geoms[ok])
        for key in keys:  # the other columns' ranks still hold
            self._invalidate(key)

    def _built_on_keys_of(self, frame: pd.DataFrame) -> bool:
        """Whether the table's codes are ``frame``'s code column itself (the same Arrow
        buffers, which an edit of other columns leaves be): then a table row is that
        frame row, with no need to compare the codes."""
        col = frame["code"] if "code" in frame else None
        if col is None or len(col) != len(self):
            return False
        theirs = shared_text(col)
        return theirs is not None and \
            key_lookup.identity(self.codes.arr) == key_lookup.identity(theirs)

    def _invalidate(self, key: str) -> None:
        self._ranks.pop(key, None)
        self._orders.pop((key, False), None)
        self._orders.pop((key, True), None)
        self._choices.pop(key, None)
        if key in SEARCHED and isinstance(self.text.get(key), ArrowText):
            self._haystack = None  # made of the free-text columns only

    # -- sort and filter ------------------------------------------------------------------
    def rank(self, key: str) -> np.ndarray:
        r = self._ranks.get(key)
        if r is None:
            r = self.text[key].rank()
            self._ranks[key] = r
        return r

    def has_rank(self, key: str) -> bool:
        """Whether the ranks of ``key`` are still valid (no edit changed that column)."""
        return key in self._ranks

    def haystack(self) -> Haystack | None:
        """The searched free-text columns (codes, names) lower-cased and joined by a tab,
        one row each, kept until an edit (~100 MB at 1M rows; the old tab-joined text of
        every searched column was ~240 MB); the few values of the other searched columns
        are lower-cased per search."""
        if self._haystack is None:
            free = [self.text[k].lowered().cast(pa.large_string()) for k in SEARCHED
                    if isinstance(self.text[k], ArrowText)]
            joined = free[0] if len(free) == 1 else pc.binary_join_element_wise(
                *free, pa.scalar("\t", pa.large_string())) if free else None
            self._haystack = Haystack(joined) if joined is not None else None
        return self._haystack

    def _contains(self, word: str) -> np.ndarray:
        """Rows where one of the searched columns contains ``word`` (lower case): as in
        one tab-joined line per row, since a word has no tab."""
        joined = self.haystack()
        keep = np.zeros(len(self), bool) if joined is None else joined.contains(word)
        for k in SEARCHED:
            col = self.text[k]
            if isinstance(col, CodedText):
                keep |= col.contains(word)
        return keep

    def mask(self, flt: TableFilter) -> np.ndarray:
        keep = np.ones(len(self), bool)
        for key, wanted in flt.categorical().items():
            if wanted:
                keep &= self.text[key].isin(wanted)
        if flt.flags:
            want = sum(FLAG_BITS[c] for c in flt.flags if c in FLAG_BITS)
            keep &= (self.flag_bits & want) != 0
        if flt.any_flag:
            keep &= self.flag_bits != 0
        if flt.text.strip():
            for word in flt.text.lower().split():
                keep &= self._contains(word)
        if flt.bbox is not None:
            x0, y0, x1, y1 = flt.bbox
            keep &= (self.x >= x0) & (self.x <= x1) & (self.y >= y0) & (self.y <= y1)
        if flt.zone is not None:
            shapely.prepare(flt.zone)
            keep &= shapely.contains_xy(flt.zone, self.x, self.y)
        if flt.codes is not None:
            keep &= self.codes.isin(flt.codes)
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
        return self.text[key][row]  # type: ignore[no-any-return]

    def cells(self, rows: np.ndarray, key: str) -> list[str]:
        """:meth:`cell` of many rows, in one lookup (a table view's column on screen)."""
        return self.text[key].strings(rows).tolist()  # type: ignore[no-any-return]

    def choices(self, key: str) -> list[str]:
        """Distinct non-empty values of a column, for the filter menus (kept until an
        edit changes the column; the window makes them on its worker with the table)."""
        got = self._choices.get(key)
        if got is None:
            # distinct values by hash first (one str() per value, not per row: 1M rows)
            got = sorted(v for v in self.text[key].distinct() if v)
            self._choices[key] = got
        return list(got)


def _arrow_codes(codes: Any, type_: pa.DataType) -> pa.Array:
    """Codes (Arrow, pandas or a numpy array of str) as an Arrow array of ``type_``."""
    if isinstance(codes, ArrowText):
        arr = codes.arr
    elif isinstance(codes, (pa.Array, pa.ChunkedArray)):
        arr = codes
    elif isinstance(codes, pd.Series):
        arr = ArrowText.of(codes).arr
    else:
        try:  # str codes: one C conversion
            arr = pa.array(np.asarray(codes, dtype=object), type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed content: as the table shows it
            arr = ArrowText.of(pd.Series(np.asarray(codes, dtype=object), dtype=object)).arr
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.fill_null("") if arr.null_count else arr  # shown as "", as in the table
    return arr if arr.type == type_ else arr.cast(type_)


# -- export ---------------------------------------------------------------------------------
def export_rows(table: OutfallTable, rows: np.ndarray, path: Path | str,
                lang: str = "zh") -> Path:
    """Write ``rows`` (in that order) to CSV (UTF-8 with BOM, for Excel) or XLSX by suffix."""
    path = Path(path)
    header = [c.label(lang) for c in COLUMNS] + [Message("经度", "Longitude").text(lang),
                                                  Message("纬度", "Latitude").text(lang)]
    at = np.asarray(rows, dtype=np.int64)
    # a column at a time (a cell of an Arrow column is ~1 us; 1M rows x 10 columns)
    texts = [table.text[k].strings(at).tolist() for k in KEYS]
    data = [[*cells, round(x, 7), round(y, 7)] for *cells, x, y in
            zip(*texts, table.x[at].tolist(), table.y[at].tolist(), strict=True)]
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
