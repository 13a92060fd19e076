"""Drive the import dialog as a user would: GBK CSV of outfalls in 度分秒 into a workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from geodata import store
from ui.importing.import_dialog import ImportDialog

SHOTS = Path("/tmp")


def go_next(qtbot, dlg: ImportDialog, page: int, timeout: int = 15_000) -> None:
    """Press Next (or Import) and wait until the wizard shows ``page``."""
    button = dlg.button(QWizard.WizardButton.CommitButton) if dlg.currentId() == 3 else \
        dlg.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), "Next is disabled"
    button.click()
    qtbot.waitUntil(lambda: dlg.currentId() == page and not dlg.busy(), timeout=timeout)


def make_dialog(qtbot, workspace: Path) -> ImportDialog:
    dlg = ImportDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def outfall_codes(workspace: Path) -> list[str]:
    return sorted(store.read_layer(workspace, "outfalls")["code"])


def shot(dlg: ImportDialog, name: str) -> None:
    dlg.grab().save(str(SHOTS / name))


def test_gbk_csv_import_reimport_undo(qtbot, workspace, gbk_csv):
    before = outfall_codes(workspace)
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(gbk_csv)
    assert dlg.file_page.r_outfalls.isChecked()
    shot(dlg, "import_step1.png")

    go_next(qtbot, dlg, 1)
    page = dlg.encoding_page
    # the encoding shown is the detected GB18030 (GBK), with the reason, and the text is clean
    assert "GB18030" in page.enc_detected.text() and "GBK" in page.enc_detected.text()
    assert "自动检测" in page.enc_detected.text()
    assert page.enc_combo.currentData() == "auto" and "GB18030" in page.enc_combo.currentText()
    assert "排污口编码" in page.sample.toPlainText()
    assert "118°30′12.5″E" in page.sample.toPlainText()
    # overriding to Latin-1 shows the mojibake live; back to automatic, it disappears
    page.enc_combo.setCurrentIndex(page.enc_combo.findData("latin-1"))
    assert "排污口" not in page.sample.toPlainText() and "Å" in page.sample.toPlainText()
    shot(dlg, "import_step2_mojibake.png")
    page.enc_combo.setCurrentIndex(page.enc_combo.findData("auto"))
    assert "排污口编码" in page.sample.toPlainText()
    assert "EPSG:4490" in page.crs_detected.text()
    page.crs_combo.setCurrentIndex(page.crs_combo.findData("gcj02"))
    assert "0.01" in page.crs_hint.text() and "0.55–0.62" in page.crs_hint.text()
    page.crs_combo.setCurrentIndex(page.crs_combo.findData("auto"))
    shot(dlg, "import_step2.png")

    go_next(qtbot, dlg, 2)
    mp = dlg.mapping_page
    assert mp.mapped_source("code") == "排污口编码"
    assert mp.mapped_source("name_zh") == "排污口名称"
    assert mp.mapped_source("receiving_water") == "受纳水体"
    row = [f.name for f in __import__("geodata.io.field_mapping", fromlist=["x"])
           .LAYER_FIELDS["outfalls"]].index("code")
    assert mp.table.item(row, 0).text().startswith("排污口编码")
    assert mp.table.item(row, 2).data(256) == "high"  # green: exact match
    assert mp.preview.rowCount() == 5
    assert mp.preview.item(0, 0).text() == "PWK350582H0011"
    assert mp.preview.verticalHeaderItem(0).text() == "2"  # the CSV line a user finds
    shot(dlg, "import_step3.png")

    go_next(qtbot, dlg, 3)
    sp = dlg.summary_page
    assert [sp.counts[k].text() for k in ("imported", "updated", "unchanged", "rejected")] == \
        ["5", "0", "0", "0"]
    assert sp.rejected.rowCount() == 0 and sp.changes.rowCount() == 5
    assert outfall_codes(workspace) == before  # a dry run writes nothing
    shot(dlg, "import_step4.png")

    with qtbot.waitSignal(dlg.imported, timeout=15_000) as signal:
        go_next(qtbot, dlg, 4)
    batch, layer = signal.args
    assert layer == "outfalls" and batch >= 1
    after = outfall_codes(workspace)
    assert len(after) == len(before) + 5
    assert {f"PWK350582H00{11 + i}" for i in range(5)} <= set(after)
    shot(dlg, "import_step5.png")

    # importing the same file again: previewed as 5 unchanged, nothing to write
    again = make_dialog(qtbot, workspace)
    again.file_page.set_file(gbk_csv)
    go_next(qtbot, again, 1)
    go_next(qtbot, again, 2)
    go_next(qtbot, again, 3)
    assert [again.summary_page.counts[k].text() for k in ("imported", "updated", "unchanged")] \
        == ["0", "0", "5"]
    assert not again.button(QWizard.WizardButton.CommitButton).isEnabled()
    shot(again, "import_step4_reimport.png")
    again.reject()

    # undo removes the rows again
    with qtbot.waitSignal(dlg.undone, timeout=15_000) as undone:
        dlg.result_page.undo_button.click()
    assert undone.args == [batch, "outfalls"]
    qtbot.waitUntil(lambda: not dlg.busy())
    assert outfall_codes(workspace) == before
    assert not dlg.result_page.undo_button.isEnabled()
    assert "撤销" in dlg.result_page.summary.text()


def test_rejected_rows_listed_with_file_row_field_reason(qtbot, workspace, tmp_path):
    from tests.ui.importing.conftest import CSV_ROWS

    rows = list(CSV_ROWS)
    rows[2] = rows[2].replace("118°31′", "118°75′")  # minutes ≥ 60
    rows[4] = rows[4].replace("PWK350582H0014", "PWK12")  # bad code
    src = tmp_path / "bad.csv"
    src.write_bytes(("\n".join(rows) + "\n").encode("gbk"))
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(src)
    go_next(qtbot, dlg, 1)
    go_next(qtbot, dlg, 2)
    go_next(qtbot, dlg, 3)
    sp = dlg.summary_page
    assert sp.counts["imported"].text() == "3" and sp.counts["rejected"].text() == "2"
    table = sp.rejected
    header = [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert header == ["文件", "行号", "字段", "原因"]
    got = [[table.text(r, c) for c in range(4)] for r in range(table.rowCount())]
    assert [g[:3] for g in got] == [["bad.csv", "3", "经度"], ["bad.csv", "5", "排污口编码"]]
    assert all(g[3] for g in got)
    assert sp.tabs.currentIndex() == 0  # rejected rows are shown first
    shot(dlg, "import_step4_rejected.png")


def test_no_crs_asks_among_candidates(qtbot, workspace, tmp_path):
    src = tmp_path / "测点.csv"
    src.write_text("名称,X,Y\n甲,2755000,39550000\n乙,2756000,39551000\n", encoding="utf-8")
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(src)
    dlg.file_page.r_new.setChecked(True)
    dlg.file_page.new_name.setText("survey_points")
    go_next(qtbot, dlg, 1)
    page = dlg.encoding_page
    assert "未声明坐标系" in page.crs_detected.text()
    assert page.crs_combo.currentData() == ""
    assert not dlg.button(QWizard.WizardButton.NextButton).isEnabled()
    first = page.crs_combo.itemText(1)
    assert first.startswith("EPSG:4527") and "落在泉州" in first
    shot(dlg, "import_step2_crs.png")
    page.crs_combo.setCurrentIndex(1)
    go_next(qtbot, dlg, 2)
    assert not dlg.mapping_page.table.isVisible()  # a new layer keeps its own fields
    assert dlg.mapping_page.preview.rowCount() == 2
    go_next(qtbot, dlg, 3)
    with qtbot.waitSignal(dlg.imported, timeout=15_000) as signal:
        go_next(qtbot, dlg, 4)
    assert signal.args[1] == "survey_points"
    pts = store.read_layer(workspace, "survey_points")
    assert len(pts) == 2 and 117.3 < pts.geometry.x.iloc[0] < 119.5


def test_open_import_dialog_follows_the_window_language(qtbot, workspace):
    from models.workspace import Workspace
    from tests.ui.conftest import main_window_for
    from ui.features import install_features

    win = main_window_for(qtbot, Workspace.open(workspace))
    install_features(win, interactive=False)
    win.set_language("en")
    dlg = win.features.open_import()  # 文件 ▸ 导入数据…
    assert isinstance(dlg, ImportDialog) and dlg.isVisible() and dlg.lang == "en"
    assert dlg.session.workspace == Path(workspace)
    dlg.close()
    win.set_language("zh")
    if win.features.review is not None:
        win.features.review.shutdown()


@pytest.fixture
def english():
    from PySide6.QtCore import QCoreApplication, QTranslator

    from ui.importing.strings_en import CONTEXT, EN

    class DictTranslator(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002
            return EN.get(source, "") if context == CONTEXT else ""

        def isEmpty(self):  # noqa: N802
            return False

    tr = DictTranslator()
    QCoreApplication.installTranslator(tr)
    yield
    QCoreApplication.removeTranslator(tr)


def test_english_texts(qtbot, workspace, gbk_csv, english):
    dlg = ImportDialog(workspace, lang="en")
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.windowTitle() == "Import data"
    assert dlg.file_page.title() == "Step 1: file and target layer"
    dlg.file_page.set_file(gbk_csv)
    go_next(qtbot, dlg, 1)
    assert dlg.encoding_page.enc_detected.text().startswith("Detected: GB18030")
    assert "(detected)" in dlg.encoding_page.enc_detected.text()
    go_next(qtbot, dlg, 2)
    assert dlg.mapping_page.table.item(0, 0).text() == "Outfall code (code)"
    go_next(qtbot, dlg, 3)
    assert dlg.summary_page.count_names["imported"].text() == "New"
    shot(dlg, "import_step4_en.png")
