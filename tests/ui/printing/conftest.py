"""Helpers for the print tests: poppler's command-line tools read what a user would."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) not installed")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True,
                          timeout=120).stdout


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext extracts it, NFKC-normalised: Qt's ToUnicode map sends
    glyphs Noto CJK shares between a Kangxi radical and an ideograph (⽣/生) to the radical
    (see tests/ui/reports/test_pdf.py); ligatures (ﬃ) become letters."""

    return normalise(poppler("pdftotext", str(path), "-"))


#: CJK Radicals Supplement forms Qt's ToUnicode map picks for shared glyphs; unlike the
#: Kangxi radicals they have no NFKC mapping.
RADICALS = str.maketrans("⺠⻅⻋⻓⻔⻘⻚⻛⻬⻰⻜⻢⻥⻦⻩", "民见车长门青页风齐龙飞马鱼鸟黄")


def normalise(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).translate(RADICALS)


def pdf_pages(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", str(path))).group(1))


def pdf_page_size_pts(path: Path) -> tuple[float, float]:
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", poppler("pdfinfo", str(path)))
    return float(m.group(1)), float(m.group(2))


def fonts_all_embedded(path: Path) -> list[str]:
    rows = poppler("pdffonts", str(path)).splitlines()[2:]
    assert rows, "no fonts: the text was not written as text"
    return [r for r in rows if r.split()[-5] != "yes"]  # the 'emb' column


@pytest.fixture(scope="session")
def print_ctx(qapp, bundled_ws):
    """(``qapp`` first: a QApplication, not the bare QGuiApplication the command line makes,
    so the window tests after these can build widgets.)"""
    from ui.printing.layout_page import PageContext

    return PageContext.from_workspace(bundled_ws, lang="zh")
