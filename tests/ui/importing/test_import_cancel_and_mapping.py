"""Cancel during a slow read; GeoJSON into control_units; mappings saved and reused."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from PySide6.QtWidgets import QPushButton

from geodata import store
from geodata.io import readers
from geodata.io.messages import ImportCancelled
from geodata.io.workspace_import import list_batches
from tests.ui.importing.conftest import geojson_units
from tests.ui.importing.test_import_dialog import go_next, make_dialog
from ui.importing.mapping_page import mapping_folder
from geodata.io.import_session import ImportSession


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cancel_during_slow_read_leaves_workspace_unchanged(qtbot, workspace, tmp_path,
                                                           monkeypatch):
    src = geojson_units(tmp_path / "units.geojson", n=2000)
    monkeypatch.setattr(readers, "BATCH", 20)  # 100 batches, each a chance to cancel
    original = readers._tick

    def slow_tick(*args, **kwargs):  # a slow disk: 30 ms per batch
        time.sleep(0.03)
        return original(*args, **kwargs)

    monkeypatch.setattr(readers, "_tick", slow_tick)
    before = digest(workspace)
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(src)
    dlg.file_page.r_units.setChecked(True)
    dlg.next()
    assert dlg.busy()
    # after a second the progress dialog shows, with a working Cancel
    qtbot.waitUntil(lambda: dlg.progress is not None and dlg.progress.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: dlg.progress is not None and dlg.progress.value() > 0, timeout=5000)
    dlg.progress.grab().save("/tmp/import_progress.png")
    cancel = dlg.progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "取消"
    cancel.click()
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=5000)
    assert dlg.currentId() == 0 and dlg.progress is None
    assert "已取消" in dlg.file_page.status.text()
    assert digest(workspace) == before and list_batches(workspace) == []
    assert dlg.session.result is None
    # the same progress dialog serves the next job: hidden, not cancelled, shown again
    # after a second, and it reads the file to the end this time
    assert not cancel.isVisible()
    monkeypatch.setattr(readers, "BATCH", 40)
    dlg.next()
    assert dlg.busy() and not dlg.progress.wasCanceled()
    qtbot.waitUntil(lambda: dlg.progress is not None and dlg.progress.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=20000)
    assert dlg.progress is None and dlg.session.result is not None


def test_cancel_before_writing_leaves_workspace_unchanged(workspace, gbk_csv):
    session = ImportSession(workspace, gbk_csv)
    session.read()
    session.suggest()
    before = digest(workspace)

    def cancel_at_check(fraction, message):
        return fraction < 0.9  # the user presses Cancel just before the rows are written

    try:
        session.run(False, cancel_at_check)
    except ImportCancelled:
        pass
    else:
        raise AssertionError("not cancelled")
    assert digest(workspace) == before and list_batches(workspace) == []


def test_geojson_into_control_units(qtbot, workspace, tmp_path):
    src = geojson_units(tmp_path / "units.geojson", n=3)
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(src)
    dlg.file_page.r_units.setChecked(True)
    go_next(qtbot, dlg, 1)
    assert not dlg.encoding_page.enc_combo.isEnabled()  # GeoJSON text is always UTF-8
    assert "EPSG:4326" in dlg.encoding_page.crs_detected.text()
    go_next(qtbot, dlg, 2)
    mp = dlg.mapping_page
    assert (mp.mapped_source("code"), mp.mapped_source("name_zh"),
            mp.mapped_source("unit_class")) == ("HJZHGKDYBM", "HJZHGKDYMC", "ZHGKDYFL")
    go_next(qtbot, dlg, 3)
    assert dlg.summary_page.counts["imported"].text() == "3"
    go_next(qtbot, dlg, 4)
    units = store.read_layer(workspace, "control_units")
    assert len(units) == 5 and set(units["unit_class"].astype(int)) == {1, 2, 3}


def test_mapping_saved_and_reused(qtbot, workspace, tmp_path):
    src = tmp_path / "bureau.csv"
    src.write_text("PK_ID,DWMC,经度,纬度\nPWK350582H0021,某厂,118.6,24.9\n", encoding="utf-8")
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(src)
    go_next(qtbot, dlg, 1)
    go_next(qtbot, dlg, 2)
    mp = dlg.mapping_page
    assert mp.mapped_source("code") == ""  # 'PK_ID' is no known name
    mp.combos["code"].setCurrentIndex(mp.combos["code"].findData("PK_ID"))
    mp.combos["responsible_party"].setCurrentIndex(mp.combos["responsible_party"].findData("DWMC"))
    assert mp.preview.item(0, 0).text() == "PWK350582H0021"
    saved = mp.save(mapping_folder() / "bureau.outfalls.json")
    assert saved is not None and saved.exists()

    # the next file from the same bureau gets the saved mapping by itself
    nxt = tmp_path / "bureau_2025.csv"
    nxt.write_text("PK_ID,DWMC,经度,纬度\nPWK350582H0022,另一厂,118.61,24.91\n", encoding="utf-8")
    dlg2 = make_dialog(qtbot, workspace)
    dlg2.file_page.set_file(nxt)
    go_next(qtbot, dlg2, 1)
    go_next(qtbot, dlg2, 2)
    mp2 = dlg2.mapping_page
    assert "bureau.outfalls.json" in mp2.info.text()
    assert (mp2.mapped_source("code"), mp2.mapped_source("responsible_party")) == ("PK_ID", "DWMC")
    go_next(qtbot, dlg2, 3)
    assert dlg2.summary_page.counts["imported"].text() == "1"

    # and a mapping can be loaded by hand
    dlg2.back()
    mp2.combos["code"].setCurrentIndex(0)
    mp2.load(saved)
    assert mp2.mapped_source("code") == "PK_ID"
