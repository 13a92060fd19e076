"""XLSX point tables: the fast reader (python-calamine) gives what openpyxl gave."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from geodata.io import point_tables
from geodata.io.messages import ImportRefused


def _book(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "封面"
    ws.append(["说明"])
    ws.append(["排污口清单"])
    data = wb.create_sheet("数据")
    for row in [
        ["名称", "经度", "纬度", "编号", "日期", "数量", "备注"],
        ["甲", 118.590000001, 24.91, "0012", dt.datetime(2024, 5, 1, 13, 30), 3, "  有空格 "],
        [None, None, None, None, None, None, None],
        ["乙", "118°35'12.3\"", "24 54 30 N", 12, dt.date(2024, 5, 2), 2.5, None],
        ["丙", "abc", 24.9, None, dt.time(8, 15), True, "x"],
        ["丁", 121.5, 31.2, 2**53 + 1, None, 1e-7, None, "多出的一列"],
        ["戊", 118.6, None, None, None, None, None],
        [None, None, None, None, None, None, None],
    ]:
        data.append(row)
    wb.create_sheet("空表")
    wb.save(path)
    return path


def _read(path: Path, sheet: str | None) -> Any:
    try:
        r = point_tables.read_point_table(path, sheet=sheet)
    except ImportRefused as exc:
        return ("refused", exc.text("zh"), exc.text("en"))
    return (r.frame.to_wkt().to_dict("list"), r.row_numbers.tolist(),
            [(row, field, m.zh, m.en) for row, field, m in r.parse_errors],
            [n.text("en") for n in r.notes.items])


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    used: list[str] = []
    real = point_tables._read_excel

    def recording(path: Path, sheet: str | None, engine: str) -> Any:
        used.append(engine)
        return real(path, sheet, engine)

    monkeypatch.setattr(point_tables, "_read_excel", recording)
    return used


def _openpyxl_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real = point_tables._read_excel

    def no_calamine(path: Path, sheet: str | None, engine: str) -> Any:
        if engine == "calamine":
            raise ImportError("python-calamine is not installed")
        return real(path, sheet, engine)

    monkeypatch.setattr(point_tables, "_read_excel", no_calamine)


@pytest.mark.parametrize("sheet", ["数据", None, "空表", "没有这张表"])
def test_calamine_reads_what_openpyxl_read(tmp_path: Path, sheet: str | None,
                                           engines: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    book = _book(tmp_path / "点位.xlsx")
    fast = _read(book, sheet)
    assert engines[0] == "calamine"
    _openpyxl_only(monkeypatch)
    assert fast == _read(book, sheet)
    if sheet == "数据":
        frame, rows, errors, _ = fast
        assert frame["名称"] == ["甲", "乙", "丁"] and rows == [2, 4, 6]
        assert frame["编号"] == ["0012", "12", "9007199254740992"]
        assert frame["日期"][:2] == ["2024-05-01 13:30:00", "2024-05-02 00:00:00"]
        assert [(r, f) for r, f, _, _ in errors] == [(5, "经度"), (7, "纬度")]
    if sheet == "没有这张表":
        assert fast[0] == "refused" and "没有这张表" in fast[2]


def test_unreadable_workbook_keeps_its_message(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    fast = _read(bad, None)
    _openpyxl_only(monkeypatch)
    assert fast == _read(bad, None)
    assert fast[0] == "refused" and "cannot open the Excel file 坏.xlsx" in fast[2]
