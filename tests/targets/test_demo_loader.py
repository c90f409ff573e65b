from collections import Counter
import pytest

from accounts.models import Role, User
from targets import selectors
from targets.demo_loader import demo_load
from targets.models import Indicator, Plan, ProgressReport, Target

from ..conftest import DEMO_TODAY as TODAY


@pytest.fixture
def demo(demo_db, db):
    return demo_db


def test_dongtou_plan_has_all_69_tasks_of_its_responsibility_table(demo):
    plan = Plan.objects.get(doc_number="洞政办发〔2023〕14号")
    assert plan.region.code == "330305000000"
    assert list(plan.targets.order_by("seq").values_list("seq", flat=True)) == list(range(1, 70))


@pytest.mark.parametrize(
    "seq, leads",
    [
        (1, {"区发改局"}),
        (4, {"区委组织部", "区农业农村局"}),
        (29, {"区纪委区监委", "区委政法委", "区司法局", "区社会治理中心"}),
        (39, {"区住建局", "区农业农村局", "自然资源和规划分局"}),
        (51, {"国网洞头供电公司"}),
        (63, set()),
    ],
)
def test_dongtou_tasks_keep_the_lead_units_marked_with_a_star(demo, seq, leads):
    target = Target.objects.get(plan__doc_number="洞政办发〔2023〕14号", seq=seq)
    assert {u.name for u in target.lead_units.all()} == leads


def test_merged_task_names_are_carried_to_every_row_they_span(demo):
    names = dict(Target.objects.filter(plan__doc_number="洞政办发〔2023〕14号", seq__in=[63, 64, 65, 67, 68, 69])
                 .values_list("seq", "name"))
    assert names[64] == names[65] == names[63] == "政策保证机制"
    assert names[68] == names[69] == names[67] == "督导服务机制"


def test_xunyi_numeric_targets_come_from_the_seed(demo):
    xunyi = Indicator.objects.filter(target__plan__region__code="610429000000")
    assert xunyi.filter(target_value=2600, unit="座").exists()
    assert xunyi.filter(target_value=19000, unit="人").exists()
    fund = xunyi.get(name__contains="资金", milestones__value=30)
    assert [int(m.value) for m in fund.milestones.order_by("date")] == [30, 50, 75]


def test_every_light_appears_in_the_demo(demo):
    rows = selectors.indicator_rows(Indicator.objects.all(), TODAY)
    lights = Counter(row.status.status for row in rows.values())
    assert set(lights) == {"not_started", "done", "green", "amber", "red"}


def test_one_demo_user_per_role(demo):
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert User.objects.get(username="damen").unit.name == "大门镇"
    assert not User.objects.filter(username="admin").exists()


def test_loading_twice_changes_nothing(demo):
    counts = (Plan.objects.count(), Indicator.objects.count(), ProgressReport.objects.count())
    assert demo_load(today=TODAY) == {"created": False}
    assert (Plan.objects.count(), Indicator.objects.count(), ProgressReport.objects.count()) == counts


def test_every_demo_report_is_written_by_a_unit_that_owes_it(demo):
    owed = selectors.expected_reporters(Indicator.objects.all())
    strays = [(r.indicator_id, r.unit.name) for r in ProgressReport.objects.select_related("unit")
              if r.unit_id not in owed.get(r.indicator_id, [])]
    assert not strays, strays[:5]


def test_my_work_of_a_first_lead_shows_its_own_history_not_a_co_leads(demo):
    """Dongtou task 25 has three leads; 区农业农村局 is listed first and owes the report. Its My work
    row showed another lead's light (绿灯 78 %) beside 'no report' and 40 missed periods."""
    from targets.entry_selectors import work_rows

    indicator = Indicator.objects.get(target__plan__doc_number="洞政办发〔2023〕14号", target__seq=25,
                                      name="启动历史文化村落保护利用项目")
    nongye = User.objects.get(username="nongye")
    row = next(r for r in work_rows(user=nongye, today=TODAY) if r.indicator.pk == indicator.pk)
    assert row.owed
    assert row.last_report is not None and row.last_report.unit_id == nongye.unit_id
    assert len(row.missed_locked) <= 2


def test_every_demo_value_is_one_a_unit_could_enter(demo):
    """The walkthrough read "新建示范村 3.63 个" and "城乡同质化供水覆盖率 填报值102 %" on the demo."""
    from targets import rules

    wrong = [(r.indicator.name, r.indicator.unit, r.value)
             for r in ProgressReport.objects.select_related("indicator")
             if r.indicator.kind != "milestone"
             and rules.value_bound_errors(name=r.indicator.name, unit=r.indicator.unit, value=r.value)]
    assert not wrong, wrong[:5]
    assert ProgressReport.objects.filter(indicator__unit="个").exists()
