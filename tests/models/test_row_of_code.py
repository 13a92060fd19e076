"""``text_columns.row_of_code``: the record card finds its outfall's row by the inventory's
code index, not by comparing every code (issue 17: ~8 ms a click or an edit of the shown
outfall at 1M)."""

from __future__ import annotations

import pandas as pd
import pytest

from models import key_lookup
from models.text_columns import CodeIndex, row_of_code, shared_text

CODES = ["PWK350502H0001", "PWK350502H0002", "PWK350503R0001", "PWK350502H0002",
         "待编码-石狮-0001", "PWK350581H0007"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"code": pd.Series(CODES, dtype="str"),
                         "name_zh": [f"排污口{i}" for i in range(len(CODES))]})


@pytest.mark.parametrize("indexed", [False, True])
def test_the_row_of_a_code_is_its_first_row(indexed: bool, monkeypatch) -> None:
    frame = _frame()
    index = None
    if indexed:  # as the inventory table makes it, over the frame's own column
        index = CodeIndex(shared_text(frame["code"]))
        assert CodeIndex.over(frame["code"]) is index

        def no_pass(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
            raise AssertionError("a pass over every code")

        monkeypatch.setattr(key_lookup, "isin", no_pass)
    assert row_of_code(frame, "PWK350502H0001") == 0
    assert row_of_code(frame, "PWK350502H0002") == 1  # repeated: its first row
    assert row_of_code(frame, "PWK350503R0001") == 2
    assert row_of_code(frame, "待编码-石狮-0001") == 4
    assert row_of_code(frame, "PWK350599H9999") is None
    assert frame.iloc[row_of_code(frame, "PWK350503R0001")]["name_zh"] == "排污口2"
    del index


def test_a_column_written_since_the_index_is_searched_afresh() -> None:
    """An index made over an older column of codes is not used for a new one."""
    frame = _frame()
    index = CodeIndex(shared_text(frame["code"]))
    frame["code"] = pd.Series(["X1", "PWK350502H0001", "X3", "X4", "X5", "X6"], dtype="str")
    assert CodeIndex.over(frame["code"]) is None
    assert row_of_code(frame, "PWK350502H0001") == 1
    del index


def test_a_column_with_a_missing_code_is_searched() -> None:
    """A missing code is no code (the index, made over the codes with it filled in, is not
    this column's)."""
    frame = pd.DataFrame({"code": pd.Series(["A1", None, "A3"], dtype="str")})
    index = CodeIndex(shared_text(frame["code"]))
    assert CodeIndex.over(frame["code"]) is None
    assert row_of_code(frame, "A3") == 2
    assert row_of_code(frame, "") is None
    del index
