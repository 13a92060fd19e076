"""The statistics exports under the Windows file rules (tests/windows/file_rules.py): written
over their previous output with nothing held open, and an output open in another program
named in one line with no .part left behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.windows.file_rules import windows_file_rules


@pytest.fixture
def ws_path(tmp_path, bundled_path) -> Path:
    path = tmp_path / "工作 空间.gpkg"
    shutil.copyfile(bundled_path, path)
    return path


def test_stats_exports_write_over_their_previous_output(ws_path, tmp_path, capsys, qapp):
    # qapp: the PDF runs in this process; a QApplication must exist before Qt's headless
    # QGuiApplication would be made for it, or a later window in the session cannot start
    import cli

    out = tmp_path / "统计 报表"
    out.mkdir()
    with windows_file_rules() as rules:
        for _twice in range(2):
            for name in ("统计.xlsx", "统计.html", "统计.pdf"):
                argv = ["stats", "--workspace", str(ws_path), "--out", str(out / name)]
                assert cli.main(argv) == 0, capsys.readouterr().err
    assert rules.refused == []
    assert rules.checked.get("replace", 0) >= 6
    assert sorted(p.name for p in out.iterdir()) == ["统计.html", "统计.pdf", "统计.xlsx"]


@pytest.mark.parametrize("name", ["统计.xlsx", "统计.pdf"])
def test_a_stats_output_open_in_excel_is_named(ws_path, tmp_path, capsys, name, qapp):
    import cli

    out = tmp_path / name
    out.write_bytes(b"old")
    with windows_file_rules() as rules, open(out, "rb"):  # Excel / a PDF viewer holds it
        code = cli.main(["stats", "--workspace", str(ws_path), "--out", str(out),
                         "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and rules.refused, err
    assert err.count("\n") == 1 and "may be open in another program" in err
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, ws_path.name])
