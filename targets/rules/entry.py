"""Checks on a value a unit enters, and the lock of a reporting period: pure functions, no database.

Hard errors (a negative value, a milestone or a share in percent above 100 %, a count that is not
a whole number) refuse the entry. Findings ask more of the
reporter before the value is accepted: a written explanation when a cumulative value falls below
the last approved one, an explicit confirmation when it lies beyond twice the target or far outside
the indicator's past range. The past range follows DHIS2's min-max generation: the mean of the
recent history plus or minus `RANGE_FACTOR` standard deviations.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

from core import periods

from .. import numbers, rules
from ..choices import Kind

# DHIS2 uses 2 to 3 standard deviations; 3 flags only what is clearly out of line.
RANGE_FACTOR = Decimal("3")
# Fewer periods than this say nothing about a range.
MIN_HISTORY = 4
# Values that keep growing (cumulative) are judged by how much they grew each period.
CUMULATIVE_KINDS = (Kind.INCREASE, Kind.MILESTONE)

NEEDS_EXPLANATION = "explanation"
NEEDS_CONFIRMATION = "confirmation"


@dataclass(frozen=True)
class Finding:
    code: str
    needs: str
    message: str


def _shown(value: Decimal) -> str:
    # The one number format of the pages (99,999.5), so a message reads like the figures beside it.
    return numbers.shown(value)


def value_errors(kind: str, value: Decimal | None, *, name: str = "", unit: str = "") -> list[str]:
    """Reasons the value cannot be accepted at all: a share in percent above 100 and a count that
    is not whole are refused too (`rules.value_bound_errors`), not only flagged for a tick."""
    if value is None:
        return [_("Enter a number.")]
    if value < 0:
        return [_("A cumulative value cannot be negative.")]
    if kind == Kind.MILESTONE and value > 100:
        return [_("A milestone is reported as percent complete: enter a number from 0 to 100.")]
    if kind == Kind.MILESTONE:
        return []  # percent complete, whatever the unit of the work
    return rules.value_bound_errors(name=name, unit=unit, value=value)


def past_range(kind: str, history: Sequence[Decimal], span: Decimal) -> tuple[Decimal, Decimal] | None:
    """The range the next value is expected in, from the values of earlier periods (oldest first).

    For cumulative kinds the range is built on the growth per period and added to the last value.
    The standard deviation is floored (half the mean step, or 1 % of the distance from baseline to
    target) so that a steady history does not turn every small change into an outlier.
    """
    if len(history) < MIN_HISTORY:
        return None
    values = [Decimal(v) for v in history]
    points = [b - a for a, b in zip(values, values[1:])] if kind in CUMULATIVE_KINDS else values
    mean = sum(points, Decimal(0)) / len(points)
    spread = Decimal(str(statistics.pstdev([float(p) for p in points])))
    spread = max(spread, abs(mean) / 2, abs(span) / 100)
    low, high = mean - RANGE_FACTOR * spread, mean + RANGE_FACTOR * spread
    if kind in CUMULATIVE_KINDS:
        low, high = values[-1] + low, values[-1] + high
    return max(low, Decimal(0)), high


def value_findings(
    *,
    kind: str,
    value: Decimal,
    target: Decimal,
    baseline: Decimal,
    last_approved: Decimal | None,
    history: Sequence[Decimal],
) -> list[Finding]:
    """What the reporter must add before `value` is accepted (explanation, confirmation)."""
    findings = []
    if kind in CUMULATIVE_KINDS and last_approved is not None and value < last_approved:
        findings.append(
            Finding(
                "lower_than_approved",
                NEEDS_EXPLANATION,
                _(
                    "%(value)s is lower than the last approved value %(approved)s: explain why the cumulative figure fell."
                )
                % {"value": _shown(value), "approved": _shown(last_approved)},
            )
        )
    if kind in (Kind.INCREASE, Kind.CEILING, Kind.FLOOR) and target > 0 and value > 2 * target:
        findings.append(
            Finding(
                "beyond_twice_target",
                NEEDS_CONFIRMATION,
                _("%(value)s is more than twice the target %(target)s: confirm it is right.")
                % {"value": _shown(value), "target": _shown(target)},
            )
        )
        return findings
    expected = past_range(kind, history, target - baseline)
    if expected is not None and not expected[0] <= value <= expected[1]:
        findings.append(
            Finding(
                "outside_past_range",
                NEEDS_CONFIRMATION,
                _(
                    "%(value)s is far outside this indicator's past range (expected %(low)s to %(high)s "
                    "from the last %(n)s periods): confirm it is right."
                )
                % {"value": _shown(value), "low": _shown(expected[0]), "high": _shown(expected[1]), "n": len(history)},
            )
        )
    return findings


def lock_date(period_start: date, frequency: str, due_day: int, lock_after_days: int) -> date:
    """The first day on which the period no longer takes entries."""
    return periods.due_date(period_start, frequency, due_day) + timedelta(days=lock_after_days + 1)


def is_locked(period_start: date, frequency: str, due_day: int, lock_after_days: int, today: date) -> bool:
    return today >= lock_date(period_start, frequency, due_day, lock_after_days)


@dataclass(frozen=True)
class Due:
    """Where a unit stands on one indicator today: the period to report next, and what it missed."""

    period_start: date | None
    missed_locked: tuple[date, ...]


def period_to_report(
    *,
    start: date,
    deadline: date,
    frequency: str,
    due_day: int,
    lock_after_days: int,
    today: date,
    reported: set[date],
    granted: set[date],
    reporting_from: date | None = None,
) -> Due:
    """The earliest period up to today that has no counted report and still takes entries.

    Periods locked without a late-entry grant are listed as missed; when every period so far is
    reported, there is nothing to report (None) until the next one starts. No period before the
    plan's first reporting period (`reporting_from`, Plan.first_period) is owed: the status rule's
    `rules.first_owed`.
    """
    missed = []
    for p, locked in owed_calendar(start, deadline, frequency, due_day, lock_after_days, today, reporting_from):
        if p not in reported:
            if p in granted or not locked:
                return Due(p, tuple(missed))
            missed.append(p)
    return Due(None, tuple(missed))


@lru_cache(maxsize=1024)
def owed_calendar(
    start: date,
    deadline: date,
    frequency: str,
    due_day: int,
    lock_after_days: int,
    today: date,
    reporting_from: date | None,
) -> tuple[tuple[date, bool], ...]:
    """Every period owed up to today and the deadline, oldest first, each with whether it is locked
    today. A unit's indicators share a few calendars (a plan's monthly ones start together), so each
    is worked out once, not once per indicator and page: My work walked some forty periods a row."""
    calendar, p = [], rules.first_owed(start, frequency, reporting_from)
    while p <= deadline and p <= today:
        calendar.append((p, is_locked(p, frequency, due_day, lock_after_days, today)))
        p = periods.next_period_start(p, frequency)
    return tuple(calendar)
