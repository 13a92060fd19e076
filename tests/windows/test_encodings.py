"""Encodings a Chinese Windows user meets (issue 19): CSV for Excel, CSV from anywhere,
GBK shapefiles, and a log file that never breaks on a character."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from geodata.io.messages import ImportRefused, Notes


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_csv_reads_the_same_with_any_line_ending(tmp_path, newline):
    from geodata.io.point_tables import read_text_table

    rows = ["名称,经度,纬度", "甲,118.6,24.9", "乙,118.7,24.95"]
    path = tmp_path / "点位.csv"
    path.write_bytes(("\ufeff" + newline.join(rows) + newline).encode("utf-8"))
    df, _choice = read_text_table(path, "auto", Notes())
    assert list(df.columns) == ["名称", "经度", "纬度"]
    assert df["名称"].tolist() == ["甲", "乙"] and df["纬度"].tolist() == ["24.9", "24.95"]


def test_csv_export_is_for_excel_bom_and_crlf_and_gbk_on_request(tmp_path, bundled_path):
    from geodata.io.writers import export_layer

    out = export_layer(bundled_path, "counties", tmp_path / "县界.csv")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == data.count(b"\n") > 10  # every line ends in CRLF
    gbk = export_layer(bundled_path, "counties", tmp_path / "县界_gbk.csv", encoding="gbk")
    raw = gbk.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # old GBK tools read no BOM
    assert "晋江市" in raw.decode("gb18030") and b"\r\n" in raw


def test_gbk_shapefile_refuses_text_gbk_cannot_hold_instead_of_dropping_it(tmp_path,
                                                                           bundled_path):
    import geopandas as gpd
    import shapely

    from geodata.io.writers import write_layer

    frame = gpd.GeoDataFrame({"name_zh": ["甲", "乙✓²"]},
                             geometry=[shapely.Point(118.6, 24.9), shapely.Point(118.7, 25.0)],
                             crs="EPSG:4490")
    with pytest.raises(ImportRefused) as err:
        write_layer(frame, tmp_path / "点.shp", encoding="gbk")
    assert "第 2 行" in err.value.message.zh and "✓" in err.value.message.zh
    assert "U+2713" in err.value.message.en and "--encoding utf-8" in err.value.message.en
    assert not (tmp_path / "点.shp").exists()
    write_layer(frame, tmp_path / "点.shp", encoding="utf-8")  # UTF-8 holds everything


@pytest.fixture
def fresh_logging():
    from geodata import app_logging

    app_logging.shutdown_logging()
    yield app_logging
    app_logging.shutdown_logging()


def test_log_takes_any_character_and_a_rotation_that_is_refused(fresh_logging, tmp_path,
                                                                  monkeypatch, capsys):
    app_logging = fresh_logging
    monkeypatch.setenv("ECOZONE_HOME", str(tmp_path))
    monkeypatch.setattr(app_logging, "MAX_BYTES", 2_000)
    path = app_logging.setup_logging()
    log = logging.getLogger("ecozone.test")
    log.warning("文件 %s 有 ² ✓ • 𠀀 和坏字节 %s", "台账.csv", "bad\udcff")  # lone surrogate
    # another EcoZone holds the log: Windows refuses the rename that rotates it
    real_rename = os.rename

    def refuse(src, dst):
        if str(src).endswith("ecozone.log"):
            raise PermissionError(13, "WinError 32: used by another process")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", refuse)
    for i in range(200):
        log.info("第 %d 行 %s", i, "x" * 40)
    monkeypatch.setattr(os, "rename", real_rename)
    for i in range(200):
        log.info("第 %d 行 %s", i, "y" * 40)
    for h in logging.getLogger().handlers:
        h.flush()
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    assert Path(str(path) + ".1").exists()  # rotated once the other one let go
    assert "第 199 行 yyyy" in path.read_text(encoding="utf-8")
    every = "".join(p.read_text(encoding="utf-8") for p in path.parent.glob("ecozone.log*"))
    assert "² ✓ • 𠀀" in every and "bad\\udcff" in every
    assert "第 199 行 xxxx" in every  # nothing lost while rotation was refused
    shutil.rmtree(tmp_path / "logs", ignore_errors=True)
