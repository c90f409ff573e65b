"""Plain data checks of the demo plans in targets.demo (no database, no Django settings).

Run: .venv/bin/python -m pytest -p no:django tests/targets/test_demo_data.py
"""
import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from targets.demo import dongtou, xunyi

KINDS = {"increase", "decrease", "ceiling", "floor", "milestone"}
PROGRESS_KINDS = {"increase", "decrease", "milestone"}
FREQUENCIES = {"monthly", "quarterly"}
PLANS = [dongtou, xunyi]
PLAN_IDS = ["dongtou", "xunyi"]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# The seed plans sit in shared/ beside the repository (as on the developers' machines and in CI).
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

def d(s):
    return datetime.date.fromisoformat(s)


def all_indicators(mod):
    for task in mod.TASKS:
        for ind in task["indicators"]:
            yield task, ind


def task(mod, seq):
    (found,) = [t for t in mod.TASKS if t["seq"] == seq]
    return found


def indicator(mod, seq, name):
    (found,) = [i for i in task(mod, seq)["indicators"] if i["name"] == name]
    return found


# ---------------------------------------------------------------- imports

def test_data_modules_do_not_import_django():
    code = "import sys, targets.demo; assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True)


# ---------------------------------------------------------------- plan, regions, units, sections

@pytest.mark.parametrize("mod", PLANS, ids=PLAN_IDS)
def test_plan_header(mod):
    plan = mod.PLAN
    for key in ("title", "doc_number", "issuer", "region_code", "region_name", "start", "end", "published"):
        assert plan[key], key
    assert len(plan["region_code"]) == 12 and plan["region_code"].isdigit()
    assert plan["region_code"].endswith("000000")
    assert d(plan["start"]) < d(plan["end"])
    assert "〔" in plan["doc_number"] and "〕" in plan["doc_number"]


def test_plan_headers_match_the_seeds():
    assert dongtou.PLAN["doc_number"] == "洞政办发〔2023〕14号"
    assert dongtou.PLAN["region_code"] == "330305000000"
    assert (dongtou.PLAN["start"], dongtou.PLAN["end"]) == ("2023-07-01", "2027-12-31")
    assert dongtou.PLAN["published"] == "2023-06-29"
    assert xunyi.PLAN["doc_number"] == "旬巩衔组发〔2024〕1号"
    assert xunyi.PLAN["region_code"] == "610429000000"
    assert xunyi.PLAN["end"] == "2024-12-31"
    assert xunyi.DISPATCH_MONTHS == (5, 8, 11)


@pytest.mark.parametrize("mod", PLANS, ids=PLAN_IDS)
def test_townships_and_villages(mod):
    county = mod.PLAN["region_code"]
    codes = [c for c, _, _ in mod.TOWNSHIPS]
    assert len(codes) == len(set(codes))
    for code, name, level in mod.TOWNSHIPS:
        assert len(code) == 12 and code.isdigit()
        assert code[:6] == county[:6] and code.endswith("000") and code != county
        assert level in {"街道", "镇", "乡"} and name.endswith(level)
    assert set(mod.VILLAGES) == set(codes)
    seen = set()
    for town, villages in mod.VILLAGES.items():
        assert 3 <= len(villages) <= 6, town
        for code, name, level in villages:
            assert len(code) == 12 and code.isdigit() and code[:9] == town[:9] and code != town
            assert level in {"行政村", "社区"} and name
            assert code not in seen
            seen.add(code)


def test_dongtou_townships():
    assert [n for _, n, _ in dongtou.TOWNSHIPS] == ["北岙街道", "东屏街道", "元觉街道", "霓屿街道", "大门镇", "鹿西乡"]


def test_xunyi_townships():
    names = {n for _, n, _ in xunyi.TOWNSHIPS}
    assert {"城关街道", "底庙镇", "张洪镇"} <= names and len(names) == 10


@pytest.mark.parametrize("mod", PLANS, ids=PLAN_IDS)
def test_departments(mod):
    assert len(mod.DEPARTMENTS) == len(set(mod.DEPARTMENTS))
    for unit in mod.DEPARTMENTS:
        assert unit and not any(ch in unit for ch in "*、,,()")
        assert not unit.startswith("各")


def test_dongtou_departments_normalised():
    depts = set(dongtou.DEPARTMENTS)
    assert {"区发改局", "区农业农村局", "生态环境分局", "区委组织部", "人行洞头支行", "国网洞头供电公司",
            "自然资源和规划分局", "区综合执法局", "区纪委区监委"} <= depts
    assert not any("主管" in u for u in depts)
    assert "区发改局区住建局" not in depts
    assert not any(u.endswith("局") and "局区" in u for u in depts)
    assert len(depts) == 34


@pytest.mark.parametrize("mod", PLANS, ids=PLAN_IDS)
def test_sections(mod):
    titles = [t for t, _ in mod.SECTIONS]
    assert len(titles) == len(set(titles))
    for i, (title, parent) in enumerate(mod.SECTIONS):
        assert parent is None or parent in titles[:i]
    parents = {p for _, p in mod.SECTIONS if p}
    for t in mod.TASKS:
        assert t["section"] in titles, t["seq"]
        assert t["section"] not in parents, "section must be the innermost one (seq %d)" % t["seq"]


def test_dongtou_sections():
    s = dict(dongtou.SECTIONS)
    assert s["一、发展目标"] is None
    assert s["(一)实施乡村产业发展提升行动"] == "二、持续深化“千村示范、万村整治”工程"
    assert s["(三)健全城乡公共资源合理配置机制"] == "三、健全城乡融合发展体制机制"
    assert task(dongtou, 12)["section"] == "(一)实施乡村产业发展提升行动"
    assert task(dongtou, 37)["section"] == "(一)健全城乡规划建设管理体制机制"
    assert task(dongtou, 61)["section"] == "四、保障措施"


def test_xunyi_sections_are_the_ten_actions():
    assert len(xunyi.SECTIONS) == 10
    assert all(title.endswith("提升行动") and parent is None for title, parent in xunyi.SECTIONS)


# ---------------------------------------------------------------- tasks

def test_dongtou_has_69_tasks_in_order():
    assert [t["seq"] for t in dongtou.TASKS] == list(range(1, 70))


def test_xunyi_tasks_in_order():
    assert [t["seq"] for t in xunyi.TASKS] == list(range(1, len(xunyi.TASKS) + 1))
    assert len(xunyi.TASKS) == 38


@pytest.mark.parametrize("mod", PLANS, ids=PLAN_IDS)
def test_task_units(mod):
    depts = set(mod.DEPARTMENTS)
    for t in mod.TASKS:
        assert t["name"] and t["content"], t["seq"]
        if not (mod is dongtou and t["seq"] == 63):
            assert t["lead_units"], t["seq"]
        for unit in t["lead_units"] + t["co_units"]:
            assert unit in depts, (t["seq"], unit)
        assert not set(t["lead_units"]) & set(t["co_units"]), t["seq"]
        assert len(set(t["lead_units"])) == len(t["lead_units"])
        assert len(set(t["co_units"])) == len(t["co_units"])
        assert isinstance(t["all_townships"], bool)
        assert t["indicators"], t["seq"]


def test_dongtou_units_follow_the_stars():
    for t in dongtou.TASKS:
        raw = t["units_raw"]
        assert "各街道乡镇" in raw and t["all_townships"] is True
        assert raw.count("*") - raw.count("标*") == len(t["lead_units"]), t["seq"]
    assert task(dongtou, 1)["lead_units"] == ["区发改局"]
    assert task(dongtou, 1)["co_units"] == ["区农业农村局", "区经信局", "生态环境分局", "区住建局"]
    assert task(dongtou, 19)["co_units"] == ["区发改局", "区住建局", "自然资源和规划分局"]
    assert task(dongtou, 39)["lead_units"] == ["区住建局", "区农业农村局", "自然资源和规划分局"]
    assert task(dongtou, 29)["lead_units"][0] == "区纪委区监委"
    assert "区综合执法局" in task(dongtou, 52)["co_units"]
    t63 = task(dongtou, 63)
    assert t63["lead_units"] == [] and t63["co_units"] == [] and t63["note"]


def test_dongtou_merged_task_names():
    assert task(dongtou, 63)["name"] == task(dongtou, 64)["name"] == task(dongtou, 65)["name"] == "政策保证机制"
    assert task(dongtou, 67)["name"] == task(dongtou, 68)["name"] == task(dongtou, 69)["name"] == "督导服务机制"


def test_dongtou_content_is_verbatim_from_the_seed():
    seed = SEEDS / "003_4da334de18481e7b.txt"
    if not seed.exists():
        pytest.skip("seed not available")
    text = seed.read_text(encoding="utf-8")
    for t in dongtou.TASKS:
        assert t["content"] in text, t["seq"]
        assert t["units_raw"] in text, t["seq"]


def test_xunyi_content_is_verbatim_from_the_seed():
    seed = SEEDS / "001_7ee8fce85c601369.txt"
    if not seed.exists():
        pytest.skip("seed not available")
    text = seed.read_text(encoding="utf-8")
    for t in xunyi.TASKS:
        assert "%d. %s。%s" % (t["item"], t["name"], t["content"]) in text, t["seq"]


# ---------------------------------------------------------------- indicators

@pytest.mark.parametrize("mod", PLANS, ids=PLAN_IDS)
def test_indicators_are_well_formed(mod):
    plan_start, plan_end = d(mod.PLAN["start"]), d(mod.PLAN["end"])
    for t, ind in all_indicators(mod):
        where = (t["seq"], ind["name"])
        assert ind["name"] and ind["unit"], where
        assert ind["kind"] in KINDS, where
        assert ind["frequency"] in FREQUENCIES, where
        assert ind.get("baseline_note", "assumed") == "assumed", where
        baseline, target = Decimal(ind["baseline"]), Decimal(ind["target"])
        start, deadline = d(ind["start"]), d(ind["deadline"])
        assert plan_start <= start < deadline <= plan_end, where
        if ind["kind"] in PROGRESS_KINDS:
            assert baseline != target, where
        if ind["kind"] == "decrease":
            assert baseline > target, where
        if ind["kind"] == "increase":
            assert baseline < target, where
        if ind["kind"] == "milestone":
            assert (baseline, target, ind["unit"]) == (0, 100, "%"), where
        previous_date, previous_value = start, baseline
        for date, value in ind["milestones"]:
            assert start < d(date) < deadline, where
            assert d(date) > previous_date, where
            value = Decimal(value)
            if ind["kind"] in ("increase", "milestone"):
                assert previous_value <= value <= target, where
            elif ind["kind"] == "decrease":
                assert previous_value >= value >= target, where
            previous_date, previous_value = d(date), value


@pytest.mark.parametrize("mod", PLANS, ids=PLAN_IDS)
def test_every_phrase_is_a_substring_of_its_content(mod):
    for t, ind in all_indicators(mod):
        assert ind["phrase"] and ind["phrase"] in t["content"], (t["seq"], ind["phrase"])


def test_dongtou_spot_checks():
    i = indicator(dongtou, 1, "每年滚动推进重大项目")
    assert (i["kind"], i["unit"], i["baseline"], i["target"]) == ("increase", "个", "0", "90")
    i = indicator(dongtou, 1, "重大项目年度完成投资额")
    assert (i["unit"], i["target"]) == ("万元", "600000")
    i = indicator(dongtou, 4, "村级集体经济总收入")
    assert (i["unit"], i["target"]) == ("万元", "24000")

    i = indicator(dongtou, 5, "城乡居民收入倍差")
    assert i["kind"] == "decrease" and Decimal(i["target"]) == Decimal("1.54")
    assert Decimal(i["baseline"]) > Decimal("1.54") and i["baseline_note"] == "assumed"

    i = indicator(dongtou, 12, "粮播面积")
    assert (i["kind"], i["unit"], Decimal(i["target"])) == ("floor", "亩", 11800)
    assert i["phrase"] == "粮播面积稳定在1.18万亩"

    i = indicator(dongtou, 23, "累计创成全国、省文明村镇")
    assert i["kind"] == "increase" and i["target"] == "10"
    assert i["milestones"] == [("2023-12-31", "3")]

    i = indicator(dongtou, 33, "城镇调查失业率")
    assert (i["kind"], i["unit"], Decimal(i["target"])) == ("ceiling", "%", 5)

    i = indicator(dongtou, 64, "土地出让收入用于农业农村的资金占比")
    assert (i["deadline"], i["target"]) == ("2025-12-31", "10")

    assert sum(len(t["indicators"]) for t in dongtou.TASKS) == 97


def test_xunyi_spot_checks():
    by_phrase = {ind["phrase"]: ind for _, ind in all_indicators(xunyi)}

    toilets = by_phrase["全年改建卫生厕所2600座"]
    assert (toilets["kind"], toilets["unit"], toilets["baseline"], toilets["target"]) == ("increase", "座", "0", "2600")

    workers = by_phrase["全年脱贫劳动力务工规模不少于1.9万人"]
    assert (workers["kind"], workers["unit"], workers["target"]) == ("increase", "人", "19000")

    training = by_phrase["全年组织开展脱贫劳动力技能培训不少于1400人"]
    assert (training["unit"], training["target"]) == ("人", "1400")

    (houses,) = [i for _, i in all_indicators(xunyi) if i["name"] == "2024年危房改造竣工"]
    assert (houses["unit"], houses["target"], houses["deadline"]) == ("户", "60", "2024-10-31")

    (funds,) = [i for _, i in all_indicators(xunyi) if i["name"] == "衔接资金项目资金支出率"]
    assert (funds["kind"], funds["unit"], funds["target"], funds["deadline"]) == ("increase", "%", "100", "2024-12-31")
    assert funds["milestones"] == [("2024-04-30", "30"), ("2024-06-30", "50"), ("2024-09-30", "75")]

    collective = by_phrase["村级集体经济年收入10万元村达到40%以上"]
    assert (collective["kind"], collective["unit"], collective["target"]) == ("increase", "%", "40")

    overdue = by_phrase["力争贷款逾期率始终控制在0.5%以内"]
    assert (overdue["kind"], overdue["target"]) == ("ceiling", "0.5")

    farmland = by_phrase["新增高标准农田4.2万亩"]
    assert (farmland["unit"], farmland["target"]) == ("亩", "42000")

    assert sum(len(t["indicators"]) for t in xunyi.TASKS) == 69
