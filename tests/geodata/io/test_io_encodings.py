from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from geodata.io.encodings import choose_dbf_encoding, choose_text_encoding, normalize
from geodata.io.readers import read_any


def _gbk_shapefile(folder: Path, ldid: int = 0, cpg: str | None = None) -> Path:
    """A shapefile with GBK field names and values, no .cpg unless asked, given LDID."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "排污口.shp"
    frame = gpd.GeoDataFrame({"排污口名称": ["深沪湾排口"], "受纳水体": ["泉州湾"]},
                             geometry=[shapely.Point(118.6, 24.9)], crs="EPSG:4490")
    pyogrio.write_dataframe(frame, path, encoding="CP936")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    with open(path.with_suffix(".dbf"), "r+b") as fh:
        fh.seek(29)
        fh.write(bytes([ldid]))
    if cpg:
        path.with_suffix(".cpg").write_text(cpg)
    return path


@pytest.mark.parametrize("ldid,cpg,source", [(0, None, "detected"), (0x4D, None, "ldid"),
                                             (0, "936", "cpg"), (0, "GBK", "cpg")])
def test_gbk_paths_field_names_and_values(tmp_path: Path, ldid: int, cpg: str | None,
                                          source: str) -> None:
    path = _gbk_shapefile(tmp_path / source, ldid, cpg)
    choice = choose_dbf_encoding(path)
    assert choice.encoding == "gb18030" and choice.source == source
    r = read_any(path)
    assert list(r.frame.columns[:2]) == ["排污口名称", "受纳水体"]
    assert r.frame["排污口名称"].iat[0] == "深沪湾排口"


def test_user_override_wins(tmp_path: Path) -> None:
    path = _gbk_shapefile(tmp_path, 0x4D)
    assert choose_dbf_encoding(path, "utf-8").source == "user"


def test_csv_gbk_utf8_bom(tmp_path: Path) -> None:
    text = "名称,经度,纬度\n泉州湾排口,118.6,24.9\n"
    for enc, expect in (("gbk", "gb18030"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig")):
        p = tmp_path / f"{enc}.csv"
        p.write_text(text, encoding=enc)
        assert choose_text_encoding(p.read_bytes()).encoding == expect
        r = read_any(p)
        assert r.frame.columns[0] == "名称" and r.frame["名称"].iat[0] == "泉州湾排口"


def test_normalize_spellings() -> None:
    assert normalize("Big-5") == "big5"
    assert normalize("CP936") == normalize("GB2312") == "gb18030"
    with pytest.raises(ValueError):
        normalize("klingon")
