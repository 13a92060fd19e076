"""The import wizard's edition option: keep the current control units as a named edition.

A small widget the wizard's first page shows under "环境管控单元": a check box
"保留当前单元为版本" with the kept edition's name, and the name of the imported edition
(optional).  Checked, the file is imported as a whole new edition
(:mod:`geodata.editions_store`): the current units are kept, units missing from the file
are removed from the current layer — undoably, like the rest of the import.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QLineEdit, QWidget

CONTEXT = "EditionOption"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class EditionOption(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keep = QCheckBox()
        self.kept_name = QLineEdit(f"{dt.date.today().year - 1}版")
        self.new_label = QLabel()
        self.new_name = QLineEdit()
        lay = QGridLayout(self)
        lay.setContentsMargins(24, 0, 0, 0)
        lay.addWidget(self.keep, 0, 0)
        lay.addWidget(self.kept_name, 0, 1)
        lay.addWidget(self.new_label, 1, 0)
        lay.addWidget(self.new_name, 1, 1)
        self.keep.toggled.connect(self._sync)
        self._sync()
        self.retranslate()

    def retranslate(self) -> None:
        self.keep.setText(tr("保留当前单元为版本："))
        self.keep.setToolTip(tr("整版导入：当前单元另存为该版本，文件中没有的单元从当前图层删除（可撤销）"))
        self.new_label.setText(tr("新版本名称（可选）："))
        self.new_name.setPlaceholderText(tr("例如 2024版"))

    def _sync(self) -> None:
        on = self.keep.isChecked() and self.isEnabled()
        self.kept_name.setEnabled(on)
        self.new_name.setEnabled(on)

    def setEnabled(self, on: bool) -> None:  # noqa: N802 - Qt name
        super().setEnabled(on)
        self._sync()

    def values(self) -> tuple[str | None, str | None]:
        """(kept edition name, new edition name), both None unless the box is checked."""
        if not (self.keep.isChecked() and self.isEnabled()):
            return None, None
        return (self.kept_name.text().strip() or None, self.new_name.text().strip() or None)
