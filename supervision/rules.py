"""Pure arithmetic of the dashboards: how far behind, and when the target will be reached at this pace.

No database: plain values in, plain values out, like targets.rules.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy

from core import periods
from targets import rules
from targets.choices import PROGRESS_KINDS

# Why a light stands when the indicator is not behind its pace, as a list's 落后百分点 column says it.
LATE_WORDS = {
    "overdue": gettext_lazy("past deadline, not done"),
    "missing": gettext_lazy("report overdue"),
}
NO_PROGRESS = gettext_lazy("no progress yet")


def reason_codes(reasons) -> list[str]:
    """The codes of stored reasons ([code, params]) or of reasons in words made with one (targets.rules.Reason)."""
    codes = []
    for reason in reasons:
        code = getattr(reason, "code", None)
        if code is None and isinstance(reason, (list, tuple)) and reason:
            code = reason[0]
        if code is not None:
            codes.append(code)
    return codes


def behind(expected: Decimal | None, completion: Decimal | None, reasons) -> Decimal | str | None:
    """What a list's 落后百分点 column shows: the points behind pace as the reason beside it writes them
    (targets.rules.shown_gap: the shown 序时进度 less the shown completion) when there are any to show
    (0.1 or more), else why the light is late in words (逾期未完成 when its deadline passed, else 逾期未报
    when a report is missing, as its reasons say), else None.

    An indicator ahead of its pace has a negative gap; it is lit only because it is late, and "-0.1
    behind" would say the opposite of why."""
    gap = rules.shown_gap(expected, completion)
    if gap is not None and gap > 0:
        return gap
    codes = reason_codes(reasons)
    return next((str(text) for code, text in LATE_WORDS.items() if code in codes), None)


def days_behind(spec: rules.IndicatorSpec, actual: Decimal | None, checkpoint: date | None) -> int | str | None:
    """How many days the expected path had reached `actual` before the checkpoint (0 when on or ahead of pace).

    The expected path is piecewise linear (targets.rules.expected_value), so the day it first
    reached the reported value is found segment by segment. None for ceilings and floors, and
    before the first checkpoint, where a distance in days means nothing. An indicator not moved
    from its baseline reads 尚无进展 (NO_PROGRESS): the path stood there on the plan's first day, so
    a figure would only count the days since the plan began (1,243 days into a five-year plan).
    """
    if spec.kind not in PROGRESS_KINDS or actual is None or checkpoint is None:
        return None
    sign = 1 if spec.target > spec.baseline else -1
    if sign * (actual - rules.expected_value(spec, checkpoint)) >= 0:
        return 0
    if sign * (actual - spec.baseline) <= 0:
        return str(NO_PROGRESS)
    reached = _day_path_reaches(spec, actual, sign)
    return max(0, (checkpoint - reached).days)


def _day_path_reaches(spec: rules.IndicatorSpec, value: Decimal, sign: int) -> date:
    points = rules.planned_path(spec)
    if sign * (value - spec.baseline) <= 0:
        return spec.start
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if sign * (v1 - value) >= 0 and v1 != v0 and sign * (value - v0) >= 0:
            return d0 + timedelta(days=int((value - v0) / (v1 - v0) * (d1 - d0).days))
    return spec.deadline


@dataclass(frozen=True)
class Projection:
    """Where the recent pace leads: `reached_on` None means the target is never reached at this pace."""

    pace_per_day: Decimal
    reached_on: date | None
    days_after_deadline: int | None
    already_reached: bool = False


def projection(
    *, baseline: Decimal, target: Decimal, deadline: date, points: list[tuple[date, Decimal]], window: int = 3
) -> Projection | None:
    """At the pace of the last `window` reports, the day the target is reached and how late that is.

    `points` are (day, cumulative value) of the reports, any order. The pace is the straight line
    from the earliest to the latest of the last `window + 1` points (so three recent intervals),
    per day. Negative `days_after_deadline` means that many days early. None with fewer than two
    points: one report gives no pace.
    """
    points = sorted(points)[-(window + 1) :]
    if len(points) < 2:
        return None
    sign = 1 if target > baseline else -1
    (first_day, first_value), (last_day, last_value) = points[0], points[-1]
    if sign * (last_value - target) >= 0:
        return Projection(
            pace_per_day=Decimal(0),
            reached_on=last_day,
            days_after_deadline=(last_day - deadline).days,
            already_reached=True,
        )
    days = (last_day - first_day).days
    pace = (last_value - first_value) / days if days else Decimal(0)
    if sign * pace <= 0:
        return Projection(pace_per_day=pace, reached_on=None, days_after_deadline=None)
    remaining_days = int(((target - last_value) / pace).to_integral_value(rounding="ROUND_CEILING"))
    try:
        reached = last_day + timedelta(days=remaining_days)
    except OverflowError:
        return Projection(pace_per_day=pace, reached_on=None, days_after_deadline=None)
    return Projection(pace_per_day=pace, reached_on=reached, days_after_deadline=(reached - deadline).days)


def freeze_dates(as_of: date, *, today: date) -> dict:
    """What the office's freeze button does for the month of `as_of` (services.snapshot_freeze): a
    closed month is frozen at its month end; the month under way is frozen with today's lights under
    its month end, provisionally, and the automatic month-end freeze on the 1st replaces those rows."""
    end = periods.month_end(as_of)
    evaluated_on = min(end, today)
    return {
        "end": end,
        "evaluated_on": evaluated_on,
        "provisional": evaluated_on < end,
        "replaced_on": end + timedelta(days=1),
    }
