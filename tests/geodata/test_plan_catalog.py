"""The plan catalog (geodata/build/sources/*.json) against the two plan texts it was extracted from.

The structural checks always run; the verbatim checks need the seed texts, which live in the
sibling ``shared/seeds`` folder of the repository (present in CI).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "geodata" / "build" / "sources"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

PLANS = ("quanzhou_2022", "shishi_14fyp")
PLAN_TITLES = {
    "quanzhou_2022": "泉州市深入打好污染防治攻坚战实施方案",
    "shishi_14fyp": "石狮市“十四五”生态环境保护专项规划",
}
COUNTIES = {"350502", "350503", "350504", "350505", "350521", "350524", "350525", "350526",
            "350527", "350581", "350582", "350583"}
ZONE_VOCAB = {
    "city": {"350500"},
    "county": COUNTIES,
    "bay": {"泉州湾", "深沪湾", "安海湾", "围头湾", "大港湾", "湄洲湾"},
    "protected_area": {"深沪湾海底古森林遗迹国家级自然保护区", "泉州湾河口湿地省级自然保护区",
                       "崇武国家海洋公园", "永春桃溪国家湿地公园",
                       "湖洋溪黑脊倒刺鲃国家级水产种质资源保护区", "灵秀山省级森林公园"},
    "unit_class": {"1", "2", "3"},
    "unit_theme": {"石化", "电镀", "印染", "皮革", "制鞋", "建陶", "钢铁", "港口", "养殖", "水源",
                   "城镇", "农业"},
    "outfall": {"sea", "river"},
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _load(name: str) -> list[dict]:
    data = json.loads((SOURCES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, name
    return data


@pytest.fixture(scope="module")
def tasks() -> list[dict]:
    return _load("tasks")


@pytest.fixture(scope="module")
def indicators() -> list[dict]:
    return _load("indicators")


@pytest.fixture(scope="module")
def projects() -> list[dict]:
    return _load("projects")


@pytest.fixture(scope="module")
def links() -> list[dict]:
    return _load("zone_links")


@pytest.fixture(scope="module")
def plan_text() -> dict[str, str]:
    """Whitespace-free text of each plan, found by its title among the seed files."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS}")
    out: dict[str, str] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for plan, title in PLAN_TITLES.items():
            if plan not in out and title in text[:3000]:
                out[plan] = _norm(text)
    missing = set(PLANS) - set(out)
    if missing:
        pytest.skip(f"seed texts for {sorted(missing)} not found in {SEEDS}")
    return out


def _verbatim(plan_text: dict[str, str], plan: str, fragment: str) -> bool:
    return bool(_norm(fragment)) and _norm(fragment) in plan_text[plan]


# ---------------------------------------------------------------- tasks

def test_quanzhou_has_36_numbered_tasks(tasks):
    qz = [t for t in tasks if t["plan"] == "quanzhou_2022"]
    assert sorted(t["number"] for t in qz) == list(range(1, 37))
    for t in qz:
        assert t["task_id"] == f"QZ-{t['number']:02d}"
        for key in ("title_zh", "title_en", "text_zh", "section", "group_zh", "agencies_zh"):
            assert isinstance(t[key], str) and t[key].strip(), (t["task_id"], key)
        assert t["section"].startswith("二、") and t["section"].endswith(f"{t['number']}.")
        assert "责任单位" not in t["text_zh"], t["task_id"]


def test_task_ids_unique_and_fields_typed(tasks):
    ids = [t["task_id"] for t in tasks]
    assert len(ids) == len(set(ids))
    for t in tasks:
        assert t["plan"] in PLANS
        assert t["title_zh"].strip() and t["text_zh"].strip() and t["section"].strip()
        assert isinstance(t["deadlines"], list) and isinstance(t["targets_zh"], list)
        for target in t["targets_zh"]:
            assert _norm(target) in _norm(t["text_zh"]), (t["task_id"], target)
        for phrase in t["deadlines"]:
            assert _norm(phrase) in _norm(t["text_zh"]), (t["task_id"], phrase)
        if t["plan"] == "shishi_14fyp":
            assert t["number"] is None
            assert t["task_id"] == f"SS-{t['section']}"


def test_shishi_measures_cover_chapters_3_to_11(tasks):
    ss = [t for t in tasks if t["plan"] == "shishi_14fyp"]
    chapters = {int(t["section"].split(".")[0]) for t in ss}
    assert chapters == set(range(3, 12))
    assert len(ss) >= 100


def test_task_16_anhai_bay(tasks):
    t16 = next(t for t in tasks if t["task_id"] == "QZ-16")
    assert "安海湾" in t16["text_zh"]
    assert any("消除劣四类" in x for x in t16["targets_zh"])
    assert "到2025年" in t16["deadlines"]
    assert t16["group_zh"] == "深入打好碧海保卫战"
    assert t16["title_zh"] == "着力打好重点海域综合治理攻坚战"


def test_tasks_verbatim(tasks, plan_text):
    for t in tasks:
        assert _verbatim(plan_text, t["plan"], t["title_zh"]), t["task_id"]
        assert _verbatim(plan_text, t["plan"], t["text_zh"]), t["task_id"]
        if t["agencies_zh"]:
            assert _verbatim(plan_text, t["plan"], t["agencies_zh"]), t["task_id"]


# ---------------------------------------------------------------- indicators

def test_indicator_fields(indicators):
    ids = [i["indicator_id"] for i in indicators]
    assert len(ids) == len(set(ids))
    for i in indicators:
        iid = i["indicator_id"]
        assert i["plan"] in PLANS
        assert iid.startswith("QZ-" if i["plan"] == "quanzhou_2022" else "SS-")
        assert i["section"].strip() and i["source_text_zh"].strip(), iid
        assert i["name_zh"].strip() and i["name_en"].strip() and i["target_text_zh"].strip(), iid
        assert i["scope_type"] in {"city", "county", "bay", "river", "sea", "park"}, iid
        assert i["comparison"] in {">=", "<=", ">", "<", "=", "qualitative"}, iid
        assert i["binding"] in {"约束性", "预期性", "引领性", ""}, iid
        assert (i["target_value"] is None) == (i["comparison"] == "qualitative"), iid
        for key in ("baseline_value", "target_value"):
            assert i[key] is None or isinstance(i[key], (int, float)), iid
        for key in ("baseline_year", "target_year"):
            assert i[key] is None or isinstance(i[key], int), iid


def test_shishi_table_rows(indicators):
    t1 = [i for i in indicators if i["indicator_id"].startswith("SS-T1-")]
    t2 = [i for i in indicators if i["indicator_id"].startswith("SS-T2-")]
    assert len(t2) == 24 and [i["indicator_id"] for i in t2] == [f"SS-T2-{n:02d}" for n in range(1, 25)]
    # 18 numbered rows; rows 13 and 14 each have two pollutants
    assert len(t1) == 20
    for i in t1 + t2:
        assert i["binding"] in {"约束性", "预期性", "引领性"}, i["indicator_id"]
    assert next(i for i in t2 if i["indicator_id"] == "SS-T2-17")["target_value"] == 95


def test_quanzhou_goals(indicators):
    goals = {i["name_zh"]: i for i in indicators
             if i["plan"] == "quanzhou_2022" and i["section"] == "一、总体要求"}
    assert goals["近岸海域水质优良(一、二类)面积比例"]["target_value"] == 93.3
    assert goals["受污染耕地安全利用率"]["target_value"] == 93
    anhai = [i for i in indicators if i["scope_zh"] == "安海湾"]
    assert any("消除劣四类" in i["target_text_zh"] for i in anhai)
    capacity = next(i for i in indicators if i["name_zh"] == "新增生活污水处理能力")
    assert (capacity["unit"], capacity["target_value"]) == ("万吨/日", 24)


def test_indicators_verbatim(indicators, plan_text):
    for i in indicators:
        assert _verbatim(plan_text, i["plan"], i["source_text_zh"]), i["indicator_id"]


# ---------------------------------------------------------------- projects

def test_projects(projects):
    assert len(projects) == 28
    assert [p["project_id"] for p in projects] == [f"SS-P{n:02d}" for n in range(1, 29)]
    for p in projects:
        for key in ("category_zh", "name_zh", "name_en", "content_zh", "location_zh", "period",
                    "agency_zh", "section"):
            assert isinstance(p[key], str) and p[key].strip(), (p["project_id"], key)
        assert p["investment_wan"] is None or isinstance(p["investment_wan"], (int, float))
    assert sum(1 for p in projects if p["category_zh"] == "水生态环境治理和水资源综合利用项目") == 8


def test_projects_verbatim(projects, plan_text):
    for p in projects:
        for key in ("name_zh", "content_zh", "period", "agency_zh"):
            assert _verbatim(plan_text, "shishi_14fyp", p[key]), (p["project_id"], key)


# ---------------------------------------------------------------- zone links

def _targets(tasks, indicators, projects) -> dict[tuple[str, str], dict]:
    out = {("task", t["task_id"]): t for t in tasks}
    out.update({("indicator", i["indicator_id"]): i for i in indicators})
    out.update({("project", p["project_id"]): p for p in projects})
    return out


def _own_text(target_type: str, record: dict) -> str:
    if target_type == "task":
        return record["title_zh"] + record["text_zh"]
    if target_type == "indicator":
        return record["source_text_zh"]
    return record["name_zh"] + record["content_zh"]


def test_zone_links_vocabulary_and_targets(links, tasks, indicators, projects):
    targets = _targets(tasks, indicators, projects)
    seen = set()
    for link in links:
        key = (link["zone_type"], link["zone_key"], link["target_type"], link["target_id"])
        assert key not in seen, key
        seen.add(key)
        assert link["zone_type"] in ZONE_VOCAB, key
        assert link["zone_key"] in ZONE_VOCAB[link["zone_type"]], key
        assert (link["target_type"], link["target_id"]) in targets, key
        record = targets[(link["target_type"], link["target_id"])]
        assert link["sentence_zh"].strip(), key
        # the justifying sentence comes from the linked item itself
        assert _norm(link["sentence_zh"]) in _norm(_own_text(link["target_type"], record)), key
    assert len(links) >= 200


def test_zone_links_coverage(links, tasks, indicators, projects):
    pairs = {(l["zone_type"], l["zone_key"], l["target_id"]) for l in links}
    for t in tasks:
        if t["plan"] == "quanzhou_2022":
            assert ("city", "350500", t["task_id"]) in pairs
        else:
            assert ("county", "350581", t["task_id"]) in pairs
    for i in indicators:
        if i["plan"] == "shishi_14fyp":
            assert ("county", "350581", i["indicator_id"]) in pairs
    for p in projects:
        assert ("county", "350581", p["project_id"]) in pairs
    assert ("bay", "安海湾", "QZ-16") in pairs
    assert ("protected_area", "深沪湾海底古森林遗迹国家级自然保护区", "SS-4.5.1") in pairs


def test_zone_links_verbatim(links, plan_text):
    for link in links:
        plan = "quanzhou_2022" if link["target_id"].startswith("QZ-") else "shishi_14fyp"
        assert _verbatim(plan_text, plan, link["sentence_zh"]), (link["target_id"], link["sentence_zh"])
