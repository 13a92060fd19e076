"""Walk the real-world corpus: every file imports or fails with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.io.messages import ImportRefused
from geodata.io.readers import list_layers
from geodata.io.workspace_import import import_file

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="corpus not present")


def _sources() -> list[Path]:
    if not CORPUS.exists():
        return []
    out = []
    for p in sorted(CORPUS.rglob("*")):
        if p.is_dir() or p.name == "MANIFEST.md" or p.suffix.lower() in (".shx", ".cpg", ".prj"):
            continue
        if p.suffix.lower() == ".dbf" and p.with_suffix(".shp").exists():
            continue
        out.append(p)
    return out


#: corpus files refused on purpose, with a word the message must contain
REFUSED = {
    "gdal_truncated.kml": "cannot open", "bad.shp": "not a shapefile",
    "invalid_coordinates.shp": "invalid coordinates", "togeojson_bad.gpx": "(0, 0)",
    "rivers.dbf": "geometry is empty", "antimeridian_crossing_lon_gt_180.json": "outside",
    "mapshaper_ex2_grid_crs_null_webmercator.json": "EPSG:3857",
    "big5.shp": "no coordinate system",
}
#: files without a CRS: refused on auto, imported when the user picks the first candidate
NEEDS_CRS = {"test_tin.shp", "null.shp", "pointm.shp", "corrupt_too_long.shp",
             "澳门特别行政区.shp", "res1_4m.shp", "mapshaper_null_crs_gdal.gpkg"}


@pytest.mark.parametrize("src", _sources(), ids=lambda p: p.name)
def test_corpus_file(src: Path, workspace: Path) -> None:
    layers = list_layers(src) if src.suffix == ".gpkg" else []
    for layer in (layers if len(layers) > 1 else [None]):
        try:
            rep = import_file(src, workspace, "any", file_layer=layer)
        except ImportRefused as exc:
            text = exc.text("en")
            assert "\n" not in text and "Traceback" not in text
            if src.name in NEEDS_CRS or "missing_crs" in src.name:
                assert exc.candidates, text
                rep = import_file(src, workspace, "any", file_layer=layer,
                                  crs=exc.candidates[0])
            else:
                assert src.name in REFUSED, text
                assert REFUSED[src.name] in text
                continue
        assert src.name not in REFUSED
        assert rep.counts()["imported"] > 0
        for r in rep.rejected:
            assert r.row > 0 and r.reason.zh and r.reason.en


def test_chinese_text_survives(workspace: Path) -> None:
    cases = {"gbk/nmc_beijing_gbk_ldid4d/北京.shp": ("NAME", "北京市"),
             "gbk/mapshaper_big5_cpg/big5.shp": ("NAME", "國語"),
             "gbk/gary_macau_utf8_no_cpg/澳门特别行政区.shp": ("name", "花王堂區"),
             "gbk/nmc_res1_4m_gbk_undeclared/res1_4m.shp": ("NAME", "北京"),
             "csv_excel/nmc_cma_city_station_info_gbk.dat": ("city_name", "北京"),
             "geojson/nmc_macau_datav.json": ("name", "花王堂区")}
    from geodata.io.readers import read_any

    for rel, (col, text) in cases.items():
        crs = "EPSG:3857" if "big5" in rel else "EPSG:4490"
        frame = read_any(CORPUS / rel, crs=crs).frame
        assert text in set(frame[col].astype(str)), rel
