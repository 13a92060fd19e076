"""Find a feature or a place from what the user types: code, name, or a coordinate pair."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodata import schema
from geodata.messages import Message, in_language
from layers.map_model import MapModel

#: Layers searched, in the order results of equal quality are listed.
SEARCHED = ("control_units", "outfalls", "bays", "protected_areas", "counties", "places",
            "rivers")
_FIELDS = ("code", "name_zh", "name_en")


@dataclass(frozen=True)
class SearchResult:
    layer: str  # "" for a coordinate
    key: str  # the feature's stable key (code or fid); "" for a coordinate
    label: str
    score: int  # lower is better
    lon: float = float("nan")
    lat: float = float("nan")

    @property
    def is_coordinate(self) -> bool:
        return not self.layer


def parse_coordinate(text: str) -> tuple[float, float] | None:
    """(lon, lat) if ``text`` reads as a coordinate pair, else None."""
    if not re.search(r"\d", text) or re.match(r"^\s*(ZH|PWK)", text, re.IGNORECASE):
        return None
    try:
        from geodata.io.dms import parse_coordinate_pair
    except ImportError:  # pragma: no cover - the shared parser is part of geodata
        return _fallback_pair(text)
    try:
        return parse_coordinate_pair(text)
    except ValueError:
        return None


def _fallback_pair(text: str) -> tuple[float, float] | None:
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
    if len(nums) != 2:
        return None
    a, b = nums
    return (a, b) if abs(a) > abs(b) else (b, a)


class SearchIndex:
    """Lower-cased text columns of every searchable layer, built at the first search.

    Kept as pandas string Series (Arrow-backed where pyarrow is installed, as it is for
    the app) rather than numpy arrays of Python ``str``: a million outfall codes and names
    are ~50 MB that way instead of ~170 MB, and the comparisons run in Arrow's kernels.
    """

    def __init__(self, model: MapModel) -> None:
        self.model = model
        self._cols: dict[str, dict[str, pd.Series]] = {}
        self._stale: set[str] = set()
        #: made at the first search, not with the window: at 1M outfalls the lower-cased
        #: codes and names are ~60 ms and ~50 MB before the first paint (issue 17)
        self._built = False
        # the model follows the workspace's change flow; the index follows the model
        model.changed.connect(self._on_changed)

    def _index(self, name: str) -> None:
        self._cols.pop(name, None)
        layer = self.model.get(name)
        if layer is None:
            return
        cols = {}
        for f in _FIELDS:
            if f in layer.frame.columns:
                cols[f] = layer.frame[f].astype(str).str.lower().reset_index(drop=True)
        if cols:
            self._cols[name] = cols

    def _on_changed(self, name: str, what: str) -> None:
        if what == "data" and name in SEARCHED:
            self._stale.add(name)  # re-indexed at the next search, not at every edit

    def label(self, layer: str, index: int, lang: str = "zh") -> str:
        """What a result reads as: code and name, and for a protected area its functional
        zone (a reserve has one row per zone, and four identical names help nobody)."""
        la = self.model.get(layer)
        if la is None:
            return ""
        row = la.frame.iloc[index]
        name = row.get(in_language(lang, "name_zh", "name_en"))
        if name is None or name != name:
            name = row.get("name_zh", "")
        code = row.get("code")
        text = f"{code}  {name}" if isinstance(code, str) and code != name else str(name)
        return text + self._part(la, index, lang)

    def _part(self, la: Any, index: int, lang: str) -> str:
        """" · 实验区（第2片）": which zone row of a multi-row protected area this is."""
        if "zone" not in la.frame.columns or "name_zh" not in la.frame.columns:
            return ""
        zone = la.frame["zone"].iloc[index]
        if not isinstance(zone, str) or not zone.strip():
            return ""
        names, zones = la.frame["name_zh"].to_numpy(), la.frame["zone"].to_numpy()
        same = np.flatnonzero((names == names[index]) & (zones == zone))
        shown = in_language(lang, zone, schema.english_value("zone", zone))
        if len(same) < 2:
            return f" · {shown}"
        part = int(np.flatnonzero(same == index)[0]) + 1
        return Message(f" · {shown}（第{part}片）", f" · {shown}, part {part}").text(lang)

    def search(self, text: str, limit: int = 20, lang: str = "zh") -> list[SearchResult]:
        text = text.strip()
        if not text:
            return []
        if not self._built:
            self._built = True
            self._stale.clear()
            for name in SEARCHED:
                self._index(name)
        for name in self._stale:
            self._index(name)
        self._stale.clear()
        out: list[SearchResult] = []
        coord = parse_coordinate(text)
        if coord is not None:
            lon, lat = coord
            out.append(SearchResult("", "", f"{lon:.6f}, {lat:.6f}", 0, lon, lat))
        q = text.lower()
        for name, cols in self._cols.items():
            best: dict[int, int] = {}
            for s in cols.values():
                exact = np.flatnonzero((s == q).to_numpy(dtype=bool, na_value=False))
                starts = np.flatnonzero(s.str.startswith(q, na=False).to_numpy(dtype=bool))
                contains = np.flatnonzero(
                    s.str.contains(q, regex=False, na=False).to_numpy(dtype=bool))
                for score, idx in ((1, exact), (2, starts), (3, contains)):
                    for i in idx[:limit]:
                        best[int(i)] = min(best.get(int(i), 9), score)
            layer = self.model.get(name)
            for i, score in best.items():
                out.append(SearchResult(name, layer.key_at(i) if layer is not None else str(i),
                                        self.label(name, i, lang), score))
        order = {n: k for k, n in enumerate(SEARCHED)}
        out.sort(key=lambda r: (r.score, order.get(r.layer, -1), r.label))
        return out[:limit]
