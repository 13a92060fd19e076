"""Every string of the import dialog has English, consistent with the main window's."""

from __future__ import annotations

from pathlib import Path

from ui.importing.strings_en import EN
from ui.translations_en import _CALL
from ui.translations_en import EN as MAIN_EN

PACKAGE = Path(__file__).resolve().parents[3] / "ui" / "importing"


def sources() -> list[str]:
    """The tr() strings of ui/importing, found the way ui.translations_en finds them."""
    out: list[str] = []
    for path in sorted(PACKAGE.glob("*.py")):
        out += [m.group(3) for m in _CALL.finditer(path.read_text(encoding="utf-8"))]
    return out


def test_every_string_has_english():
    found = sources()
    assert len(found) > 80
    assert [s for s in found if s not in EN] == []
    assert [k for k in EN if k not in found] == []  # no stale entries


def test_english_agrees_with_main_window_dictionary():
    assert {k: (v, MAIN_EN[k]) for k, v in EN.items() if k in MAIN_EN and MAIN_EN[k] != v} == {}


def test_placeholders_kept():
    for zh, en in EN.items():
        for ph in ("%1", "%2", "%3", "%4", "%5", "%6"):
            assert (ph in zh) == (ph in en), (zh, en)
