"""The wizard's edition option: import control units as a new edition, keeping the old one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard

from geodata import store
from models.editions import list_editions
from tests.ui.importing.conftest import geojson_units
from ui.importing.import_dialog import ImportDialog


def go_next(qtbot, dlg: ImportDialog, page: int) -> None:
    button = dlg.button(QWizard.WizardButton.CommitButton) if dlg.currentId() == 3 else \
        dlg.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: dlg.currentId() == page and not dlg.busy(), timeout=15_000)


def test_keep_edition_from_the_wizard(qtbot, workspace: Path, tmp_path: Path) -> None:
    src = geojson_units(tmp_path / "units_2024.geojson", n=3)
    dlg = ImportDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.show()
    page = dlg.file_page
    page.set_file(src)
    option = page.edition
    assert not option.isEnabled()  # only for control units
    page.r_units.setChecked(True)
    assert option.isEnabled() and not option.kept_name.isEnabled()
    option.keep.setChecked(True)
    option.kept_name.setText("2021版")
    option.new_name.setText("2024版")
    assert option.values() == ("2021版", "2024版")
    go_next(qtbot, dlg, 1)
    go_next(qtbot, dlg, 2)
    go_next(qtbot, dlg, 3)
    notes = [dlg.summary_page.notes.text(r, 0)
             for r in range(dlg.summary_page.notes.rowCount())]
    assert any("整版导入" in n and "2021版" in n and "2 个" in n for n in notes), notes
    with qtbot.waitSignal(dlg.imported, timeout=15_000):
        go_next(qtbot, dlg, 4)
    assert [(e.name, e.is_current) for e in list_editions(workspace)] == \
        [("2021版", False), ("2024版", True)]
    assert len(store.read_layer(workspace, "control_units")) == 3

    # switching back to outfalls turns the option off
    again = ImportDialog(workspace)
    qtbot.addWidget(again)
    again.file_page.r_units.setChecked(True)
    again.file_page.edition.keep.setChecked(True)
    again.file_page.r_outfalls.setChecked(True)
    assert again.file_page.edition.values() == (None, None)
