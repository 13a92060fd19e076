"""The inventory table over Arrow strings and small codes (issue 17) shows, sorts, filters
and finds exactly what a table of Python strings did: Chinese names, missing values, empty
strings, provisional codes (待编码-…), codes given twice, edits and flags by code."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from models.collation import sort_key
from models.compliance import CHECKS
from models.outfall_table import FLAG_BITS, KEYS, OutfallTable, TableFilter
from models.text_columns import ArrowText, CodeIndex

CODES = ["PWK350582H0002", "待编码-0001", "PWK350582h0001", "", None, "待编码-0001",
         "ZZ-9", "pwk350582H0003", "安溪-7", "PWK350582H0002"]
NAMES = ["长乐排口", "安溪县城排口", None, "", "Ａ全角", "德化排口", "abc", "ABC", "丰泽排口",
         "鲤城排口"]


def _frame(dtype: str) -> gpd.GeoDataFrame:
    n = len(CODES)
    frame = pd.DataFrame({
        "code": pd.Series(CODES, dtype=dtype),
        "name_zh": pd.Series(NAMES, dtype=dtype),
        "outfall_type": pd.Series(["工业排污口", None, "农业排口", "工业排污口", "",
                                   "其他排口", "农业排口", "工业排污口", None, "其他排口"],
                                  dtype=dtype),
        "water_kind": ["sea", "river", None, "sea", "sea", "river", "sea", "sea", "river", "sea"],
        "receiving_water": pd.Series(["泉州湾", None, "晋江", "", "泉州湾", "洛阳江", "晋江",
                                      "泉州湾", "晋江", None], dtype=dtype),
        "county_code": ["350582", "350524", None, "350582", "350525", "350524", "350582",
                        "", "350524", "350582"],
        "review_status": ["待核查", "已核查", "位置存疑", None, "待核查", "已核查", "待核查",
                          "位置存疑", "", "待核查"],
    })
    geoms = [shapely.Point(118.0 + i / 100, 24.8 + i / 100) if i != 4 else None
             for i in range(n)]
    return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4490")


NAMES_OF = {"350582": "晋江市", "350524": "安溪县", "350525": "永春县"}


def _shown(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


@pytest.fixture(params=["str", object], ids=["arrow", "object"])
def table(request: pytest.FixtureRequest) -> OutfallTable:
    return OutfallTable.from_frame(_frame(request.param), NAMES_OF)


def test_cells_show_text_and_missing_as_empty(table: OutfallTable) -> None:
    assert [table.cell(i, "code") for i in range(len(table))] == [_shown(c) for c in CODES]
    assert [table.cell(i, "name_zh") for i in range(len(table))] == [_shown(v) for v in NAMES]
    assert table.cell(2, "county") == "" and table.cell(0, "county") == "晋江市"
    assert table.cell(1, "outfall_type") == "" and table.cell(4, "outfall_type") == ""
    assert table.cell(2, "water_kind") == "" and table.cell(1, "water_kind") == "入河"
    assert all(isinstance(table.cell(i, k), str) for i in range(len(table)) for k in KEYS)


def test_sort_in_chinese_order_stable(table: OutfallTable) -> None:
    for key in KEYS:
        for desc in (False, True):
            rows = table.view(None, key, descending=desc)
            vals = [table.cell(int(i), key) for i in rows]
            assert vals == sorted(vals, key=sort_key, reverse=desc), key
            for a, b in zip(rows[:-1], rows[1:], strict=True):
                if table.cell(int(a), key) == table.cell(int(b), key):
                    assert a < b, key
    names = [table.cell(int(i), "name_zh") for i in table.view(None, "name_zh")]
    # ASCII first, case-insensitive (ties in row order); then Han by pinyin: 安 an, 德 de,
    # 丰 feng, 鲤 li, 长 zhang (its first reading)
    assert names[:4] == ["", "", "abc", "ABC"]  # a missing name and an empty one
    assert [n for n in names if n.endswith("排口")] == \
        ["安溪县城排口", "德化排口", "丰泽排口", "鲤城排口", "长乐排口"]


def test_filters_and_search_match_python(table: OutfallTable) -> None:
    recs = [{k: table.cell(i, k) for k in KEYS} for i in range(len(table))]
    f = TableFilter(counties=frozenset({"晋江市"}), types=frozenset({"工业排污口"}))
    assert table.view(f).tolist() == [i for i, r in enumerate(recs) if r["county"] == "晋江市"
                                      and r["outfall_type"] == "工业排污口"]
    for text in ("待编码", "pwk350582h", "ABC", "abc 排口", "泉州湾", "全角", "h0001", "晋江",
                 "-0001", "不存在"):
        words = text.lower().split()
        expect = [i for i, r in enumerate(recs)
                  if all(w in "\t".join(r[k] for k in ("code", "name_zh", "county",
                                                       "outfall_type", "receiving_water",
                                                       "flags")).lower() for w in words)]
        assert table.view(TableFilter(text=text)).tolist() == expect, text
    codes = frozenset({"待编码-0001", "", "PWK350582H0002"})
    assert table.view(TableFilter(codes=codes)).tolist() == \
        [i for i, r in enumerate(recs) if r["code"] in codes]


def test_code_lookup_finds_the_last_row_of_a_repeated_code(table: OutfallTable) -> None:
    expect: dict[str, int] = {}
    for i, c in enumerate(CODES):
        expect[_shown(c)] = i  # a dictionary code -> row: the last row wins
    for code, row in expect.items():
        assert table.row_of(code) == row, code
    assert table.row_of("PWK350582H0004") is None
    many = list(expect) + [f"X{i}" for i in range(80)]  # the vectorised path
    assert dict(table._rows_of(many)) == {c: expect.get(c) for c in many}


def test_edits_and_flags_by_code(table: OutfallTable) -> None:
    frame = _frame("str")
    frame.loc[1, "name_zh"] = "改名的排口"
    frame.loc[4, "review_status"] = "已核查"
    frame.loc[6, "name_zh"] = None
    rows = table.update_rows(frame, ["待编码-0001", "", "ZZ-9"])
    # a code given twice ("" and a missing code; 待编码-0001): its last row, as row_of
    assert sorted(rows) == [4, 5, 6]
    assert table.cell(6, "name_zh") == "" and table.cell(4, "review_status") == "已核查"
    assert table.cell(3, "review_status") == ""
    assert table.view(TableFilter(text="改名")).tolist() == []  # row 1 was not named
    bits = np.array([FLAG_BITS["possible_duplicate"], 0, 3], np.int64)
    for codes in (np.array(["ZZ-9", "nope", "安溪-7"], dtype=object),
                  pd.Series(["ZZ-9", "nope", "安溪-7"], dtype="str")):
        table.set_flag_bits_for(bits, codes)
        assert table.flag_bits.tolist() == [0, 0, 0, 0, 0, 0, bits[0], 0, 3, 0]
        assert table.cell(6, "flags") == CHECKS["possible_duplicate"][0]
        assert table.view(TableFilter(any_flag=True)).tolist() == [6, 8]


@pytest.mark.parametrize("last", [True, False])
def test_code_index_agrees_with_python(last: bool) -> None:
    rng = np.random.default_rng(5)
    keys = np.array([rng.choice(["待编码-", "PWK", "pwk", "", "安溪"]) + str(rng.integers(30))
                     for _ in range(500)], dtype=object)
    index = CodeIndex(keys, last=last)
    for k in set(keys.tolist()) | {"nope", "PWK99"}:
        hits = np.flatnonzero(keys == k)
        assert index.row_of(k) == (None if not len(hits) else
                                   int(hits[-1] if last else hits[0])), k
    for wanted in (["PWK3", "安溪1", "nope", "PWK3"], sorted(set(keys.tolist()))[:100]):
        r = pd.Index(keys).get_indexer_non_unique(wanted)[0]
        assert index.rows_of(wanted).tolist() == r[r >= 0].tolist()


@pytest.mark.parametrize("last", [True, False])
def test_the_binary_search_of_many_codes_agrees_with_python(last: bool, monkeypatch) -> None:
    """``CodeIndex.find`` (a repeated code: its last or first row, -1: none) and
    ``rows_of`` (every row) by the vectorised search give what a scan of the keys gives,
    for few codes and for many."""
    rng = np.random.default_rng(7)
    keys = np.array([rng.choice(["待编码-", "PWK", "pwk", "", "安溪"]) + str(rng.integers(400))
                     for _ in range(3000)], dtype=object)
    index = CodeIndex(keys, last=last)
    monkeypatch.setattr(index, "pays_for", lambda n: True)  # the search, not a pass
    distinct = sorted(set(keys.tolist()))
    for wanted in (["PWK3", "nope"], distinct[:700] + ["nope", "ZZ", ""], distinct[::-1]):
        expect = []
        for k in wanted:
            hits = np.flatnonzero(keys == k)
            expect.append(-1 if not len(hits) else int(hits[-1] if last else hits[0]))
        assert index.find(wanted, last=last).tolist() == expect
        r = pd.Index(keys).get_indexer_non_unique(wanted)[0]
        assert index.rows_of(wanted).tolist() == r[r >= 0].tolist()


def test_an_index_is_found_by_the_column_it_was_made_over() -> None:
    """``CodeIndex.over`` gives the index made over a column's own Arrow strings, and
    none once the column was written (new buffers) or for an object column."""
    frame = pd.DataFrame({"code": pd.Series([f"PWK{i:05d}" for i in range(100)], dtype="str")})
    table = OutfallTable.from_frame(frame)
    assert CodeIndex.over(frame["code"]) is None  # none made yet
    table.row_of("PWK00001")  # the table's index, over the frame's own code column
    assert CodeIndex.over(frame["code"]) is table._row_of
    frame.loc[3, "code"] = "PWK99999"
    assert CodeIndex.over(frame["code"]) is None
    assert CodeIndex.over(frame["code"].astype(object)) is None


@pytest.mark.parametrize("asked", [["ZZ-9", "安溪-7", "", "X-4"], list(CODES[:4]) + ["X-4"]],
                         ids=["unique", "repeated"])
@pytest.mark.parametrize("many", [False, True])
def test_an_edit_of_the_frame_the_table_was_made_of_shows_as_a_fresh_table(
        asked: list[str], many: bool) -> None:
    """The table over the frame's own code column (the window's case): after an edit
    writes other columns of the frame, the refreshed rows show what a table made afresh
    shows — written as codes into the few values, for few and for many codes, a repeated
    code's last row (the row an edit writes)."""
    frame = _frame("str")
    frame["code"] = pd.Series([c if c is not None else "X-4" for c in CODES], dtype="str")
    table = OutfallTable.from_frame(frame, NAMES_OF)
    assert table._built_on_keys_of(frame)
    status = frame["review_status"].astype(object).tolist()
    kinds = frame["outfall_type"].astype(object).tolist()
    last = {c: i for i, c in enumerate(frame["code"].tolist())}
    for code in asked:  # as an edit writes them: a code's last row
        status[last[code]], kinds[last[code]] = "已核查", "新类型"
    frame["review_status"] = status
    frame["outfall_type"] = pd.Series(kinds, dtype="str")
    wanted = asked + ([f"NOPE-{i}" for i in range(80)] if many else [])
    rows = table.update_rows(frame, wanted, {"review_status", "outfall_type"})
    assert sorted(rows) == sorted({last[c] for c in asked})
    fresh = OutfallTable.from_frame(frame, NAMES_OF)
    for key in KEYS:
        assert table.text[key].tolist() == fresh.text[key].tolist(), key
    done = TableFilter(review_status=frozenset({"已核查"}))
    assert table.view(done, "review_status").tolist() == fresh.view(done, "review_status").tolist()


def test_an_index_shared_with_the_other_rule_for_repeated_codes() -> None:
    """The map layer takes the table's index over the same keys, finding a repeated
    key's first row where the table finds its last."""
    keys = pd.Series(["B", "A", "B", "C", "A"], dtype="str")
    table_index = CodeIndex(ArrowText.of(keys), last=True)
    first = table_index.sharing(last=False)
    assert [table_index.row_of(k) for k in "ABC"] == [4, 2, 3]
    assert [first.row_of(k) for k in "ABC"] == [1, 0, 3]
    assert first.rows_of(["B", "A"]).tolist() == table_index.rows_of(["B", "A"]).tolist()
    assert table_index.sharing(last=True) is table_index


@pytest.mark.parametrize("n_wanted", [3, 700])
def test_find_alone_gives_the_rows_only_when_each_code_found_has_one_row(
        n_wanted: int, monkeypatch) -> None:
    """``CodeIndex.find_alone``: the rows ``find`` gives when every code found is in one
    row alone (the missing ones -1), None when one of them is in two rows."""
    rng = np.random.default_rng(11)
    keys = np.array([f"PWK{i:05d}" for i in rng.permutation(5000)], dtype=object)
    keys[4999] = keys[17]  # one code in two rows
    index = CodeIndex(keys, last=True)
    monkeypatch.setattr(index, "pays_for", lambda n: True)
    alone = [k for k in dict.fromkeys(keys.tolist()) if k != keys[17]]
    wanted = alone[:n_wanted] + ["nope"]
    rows = index.find_alone(wanted)
    assert rows is not None and rows.tolist() == index.find(wanted).tolist()
    assert rows[-1] == -1
    assert all(keys[r] == k for k, r in zip(wanted[:-1], rows[:-1], strict=True))
    assert index.find_alone(wanted[:-1] + [keys[17]]) is None
    first = sorted(keys.tolist())[0]  # the first in the sort order: nothing before it
    assert index.find_alone([first] + wanted[:n_wanted - 1]) is not None


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "string[python]", object])
def test_a_coded_column_shows_what_pandas_factorize_gives(dtype) -> None:
    """Arrow string columns are coded by Arrow's dictionary_encode (no GIL held): the
    cells, the order of the distinct values and the missing ones ("") are pandas'."""
    from models.text_columns import CodedText

    values = ["闽江", None, "晋江", "闽江", "", "洛阳江", None, "晋江"]
    s = pd.Series(values, dtype=dtype)
    col = CodedText.of(s, {"晋江": "Jinjiang"})
    assert col.tolist() == ["闽江", "", "Jinjiang", "闽江", "", "洛阳江", "", "Jinjiang"]
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    assert [str(v) for v in col.values[:-1]] == \
        [{"晋江": "Jinjiang"}.get(v, v) for v in uniques]
    assert np.array_equal(col.codes.astype(np.int64), np.where(codes < 0, len(uniques), codes))


def test_the_filter_menus_list_the_values_rows_have_after_edits():
    """A column's distinct values (the filter menus' choices): those some row has, each
    once, empty and unused ones not listed; an edit that leaves a value unused drops it."""
    from models.text_columns import CodedText

    col = CodedText.of(pd.Series(["规范", "取缔", None, "规范", "合并", ""], dtype="string"))
    assert [v for v in col.distinct() if v] == ["规范", "取缔", "合并"]  # (first seen first)
    assert set(col.distinct()) == {"规范", "取缔", "合并", ""}
    col.set(np.array([1]), ["规范"])  # the one 取缔 made 规范
    assert set(col.distinct()) == {"规范", "合并", ""}
    assert CodedText.constant(0).distinct() == []
    table_like = CodedText.of(pd.Series(["乙", "甲"] * 3, dtype="string"))
    assert [v for v in table_like.distinct() if v] == ["乙", "甲"]
