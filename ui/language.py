"""Languages: Chinese is the source language; English comes from ui/i18n/ecozone_en.qm.

Strings are written in Chinese with ``QCoreApplication.translate``/``tr``;
``python -m ui.translations_en`` collects them into ``ui/i18n/ecozone_en.ts`` (Qt Linguist
XML) and compiles the .qm that ships beside it with the wheel's ``lrelease``.  Switching language installs or
removes the translator; widgets rebuild their texts on the LanguageChange event.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

I18N_DIR = Path(__file__).resolve().parent / "i18n"
_translator: QTranslator | None = None
_current = "zh"


def current_language() -> str:
    """The language of the window now: "zh" or "en" (the last :func:`set_language`)."""
    return _current


def set_language(lang: str) -> bool:
    """Install (en) or remove (zh) the English translator; True if it is active."""
    global _translator, _current
    _current = "en" if lang == "en" else "zh"
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
    if lang != "en":
        return False
    tr = QTranslator(app)
    if tr.load(str(I18N_DIR / "ecozone_en.qm")):
        app.installTranslator(tr)
        _translator = tr
        return True
    return False


def format_dms(value: float, axis: str) -> str:
    """118°35'12.34"E style 度分秒."""
    hemi = ("E" if value >= 0 else "W") if axis == "lon" else ("N" if value >= 0 else "S")
    v = abs(value)
    d = int(v)
    m = int((v - d) * 60)
    s = (v - d - m / 60) * 3600
    if s >= 59.995:
        s, m = 0.0, m + 1
    if m >= 60:
        m, d = 0, d + 1
    return f"{d}°{m:02d}′{s:05.2f}″{hemi}"
