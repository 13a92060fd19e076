"""连接服务器… and 检出…: the two small dialogs of the 同步 menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from geodata.messages import in_language
from ui.sync import credentials

CONTEXT = "Sync"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class ConnectDialog(QDialog):
    """Server address and password.  The address is kept without the password; the
    password only in memory, or in the system keyring if the user ticks the box."""

    def __init__(self, url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("连接服务器"))
        self.setMinimumWidth(520)
        self.url = QLineEdit(url)
        self.url.setPlaceholderText("postgresql://user@host:5432/ecozone")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("留空则使用 PGPASSWORD 或 pgpass 文件"))
        self.remember = QCheckBox(tr("记住密码（系统钥匙串）"))
        if not credentials.keyring_available():
            self.remember.setEnabled(False)
            self.remember.setToolTip(tr("系统钥匙串不可用：密码只保存在本次运行的内存中"))
        note = QLabel(tr("密码不会写入工作空间、设置或日志。"))
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(tr("服务器地址"), self.url)
        form.addRow(tr("密码"), self.password)
        form.addRow("", self.remember)
        form.addRow("", note)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                               QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText(tr("连接"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)


class CheckoutDialog(QDialog):
    """Whole city or one county, and the file to write."""

    def __init__(self, counties: list[tuple[str, str]], default_dir: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("检出"))
        self.setMinimumWidth(520)
        self.county = QComboBox()
        self.county.addItem(tr("全市"), "")
        for code, name in counties:
            self.county.addItem(f"{name} ({code})", code)
        self.out = QLineEdit(str(default_dir / "checkout.gpkg"))
        browse = QPushButton(tr("浏览…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(tr("范围"), self.county)
        form.addRow(tr("保存为"), row)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                               QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText(tr("检出"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("检出"), self.out.text(),
                                              "GeoPackage (*.gpkg)")
        if path:
            self.out.setText(path)

    def choice(self) -> tuple[str | None, Path]:
        return (self.county.currentData() or None), Path(self.out.text())


def county_list(ws: Any, lang: str = "zh") -> list[tuple[str, str]]:
    """(code, name) of the counties of the workspace, for the checkout scope."""
    frame = ws.layers.get("counties")
    if frame is None or "code" not in frame.columns:
        return []
    col = in_language(lang, "name_zh", "name_en" if "name_en" in frame.columns else "name_zh")
    return sorted((str(c), str(n)) for c, n in zip(frame["code"], frame[col], strict=False))
