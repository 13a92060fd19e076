"""Chinese text sorts by pinyin, as a Chinese user expects (Excel, WPS, Windows)."""

from __future__ import annotations

import numpy as np

from models import collation
from models.outfall_table import _rank


def _sorted(values):
    keys = collation.sort_keys(values)
    return [values[i] for i in np.argsort(keys, kind="stable")]


def test_quanzhou_counties_sort_by_pinyin_not_code_point():
    counties = ["鲤城区", "丰泽区", "洛江区", "泉港区", "惠安县", "安溪县", "永春县", "德化县",
                "金门县", "石狮市", "晋江市", "南安市"]
    assert _sorted(counties) == ["安溪县", "德化县", "丰泽区", "惠安县", "金门县", "晋江市",
                                 "鲤城区", "洛江区", "南安市", "泉港区", "石狮市", "永春县"]
    assert sorted(counties)[0] == "丰泽区"  # what code-point order would have shown first


def test_prefix_tones_homophones_digits_and_latin():
    # a shorter syllable first (li < lian), tones in order (shi1 < shi2 < shi3 < shi4),
    # digits and Latin letters before Chinese, letters case-insensitive
    assert _sorted(["连江", "李", "B口", "a口", "2号", "是", "石", "诗", "使"]) == \
        ["2号", "a口", "B口", "李", "连江", "诗", "石", "使", "是"]
    # ü after u: 女 nv3 after 怒 nu4
    assert _sorted(["女", "怒"]) == ["怒", "女"]


def test_rank_gives_equal_values_equal_ranks_in_pinyin_order():
    values = np.array(["晋江市", "安溪县", "晋江市", "", "丰泽区"], dtype=object)
    assert _rank(values).tolist() == [3, 1, 3, 0, 2]


def test_the_pinyin_table_is_pypinyins_read_from_its_file(monkeypatch) -> None:
    """Read from pypinyin's JSON a slice of lines at a time (in a worker), without the
    package's import: the same table as ``pypinyin.pinyin_dict``, and that module when the
    file cannot be found."""
    import importlib.util
    import threading

    from pypinyin.pinyin_dict import pinyin_dict

    assert collation._pinyin_readings() == pinyin_dict
    got: list[dict[int, str]] = []
    worker = threading.Thread(target=lambda: got.append(collation._pinyin_readings()))
    worker.start()
    worker.join(60)
    assert got and got[0] == pinyin_dict
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert collation._pinyin_readings() == pinyin_dict
