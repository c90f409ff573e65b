"""A leader's 批示: issued by a leader only, reaching the object's responsible units, acknowledged and answered by
them, closed by the office or the issuing leader; each step audited and notified."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.audit_labels import ACTIONS
from accounts.models import AuditEvent, ChannelDelivery, Notification, Role, UnitChannel
from instructions import services
from instructions.models import Instruction, InstructionStatus, ReachStatus
from reports.models import GeneratedReport, ReportKind, ReportState
from supervision.models import SupervisionItem

from ..factories import IndicatorFactory, PlanFactory, ProgressReportFactory, TargetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel("2025-06-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def leader(county):
    return UserFactory(username="lingdao", role=Role.LEADER, region=county)


@pytest.fixture
def report(indicator, dept, dept_reporter):
    return ProgressReportFactory(
        indicator=indicator, unit=dept, period_start=date(2025, 5, 1), created_by=dept_reporter
    )


def test_a_leader_issues_an_instruction_that_reaches_the_lead_units_audited_and_notified(
    leader, indicator, dept, dept_reporter, stranger, supervisor
):
    UnitChannel.objects.create(unit=dept, kind="dingtalk", url="https://oapi.dingtalk.com/robot/send?access_token=x")
    instruction = services.instruction_issue(
        kind="indicator", target=indicator, by=leader, text="抓紧推进，月底前见效", due_date=date(2025, 6, 30)
    )
    assert [r.unit for r in instruction.reaches.all()] == [dept]
    assert instruction.status == InstructionStatus.ISSUED and instruction.region == indicator.target.plan.region
    event = AuditEvent.objects.get(action="instruction.issue")
    assert event.user == leader and event.object_type == "instructions.Instruction"
    assert event.new["units"] == ["区农业农村局"] and event.new["text"] == "抓紧推进，月底前见效"
    told = {n.user.username: n for n in Notification.objects.filter(kind="instruction.issued")}
    assert set(told) == {"nongye", "duchashi"}  # the unit, and the office that tracks it
    notice = told["nongye"]
    assert "抓紧推进" in notice.message and notice.link == f"/instructions/{instruction.pk}/"
    assert f"“{indicator.name}”" in notice.message and "「" not in notice.message  # as supervision notices quote
    with translation.override("zh-hans"):
        assert services._about(instruction) == f"指标“{indicator.name}”"
    assert not Notification.objects.filter(user=stranger).exists()
    assert ChannelDelivery.objects.filter(channel__unit=dept, text__contains="抓紧推进").count() == 1


def test_an_instruction_on_a_township_plan_reaches_the_county_office_and_those_above_not_another_countys(
    leader, township, town_unit, town_reporter, offices
):
    target = TargetFactory(plan=PlanFactory(region=township), name="美丽庭院")
    target.lead_units.add(town_unit)
    services.instruction_issue(kind="indicator", target=IndicatorFactory(target=target), by=leader, text="抓紧推进")
    told = set(Notification.objects.filter(kind="instruction.issued").values_list("user__username", flat=True))
    # The unit, and the office of the township and of every region above it; not office_other_county,
    # office_other_township, office_retired.
    assert told == {"damen", "duchashi", "office_township", "office_city", "office_province", "office_everywhere"}


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.REPORTER, Role.ADMIN, Role.AUDITOR])
def test_nobody_but_a_leader_issues_one(role, indicator, county, dept):
    user = UserFactory(
        role=role,
        region=None if role == Role.REPORTER else county,
        unit=dept if role == Role.REPORTER else None,
        is_staff=role == Role.ADMIN,
    )
    with pytest.raises(PermissionDenied):
        services.instruction_issue(kind="indicator", target=indicator, by=user, text="抓紧")
    assert not Instruction.objects.exists() and not AuditEvent.objects.filter(action="instruction.issue").exists()


def test_a_leader_of_another_region_cannot_write_on_this_county(indicator):
    from ..factories import RegionFactory

    elsewhere = UserFactory(role=Role.LEADER, region=RegionFactory(code="330302000000", name="鹿城区"))
    with pytest.raises(PermissionDenied):
        services.instruction_issue(kind="indicator", target=indicator, by=elsewhere, text="抓紧")


def test_the_text_is_required_the_date_not_past_and_units_must_be_responsible(leader, indicator, other_unit):
    with pytest.raises(ValidationError, match="请先写批示内容"):
        services.instruction_issue(kind="indicator", target=indicator, by=leader, text="  ")
    with pytest.raises(ValidationError, match="2025年6月1日"):
        services.instruction_issue(
            kind="indicator", target=indicator, by=leader, text="抓紧", due_date=date(2025, 6, 1)
        )
    with pytest.raises(ValidationError, match="区教育局"):
        services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧", units=[other_unit])
    assert not Instruction.objects.exists()


def test_on_a_report_or_item_it_reaches_that_unit_and_on_a_bulletin_the_chosen_ones(
    leader, report, indicator, dept, supervisor, county, town_unit
):
    on_report = services.instruction_issue(kind="report", target=report, by=leader, text="数据要实")
    item = SupervisionItem.objects.create(
        indicator=indicator, unit=dept, notice="说明", reply_due=date(2025, 6, 20), issued_by=supervisor
    )
    on_item = services.instruction_issue(kind="item", target=item, by=leader, text="限期整改")
    bulletin = GeneratedReport.objects.create(
        region=county,
        kind=ReportKind.MONTHLY,
        period_start=date(2025, 5, 1),
        period_end=date(2025, 5, 31),
        status=ReportState.DONE,
    )
    on_bulletin = services.instruction_issue(
        kind="bulletin", target=bulletin, by=leader, text="各单位对照整改", units=[dept, town_unit]
    )
    assert [r.unit for r in on_report.reaches.all()] == [dept] == [r.unit for r in on_item.reaches.all()]
    assert {r.unit for r in on_bulletin.reaches.all()} == {dept, town_unit}
    with pytest.raises(ValidationError, match="至少选择一个"):
        services.instruction_issue(kind="bulletin", target=bulletin, by=leader, text="各单位对照整改")
    assert [i.target_kind for i in Instruction.objects.order_by("pk")] == ["report", "item", "bulletin"]


def test_the_database_refuses_an_instruction_on_two_objects_or_none(leader, indicator, report, county):
    from django.db import IntegrityError, transaction

    for targets in ({"indicator": indicator, "report": report}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Instruction.objects.create(author=leader, region=county, text="x", **targets)


def test_the_flow_issue_acknowledge_respond_close_is_audited_and_notified(
    leader, indicator, dept, dept_reporter, supervisor
):
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    services.instruction_acknowledge(instruction=instruction, by=dept_reporter)
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.ACKNOWLEDGED
    with pytest.raises(ValidationError, match="已签收"):
        services.instruction_acknowledge(instruction=instruction, by=dept_reporter)
    with pytest.raises(ValidationError, match="区农业农村局"):
        services.instruction_close(instruction=instruction, by=supervisor)  # not answered yet

    reach = services.instruction_respond(instruction=instruction, by=dept_reporter, response="已完成改厕300户")
    instruction.refresh_from_db()
    assert reach.status == ReachStatus.ANSWERED and instruction.status == InstructionStatus.ANSWERED
    told = set(Notification.objects.filter(kind="instruction.answered").values_list("user__username", flat=True))
    assert told == {"lingdao", "duchashi"}

    services.instruction_close(instruction=instruction, by=leader, comment="同意")
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.CLOSED and instruction.closed_by == leader
    assert Notification.objects.filter(kind="instruction.closed", user=dept_reporter).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="instructions.Instruction")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["instruction.issue", "instruction.acknowledge", "instruction.respond", "instruction.close"]
    assert set(actions) <= set(ACTIONS)
    with pytest.raises(ValidationError, match="已办结"):
        services.instruction_respond(instruction=instruction, by=dept_reporter, response="补充")


def test_units_not_reached_cannot_answer_and_only_the_author_or_office_closes(
    leader, indicator, dept_reporter, stranger, supervisor, county
):
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    for user in (stranger, supervisor, leader):
        with pytest.raises(PermissionDenied):
            services.instruction_respond(instruction=instruction, by=user, response="x")
    services.instruction_respond(instruction=instruction, by=dept_reporter, response="已办")
    other_leader = UserFactory(role=Role.LEADER, region=county)
    for user in (other_leader, dept_reporter):
        with pytest.raises(PermissionDenied):
            services.instruction_close(instruction=instruction, by=user)
    services.instruction_close(instruction=instruction, by=supervisor)
    assert Instruction.objects.get().closed_by == supervisor


def test_an_instruction_is_answered_only_once_every_unit_has_answered(
    leader, indicator, dept, town_unit, dept_reporter, town_reporter
):
    indicator.target.lead_units.add(town_unit)
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    assert {r.unit for r in instruction.reaches.all()} == {dept, town_unit}
    services.instruction_respond(instruction=instruction, by=dept_reporter, response="已办")
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.ACKNOWLEDGED
    services.instruction_respond(instruction=instruction, by=town_reporter, response="已办")
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.ANSWERED


def test_on_a_bulletin_it_reaches_by_default_the_lead_units_of_the_indicators_red_now(
    leader, county, indicator, dept, town_unit, target
):
    from targets.lights import lights_rejudge_all

    from ..factories import IndicatorFactory, TargetFactory

    green_target = TargetFactory(plan=target.plan, name="美丽庭院")
    green_target.lead_units.add(town_unit)
    IndicatorFactory(target=green_target, start_date=date(2025, 6, 1))  # not started: no light against it
    indicator.start_date, indicator.deadline = date(2024, 1, 1), date(2025, 3, 31)  # overdue: red
    indicator.save()
    lights_rejudge_all()
    bulletin = GeneratedReport.objects.create(
        region=county,
        kind=ReportKind.MONTHLY,
        period_start=date(2025, 5, 1),
        period_end=date(2025, 5, 31),
        status=ReportState.DONE,
    )
    instruction = services.instruction_issue(kind="bulletin", target=bulletin, by=leader, text="红灯单位限期整改")
    assert [r.unit for r in instruction.reaches.all()] == [dept]


def test_units_late_with_their_answer_are_told_once_and_the_leader_and_office_hear_which(
    leader, indicator, dept, town_unit, dept_reporter, town_reporter, supervisor
):
    from instructions.tasks import remind_overdue_instructions

    indicator.target.lead_units.add(town_unit)
    UnitChannel.objects.create(
        unit=town_unit, kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
    )
    instruction = services.instruction_issue(
        kind="indicator", target=indicator, by=leader, text="抓紧推进", due_date=date(2025, 6, 20)
    )
    services.instruction_issue(kind="indicator", target=indicator, by=leader, text="没有期限")
    services.instruction_respond(instruction=instruction, by=dept_reporter, response="已办")
    assert services.instructions_remind_overdue(today=date(2025, 6, 20)) == 0  # due today is not late yet
    with time_machine.travel("2025-06-21 09:10 +0800", tick=False):
        assert remind_overdue_instructions.delay().get() == 1
        assert remind_overdue_instructions.delay().get() == 0  # never twice
    late = Notification.objects.filter(kind="instruction.overdue")
    assert {n.user.username for n in late} == {"damen", "lingdao", "duchashi"}  # not the unit that answered
    assert "2025年6月20日" in late.get(user=town_reporter).message
    assert "大门镇" in late.get(user=leader).message
    assert ChannelDelivery.objects.filter(channel__unit=town_unit, text__contains="现已逾期").count() == 1
    event = AuditEvent.objects.get(action="instruction.overdue")
    assert event.object_id == str(instruction.pk) and event.new["units"] == ["大门镇"]
    assert "instruction.overdue" in ACTIONS


def test_the_overdue_job_is_scheduled():
    from reports.beat import JOBS

    assert any(job.task == "instructions.tasks.remind_overdue_instructions" for job in JOBS)
