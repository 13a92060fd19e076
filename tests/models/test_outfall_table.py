"""The inventory table: numpy sort/filter agrees with plain Python; export has Chinese headers."""

from __future__ import annotations

import csv

import numpy as np
import shapely
from openpyxl import load_workbook

from bench.synthetic import synthetic_frame
from models.collation import sort_key
from models.outfall_table import KEYS, OutfallTable, TableFilter, export_rows
from tests.models import outfall_testdata as td


def test_sort_matches_python_sorted_and_is_stable():
    frame = synthetic_frame(3000, seed=3)
    t = OutfallTable.from_frame(frame, {"350582": "晋江市"})
    for key in KEYS:
        for desc in (False, True):
            rows = t.view(None, key, descending=desc)
            vals = [t.cell(int(i), key) for i in rows]
            # Chinese order: by pinyin (models.collation), as Python sorts with that key
            assert vals == sorted(vals, key=sort_key, reverse=desc), key
            # stable: ties keep inventory order
            for a, b in zip(rows[:-1], rows[1:]):
                if t.cell(int(a), key) == t.cell(int(b), key):
                    assert a < b


def test_filters_match_python():
    frame = synthetic_frame(5000, seed=4)
    t = OutfallTable.from_frame(frame, {"350582": "晋江市", "350581": "石狮市"},
                                {c: ("possible_duplicate",) for c in frame["code"].iloc[::50]})
    recs = [{k: t.cell(i, k) for k in KEYS} for i in range(len(t))]
    f = TableFilter(counties=frozenset({"晋江市"}), review_status=frozenset({"待核查"}))
    expect = [i for i, r in enumerate(recs) if r["county"] == "晋江市" and r["review_status"] == "待核查"]
    assert t.view(f).tolist() == expect
    assert t.view(TableFilter(flags=frozenset({"possible_duplicate"}))).tolist() == list(range(0, 5000, 50))
    words = TableFilter(text="泉州湾 1")
    expect = [i for i, r in enumerate(recs) if "泉州湾" in "\t".join(r.values()) and "1" in
              "\t".join([r[k] for k in ("code", "name_zh", "county", "outfall_type",
                                        "receiving_water", "flags")]).lower()]
    assert t.view(words).tolist() == expect
    box = (118.4, 24.7, 118.8, 25.0)
    inside = [i for i in range(len(t)) if box[0] <= t.x[i] <= box[2] and box[1] <= t.y[i] <= box[3]]
    assert t.view(TableFilter(bbox=box)).tolist() == inside
    assert t.view(TableFilter(zone=shapely.box(*box))).tolist() == inside


def test_edit_refresh_and_export(tmp_path):
    frame = td.outfall_frame()
    t = OutfallTable.from_frame(frame, {"350582": "晋江市"})
    assert t.view(None, "review_status").tolist() == list(range(8))
    frame.loc[3, "review_status"] = "已核查"
    assert t.update_rows(frame, [td.CODES[3]]) == [3]
    # pinyin order: 待 (dai) before 已 (yi), so descending puts 已核查 first
    assert t.view(None, "review_status", descending=True)[0] == 3
    rows = t.view(TableFilter(review_status=frozenset({"待核查"})), "code")
    csv_path = export_rows(t, rows, tmp_path / "out.csv")
    with open(csv_path, encoding="utf-8-sig") as fh:
        data = list(csv.reader(fh))
    assert data[0][:3] == ["排污口编码", "排污口名称", "县（市、区）"] and len(data) == 8
    assert data[1][2] == "晋江市" and data[1][4] == "入海"
    xlsx = export_rows(t, rows, tmp_path / "out.xlsx", lang="en")
    ws = load_workbook(xlsx).active
    assert ws.cell(1, 1).value == "Code" and ws.max_row == 8
    assert np.isclose(float(ws.cell(2, 12).value), td.POINTS[td.CODES[0]][1])
