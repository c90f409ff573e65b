"""The demo as loaded: both plans imported from their source documents (demo/data/), with the facts the
documents do not state, people, history and lights."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import AuditEvent, Role, User
from demo.facts import facts
from demo.services import demo_load
from regions.models import Unit
from reports.models import DocumentFrame, ReportSchedule
from supervision.models import StatusSnapshot
from targets import selectors
from targets.models import Indicator, Plan, ProgressReport, Target

from ..conftest import DEMO_TODAY as TODAY

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "corpus"
DONGTOU = "洞政办发〔2023〕14号"
XUNYI = "旬巩衔组发〔2024〕1号"


@pytest.fixture
def demo(demo_db, db):
    return demo_db


def corpus(name):
    return json.loads((CORPUS / name).read_text(encoding="utf-8"))


def test_dongtou_plan_is_the_workbooks_69_tasks_in_its_11_sections(demo):
    plan = Plan.objects.get(doc_number=DONGTOU)
    labelled = corpus("dongtou_table.json")
    assert plan.region.code == "330305000000" and plan.title == labelled["title"]
    assert (plan.start_date, plan.end_date, plan.first_period) == (
        date(2023, 7, 1),
        date(2027, 12, 31),
        date(2023, 7, 1),
    )
    assert list(plan.sections.order_by("order").values_list("title", flat=True)) == [
        title for title, _parent in labelled["sections"]
    ]
    tasks = {t.seq: t for t in plan.targets.select_related("section")}
    assert sorted(tasks) == list(range(1, 70))
    for label in labelled["tasks"]:
        target = tasks[label["seq"]]
        assert (target.name, target.content, target.section.title) == (
            label["name"],
            label["content"],
            label["section"],
        )


def test_dongtou_tasks_keep_the_lead_units_marked_with_a_star(demo):
    """Every task's lead units are the starred units of its 责任单位 cell, as labelled by hand."""
    leads = {t.seq: {u.name for u in t.lead_units.all()} for t in Target.objects.filter(plan__doc_number=DONGTOU)}
    assert leads == {t["seq"]: set(t["lead_units"]) for t in corpus("dongtou_table.json")["tasks"]}
    assert leads[29] == {"区纪委区监委", "区委政法委", "区司法局", "区社会治理中心"} and leads[63] == set()
    assert not Unit.objects.filter(name__endswith="主管").exists()  # "区综合执法局主管" is 区综合执法局


def test_xunyi_plan_is_its_texts_38_items_under_the_ten_actions(demo):
    plan = Plan.objects.get(doc_number=XUNYI)
    labelled = corpus("xunyi_plan.json")
    assert plan.issuer == "旬邑县巩固拓展脱贫攻坚成果同乡村振兴有效衔接领导小组"  # read from the document's head
    # The 2024 plan is replayed in the year of the day it is loaded.
    assert (plan.start_date, plan.end_date) == (date(TODAY.year, 3, 1), date(TODAY.year, 12, 31))
    sections = list(plan.sections.order_by("order").values_list("title", flat=True))
    assert sections == labelled["sections"]  # the ten actions, 二、工作重点 above them dropped by the facts
    assert not plan.sections.filter(parent__isnull=False).exists()
    names = dict(plan.targets.values_list("seq", "name"))
    assert names == {t["seq"]: t["name"] for t in labelled["tasks"]}


def test_xunyi_tasks_are_led_by_the_units_the_facts_assign(demo):
    """Xunyi's text names no unit: the facts file says who leads each task, and every task has a lead."""
    assigned = {seq: (set(leads), set(co)) for seq, leads, co, _every in facts()["xunyi"]["tasks"]}
    targets = Target.objects.filter(plan__doc_number=XUNYI).prefetch_related("lead_units", "co_units")
    got = {t.seq: ({u.name for u in t.lead_units.all()}, {u.name for u in t.co_units.all()}) for t in targets}
    assert got == assigned and all(leads for leads, _co in got.values())


def test_indicators_are_the_targets_the_documents_state(demo):
    xunyi = Indicator.objects.filter(target__plan__doc_number=XUNYI)
    assert xunyi.filter(target_value=2600, unit="座").exists()
    assert xunyi.filter(target_value=19000, unit="人").exists()
    fund = xunyi.get(source_phrase__contains="项目资金支出率")
    assert [(m.date, int(m.value)) for m in fund.milestones.order_by("date")] == [
        (date(TODAY.year, 4, 30), 30),
        (date(TODAY.year, 6, 30), 50),
        (date(TODAY.year, 9, 30), 75),
    ]
    dongtou = Indicator.objects.filter(target__plan__doc_number=DONGTOU)
    for indicator in dongtou.select_related("target"):
        assert indicator.source_phrase in indicator.target.content or indicator.target.seq == 4
    assert dongtou.filter(target__seq=3).count() == 4  # 建成率100%, 示范区4个, 整治村80个, 示范村16个


def test_baselines_the_documents_do_not_state_come_from_the_facts(demo):
    for key, doc_number in (("dongtou", DONGTOU), ("xunyi", XUNYI)):
        for seq, phrase, baseline in facts()[key]["baselines"]:
            indicators = Indicator.objects.filter(
                target__plan__doc_number=doc_number, target__seq=seq, source_phrase=phrase
            )  # "A、B均达98%" is two indicators
            assert indicators and {i.baseline for i in indicators} == {Decimal(baseline)}, (seq, phrase)


def test_a_yearly_target_is_one_indicator_a_year(demo):
    years = Indicator.objects.filter(target__plan__doc_number=DONGTOU, source_phrase="全区每年滚动推进重大项目90个以上")
    assert [(i.name, i.start_date, i.deadline) for i in years.order_by("start_date")] == [
        (f"{year}年滚动推进重大项目", date(year, 1, 1), date(year, 12, 31)) for year in range(2024, 2028)
    ]


def test_every_light_appears_in_the_demo(demo):
    rows = selectors.indicator_rows(Indicator.objects.all(), TODAY)
    lights = Counter(row.status.status for row in rows.values())
    assert set(lights) == {"not_started", "done", "green", "amber", "red"}
    for doc_number in (DONGTOU, XUNYI):
        plan_rows = selectors.indicator_rows(Indicator.objects.filter(target__plan__doc_number=doc_number), TODAY)
        assert {"green", "amber", "red"} <= {row.status.status for row in plan_rows.values()}, doc_number


def test_history_is_reported_by_the_lead_units_and_frozen_at_month_ends(demo):
    for doc_number in (DONGTOU, XUNYI):
        reports = ProgressReport.objects.filter(indicator__target__plan__doc_number=doc_number)
        assert reports.filter(status="approved").count() > 200 and reports.filter(status="submitted").exists()
    assert ProgressReport.objects.filter(unit__name="大门镇").exists()  # a township's share (分解下达)
    ends = set(StatusSnapshot.objects.values_list("as_of", flat=True))
    assert date(TODAY.year, 10, 31) in ends and len(ends) == 13


def test_both_plans_were_imported_by_the_importer_and_audited(demo):
    imports = AuditEvent.objects.filter(action="plan.import")
    assert imports.count() == 2 and set(imports.values_list("username", flat=True)) == {"sysadmin"}
    assert AuditEvent.objects.filter(action="demo.load").exists()


def test_each_office_has_its_schedule_and_document_frame(demo):
    xunyi = Plan.objects.get(doc_number=XUNYI).region
    assert ReportSchedule.objects.get(region=xunyi).dispatch_month_list == (5, 8, 11)
    for key in ("dongtou", "xunyi"):
        frame = DocumentFrame.objects.get(region__code=facts()[key]["county"])
        assert frame.organ_mark == facts()[key]["frame"]["organ_mark"]
    assert AuditEvent.objects.filter(action="document_frame.save").count() == 2


def test_one_demo_user_per_role(demo):
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert User.objects.get(username="damen").unit.name == "大门镇"
    reporter_units = Unit.objects.filter(
        users__role=Role.REPORTER, users__username__in=["nongye", "fagai", "xunyi_nongye"]
    )
    assert all(Target.objects.filter(lead_units=unit).exists() for unit in reporter_units)
    assert not User.objects.filter(username="admin").exists()


def test_loading_twice_changes_nothing(demo):
    counts = (Plan.objects.count(), Indicator.objects.count(), ProgressReport.objects.count())
    assert demo_load(today=TODAY) == {"created": False}
    assert (Plan.objects.count(), Indicator.objects.count(), ProgressReport.objects.count()) == counts


def test_every_demo_report_is_written_by_a_unit_that_owes_it(demo):
    owed = selectors.expected_reporters(Indicator.objects.all())
    strays = [
        (r.indicator_id, r.unit.name)
        for r in ProgressReport.objects.select_related("unit")
        if r.unit_id not in owed.get(r.indicator_id, [])
    ]
    assert not strays, strays[:5]


def test_my_work_of_a_reporter_shows_its_own_units_history(demo):
    """A co-lead's report never stands in for the unit's own: 区农业农村局's My work showed another lead's
    light beside 'no report' and dozens of missed periods when the demo wrote reports as any lead."""
    from targets.selectors.entry import work_rows

    nongye = User.objects.get(username="nongye")
    rows = [row for row in work_rows(user=nongye, today=TODAY) if row.owed]
    reported = [row for row in rows if row.last_report is not None]
    assert len(reported) > len(rows) // 2
    assert all(row.last_report.unit_id == nongye.unit_id and len(row.missed_locked) <= 2 for row in reported)


def test_every_demo_value_is_one_a_unit_could_enter(demo):
    """The walkthrough read "新建示范村 3.63 个" and "城乡同质化供水覆盖率 填报值102 %" on the demo."""
    from targets import rules

    wrong = [
        (r.indicator.name, r.indicator.unit, r.value)
        for r in ProgressReport.objects.select_related("indicator")
        if r.indicator.kind != "milestone"
        and rules.value_bound_errors(name=r.indicator.name, unit=r.indicator.unit, value=r.value)
    ]
    assert not wrong, wrong[:5]
    assert ProgressReport.objects.filter(indicator__unit="个").exists()


def test_a_co_lead_is_not_chased_for_the_report_the_first_lead_of_the_table_owes(demo):
    """Dongtou task 25 lists 区住建局、区农业农村局、区文广旅体局. 区住建局 owes the report; 区农业农村局's My work
    showed 住建局's 绿灯 78 % beside 'no report' and 40 missed periods, because the leads were stored in no order
    and another lead was taken for the first."""
    from targets.selectors.entry import work_rows

    indicator = Indicator.objects.get(
        target__plan__doc_number=DONGTOU, target__seq=25, name__contains="历史文化村落保护利用项目"
    )
    zhujian = indicator.target.lead_units.get(name="区住建局")
    assert selectors.expected_reporters([indicator.pk]) == {indicator.pk: [zhujian.pk]}
    assert set(ProgressReport.objects.filter(indicator=indicator).values_list("unit_id", flat=True)) <= {zhujian.pk}
    nongye = User.objects.get(username="nongye")
    row = next(r for r in work_rows(user=nongye, today=TODAY) if r.indicator.pk == indicator.pk)
    assert not row.owed and row.reporter_names == ["区住建局"] and not row.missed_locked


def test_the_leaders_instructions_show_one_open_one_acknowledged_and_one_closed(demo, client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Notification
    from instructions.models import Instruction

    found = {i.status: i for i in Instruction.objects.select_related("author", "indicator", "closed_by")}
    assert set(found) == {"issued", "acknowledged", "closed"}
    assert {i.author.username for i in found.values()} == {"lingdao"}
    assert {i.indicator.target.plan.doc_number for i in found.values()} == {DONGTOU}
    reaches = {status: list(i.reaches.select_related("unit", "acknowledged_by")) for status, i in found.items()}
    assert {r.unit.name for r in reaches["issued"]} == {"区农业农村局", "大门镇"}
    assert {r.status for r in reaches["issued"]} == {"issued"}
    assert {(r.status, r.acknowledged_by.unit_id == r.unit_id) for r in reaches["acknowledged"]} == {
        ("acknowledged", True)
    }
    closed = found["closed"]
    assert closed.closed_by.username == "duchashi" and closed.close_comment
    assert all(r.status == "answered" and r.response for r in reaches["closed"])
    # Dated in the story's days before the demo's today, the closed one answered before its date.
    assert timezone.localdate(closed.issued_at) == TODAY - timedelta(days=40)
    assert max(r.responded_at for r in reaches["closed"]) < timezone.localtime(closed.closed_at)
    assert all(timezone.localdate(r.responded_at) <= closed.due_date < TODAY for r in reaches["closed"])
    assert found["issued"].due_date == TODAY + timedelta(days=10)
    # Written through the services: audited, and the units were told.
    assert AuditEvent.objects.filter(action="instruction.issue").count() == 3
    assert AuditEvent.objects.filter(action="instruction.close", username="duchashi").count() == 1
    assert Notification.objects.filter(user__username="damen", kind="instruction.issued").count() == 2
    client.force_login(User.objects.get(username="duchashi"))
    ledger = client.get("/instructions/").content.decode()
    assert all(f'data-instruction="{i.pk}"' in ledger for i in found.values())
    client.force_login(User.objects.get(username="damen"))
    work = client.get("/my-work/?tab=instructions").content.decode()
    assert f'data-instruction="{found["issued"].pk}"' in work


def test_the_demo_reports_are_written_with_chinese_punctuation(demo):
    """The report page read "按计划推进,本月完成阶段性工作。" with an ASCII comma between Chinese words."""
    import re

    texts = set()
    for row in ProgressReport.objects.values_list("narrative", "problems", "next_steps").distinct():
        texts.update(row)
    assert texts - {""}
    ascii_between = re.compile(r"[\u4e00-\u9fff][,;:?!()][\u4e00-\u9fff]")
    assert not [t for t in texts if ascii_between.search(t)]


def test_every_demo_report_keeps_its_versions_as_the_services_would(demo, client):
    """Version 2 (submitted) or 3 (approved), each with the versions before it: its page's 历史记录 lists them."""
    from targets.models import ReportVersion

    reports = ProgressReport.objects.order_by("id")
    kept = Counter(ReportVersion.objects.values_list("report_id", flat=True))
    assert reports.exists() and all(kept[r.pk] == r.version for r in reports)
    latest = {(v.report_id, v.version): v for v in ReportVersion.objects.filter(report__in=reports[:200])}
    for report in reports[:200]:
        last = latest[(report.pk, report.version)]
        assert last.data["status"] == report.status and last.at >= latest[(report.pk, 1)].at
        assert last.action == {"approved": "approve", "submitted": "submit"}[report.status]
    report = reports.filter(status="approved").first()
    client.force_login(User.objects.get(username="duchashi"))
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "暂无版本记录" not in html and 'data-version="3" data-action="approve"' in html
    first = html[html.index('data-version="1" data-action="create"') :]
    first = first[: first.index("</li>")]
    assert "版本 1</strong> · 已创建" in first and "创建时间" not in first  # the action, not a column's name
