"""The helpers beside Message that pick by language: ``in_language`` and ``localized``."""

from __future__ import annotations

import pandas as pd

from geodata.messages import Message, in_language, localized


def test_in_language_picks_english_only_for_en():
    assert in_language("en", "、", ", ") == ", "
    for lang in ("zh", None, "", "EN", "fr"):  # anything but "en" reads Chinese
        assert in_language(lang, "、", ", ") == "、"
    assert Message("北", "N").text("en") == "N" and Message("北", "N").text(None) == "北"


def test_localized_falls_back_to_chinese_for_an_empty_or_missing_english_value():
    rec = {"name_zh": "晋江市", "name_en": "Jinjiang City"}
    assert localized(rec, "name", "en") == "Jinjiang City"
    assert localized(rec, "name", "zh") == "晋江市"
    for en in ("", None):
        assert localized({"name_zh": "晋江市", "name_en": en}, "name", "en") == "晋江市"
    assert localized({"name_zh": "晋江市"}, "name", "en") == "晋江市"


def test_localized_without_fallback_gives_the_english_value_as_it_is():
    assert localized({"title_zh": "任务", "title_en": ""}, "title", "en", fallback=False) == ""
    assert localized({"title_zh": "任务"}, "title", "en", fallback=False) is None
    assert localized({"title_zh": "任务"}, "title", "zh", fallback=False) == "任务"


def test_localized_reads_a_pandas_row():
    row = pd.Series({"class_zh": "重点管控单元", "class_en": "Key control"})
    assert localized(row, "class", "en") == "Key control"
    assert localized(row, "class", "zh") == "重点管控单元"
