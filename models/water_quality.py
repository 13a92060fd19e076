"""Water-quality classes from measured values: GB 3838-2002 (surface) and GB 3097-1997 (sea).

A sample's class is the worst class over the parameters measured (单因子评价法, the method
both standards prescribe).  Limits are inclusive: a value exactly at the class-II limit is
class II.  Parameters not measured (None/NaN) are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from geodata.messages import Message

#: GB 3838-2002 Table 1 upper limits (mg/L) for classes I..V; rivers (TP for rivers).
SURFACE_LIMITS: dict[str, tuple[float, float, float, float, float]] = {
    "cod": (15.0, 15.0, 20.0, 30.0, 40.0),
    "nh3n": (0.15, 0.5, 1.0, 1.5, 2.0),
    "tp": (0.02, 0.1, 0.2, 0.3, 0.4),
    "tn": (0.2, 0.5, 1.0, 1.5, 2.0),
    "codmn": (2.0, 4.0, 6.0, 10.0, 15.0),
    "bod5": (3.0, 3.0, 4.0, 6.0, 10.0),
}
#: Lower limits for dissolved oxygen (mg/L), classes I..V.
SURFACE_DO_MIN = (7.5, 6.0, 5.0, 3.0, 2.0)
SURFACE_CLASSES = ("I类", "II类", "III类", "IV类", "V类", "劣V类")
SURFACE_CLASSES_EN = ("Class I", "Class II", "Class III", "Class IV", "Class V", "Worse than V")

#: GB 3097-1997 Table 1 upper limits (mg/L) for classes 一..四.
SEA_LIMITS: dict[str, tuple[float, float, float, float]] = {
    "cod": (2.0, 3.0, 4.0, 5.0),
    "din": (0.20, 0.30, 0.40, 0.50),  # 无机氮
    "phosphate": (0.015, 0.030, 0.030, 0.045),  # 活性磷酸盐
}
SEA_DO_MIN = (6.0, 5.0, 4.0, 3.0)
#: pH ranges: classes 一 and 二 7.8–8.5; 三 and 四 6.8–8.8.
SEA_PH = ((7.8, 8.5), (7.8, 8.5), (6.8, 8.8), (6.8, 8.8))
SEA_CLASSES = ("一类", "二类", "三类", "四类", "劣四类")
SEA_CLASSES_EN = ("Class I", "Class II", "Class III", "Class IV", "Worse than IV")


@dataclass(frozen=True)
class Classification:
    index: int  # 0 = best class
    name_zh: str
    name_en: str
    limiting: tuple[str, ...]  # the parameters that set the class

    def name(self, lang: str = "zh") -> str:
        return Message(self.name_zh, self.name_en).text(lang)


def _present(v: object) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _class_upper(value: float, limits: tuple[float, ...]) -> int:
    for i, lim in enumerate(limits):
        if value <= lim:
            return i
    return len(limits)


def _class_lower(value: float, limits: tuple[float, ...]) -> int:
    for i, lim in enumerate(limits):
        if value >= lim:
            return i
    return len(limits)


def _combine(per_param: dict[str, int], names_zh: tuple[str, ...],
             names_en: tuple[str, ...]) -> Classification | None:
    if not per_param:
        return None
    worst = max(per_param.values())
    limiting = tuple(sorted(k for k, v in per_param.items() if v == worst))
    return Classification(worst, names_zh[worst], names_en[worst], limiting)


def classify_surface(values: Mapping[str, float | None]) -> Classification | None:
    """Class of a surface-water sample by GB 3838-2002; None if nothing classifiable."""
    per: dict[str, int] = {}
    for key, limits in SURFACE_LIMITS.items():
        v = values.get(key)
        if _present(v):
            per[key] = _class_upper(float(v), limits)  # type: ignore[arg-type]
    do = values.get("do")
    if _present(do):
        per["do"] = _class_lower(float(do), SURFACE_DO_MIN)  # type: ignore[arg-type]
    ph = values.get("ph")
    if _present(ph):
        per["ph"] = 0 if 6.0 <= float(ph) <= 9.0 else 5  # type: ignore[arg-type]
    return _combine(per, SURFACE_CLASSES, SURFACE_CLASSES_EN)


def classify_sea(values: Mapping[str, float | None]) -> Classification | None:
    """Class of a seawater sample by GB 3097-1997; None if nothing classifiable."""
    per: dict[str, int] = {}
    for key, limits in SEA_LIMITS.items():
        v = values.get(key)
        if _present(v):
            per[key] = _class_upper(float(v), limits)  # type: ignore[arg-type]
    do = values.get("do")
    if _present(do):
        per["do"] = _class_lower(float(do), SEA_DO_MIN)  # type: ignore[arg-type]
    ph = values.get("ph")
    if _present(ph):
        p = float(ph)  # type: ignore[arg-type]
        per["ph"] = next((i for i, (lo, hi) in enumerate(SEA_PH) if lo <= p <= hi), 4)
    return _combine(per, SEA_CLASSES, SEA_CLASSES_EN)


def class_limits(kind: str, parameter: str) -> tuple[tuple[str, float], ...]:
    """(class name, upper limit) pairs to draw on a chart; empty if the standard has none."""
    if kind == "sea":
        lims = SEA_LIMITS.get(parameter)
        return tuple(zip(SEA_CLASSES, lims)) if lims else ()
    lims5 = SURFACE_LIMITS.get(parameter)
    return tuple(zip(SURFACE_CLASSES, lims5)) if lims5 else ()
