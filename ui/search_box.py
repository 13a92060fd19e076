"""Search box: unit/outfall code or name, bay, reserve, county, place, or a coordinate pair."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QStringListModel, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from layers.map_model import MapModel
from layers.search import SearchIndex, SearchResult
from models.info import layer_title


def tr(text: str) -> str:
    return QCoreApplication.translate("SearchBox", text)


class SearchBox(QLineEdit):
    chosen = Signal(object)  # SearchResult
    not_found = Signal(str)

    def __init__(self, model: MapModel, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self.setMaximumWidth(520)
        self.lang = lang
        self.index = SearchIndex(model)
        self.results: list[SearchResult] = []
        self._list = QStringListModel(self)
        self.completer_ = QCompleter(self._list, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setMaxVisibleItems(14)
        self.completer_.setWidget(self)
        self.completer_.activated[QModelIndex].connect(self._on_activated)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self._update_results)
        self.textEdited.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(self.go)
        self.retranslate(lang)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.setPlaceholderText(tr("搜索单元编码/名称、排污口、海湾、保护地、县区、地名或坐标"))

    def _describe(self, r: SearchResult) -> str:
        if r.is_coordinate:
            return f"{tr('坐标')}: {r.label}"
        return f"{r.label}  —  {layer_title(r.layer, self.lang)}"

    def _update_results(self) -> None:
        self.results = self.index.search(self.text(), lang=self.lang)
        self._list.setStringList([self._describe(r) for r in self.results])
        if self.results and self.hasFocus():
            self.completer_.complete()

    def _on_activated(self, index: QModelIndex) -> None:
        row = index.row()
        if 0 <= row < len(self.results):
            self.chosen.emit(self.results[row])

    def go(self) -> SearchResult | None:
        """Jump to the best result for the current text (Enter)."""
        self._timer.stop()
        self.results = self.index.search(self.text(), lang=self.lang)
        self.completer_.popup().hide()
        if not self.results:
            self.not_found.emit(self.text())
            return None
        self.chosen.emit(self.results[0])
        return self.results[0]
