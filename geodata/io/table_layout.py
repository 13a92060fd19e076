"""Find the table inside a sheet as county offices lay it out (issue 14).

A ledger rarely starts in cell A1 with its header.  Above the header there are title rows
(泉州市入海排污口排查整治清单, 填报单位：…); the header may take two rows with merged
cells (坐标 over 经度 | 纬度, 排污口 over 编码 | 名称); blank rows space the data; and
below it come a 合计 row, 备注 and 填表说明 lines, section rows such as 一、晋江市, and on
a printed ledger the header again on each page.  None of that is data.

The input is the sheet as a grid of text, one row per spreadsheet row from row 1 (what
Excel and WPS number 1), so that every row number reported is the one a person sees.

- :func:`find_table` finds the header: the first row near the top that names coordinate
  columns, with the row above it taken as a group row when it labels spans of columns;
  without coordinate names, the first row about as wide as the widest one near the top.
- :func:`trim_rows` drops what is not data once the coordinate columns are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.io.coordinate_columns import find_coordinates, is_coordinate_name
from geodata.io.messages import Message, msg

#: rows scanned for the header
SCAN_ROWS = 40
#: words that end a title (…清单, …统计表) rather than label a group of columns
_TITLE_END = re.compile(r"(表|清单|名录|名单|台账|台帐|汇总|统计|一览|目录)\s*$")
#: the first cell of a row that is a footer, not data
_TOTAL = re.compile(r"^\s*(合\s*计|总\s*计|小\s*计|共\s*计)")
_NOTE = re.compile(r"^\s*(备\s*注|说\s*明|填表说明|填报说明|注\s*[:：]|注\s*\d|注释|附注|制表|审核|"
                   r"填表人|填报人|填报单位|填报日期|联系人|联系电话|负责人|单位负责人)")
#: a section row inside the data: 一、晋江市 / （二）入河排污口
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|"
                      r"[（(][一二三四五六七八九十]+[)）])")


@dataclass
class Table:
    """The table found in a grid: named columns, data rows, and where they came from."""

    frame: pd.DataFrame
    #: the spreadsheet row number (1-based) of each row of ``frame``
    rows: np.ndarray
    #: first and last header row (1-based)
    header: tuple[int, int]
    #: rows above the header that were skipped (1-based)
    skipped_above: list[int] = field(default_factory=list)


def column_letter(index: int) -> str:
    """'A' for 0, 'Z' for 25, 'AA' for 26: the column names Excel shows."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _texts(grid: pd.DataFrame) -> np.ndarray:
    """The grid's cells as stripped text ('' for empty), column by column (vectorised)."""
    if grid.empty:
        return np.empty(grid.shape, dtype=object)
    text = grid.astype(object).where(grid.notna(), "").astype(str)
    return text.apply(lambda col: col.str.strip()).to_numpy(dtype=object)


def _is_title_text(text: str) -> bool:
    return len(text) > 10 or bool(_TITLE_END.search(text)) or ":" in text or "：" in text


def _group_names(upper: np.ndarray, lower: np.ndarray) -> list[str] | None:
    """Column names of a two-row header, or None if ``upper`` is not a group row.

    A group row labels spans of columns: a label whose cells to the right are empty in the
    upper row but named in the lower one (a merged cell, which a reader sees as its first
    cell only).  A title or a 填报单位 line above a one-row header is not one.
    """
    filled = [c for c in range(len(upper)) if upper[c]]
    if not filled or any(_is_title_text(upper[c]) for c in filled):
        return None
    owner = [-1] * len(upper)  # the group label over each column
    spans = 0
    for c in filled:
        owner[c] = c
        k = c + 1
        while k < len(upper) and not upper[k] and lower[k] and lower[c]:
            owner[k] = c
            k += 1
        spans += k - c > 1
    named = [c for c in range(len(lower)) if lower[c]]
    if not spans or not named:
        return None
    if len(filled) == 1 and sum(1 for c in named if owner[c] == filled[0]) >= 0.8 * len(named):
        return None  # one label over (nearly) the whole table: a title
    names = []
    for c in range(len(lower)):
        top = upper[owner[c]] if owner[c] >= 0 else ""
        low = lower[c]
        if not low:
            names.append(top)  # merged down over both rows: 序号, 受纳水体
        elif not top or top == low or is_coordinate_name(low) or low.startswith(top):
            names.append(low)
        else:
            names.append(top + low)  # 排污口 + 编码 -> 排污口编码
    return names


def _unique(names: list[str]) -> list[str]:
    """Empty names become the column letter (列C); repeated ones get .1, .2 as pandas does."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        n = n or f"列{column_letter(i)}"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


def find_table(grid: pd.DataFrame) -> Table:
    """The header and the data rows of a sheet given as a grid of text (row 0 = row 1)."""
    texts = _texts(grid)
    if texts.size == 0:
        return Table(pd.DataFrame(), np.zeros(0, dtype=int), (1, 1))
    width = (texts != "").sum(axis=1)
    scan = range(min(len(texts), SCAN_ROWS))
    leaf = next((r for r in scan if width[r] and
                 find_coordinates([t for t in texts[r] if t]) is not None), None)
    if leaf is None:  # no coordinate names: the first row about as wide as the widest
        widest = max((width[r] for r in scan), default=0)
        leaf = next((r for r in scan if width[r] >= max(1, 0.6 * widest)), 0)
    names = list(texts[leaf])
    top = leaf
    if leaf > 0 and width[leaf - 1]:
        grouped = _group_names(texts[leaf - 1], texts[leaf])
        if grouped is not None:
            names, top = grouped, leaf - 1
    # the grid is as wide as its widest row: drop trailing columns nobody named or filled
    used = np.flatnonzero((texts[leaf + 1:] != "").any(axis=0) | (np.array(names) != ""))
    ncols = int(used.max()) + 1 if len(used) else 0
    data = texts[leaf + 1:, :ncols]
    # the cells as they are (a value's own spaces are kept); the stripped text only decides
    raw = grid.iloc[leaf + 1:, :ncols]
    raw = raw.astype(object).where(raw.notna(), "").to_numpy(dtype=object)
    frame = pd.DataFrame(raw, columns=_unique(names[:ncols]))
    rows = np.arange(leaf + 2, leaf + 2 + len(data))
    blank = (data == "").all(axis=1) if ncols else np.ones(len(data), dtype=bool)
    skipped = [r + 1 for r in range(top) if width[r]]
    return Table(frame.loc[~blank].reset_index(drop=True), rows[~blank], (top + 1, leaf + 1),
                 skipped)


def trim_rows(frame: pd.DataFrame, rows: np.ndarray, coordinate_columns: tuple[str, ...]
              ) -> tuple[pd.DataFrame, np.ndarray, dict[str, list[int]]]:
    """Drop the rows that are not data; returns the kept rows and the dropped ones by kind.

    Kinds: 'footer' (合计, and 备注/填表说明 with the lines that follow them), 'section'
    (一、晋江市) and 'header' (the header repeated on a later page).  A row with any
    coordinate is always kept: it is data, whatever its first cell says.  Only rows without
    coordinates are looked at one by one (a few in a ledger of 100k rows).
    """
    if not len(frame):
        return frame, rows, {}
    coords = _texts(frame[list(coordinate_columns)])
    no_coords = (coords == "").all(axis=1)
    repeated = (coords == np.array(coordinate_columns, dtype=object)).all(axis=1)
    kinds = np.where(repeated, "header", "").astype(object)
    in_notes = False
    candidates = np.flatnonzero(no_coords)
    cells = _texts(frame.iloc[candidates]) if len(candidates) else np.empty((0, 0), object)
    for k, i in enumerate(candidates.tolist()):
        row = [c for c in cells[k] if c]
        first = row[0] if row else ""
        if _NOTE.match(first):
            kinds[i], in_notes = "footer", True
        elif _TOTAL.match(first) or in_notes:
            kinds[i] = "footer"
        elif len(row) == 1 and _SECTION.match(first):
            kinds[i] = "section"
    keep = kinds == ""
    dropped: dict[str, list[int]] = {}
    for i in np.flatnonzero(~keep).tolist():
        dropped.setdefault(str(kinds[i]), []).append(int(rows[i]))
    return frame.loc[keep].reset_index(drop=True), rows[keep], dropped


def _span(rows: list[int]) -> str:
    return f"{rows[0]}" if len(rows) == 1 else f"{rows[0]}–{rows[-1]}"


def layout_notes(table: Table, dropped: dict[str, list[int]], where: Message) -> list[Message]:
    """What a person should know about how the table was found (only when not plain)."""
    out: list[Message] = []
    first, last = table.header
    if first != 1 or last != 1:
        two = last > first
        out.append(msg(f"{where.zh}表头在第 {_span([first, last] if two else [first])} 行"
                       + ("（两行表头，合并单元格已展开）" if two else ""),
                       f"{where.en}header in row{'s' if two else ''} "
                       f"{_span([first, last] if two else [first])}"
                       + (" (two header rows, merged cells spread out)" if two else "")))
    if table.skipped_above:
        rows = ", ".join(map(str, table.skipped_above))
        s = "s" if len(table.skipped_above) > 1 else ""
        out.append(msg(f"表头上方的标题行（第 {rows} 行）不是数据，已跳过",
                       f"title rows above the header (row{s} {rows}) are not data; skipped"))
    labels = {"footer": ("表尾的合计、备注或填表说明", "footer rows (totals, remarks, notes)"),
              "section": ("分组标题行（如“一、晋江市”）", "section rows (such as '一、晋江市')"),
              "header": ("重复的表头", "repeated header rows")}
    for kind, rows_of in dropped.items():
        zh, en = labels[kind]
        listed = ", ".join(map(str, rows_of[:12])) + (" …" if len(rows_of) > 12 else "")
        s = "s" if len(rows_of) > 1 else ""
        out.append(msg(f"{zh}（第 {listed} 行）不是数据，已跳过",
                       f"{en} (row{s} {listed}) are not data; skipped"))
    return out
