"""The state of one interactive import, behind the import dialog (no Qt here).

The dialog (``ui.importing``) only calls methods of :class:`ImportSession`; the session calls
the other ``geodata.io`` functions.  Unlike ``workspace_import.import_file`` (which reads
the file again on every call), the session reads once per choice of file, layer, encoding
and CRS and reuses that read for the mapping preview, the dry run and the import, so that
what the user previewed is exactly what gets written, and a large file is read once, not
three times.  It lives below ``ui/`` so that the command line and tests can drive an import
the way the dialog does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyogrio

from geodata.collector import collector_paused
from geodata.io import archives, crs_detect, encodings, field_mapping, point_tables, readers
from geodata.io.crs_candidates import Candidate
from geodata.io.messages import ImportCancelled, ImportRefused, Message, Notes, msg
from geodata.io.read_result import Progress, ReadResult
from geodata.io.readers import read_any
from geodata.io.validation import nothing_imported, prepare
from geodata.io.workspace_import import (
    KEYED_LAYERS,
    ImportReport,
    layer_table_name,
    undo_import,
    write_prepared,
)

#: suffixes whose text encoding the user may choose (others are UTF-8 by definition)
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".dat"}
DBF_SUFFIXES = {".shp", ".dbf", ".zip"}
#: formats whose layers (GeoPackage tables, KML folders, GPX parts, sheets, the feature
#: classes of a File Geodatabase, the datasets of a zip) are listed
LAYERED_SUFFIXES = {".gpkg", ".kml", ".kmz", ".gpx", ".zip", ".gdb", ".sqlite", ".spatialite",
                    *point_tables.SPREADSHEET_SUFFIXES}
#: encodings offered for override: codec name → shown name
ENCODINGS = {"utf-8": "UTF-8", "gb18030": "GB18030 (GBK/GB2312)", "big5": "Big5",
             "latin-1": "Latin-1 (ISO-8859-1)"}

#: a CRS the user may pick (code, name, whether the data then lands in Quanzhou)
CrsCandidate = Candidate


def crs_choices(exc: ImportRefused) -> list[Candidate]:
    """The CRS candidates of a refusal for want of a CRS (empty for any other refusal)."""
    return [c for c in exc.crs_candidates
            if c.crs.startswith("EPSG:") or c.crs in crs_detect.WEB_CHINESE]


def importable(path: Path) -> bool:
    """Whether ``path`` is something to import: a file, or a File Geodatabase folder."""
    path = readers.source_path(Path(path))
    return path.is_file() or (path.is_dir() and path.suffix.lower() == ".gdb")


def file_layers(path: Path) -> list[str]:
    """Layers a user chooses among inside a file (empty: the file has one)."""
    path = readers.source_path(Path(path))
    suffix = path.suffix.lower()
    if suffix in point_tables.SPREADSHEET_SUFFIXES:
        return point_tables.list_sheets(path)
    if suffix == ".zip":
        try:
            return archives.datasets(path)
        except ImportRefused:
            return []
    if suffix in LAYERED_SUFFIXES:
        return readers.list_layers(path)
    return []


def suggested_layer(path: Path, names: list[str]) -> str | None:
    """The layer to preselect among ``names``: for a workbook, the first sheet with
    coordinate columns (what the reader would take); else None (the first)."""
    path = Path(path)
    if path.suffix.lower() not in point_tables.SPREADSHEET_SUFFIXES or len(names) < 2:
        return None
    try:
        _, sheet = point_tables.read_spreadsheet(path, None, Notes())
    except ImportRefused:
        return None
    return sheet


def encoding_choosable(path: Path) -> bool:
    """Whether the file's text encoding is a choice (CSV, DBF) or fixed UTF-8."""
    return Path(path).suffix.lower() in TEXT_SUFFIXES | DBF_SUFFIXES


def detect_encoding(path: Path) -> encodings.EncodingChoice | None:
    """The encoding the reader would choose, and why, without reading the whole file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        with open(path, "rb") as fh:
            return encodings.choose_text_encoding(fh.read(encodings.SAMPLE_BYTES))
    if suffix in (".shp", ".dbf"):
        return encodings.choose_dbf_encoding(path)
    return None


def text_sample(path: Path, encoding: str, file_layer: str | None = None,
                lines: int = 8) -> str:
    """The first lines of the file's text decoded as ``encoding`` (to spot mojibake)."""
    path = Path(path)
    suffix = path.suffix.lower()
    codec = encodings.normalize(encoding)
    if suffix in TEXT_SUFFIXES:
        with open(path, "rb") as fh:
            head = fh.read(64_000)
        text = head.decode(codec, errors="replace").lstrip("\ufeff")
        return "\n".join(text.splitlines()[:lines])
    if suffix in DBF_SUFFIXES:
        src = str(path)
        if suffix == ".zip":
            inner = file_layer or next(iter(file_layers(path)), "")
            src = f"/vsizip/{path}/{inner}"
        gdal = encodings.GDAL_NAMES.get(codec, codec.upper())
        try:
            df = pyogrio.read_dataframe(src, encoding=gdal, max_features=lines - 1,
                                        read_geometry=False)
        except Exception as exc:
            return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        rows = [", ".join(str(c) for c in df.columns)]
        rows += [", ".join("" if v is None else str(v) for v in r)
                 for r in df.itertuples(index=False)]
        return "\n".join(rows)
    return ""


@dataclass
class ImportSession:
    """One import in progress: the choices made so far and what was read."""

    workspace: Path
    path: Path | None = None
    file_layer: str | None = None
    #: control_units, outfalls, or the name of a new layer
    target: str = "outfalls"
    encoding: str = "auto"
    crs: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)
    result: ReadResult | None = None
    #: the options the current ``result`` was read with
    read_key: tuple[Any, ...] | None = None
    #: set when the last read found no CRS: the choices to offer
    crs_candidates: list[CrsCandidate] = field(default_factory=list)
    crs_refusal: ImportRefused | None = None
    last_batch: int | None = None
    #: control units only: keep the current units as this edition (geodata.editions_store)
    keep_edition: str | None = None
    edition: str | None = None
    #: the file as it was when ``result`` was read (:func:`file_stamp`)
    read_stamp: tuple[int, int] | None = None

    # -- reading --------------------------------------------------------------------------
    def key(self) -> tuple[Any, ...]:
        return (str(self.path), self.file_layer, self.encoding, self.crs)

    def needs_read(self) -> bool:
        return self.result is None or self.read_key != self.key()

    def read(self, progress: Progress | None = None) -> ReadResult | None:
        """Read the file with the current choices.

        Returns None (and fills ``crs_candidates``) when the file declares no CRS and the
        user has not chosen one; raises ImportRefused / ImportCancelled otherwise.
        """
        if self.path is None:
            raise ImportRefused(msg("请选择要导入的文件", "choose a file to import"))
        self.crs_candidates, self.crs_refusal = [], None
        stamp = file_stamp(self.path)  # before: a file changed while read is not this one
        try:
            result = read_any(self.path, layer=self.file_layer, encoding=self.encoding,
                              crs=self.crs, progress=progress)
        except ImportRefused as exc:
            cands = crs_choices(exc)
            if not cands:
                raise
            self.crs_candidates, self.crs_refusal = cands, exc
            self.result, self.read_key = None, None
            return None
        self.result, self.read_key = result, self.key()
        self.read_stamp = stamp
        return result

    def file_layer_candidates(self, exc: ImportRefused) -> bool:
        """True if a refusal's candidates are layers of the file rather than CRSs."""
        return bool(exc.candidates) and not exc.crs_candidates

    # -- mapping --------------------------------------------------------------------------
    def table(self) -> str:
        """The workspace table the rows go to."""
        if self.target in KEYED_LAYERS:
            return self.target
        return layer_table_name(self.target or "any", self.path or Path("imported"))

    def keyed(self) -> bool:
        return self.table() in KEYED_LAYERS

    def needs_code_column(self) -> bool:
        """Control units must name their code column; outfalls found without codes (a
        patrol's file) are imported with provisional codes."""
        return self.table() == "control_units"

    def columns(self) -> list[str]:
        if self.result is None:
            return []
        return [str(c) for c in self.result.frame.columns if str(c) != "geometry"]

    def suggest(self) -> dict[str, field_mapping.Match]:
        """Suggested mapping (target → Match) for the file read; also set as the mapping."""
        if not self.keyed():
            self.mapping = {}
            return {}
        matches = field_mapping.suggest_mapping(self.columns(), self.table())
        self.mapping = field_mapping.as_plain(matches)
        return matches

    def set_source(self, target_field: str, column: str | None) -> None:
        if column:
            self.mapping[target_field] = column
        else:
            self.mapping.pop(target_field, None)

    def apply_mapping(self, mapping: dict[str, str]) -> list[str]:
        """Use a loaded mapping; returns the source columns it names that the file lacks."""
        cols = set(self.columns())
        self.mapping = {t: s for t, s in mapping.items() if s in cols}
        return sorted({s for s in mapping.values() if s not in cols})

    def save_mapping(self, path: Path) -> None:
        field_mapping.save_mapping(path, self.mapping, self.table())

    def preview(self, limit: int = 20) -> tuple[list[str], list[list[Any]]]:
        """(target fields, rows): the first ``limit`` rows as they would be imported."""
        if self.result is None:
            return [], []
        frame = self.result.frame.head(limit)
        records = frame.drop(columns=["geometry"], errors="ignore").to_dict("records")
        if self.keyed():
            rows = field_mapping.preview(records, self.mapping, self.table(), limit)
            fields = [f.name for f in field_mapping.LAYER_FIELDS[self.table()]]
            values = [[r.get(f) for f in fields] for r in rows]
        else:
            fields = self.columns()
            values = [[r.get(c) for c in fields] for r in records]
        wkt = [g.wkt[:60] if g is not None else "" for g in frame.geometry]
        return [*fields, "geometry"], [[*v, w] for v, w in zip(values, wkt, strict=False)]

    def row_numbers(self, limit: int = 20) -> list[int]:
        if self.result is None or self.result.row_numbers is None:
            return list(range(1, limit + 1))
        return [int(n) for n in self.result.row_numbers[:limit]]

    # -- dry run, import, undo --------------------------------------------------------------
    def run(self, dry_run: bool, progress: Progress | None = None) -> ImportReport:
        """Check the rows read and write them (or, for a dry run, only classify them)."""
        if self.needs_read():
            if self.read(progress) is None and self.crs_refusal is not None:
                raise self.crs_refusal
        assert self.result is not None and self.path is not None
        table = self.table()
        if progress is not None and progress(0.9, msg("检查记录", "checking rows")) is False:
            raise ImportCancelled()
        # no cyclic collection in the check and the write (geodata/collector.py): in the
        # window they run in a worker, and a full collection there, started by the rows'
        # tuples, held the GIL for 17-23 ms (issue 17, bench/bench_gaps.py at 100k)
        with collector_paused():
            return self._run_prepared(table, dry_run)

    def _run_prepared(self, table: str, dry_run: bool) -> ImportReport:
        assert self.result is not None and self.path is not None
        prep = prepare(self.result, table, dict(self.mapping) if self.keyed() else None)
        report = ImportReport(layer=table, source=str(self.path), dry_run=dry_run,
                              rejected=prep.rejected, flagged=prep.flagged,
                              notes=_copy_notes(self.result), mapping=dict(self.mapping),
                              kept_edition=self.keep_edition if table == "control_units" else None,
                              edition=self.edition if table == "control_units" else None)
        if len(prep.frame) == 0:
            raise nothing_imported(self.path.name, prep)
        report = write_prepared(Path(self.workspace), table, self.path, prep, report)
        if not dry_run:
            self.last_batch = report.batch_id
        return report

    def undo(self, batch_id: int | None = None) -> Message:
        batch = batch_id if batch_id is not None else self.last_batch
        if batch is None:
            raise ImportRefused(msg("没有可撤销的导入", "nothing to undo"))
        done = undo_import(Path(self.workspace), int(batch))
        if batch == self.last_batch:
            self.last_batch = None
        return done


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file: whether it is still the file that was
    read (None when it cannot be looked at)."""
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return (int(st.st_size), int(st.st_mtime_ns))


def _copy_notes(result: ReadResult) -> Notes:
    """A fresh Notes with the read's notes (write_prepared appends to the report's)."""
    notes = Notes()
    notes.items.extend(result.notes.items)
    return notes
