"""The print layout spec: paper sizes, JSON, validation and layouts saved by name."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from models import print_layout as pl


def test_paper_sizes_in_millimetres_and_points():
    a4 = pl.PrintLayout(paper="A4", orientation="portrait")
    assert a4.page_mm() == (210.0, 297.0)
    w, h = a4.page_points()
    assert (round(w, 2), round(h, 2)) == (595.28, 841.89)
    a0 = pl.PrintLayout(paper="A0", orientation="landscape")
    assert a0.page_mm() == (1189.0, 841.0)
    assert pl.PrintLayout(paper="A3").page_pixels(300) == (4961, 3508)


def test_json_round_trip_keeps_everything():
    lay = pl.PrintLayout(name="晋江", paper="A2", orientation="portrait", title="标题",
                         subtitle="副", extent="bbox", bbox=(118.4, 24.6, 118.7, 24.9),
                         scale=50000, dpi=600, text="说明", source="自有数据")
    lay.items["graticule"] = False
    back = pl.PrintLayout.from_json(lay.to_json())
    assert back == lay
    # a layout written by a newer version with an unknown key still loads
    assert pl.PrintLayout.from_json('{"paper": "A3", "future": 1}').paper == "A3"


@pytest.mark.parametrize("change, needle", [
    ({"paper": "B5"}, "B5"), ({"orientation": "sideways"}, "sideways"),
    ({"dpi": 20}, "dpi"), ({"extent": "bbox", "bbox": (119, 24, 118, 25)}, "bbox"),
    ({"extent": "feature"}, "feature"), ({"scale": 5}, "scale"),
])
def test_bad_layouts_name_the_field_in_both_languages(change, needle):
    lay = pl.PrintLayout(**change)
    with pytest.raises(pl.LayoutError) as err:
        lay.validate()
    assert needle.lower() in err.value.text("en").lower()
    assert err.value.text("zh") != err.value.text("en")


def test_layouts_saved_by_name_in_the_workspace(tmp_path, bundled_path):
    ws = tmp_path / "ws.gpkg"
    shutil.copy(bundled_path, ws)
    assert pl.list_layouts(ws) == []
    lay = pl.PrintLayout(name="全市 A3", paper="A3", title="泉州市")
    pl.save_layout(ws, lay)
    lay.title = "泉州市生态环境管控单元"
    pl.save_layout(ws, lay)  # same name: replaced, not duplicated
    pl.save_layout(ws, pl.PrintLayout(name="晋江", paper="A4"))
    assert pl.list_layouts(ws) == ["全市 A3", "晋江"]
    assert pl.load_layout(ws, "全市 A3").title == "泉州市生态环境管控单元"
    # a plain attributes table GDAL and QGIS list like the workspace's other tables
    con = sqlite3.connect(ws)
    kind = con.execute("select data_type from gpkg_contents where table_name='print_layouts'"
                       ).fetchone()
    con.close()
    assert kind == ("attributes",)
    from geodata import store

    assert ("print_layouts", "table") in store.list_contents(ws) or any(
        n == "print_layouts" for n, _k in store.list_contents(ws))
    assert pl.delete_layout(ws, "晋江") is True
    assert pl.list_layouts(ws) == ["全市 A3"]
    with pytest.raises(pl.LayoutError):
        pl.load_layout(ws, "晋江")
    with pytest.raises(pl.LayoutError):
        pl.save_layout(ws, pl.PrintLayout(name="  "))
