"""Finding the rows of some keys (models.key_lookup) and the writes that use it: the same
rows as pandas finds, for every kind of key column."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from geodata import gpkg_sql, outfall_store
from geodata.outfall_store import AuditRow, Batch, SaveError, StoredChange
from models import key_lookup
from tests.models import outfall_testdata as td


@pytest.mark.parametrize("values", [
    pd.Series(["a", "b", None, "c", "b"], dtype="str"),
    pd.Series(["a", "b", None, "c", "b"], dtype="string[pyarrow]"),
    np.array(["a", "b", None, "c", "b"], dtype=object),
    np.array(["a", "b", float("nan"), "c", "b"], dtype=object),
    pd.Series([1, 2, 3, 2]),  # not text: pandas answers
    pd.Series(["a", "b", "c"], dtype="category"),
])
def test_isin_finds_what_pandas_finds(values):
    wanted = ["b", "c", "zz", "2", "nan"]
    expected = pd.Series(values, copy=False).isin(wanted).to_numpy(dtype=bool)
    got = key_lookup.isin(values, wanted)
    assert got.dtype == bool and got.tolist() == expected.tolist()
    assert key_lookup.rows_holding(values, wanted).tolist() == np.flatnonzero(expected).tolist()


def test_isin_of_nothing_wanted():
    assert key_lookup.isin(pd.Series(["a", None], dtype="str"), []).tolist() == [False, False]


def _audit(code, batch="b1"):
    return AuditRow("2024-05-01T10:00:00+08:00", "tester", code, "confirm", "review_status",
                    "待核查", "已核查", "", batch)


def test_a_batch_by_column_writes_every_row_and_refuses_a_missing_code(tmp_path):
    gpkg = td.build(tmp_path / "ws.gpkg")
    codes = td.CODES[:5]
    outfall_store.commit_batches(gpkg, [Batch("b1", [StoredChange(c, "review_status", "已核查")
                                                     for c in codes],
                                              [_audit(c) for c in codes])])
    con = sqlite3.connect(gpkg)
    status = dict(con.execute("select code, review_status from outfalls"))
    assert [status[c] for c in codes] == ["已核查"] * 5
    assert len(outfall_store.read_audit(gpkg)) == 5
    con.close()
    # one unknown code among many: nothing of the batch is written
    more = td.CODES[5:] + ["PWK350582H9999"]
    with pytest.raises(SaveError) as err:
        outfall_store.commit_batches(gpkg, [Batch("b2", [StoredChange(c, "remediation", "取缔")
                                                         for c in more],
                                                  [_audit(c, "b2") for c in more])])
    assert "PWK350582H9999" in err.value.message.en
    con = sqlite3.connect(gpkg)
    assert {r[0] for r in con.execute("select remediation from outfalls where code in (?, ?, ?)",
                                      td.CODES[5:8])} != {"取缔"}
    assert len(outfall_store.read_audit(gpkg)) == 5


def test_a_code_held_by_two_rows_is_refused_as_row_by_row(tmp_path):
    gpkg = td.build(tmp_path / "ws.gpkg")
    con = gpkg_sql.connect(gpkg)  # with the functions of GDAL's R-tree triggers
    # a repeated code and a missing one in the same batch: the counts alone would balance
    con.execute("update outfalls set code=? where code=?", (td.CODES[0], td.CODES[1]))
    con.close()
    codes = [td.CODES[0], "PWK350582H9999", td.CODES[2]]
    with pytest.raises(SaveError):
        outfall_store.commit_batches(gpkg, [Batch("b1", [StoredChange(c, "review_status", "已核查")
                                                         for c in codes],
                                                  [_audit(c) for c in codes])])
    assert outfall_store.read_audit(gpkg) == []


def test_repeated_lookups_answer_for_the_column_and_keys_asked():
    """The last Arrow lookup is reused by the next listener of the same change; any other
    column, other keys or a caller that changes its result get their own answer."""
    import pyarrow as pa

    col = pd.Series([f"c{i}" for i in range(1000)], dtype="str")
    first = key_lookup.isin(col, ["c1", "c500"])
    assert np.flatnonzero(first).tolist() == [1, 500]
    first[:] = True  # the caller's own array
    assert np.flatnonzero(key_lookup.isin(col, ["c1", "c500"])).tolist() == [1, 500]
    # the same buffers seen through the frame, an Arrow array and a pandas array
    assert np.flatnonzero(key_lookup.isin(pa.array(col.array), ["c1", "c500"])).tolist() \
        == [1, 500]
    assert np.flatnonzero(key_lookup.isin(col, ["c2"])).tolist() == [2]
    # equal content in other buffers, a slice of the same buffers, a changed column
    other = pd.Series([f"c{i}" for i in range(1000)], dtype="str")
    assert np.flatnonzero(key_lookup.isin(other, ["c2"])).tolist() == [2]
    assert np.flatnonzero(key_lookup.isin(col.iloc[1:], ["c2"])).tolist() == [1]
    col.iloc[2] = "x"
    assert np.flatnonzero(key_lookup.isin(col, ["c2"])).tolist() == []
    assert np.flatnonzero(key_lookup.isin(col, ["x"])).tolist() == [2]


def test_the_same_keys_in_another_order_or_repeated():
    col = pd.Series([f"c{i}" for i in range(100)], dtype="str")
    assert np.flatnonzero(key_lookup.isin(col, ["c9", "c3"])).tolist() == [3, 9]
    assert np.flatnonzero(key_lookup.isin(col, ["c3", "c9", "c3"])).tolist() == [3, 9]
    assert np.flatnonzero(key_lookup.isin(col, ["c3"])).tolist() == [3]


def test_rows_known_only_answers_the_last_lookup_of_the_same_column_and_keys():
    col = pd.Series([f"c{i}" for i in range(50)], dtype="str")
    other = pd.Series([f"c{i}" for i in range(50)], dtype="str")
    assert key_lookup.rows_holding(col, ["c7", "c2"]).tolist() == [2, 7]
    assert key_lookup.rows_known(col, ["c2", "c7", "c2"]).tolist() == [2, 7]  # same set
    assert key_lookup.rows_known(col, ["c2"]) is None  # other keys: not looked up
    assert key_lookup.rows_known(other, ["c2", "c7"]) is None  # other buffers
    col.iloc[2] = "x"  # the column written: its buffers change
    assert key_lookup.rows_known(col, ["c2", "c7"]) is None
    assert key_lookup.rows_holding(col, ["c2", "c7"]).tolist() == [7]


def test_rows_found_elsewhere_answer_for_their_column_only(monkeypatch):
    """A sync pull finds its keys' rows in its worker (``key_lookup.remember``): the next
    lookups of those keys in that very column answer with them, with no pass over it; a
    column written or replaced since, other keys, or rows that cannot be the column's are
    looked up as usual."""
    import pyarrow.compute as pc

    col = pd.Series([f"c{i}" for i in range(300)], dtype="str")
    at_start = col.copy(deep=False)  # as the sync took it: copy-on-write keeps it
    assert key_lookup.remember(at_start, ["c250", "c4"], [250, 4])
    real_is_in = pc.is_in

    def no_pass(*args, **kwargs):
        raise AssertionError("looked up again")

    monkeypatch.setattr(key_lookup.pc, "is_in", no_pass)
    # the frame's column, its buffers unchanged: the remembered rows, as a lookup has them
    assert key_lookup.rows_known(col, ["c4", "c250"]).tolist() == [4, 250]
    assert np.flatnonzero(key_lookup.isin(col, ["c250", "c4"])).tolist() == [4, 250]
    monkeypatch.setattr(key_lookup.pc, "is_in", real_is_in)
    assert key_lookup.rows_known(col, ["c4"]) is None  # other keys
    # the column written since (a renamed code): its buffers changed, looked up again
    assert key_lookup.remember(at_start, ["c250", "c4"], [250, 4])
    col.iloc[4] = "renamed"
    assert key_lookup.rows_known(col, ["c4", "c250"]) is None
    assert key_lookup.rows_holding(col, ["c4", "c250"]).tolist() == [250]
    # a column replaced by one in another order: its own rows
    assert key_lookup.remember(at_start, ["c250", "c4"], [250, 4])
    turned = pd.Series(at_start.tolist()[::-1], dtype="str")
    assert key_lookup.rows_holding(turned, ["c4", "c250"]).tolist() == [49, 295]
    # rows that cannot be this column's, or not one per key: nothing remembered
    assert not key_lookup.remember(at_start, ["c4"], [300])
    assert not key_lookup.remember(at_start, ["c4", "c5"], [4])
    assert not key_lookup.remember(np.array(["c4"], dtype=object), ["c4"], [0])


def test_rows_known_takes_the_keys_as_text_in_any_order_or_kind():
    """The listeners of one change ask with the same list; any sequence naming the same
    texts (another order, a tuple, numbers or numpy strings) is the same lookup."""
    col = pd.Series([str(i) for i in range(20)], dtype="str")
    assert key_lookup.rows_holding(col, ["12", "3"]).tolist() == [3, 12]
    assert key_lookup.rows_known(col, ["12", "3"]).tolist() == [3, 12]
    assert key_lookup.rows_known(col, ("3", "12")).tolist() == [3, 12]
    assert key_lookup.rows_known(col, [12, 3]).tolist() == [3, 12]
    assert key_lookup.rows_known(col, np.array(["3", "12"])).tolist() == [3, 12]
    assert key_lookup.rows_known(col, ["12", "3", "4"]) is None
    assert key_lookup.rows_known(col, ["12"]) is None
