"""The calendar of reporting periods (months and quarters), shared by every app. Pure functions.

A period is named by its first day; its label is "2025-05" (monthly) or "2025-Q2" (quarterly).
"""

import calendar
import re
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Frequency(models.TextChoices):
    MONTHLY = "monthly", gettext_lazy("monthly")
    QUARTERLY = "quarterly", gettext_lazy("quarterly")


_MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3}


def day_words(d: date) -> str:
    """A date as a person reads it: 2026-05-25 in English, 2026年5月25日 in Chinese (GB/T 9704 dates)."""
    return _("%(year)d-%(month)02d-%(day)02d") % {"year": d.year, "month": d.month, "day": d.day}


def months_per_period(frequency: str) -> int:
    try:
        return _MONTHS_PER_PERIOD[frequency]
    except KeyError:
        known = ", ".join(Frequency.values)
        raise ValueError(f"unknown frequency {frequency!r}; expected one of: {known}") from None


def _add_months(d: date, months: int) -> date:
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(year, month0 + 1, 1)


def period_start_of(d: date, frequency: str) -> date:
    step = months_per_period(frequency)
    return date(d.year, (d.month - 1) // step * step + 1, 1)


def next_period_start(p: date, frequency: str) -> date:
    return _add_months(period_start_of(p, frequency), months_per_period(frequency))


def period_end(p: date, frequency: str) -> date:
    return next_period_start(p, frequency) - timedelta(days=1)


def due_date(p: date, frequency: str, due_day: int = 25) -> date:
    """Day `due_day` of the period's last month; a due day of 31 means the month's last day."""
    if not 1 <= due_day <= 31:
        raise ValueError(f"due_day must be between 1 and 31, got {due_day!r}")
    end = period_end(p, frequency)
    return end.replace(day=min(due_day, end.day))


def period_label(p: date, frequency: str) -> str:
    start = period_start_of(p, frequency)
    if months_per_period(frequency) == 3:
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year:04d}-{start.month:02d}"


_MONTH_LABEL = re.compile(r"(\d{4})-(\d{2})")
_QUARTER_LABEL = re.compile(r"(\d{4})-Q(\d)")


def parse_period(label: str) -> tuple[date, str]:
    """ "2025-05" -> (2025-05-01, monthly); "2025-Q2" -> (2025-04-01, quarterly)."""
    text = label.strip() if isinstance(label, str) else ""
    if match := _MONTH_LABEL.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        if year >= 1 and 1 <= month <= 12:
            return date(year, month, 1), Frequency.MONTHLY
    elif match := _QUARTER_LABEL.fullmatch(text):
        year, quarter = int(match[1]), int(match[2])
        if year >= 1 and 1 <= quarter <= 4:
            return date(year, quarter * 3 - 2, 1), Frequency.QUARTERLY
    # Labels arrive from people (Excel sheets, URLs), so the message is translated.
    raise ValueError(
        _("“%(label)s” is not a reporting period: use YYYY-MM (e.g. 2025-05) or YYYY-Qn (e.g. 2025-Q2)")
        % {"label": label}
    )


def first_period(start: date, frequency: str) -> date:
    """The first period starting on or after an indicator's start.

    A period already under way at the start would be judged on days before the plan began.
    """
    p = period_start_of(start, frequency)
    return p if p == start else next_period_start(p, frequency)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def previous_month_end(d: date) -> date:
    return d.replace(day=1) - date.resolution
