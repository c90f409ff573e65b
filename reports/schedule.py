"""The report calendar, pure: which reports fall due on a day, and which reminders go out.

No database here; `services.schedule_spec_for(region)` turns a region's ReportSchedule and its
plans' due day into a ScheduleSpec. Days are local dates (Asia/Shanghai): the tasks pass
`timezone.localdate()`, so a beat firing at 00:30 on the 26th in Shanghai (16:30 UTC on the 25th)
already counts as the 26th.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from core import periods
from targets.choices import Frequency

from .models import ReportKind

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ScheduleSpec:
    due_day: int = 25
    bulletin_day: int | None = None
    dispatch_months: tuple[int, ...] = (3, 6, 9, 12)
    half_year_month: int = 6
    year_end_month: int = 12
    remind_days_before: int = 3
    escalate_days_after: int = 3


@dataclass(frozen=True)
class DueReport:
    kind: str
    period_start: date
    period_end: date
    serial: int


def month_due_date(spec: ScheduleSpec, month: date) -> date:
    return periods.due_date(month.replace(day=1), Frequency.MONTHLY, spec.due_day)


def bulletin_month(spec: ScheduleSpec, day: date) -> date | None:
    """The month (its first day) whose reports are produced on `day`, or None.

    By default the day after the month's due date (the 26th for due day 25); a region can name a
    fixed day instead.
    """
    if spec.bulletin_day:
        return day.replace(day=1) if day.day == spec.bulletin_day else None
    month = (day - ONE_DAY).replace(day=1)
    return month if month_due_date(spec, month) + ONE_DAY == day else None


def _add_months(d: date, months: int) -> date:
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(year, month0 + 1, 1)


def period_of(spec: ScheduleSpec, kind: str, month: date) -> DueReport:
    """The period a report of `kind` covers when it is made for `month` (any day of it)."""
    start = month.replace(day=1)
    end = periods.period_end(start, Frequency.MONTHLY)
    if kind == ReportKind.MONTHLY:
        return DueReport(kind, start, end, start.month)
    if kind == ReportKind.QUARTERLY:
        dispatches = spec.dispatch_months
        serial = dispatches.index(start.month) + 1 if start.month in dispatches else (start.month + 2) // 3
        return DueReport(kind, _add_months(start, -2), end, serial)
    if kind in (ReportKind.HALF_YEAR, ReportKind.YEAR_END):
        return DueReport(kind, date(start.year, 1, 1), end, 1)
    raise ValueError(f"unknown report kind {kind!r}; expected one of {', '.join(ReportKind.values)}")


def first_day_for(spec: ScheduleSpec, kind: str, month: date) -> date:
    """The first day a report of `kind` ending in `month` may be made.

    A bulletin may describe the month under way; the longer reports sum up a span, so they wait
    until the units' reports for its last month are due (the bulletin day, the day after the due
    date): a year-end summary asked for on 2 December covers January to November instead.
    """
    if kind == ReportKind.MONTHLY:
        return month.replace(day=1)
    return month_due_date(spec, month) + ONE_DAY


def reports_due_on(spec: ScheduleSpec, day: date) -> list[DueReport]:
    """Every report produced on `day`: the month's bulletin, and in the right months the longer ones too."""
    month = bulletin_month(spec, day)
    if month is None:
        return []
    kinds = [ReportKind.MONTHLY]
    if month.month in spec.dispatch_months:
        kinds.append(ReportKind.QUARTERLY)
    if month.month == spec.half_year_month:
        kinds.append(ReportKind.HALF_YEAR)
    if month.month == spec.year_end_month:
        kinds.append(ReportKind.YEAR_END)
    return [period_of(spec, kind, month) for kind in kinds]


REMIND, OVERDUE, ESCALATE = "remind", "overdue", "escalate"


def reminders_due_on(spec: ScheduleSpec, day: date) -> list[tuple[str, date]]:
    """(stage, month) pairs for `day`: a reminder `remind_days_before` the due date, the overdue notice
    the day after it, and the word to the supervision office `escalate_days_after` it."""
    offsets = ((REMIND, -spec.remind_days_before), (OVERDUE, 1), (ESCALATE, spec.escalate_days_after))
    found = []
    for shift in (-1, 0, 1):
        month = _add_months(day.replace(day=1), shift)
        due = month_due_date(spec, month)
        found += [(stage, month) for stage, offset in offsets if due + timedelta(days=offset) == day]
    return found
