"""Each bay: the sea outfalls discharging into it, their remediation, and its water class.

Qt-free.  An outfall discharges into a bay when it is a sea outfall whose receiving water
(受纳水体) is the bay's name — the inventory's own statement, not a guess from geometry
(outfalls sit on the shore, outside the bay polygons).  The bay's water class is the class
the bays layer records (GB 3097); the workspace has no seawater monitoring stations, so the
latest sampling date given is that of the bay's outfall effluent samples, said as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geodata import schema
from geodata.messages import Message
from models.statistics import Scope, matches, outfall_mask, value_codes

WORST_SEA_CLASS = "劣四类"


@dataclass
class BayStatus:
    name: Message
    outfalls: int = 0
    by_remediation_status: dict[str, int] = field(default_factory=dict)
    by_remediation: dict[str, int] = field(default_factory=dict)
    wq_class: str = ""
    wq_target: str = ""
    target_year: int | None = None
    monitored: int = 0
    latest_sample_date: str | None = None

    @property
    def completed_share(self) -> float | None:
        """Share (%) of the bay's outfalls whose remediation is 已完成; None without any."""
        if not self.outfalls:
            return None
        return 100.0 * self.by_remediation_status.get("已完成", 0) / self.outfalls

    @property
    def wq_on_track(self) -> bool | None:
        """Against a 消除劣四类 target: the recorded class is better than 劣四类.  None
        where the bay has no water-quality target or no recorded class."""
        if WORST_SEA_CLASS not in self.wq_target or not self.wq_class:
            return None
        return self.wq_class != WORST_SEA_CLASS

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        share = self.completed_share
        return {"bay": self.name.text(lang), "outfalls": self.outfalls,
                "by_remediation_status": dict(self.by_remediation_status),
                "by_remediation": dict(self.by_remediation),
                "completed_share": None if share is None else round(share, 2),
                "wq_class": schema.value_in("wq_class", self.wq_class, lang) or None,
                "wq_target": self.wq_target or None, "target_year": self.target_year,
                "wq_on_track": self.wq_on_track, "monitored_outfalls": self.monitored,
                "latest_sample_date": self.latest_sample_date}


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()


def summarise(layers: dict[str, Any], tables: dict[str, pd.DataFrame], scope: Scope | None = None,
              outfall_xy: tuple[np.ndarray, np.ndarray] | None = None) -> list[BayStatus]:
    """One :class:`BayStatus` per bay of the bays layer, counting the scope's outfalls."""
    scope = scope or Scope()
    bays = layers.get("bays")
    if bays is None or len(bays) == 0 or "name_zh" not in bays.columns:
        return []
    en = bays["name_en"] if "name_en" in bays.columns else bays["name_zh"]
    out = []
    for rec, name_en in zip(bays.to_dict("records"), en, strict=True):
        year = pd.to_numeric(pd.Series([rec.get("target_year")]), errors="coerce").iloc[0]
        out.append(BayStatus(Message(str(rec["name_zh"]), str(name_en)),
                             wq_class=_text(rec.get("wq_class")),
                             wq_target=_text(rec.get("wq_target")),
                             target_year=None if pd.isna(year) else int(year)))
    names = [b.name.zh for b in out]
    outfalls = layers.get("outfalls")
    if outfalls is None or len(outfalls) == 0 or "receiving_water" not in outfalls.columns:
        return out
    keep = outfall_mask(outfalls, scope, outfall_xy)
    if "water_kind" in outfalls.columns:
        keep &= matches(outfalls["water_kind"], ("sea",))
    bay_code, labels = value_codes(outfalls["receiving_water"], names)
    in_bay = keep & (bay_code < len(names))
    for fld, attr, order in (("remediation_status", "by_remediation_status",
                              schema.REMEDIATION_STATUS),
                             ("remediation", "by_remediation", schema.REMEDIATION)):
        if fld not in outfalls.columns:
            continue
        codes, vals = value_codes(outfalls[fld], order)
        table = np.bincount(bay_code[in_bay] * len(vals) + codes[in_bay],
                            minlength=len(names) * len(vals)).reshape(len(names), len(vals))
        for i, b in enumerate(out):
            setattr(b, attr, {v: int(n) for v, n in zip(vals, table[i], strict=True)
                              if v in order or n})
    totals = np.bincount(bay_code[in_bay], minlength=len(names))
    for b, n in zip(out, totals, strict=False):
        b.outfalls = int(n)
    _latest_samples(out, outfalls, in_bay, bay_code, tables.get("outfall_samples"))
    return out


def _latest_samples(out: list[BayStatus], outfalls: Any, in_bay: np.ndarray,
                    bay_code: np.ndarray, samples: pd.DataFrame | None) -> None:
    """The number of each bay's outfalls with samples and the latest sampling date."""
    if samples is None or samples.empty or not {"outfall_code", "sample_date"} <= set(
            samples.columns):
        return
    bay_of = pd.Series(bay_code[in_bay], index=outfalls["code"].to_numpy()[in_bay])
    bay_of = bay_of[~bay_of.index.duplicated()]
    which = samples["outfall_code"].map(bay_of)
    got = samples[which.notna()]
    if got.empty:
        return
    which = which[which.notna()].astype(int)
    latest = got["sample_date"].astype(str).groupby(which.to_numpy()).max()
    monitored = got["outfall_code"].groupby(which.to_numpy()).nunique()
    for i, b in enumerate(out):
        if i in latest.index:
            b.latest_sample_date = str(latest[i])
            b.monitored = int(monitored[i])
