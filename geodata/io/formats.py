"""The file types the importer opens: one list for the command line and the import wizard.

Light on purpose (no GDAL, no pandas): the command line builds its help from it at start-up.
"""

from __future__ import annotations

#: workbooks, read by python-calamine (.xlsx also by openpyxl)
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: point tables: delimited text and workbooks
TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".dat", *SPREADSHEET_SUFFIXES}
#: vector formats read through GDAL (a .gdb is a folder)
VECTOR_SUFFIXES = {".shp", ".dbf", ".zip", ".gpkg", ".geojson", ".json", ".kml", ".kmz",
                   ".gpx", ".fgb", ".gdb", ".tab", ".mif", ".sqlite", ".spatialite", ".dxf"}
#: refused with a way out rather than "unsupported"
CAD_ONLY_SUFFIXES = {".dwg"}


def supported_suffixes() -> list[str]:
    """Every suffix the importer opens, sorted."""
    return sorted(VECTOR_SUFFIXES | TABLE_SUFFIXES)
