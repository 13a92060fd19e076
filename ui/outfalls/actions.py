"""Dialogs for review actions: coordinate entry (decimal or 度分秒, CGCS2000/WGS84/GCJ-02/
BD-09), choosing a field value for one or many outfalls, and a note."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from geodata.io.dms import parse_coordinate_pair
from models.outfall_edits import EDITABLE

CRS_CHOICES = (("cgcs2000", "CGCS2000"), ("wgs84", "WGS84"), ("gcj02", "GCJ-02（高德/腾讯）"),
               ("bd09", "BD-09（百度）"))


class CoordinateDialog(QDialog):
    """Type a new position; ``result_value()`` gives (lon, lat, crs, note) once accepted."""

    def __init__(self, code: str, lon: float, lat: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("输入坐标") + f" — {code}")
        form = QFormLayout(self)
        self.coord = QLineEdit(f"{lon:.6f}, {lat:.6f}")
        self.coord.setPlaceholderText(self.tr("如 118.5912, 24.9087 或 118°35'28\"E 24°54'31\"N"))
        self.crs = QComboBox()
        for key, label in CRS_CHOICES:
            self.crs.addItem(label, key)
        self.note = QLineEdit()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00")
        form.addRow(self.tr("经度, 纬度"), self.coord)
        form.addRow(self.tr("坐标系"), self.crs)
        form.addRow(self.tr("备注"), self.note)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.value: tuple[float, float, str, str] | None = None

    def _check(self) -> None:
        try:
            lon, lat = parse_coordinate_pair(self.coord.text())
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.value = (lon, lat, str(self.crs.currentData()), self.note.text().strip())
        self.accept()


class FieldDialog(QDialog):
    """Choose a new value of one field (type, remediation, status …) for the selection."""

    def __init__(self, n: int, field_labels: dict[str, str], parent: QWidget | None = None,
                 field: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("修改属性（%n 个排污口）", "", n))
        form = QFormLayout(self)
        self.field = QComboBox()
        for key, label in field_labels.items():
            if EDITABLE.get(key):
                self.field.addItem(label, key)
        if field is not None:
            self.field.setCurrentIndex(max(0, self.field.findData(field)))
        self.value = QComboBox()
        self.note = QLineEdit()
        form.addRow(self.tr("字段"), self.field)
        form.addRow(self.tr("新值"), self.value)
        form.addRow(self.tr("备注"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.field.currentIndexChanged.connect(self._fill)
        self._fill()

    def _fill(self) -> None:
        self.value.clear()
        for v in EDITABLE.get(str(self.field.currentData())) or ():
            self.value.addItem(v or self.tr("（无）"), v)

    def result_value(self) -> tuple[str, str, str]:
        return (str(self.field.currentData()), str(self.value.currentData()),
                self.note.text().strip())


class NoteDialog(QDialog):
    def __init__(self, n: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("添加备注（%n 个排污口）", "", n))
        form = QFormLayout(self)
        self.text = QPlainTextEdit()
        form.addRow(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def result_value(self) -> str:
        return self.text.toPlainText().strip()


def exec_dialog(dialog: Any) -> bool:
    return bool(dialog.exec() == QDialog.DialogCode.Accepted)
