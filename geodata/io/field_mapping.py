"""Map a file's columns onto the workspace schema (control_units, outfalls).

Recognises the schema's own names, the national field names (HJZHGKDYBM, ZHGKDYFL …),
the Chinese labels (单元编码, 排污口名称 …) and common variants, including names cut to
10 bytes by the DBF format (``管控单元分`` for 管控单元分类 in GBK).  The import dialog
shows :func:`suggest_mapping` with its confidence and a :func:`preview`; the chosen mapping
is saved as JSON and reused for the next file from the same bureau.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geodata import schema

LAYER_FIELDS = {"control_units": schema.CONTROL_UNIT_FIELDS, "outfalls": schema.OUTFALL_FIELDS}

#: Common spellings met in bureau files, beyond the schema's names and labels.
EXTRA_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "control_units": {
        "code": ("单元代码", "管控单元编码", "环境管控单元编码", "dybm", "unit_code", "bm", "编码"),
        "name_zh": ("单元名称", "管控单元名称", "环境管控单元名称", "dymc", "name", "名称", "mc"),
        "unit_class": ("单元分类", "单元类别", "管控类别", "类别", "分类", "class", "lb"),
        "county_code": ("行政区划代码", "区县代码", "县区代码", "xzqhdm", "adcode"),
        "domain": ("陆域海域", "区域类型"),
        "kjbjys": ("空间布局",), "pwwpfgk": ("污染物排放",), "hjfxfk": ("环境风险",),
        "zykfxlyq": ("资源开发效率", "资源利用效率要求"),
    },
    "outfalls": {
        "code": ("排口编码", "排污口编号", "排口编号", "编码", "编号", "outfall_code", "bm"),
        "name_zh": ("排口名称", "名称", "name", "mc"),
        "outfall_type": ("排口类型", "类型", "排污口类别", "type"),
        "subtype": ("排口子类", "子类", "排污口小类"),
        "water_kind": ("入海入河", "排口类别", "海/河"),
        "receiving_water": ("受纳水体名称", "纳污水体", "受纳海域", "受纳河流"),
        "discharge_mode": ("排放方式", "排入方式", "入河方式", "入海方式"),
        "responsible_party": ("责任单位", "责任主体单位", "排污单位", "所属单位"),
        "county_code": ("行政区划代码", "区县代码", "xzqhdm", "adcode"),
        "remediation": ("整治方式", "整治类型", "整治措施"),
        "remediation_status": ("整治进度", "整治情况"),
        "review_status": ("核查情况", "核查结果"),
        "coord_source": ("坐标来源", "定位方式"),
    },
}


def _norm(name: object) -> str:
    s = str(name).strip().lower()
    s = re.sub(r"[(（].*?[)）]", "", s)
    return re.sub(r"[\s_\-/、·.:：]", "", s)


def _gbk_cut(name: str) -> str:
    """The name as a DBF would cut it to 10 bytes of GBK."""
    b = name.encode("gb18030")[:10]
    return b.decode("gb18030", errors="ignore")


@dataclass(frozen=True)
class Match:
    source: str
    confidence: float
    why: str


def aliases(layer: str) -> dict[str, list[tuple[str, float]]]:
    """target field → [(normalised alias, confidence)]."""
    out: dict[str, list[tuple[str, float]]] = {}
    for f in LAYER_FIELDS.get(layer, ()):
        names = [(f.name, 1.0), (f.label_zh, 1.0), (f.label_en, 0.9)]
        if f.national:
            names.append((f.national, 1.0))
        names += [(a, 0.85) for a in EXTRA_ALIASES.get(layer, {}).get(f.name, ())]
        out[f.name] = [(_norm(n), c) for n, c in names]
    return out


def suggest_mapping(columns: Iterable[str], layer: str) -> dict[str, Match]:
    """Suggest target field → source column with a confidence 0..1.

    Each source column is used at most once, best-scoring targets first.
    """
    cols = [str(c) for c in columns if str(c) != "geometry"]
    scored: list[tuple[float, str, str, str]] = []
    for target, names in aliases(layer).items():
        for col in cols:
            n = _norm(col)
            best, why = 0.0, ""
            for alias, conf in names:
                if n == alias:
                    score, reason = conf, "exact"
                elif len(n) >= 4 and n == _norm(_gbk_cut(alias)) and n != alias:
                    score, reason = conf * 0.9, "cut to 10 bytes"
                elif len(n) >= 2 and len(alias) >= 2 and (alias in n or n in alias) and \
                        not n.isascii():
                    score, reason = conf * 0.6, "partial"
                else:
                    continue
                if score > best:
                    best, why = score, reason
            if best:
                scored.append((best, target, col, why))
    scored.sort(key=lambda t: -t[0])
    mapping: dict[str, Match] = {}
    used: set[str] = set()
    for score, target, col, why in scored:
        if target in mapping or col in used:
            continue
        mapping[target] = Match(col, round(score, 2), why)
        used.add(col)
    return mapping


def as_plain(mapping: Mapping[str, Match | str]) -> dict[str, str]:
    return {t: (m.source if isinstance(m, Match) else str(m)) for t, m in mapping.items()}


def save_mapping(path: Path, mapping: Mapping[str, Match | str], layer: str) -> None:
    doc = {"layer": layer, "version": 1, "fields": as_plain(mapping)}
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def load_mapping(path: Path) -> tuple[str | None, dict[str, str]]:
    """(layer, target → source) from a saved mapping file; raises ValueError if unreadable."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        fields = doc["fields"] if "fields" in doc else doc
        return doc.get("layer"), {str(k): str(v) for k, v in fields.items()}
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise ValueError(f"cannot read mapping file {path}: {exc}") from None


def preview(rows: Iterable[Mapping[str, Any]], mapping: Mapping[str, Match | str],
            layer: str, limit: int = 20) -> list[dict[str, Any]]:
    """The first ``limit`` rows as they would be imported (target field → value)."""
    plain = as_plain(mapping)
    targets = [f.name for f in LAYER_FIELDS.get(layer, ())] or list(plain)
    out = []
    for i, row in enumerate(rows):
        if i >= limit:
            break
        out.append({t: row.get(plain[t]) if t in plain else None for t in targets})
    return out


def unit_class_value(value: Any) -> Any:
    """1/2/3 from '优先保护单元', '重点管控', '2', 2.0 …; unchanged when not recognised."""
    if value is None:
        return None
    s = str(value).strip()
    for k, (zh, en) in schema.UNIT_CLASSES.items():
        if s in (str(k), f"{k}.0", zh, zh[:4], en) or s.startswith(zh[:2]):
            return k
    return value
