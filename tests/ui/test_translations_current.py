"""The committed English translation file is current: every tr() string has English and
the .ts in the repository is what `python -m ui.translations_en` writes today."""

from __future__ import annotations

from ui import translations_en


def test_ts_is_up_to_date_and_complete(tmp_path):
    fresh = tmp_path / "ecozone_en.ts"
    missing = translations_en.write_ts(fresh)
    assert missing == [], f"strings without English: {missing[:10]}"
    committed = translations_en.TS.read_text(encoding="utf-8")
    assert fresh.read_text(encoding="utf-8") == committed, \
        "ui/i18n/ecozone_en.ts is stale: run python -m ui.translations_en and commit"
    # the .qm the window loads is compiled from it, so it must be at least as new
    assert translations_en.QM.stat().st_size > 0
