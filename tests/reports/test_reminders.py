"""Reminders go to exactly the units whose reports are not submitted, never twice."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.models import Notification
from regions.models import RegionLevel, UnitKind
from reports import tasks
from reports.models import ReminderSent, ReminderStage
from reports.reminders import reminders_send
from targets.choices import Frequency, ReportStatus
from targets.models import Allocation

from ..factories import (
    IndicatorFactory,
    PlanFactory,
    ProgressReportFactory,
    RegionFactory,
    TargetFactory,
    UnitFactory,
    UserFactory,
)

MAY = date(2025, 5, 1)


@pytest.fixture
def chase(
    plan, target, indicator, dept, dept_reporter, town_unit, town_reporter, other_unit, stranger, county, supervisor
):
    """区农业农村局 owes `indicator`; two townships share an allocated one (大门镇 has reported May, 北岙 not);
    区教育局 leads a quarterly indicator, not owed in May."""
    north = RegionFactory(code="330305001000", name="北岙街道", level=RegionLevel.TOWNSHIP, parent=county)
    north_unit = UnitFactory(
        county=county, name="北岙街道", kind=UnitKind.TOWNSHIP, township=north, email="beiao@example.cn"
    )
    north_reporter = UserFactory(username="beiao", unit=north_unit, email="clerk@example.cn")
    shared = IndicatorFactory(target=TargetFactory(plan=plan, all_townships=True), name="改造农房")
    Allocation.objects.create(indicator=shared, unit=town_unit, target_value=Decimal("600"))
    Allocation.objects.create(indicator=shared, unit=north_unit, target_value=Decimal("600"))
    ProgressReportFactory(
        indicator=shared, unit=town_unit, period_start=MAY, status=ReportStatus.SUBMITTED, created_by=town_reporter
    )
    ProgressReportFactory(
        indicator=shared, unit=north_unit, period_start=MAY, status=ReportStatus.DRAFT, created_by=north_reporter
    )  # a draft is not a report
    quarterly = IndicatorFactory(target=TargetFactory(plan=plan), frequency=Frequency.QUARTERLY)
    quarterly.target.lead_units.add(other_unit)
    dept.email = "nongye@example.cn"
    dept.save()
    supervisor.email = "ducha@example.cn"
    supervisor.save()
    return {"north": north_unit, "north_reporter": north_reporter}


def notified(user, stage):
    return list(Notification.objects.filter(user=user, kind=f"report_{stage}"))


@pytest.mark.django_db
def test_reminders_go_to_exactly_the_units_that_have_not_submitted(
    chase, dept, dept_reporter, town_reporter, stranger, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=date(2025, 5, 22)) == 2
    assert set(ReminderSent.objects.values_list("unit__name", "stage")) == {
        ("区农业农村局", ReminderStage.REMIND),
        ("北岙街道", ReminderStage.REMIND),
    }
    assert len(notified(dept_reporter, "remind")) == 1 and len(notified(chase["north_reporter"], "remind")) == 1
    assert not Notification.objects.filter(user__in=[town_reporter, stranger]).exists()
    assert sorted(tuple(sorted(m.to)) for m in mail.outbox) == [
        ("beiao@example.cn", "clerk@example.cn"),
        ("nongye@example.cn",),
    ]
    assert ReminderSent.objects.get(unit=dept).missing == 1


@pytest.mark.django_db
def test_running_the_reminders_again_sends_nothing_twice(chase, dept_reporter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=date(2025, 5, 22))
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=date(2025, 5, 22)) == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(user=dept_reporter).count() == 1


@pytest.mark.django_db
def test_overdue_notice_skips_a_unit_that_submitted_meanwhile_and_the_office_hears_later(
    chase, indicator, dept, dept_reporter, supervisor, django_capture_on_commit_callbacks
):
    reminders_send(today=date(2025, 5, 22))
    ProgressReportFactory(
        indicator=indicator, unit=dept, period_start=MAY, status=ReportStatus.SUBMITTED, created_by=dept_reporter
    )
    assert reminders_send(today=date(2025, 5, 25)) == 0
    assert reminders_send(today=date(2025, 5, 26)) == 1
    assert notified(chase["north_reporter"], "overdue") and not notified(dept_reporter, "overdue")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=date(2025, 5, 28)) == 1
        assert reminders_send(today=date(2025, 5, 28)) == 0
    office = notified(supervisor, "escalate")
    assert len(office) == 1 and "北岙街道" in office[0].message and "区农业农村局" not in office[0].message
    assert [m.to for m in mail.outbox] == [["ducha@example.cn"]]


@pytest.mark.django_db
def test_the_escalation_goes_to_the_regions_own_office_only_township_plans_included(
    chase, township, town_unit, offices, django_capture_on_commit_callbacks
):
    # A township plan 大门镇 has not reported on: the county's escalation names it, and the county office
    # (its own office) hears once; the offices above it, of every region, of the township (whose unit the
    # county's run has already chased) and of another county hear nothing.
    target = TargetFactory(plan=PlanFactory(region=township), name="美丽庭院")
    target.lead_units.add(town_unit)
    IndicatorFactory(target=target)
    with django_capture_on_commit_callbacks(execute=True):
        for day in (22, 26, 28):
            reminders_send(today=date(2025, 5, day))
    told = Notification.objects.filter(kind="report_escalate")
    assert [n.user.username for n in told] == ["duchashi"]
    assert "大门镇" in told[0].message and "北岙街道" in told[0].message
    assert [m.to for m in mail.outbox if m.body == told[0].message] == [["ducha@example.cn"]]


@pytest.mark.django_db
def test_quarterly_indicators_are_chased_in_the_quarters_last_month(chase, other_unit, stranger):
    reminders_send(today=date(2025, 5, 22))
    assert not notified(stranger, "remind")
    reminders_send(today=date(2025, 6, 22))
    assert len(notified(stranger, "remind")) == 1


@pytest.mark.django_db
def test_the_reminder_task_goes_by_the_shanghai_date(chase, dept_reporter):
    with time_machine.travel(datetime(2025, 5, 21, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert tasks.send_reminders.apply().get() == 0
    with time_machine.travel(datetime(2025, 5, 22, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert tasks.send_reminders.apply().get() == 2
    assert len(notified(dept_reporter, "remind")) == 1
