"""Write the same sheet as .xlsx (openpyxl), .xls (xlwt) and .ods (by hand: a zip of XML).

A sheet is a list of rows (None for an empty cell) and merged ranges
``(first_row, first_col, last_row, last_col)``, 0-based and inclusive, as an office lays
out a ledger: title rows, a two-row header with merged cells, blank spacer rows, footers.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

Merge = tuple[int, int, int, int]


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)


def write_xlsx(path: Path, sheets: list[Sheet]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        for r, row in enumerate(sh.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(row=r, column=c, value=v)
        for r0, c0, r1, c1 in sh.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1,
                           end_column=c1 + 1)
    wb.save(path)
    return path


def write_xls(path: Path, sheets: list[Sheet]) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for sh in sheets:
        ws = wb.add_sheet(sh.name)
        merged = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in sh.merges}
        covered = {(r, c) for r0, c0, r1, c1 in sh.merges for r in range(r0, r1 + 1)
                   for c in range(c0, c1 + 1)} - set(merged)
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                if (r, c) in merged:
                    r1, c1 = merged[(r, c)]
                    ws.write_merge(r, r1, c, c1, v)
                elif v is not None and (r, c) not in covered:
                    ws.write(r, c, v)
    wb.save(str(path))
    return path


_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _ods_cell(v: Any, span: tuple[int, int] | None) -> str:
    attrs = ""
    if span is not None:
        attrs = (f' table:number-rows-spanned="{span[0]}" '
                 f'table:number-columns-spanned="{span[1]}"')
    if v is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (f'<table:table-cell{attrs} office:value-type="float" office:value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>")
    return (f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(str(v))}'
            "</text:p></table:table-cell>")


def write_ods(path: Path, sheets: list[Sheet]) -> Path:
    tables = []
    for sh in sheets:
        merged = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in sh.merges}
        covered = {(r, c) for r0, c0, r1, c1 in sh.merges for r in range(r0, r1 + 1)
                   for c in range(c0, c1 + 1)} - set(merged)
        width = max((len(r) for r in sh.rows), default=1)
        rows = []
        for r, row in enumerate(sh.rows):
            cells = []
            for c in range(width):
                v = row[c] if c < len(row) else None
                cells.append("<table:covered-table-cell/>" if (r, c) in covered
                             else _ods_cell(v, merged.get((r, c))))
            rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        tables.append(f'<table:table table:name="{escape(sh.name)}">' + "".join(rows) +
                      "</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} '
               'office:version="1.2"><office:body><office:spreadsheet>' + "".join(tables) +
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


WRITERS = {".xlsx": write_xlsx, ".xls": write_xls, ".ods": write_ods}
