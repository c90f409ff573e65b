"""The report calendar: the 26th, dispatch and quarter months, Asia/Shanghai midnight, and the beat jobs."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from demo.facts import facts
from reports import tasks
from reports.models import GeneratedReport, ReportKind, ReportSchedule, ReportState
from reports.schedule import ESCALATE, OVERDUE, REMIND, ScheduleSpec, reminders_due_on, reports_due_on

from ..factories import PlanFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Xunyi's plan holds its dispatch at the end of May, August and November and its half-year review in June.
XUNYI = ScheduleSpec(
    dispatch_months=tuple(facts()["xunyi"]["dispatch_months"]), half_year_month=facts()["xunyi"]["half_year_month"]
)


def kinds(spec, day):
    return [(d.kind, d.period_start, d.period_end) for d in reports_due_on(spec, day)]


def test_monthly_bulletin_is_due_the_day_after_the_25th():
    assert kinds(ScheduleSpec(), date(2025, 5, 25)) == []
    assert kinds(ScheduleSpec(), date(2025, 5, 26)) == [(ReportKind.MONTHLY, date(2025, 5, 1), date(2025, 5, 31))]
    assert kinds(ScheduleSpec(), date(2025, 5, 27)) == []


def test_calendar_quarter_ends_bring_the_dispatch_report_half_year_and_year_end():
    assert [k for k, *_ in kinds(ScheduleSpec(), date(2025, 3, 26))] == [ReportKind.MONTHLY, ReportKind.QUARTERLY]
    assert kinds(ScheduleSpec(), date(2025, 6, 26))[1:] == [
        (ReportKind.QUARTERLY, date(2025, 4, 1), date(2025, 6, 30)),
        (ReportKind.HALF_YEAR, date(2025, 1, 1), date(2025, 6, 30)),
    ]
    assert [k for k, *_ in kinds(ScheduleSpec(), date(2025, 12, 26))] == [
        ReportKind.MONTHLY,
        ReportKind.QUARTERLY,
        ReportKind.YEAR_END,
    ]
    assert [k for k, *_ in kinds(ScheduleSpec(), date(2025, 5, 26))] == [ReportKind.MONTHLY]


def test_xunyi_dispatches_at_the_end_of_may_august_and_november():
    dispatch = {
        day.month
        for day in (date(2025, m, 26) for m in range(1, 13))
        if ReportKind.QUARTERLY in [k for k, *_ in kinds(XUNYI, day)]
    }
    assert dispatch == {5, 8, 11}
    assert kinds(XUNYI, date(2025, 8, 26))[1] == (ReportKind.QUARTERLY, date(2025, 6, 1), date(2025, 8, 31))
    assert [d.serial for d in reports_due_on(XUNYI, date(2025, 11, 26))] == [11, 3]


def test_a_due_day_of_31_puts_the_bulletin_on_the_first_of_the_next_month_leap_february_too():
    spec = ScheduleSpec(due_day=31)
    assert kinds(spec, date(2024, 2, 29)) == []
    assert kinds(spec, date(2024, 3, 1)) == [(ReportKind.MONTHLY, date(2024, 2, 1), date(2024, 2, 29))]
    assert kinds(spec, date(2025, 3, 1)) == [(ReportKind.MONTHLY, date(2025, 2, 1), date(2025, 2, 28))]


def test_a_fixed_bulletin_day_overrides_the_day_after_the_due_date():
    assert [k for k, *_ in kinds(ScheduleSpec(bulletin_day=28), date(2025, 5, 28))] == [ReportKind.MONTHLY]
    assert kinds(ScheduleSpec(bulletin_day=28), date(2025, 5, 26)) == []


def test_reminder_overdue_and_escalation_days():
    spec = ScheduleSpec(remind_days_before=3, escalate_days_after=4)
    may = date(2025, 5, 1)
    assert reminders_due_on(spec, date(2025, 5, 22)) == [(REMIND, may)]
    assert reminders_due_on(spec, date(2025, 5, 25)) == []
    assert reminders_due_on(spec, date(2025, 5, 26)) == [(OVERDUE, may)]
    assert reminders_due_on(spec, date(2025, 5, 29)) == [(ESCALATE, may)]
    # A reminder 30 days ahead with due day 5 falls in the month before.
    assert reminders_due_on(ScheduleSpec(due_day=5, remind_days_before=10), date(2025, 4, 25)) == [
        (REMIND, date(2025, 5, 1))
    ]


@pytest.mark.django_db
def test_the_morning_task_goes_by_the_shanghai_date_at_midnight_and_asks_once(plan):
    before = datetime(2025, 5, 25, 23, 59, 59, tzinfo=SHANGHAI)
    after = datetime(2025, 5, 26, 0, 0, 1, tzinfo=SHANGHAI)  # still 25 May in UTC
    with time_machine.travel(before, tick=False):
        assert tasks.run_due_reports.apply().get() == 0
    with time_machine.travel(after, tick=False):
        assert tasks.run_due_reports.apply().get() == 1
        tasks.run_due_reports.apply()  # beat fires again, or the message is redelivered
    report = GeneratedReport.objects.get()
    assert (report.region, report.kind, report.period_end) == (plan.region, ReportKind.MONTHLY, date(2025, 5, 31))
    assert report.status == ReportState.PENDING and report.schedule_name == "schedule:monthly"
    assert report.requested_by is None


@pytest.mark.django_db
def test_a_disabled_region_gets_no_scheduled_reports(plan):
    ReportSchedule.objects.create(region=plan.region, enabled=False)
    with time_machine.travel(datetime(2025, 5, 26, 8, tzinfo=SHANGHAI), tick=False):
        assert tasks.run_due_reports.apply().get() == 0


@pytest.mark.django_db
def test_sync_schedule_creates_the_jobs_once_and_keeps_admin_changes(county):
    PlanFactory(region=county)
    call_command("sync_schedule", stdout=StringIO())
    jobs = {t.task: t for t in PeriodicTask.objects.select_related("crontab")}
    assert set(jobs) == {
        "supervision.tasks.freeze_month_end",
        "reports.tasks.run_due_reports",
        "reports.tasks.send_reminders",
        "targets.tasks.lights_rejudge_due",
        "reports.tasks.purge_upload_previews",
        "reports.tasks.reclaim_stalled_jobs",
        "instructions.tasks.remind_overdue_instructions",
    }
    nightly = jobs["targets.tasks.lights_rejudge_due"].crontab
    assert (nightly.hour, nightly.minute, str(nightly.timezone)) == ("0", "20", "Asia/Shanghai")
    morning = jobs["reports.tasks.run_due_reports"].crontab
    assert (morning.hour, morning.minute, str(morning.timezone)) == ("8", "0", "Asia/Shanghai")
    freeze = jobs["supervision.tasks.freeze_month_end"].crontab
    assert (freeze.day_of_month, freeze.hour) == ("1", "0")
    assert ReportSchedule.objects.get(region=county).dispatch_month_list == (3, 6, 9, 12)  # calendar quarters
    morning.hour = "7"
    morning.save()
    call_command("sync_schedule", stdout=StringIO())
    assert PeriodicTask.objects.count() == len(jobs)
    assert PeriodicTask.objects.get(task="reports.tasks.run_due_reports").crontab.hour == "7"
    call_command("sync_schedule", "--reset", stdout=StringIO())
    assert PeriodicTask.objects.get(task="reports.tasks.run_due_reports").crontab.hour == "8"


def test_dispatch_months_are_validated_with_the_bad_part_named():
    from django.core.exceptions import ValidationError

    from reports.models import validate_months

    validate_months("5, 8，11")
    with pytest.raises(ValidationError) as error:
        validate_months("5,13")
    assert error.value.params == {"part": "13"}
