"""What a reader gives back, shared by the vector reader and the point-table reader.

Both readers (:mod:`geodata.io.readers`, :mod:`geodata.io.point_tables`) return a
:class:`ReadResult` and report progress the same way; the types live here, below both, so
that neither reader imports the other for them (no import cycle, issue 12).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from geodata.io import encodings
from geodata.io.messages import ImportCancelled, Message, Notes, msg

#: progress(fraction 0..1, message) -> False to cancel
Progress = Callable[[float, Message], "bool | None"]


@dataclass
class ReadResult:
    """What was read: rows with geometry in CGCS2000 and the choices made."""

    frame: gpd.GeoDataFrame
    path: Path
    layer: str | None = None
    encoding: encodings.EncodingChoice | None = None
    declared_crs: str | None = None
    notes: Notes = field(default_factory=Notes)
    #: the row number a user sees for each row: the feature number (1-based), the CSV line,
    #: or the spreadsheet row as Excel and WPS number it
    row_numbers: np.ndarray | None = None
    #: rows refused while parsing (row number, field, Message), e.g. bad 度分秒
    parse_errors: list[tuple[int, str, Message]] = field(default_factory=list)
    #: the values of the rows refused while parsing (row number → column → value), so that
    #: a rejection can name the row's code
    refused_rows: dict[int, dict[str, Any]] = field(default_factory=dict)


def tick(progress: Progress | None, frac: float, zh: str, en: str) -> None:
    """Report progress; raise ImportCancelled when the callback says stop."""
    if progress is not None and progress(frac, msg(zh, en)) is False:
        raise ImportCancelled()
