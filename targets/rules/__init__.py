"""The status light of an indicator, on the calendar of its reporting periods (core.periods).

Pure functions on plain values: no database, no models. This is the one place where the rule of
DOMAIN.md ("Kinds of indicator, and how the status light is decided") is written down; models,
selectors, bulletins and dashboards all call `evaluate_status` rather than re-deriving a light.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.periods import (
    Frequency,
    day_words,
    due_date,
    first_period,
    months_per_period,
    next_period_start,
    parse_period,
    period_end,
    period_label,
    period_start_of,
)
from targets import numbers
from targets.choices import PROGRESS_KINDS, Kind, Light


@dataclass(frozen=True)
class IndicatorSpec:
    kind: str
    baseline: Decimal
    target: Decimal
    start: date
    deadline: date
    frequency: str = Frequency.MONTHLY.value
    milestones: tuple[tuple[date, Decimal], ...] = ()
    amber_gap: Decimal = Decimal("10")
    red_gap: Decimal = Decimal("20")
    due_day: int = 25
    unit: str = ""
    # The plan's first owed period (Plan.first_period): a plan imported in June owes no report for March.
    reporting_from: date | None = None
    # False when no unit owes the report (no township share, no lead unit: 未明确责任单位); the
    # reporting clause then has nobody to hold to it, and the reasons say so instead.
    owned: bool = True


@dataclass(frozen=True)
class ReportPoint:
    period_start: date
    value: Decimal
    # None for a draft or a returned report: it does not count.
    submitted_on: date | None


# Why a light is what it is, as a code and its parameters: the table of current lights stores these,
# and the words are written in the reader's language when shown.
REASON_TEXTS = {
    "not_started": gettext_lazy("not started: starts on %(start)s"),
    "done": gettext_lazy("target reached: %(completion)s %%"),
    "overdue": gettext_lazy("deadline %(deadline)s passed at %(completion)s %%"),
    "no_checkpoint": gettext_lazy("no checkpoint yet"),
    "behind": gettext_lazy("expected %(expected)s %%, reported %(completion)s %%, %(gap)s points behind"),
    "ahead": gettext_lazy("expected %(expected)s %%, reported %(completion)s %%, %(gap)s points ahead"),
    "on_pace": gettext_lazy("expected %(expected)s %%, reported %(completion)s %%, on pace"),
    "no_report": gettext_lazy("no report yet"),
    "within_ceiling": gettext_lazy("reported %(actual)s within the ceiling of %(target)s"),
    "above_ceiling": gettext_lazy("reported %(actual)s above the ceiling of %(target)s"),
    "within_floor": gettext_lazy("reported %(actual)s at or above the floor of %(target)s"),
    "below_floor": gettext_lazy("reported %(actual)s below the floor of %(target)s"),
    "missing": gettext_lazy("%(period)s report missing since %(due)s"),
    "no_unit": gettext_lazy("no responsible unit: no unit owes this report"),
}


class Reason(str):
    """A reason in words (in the language active when it was made), carrying its code and parameters."""

    code: str
    params: dict

    def __new__(cls, code: str, **params):
        try:
            words = _reason_words(get_language(), code, tuple(sorted(params.items())))
        except TypeError:  # a parameter that cannot be a key (none the rule writes)
            words = str(REASON_TEXTS[code]) % _in_words(params)
        reason = super().__new__(cls, words)
        reason.code, reason.params = code, params
        return reason

    def __reduce__(self):
        return (_rebuild_reason, (self.code, self.params))

    def as_data(self) -> list:
        return [self.code, self.params]


@lru_cache(maxsize=8192)
def _reason_words(language: str | None, code: str, params: tuple) -> str:
    """A reason's words in `language` (the active one, passed so that it is part of the key). A plan
    page shows hundreds of stored reasons, each of which took three or four translation look-ups;
    the words depend on the code, the parameters and the language only, so each is written once
    per process."""
    return str(REASON_TEXTS[code]) % _in_words(dict(params))


_DAY_PARAMS = ("start", "deadline", "due")


def _in_words(params: dict) -> dict:
    """Dates and periods are kept as 2026-05-25 and 2026-05 and written in the reader's language."""
    words = dict(params)
    for key in _DAY_PARAMS:
        if key in words:
            words[key] = day_words(date.fromisoformat(words[key]))
    if "period" in words:
        words["period"] = period_words(*parse_period(words["period"]))
    return words


def _rebuild_reason(code, params):
    return Reason(code, **params)


def reason_data(reason) -> list | str:
    """A reason as stored (CurrentLight, StatusSnapshot): [code, params], written in the reader's
    language when shown (`reason_text`); a reason without a code stays words."""
    return reason.as_data() if isinstance(reason, Reason) else str(reason)


_DAY_IN_WORDS = (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"))
_MONTH_IN_WORDS = (re.compile(r"(\d{4})-(\d{2})"), re.compile(r"(\d{4})年(\d{1,2})月"))
_QUARTER_IN_WORDS = (re.compile(r"(\d{4})-Q([1-4])"), re.compile(r"(\d{4})年第([一二三四])季度"))


def _param_from_words(key: str, words: str) -> str | None:
    if key in _DAY_PARAMS:
        for pattern in _DAY_IN_WORDS:
            if found := pattern.fullmatch(words):
                return date(*map(int, found.groups())).isoformat()
        return None
    if key == "period":
        for pattern in _MONTH_IN_WORDS:
            if found := pattern.fullmatch(words):
                return f"{int(found[1]):04d}-{int(found[2]):02d}"
        for pattern in _QUARTER_IN_WORDS:
            if found := pattern.fullmatch(words):
                return f"{found[1]}-Q{'一二三四'.index(found[2]) + 1 if found[2] in '一二三四' else found[2]}"
        return None
    return words


def reason_from_words(words: str, languages=("zh-hans", "en")) -> list | None:
    """A reason written in words (snapshots frozen before reasons had codes) as [code, params], or
    None when no reason, written back in the same language, gives exactly these words."""
    from django.utils import translation

    for language in languages:
        with translation.override(language):
            for code, text in REASON_TEXTS.items():
                pattern = re.escape(str(text)).replace("%%", "%")
                pattern = re.sub(r"%\\\(([a-z_]+)\\\)s", lambda m: f"(?P<{m[1]}>.+?)", pattern)
                found = re.fullmatch(pattern, words)
                if not found:
                    continue
                params = {key: _param_from_words(key, value) for key, value in found.groupdict().items()}
                if None in params.values():
                    continue
                try:
                    if str(Reason(code, **params)) == words:
                        return [code, params]
                except (KeyError, ValueError):
                    continue
    return None


def reason_text(stored) -> str:
    """A stored reason in the reader's language: [code, params] as `Reason.as_data` wrote it, or a
    sentence written before reasons had codes."""
    if isinstance(stored, (list, tuple)) and len(stored) == 2 and stored[0] in REASON_TEXTS:
        return Reason(stored[0], **stored[1])
    return str(stored)


@dataclass(frozen=True)
class StatusResult:
    status: str
    completion: Decimal | None
    expected: Decimal | None
    gap: Decimal | None
    actual: Decimal | None
    checkpoint: date | None
    reasons: tuple[str, ...]


_SEVERITY = {Light.GREEN: 0, Light.AMBER: 1, Light.RED: 2}
_FRACTION_PLACES = Decimal("0.0001")
_GAP_PLACES = Decimal("0.01")
_SHOWN_PLACES = Decimal("0.1")


# Periods ---------------------------------------------------------------------------------------


def _first_period(spec: IndicatorSpec) -> date:
    return first_owed(spec.start, spec.frequency, spec.reporting_from)


def first_owed(start: date, frequency: str, reporting_from: date | None = None) -> date:
    """The first period an indicator owes a report for: the first whole one from its start, and none
    before the plan's first reporting period (the period containing `reporting_from` is owed)."""
    first = first_period(start, frequency)
    return max(first, period_start_of(reporting_from, frequency)) if reporting_from else first


def first_period_not_past_due(today: date, due_day: int = 25) -> date:
    """The first month whose report is not yet past due on `today`: the default first reporting period of
    a plan imported that day, so nothing is backdated (on the 25th the month is still open; on the 26th
    the next one is the first owed)."""
    month = period_start_of(today, Frequency.MONTHLY)
    return (
        month if due_date(month, Frequency.MONTHLY, due_day) >= today else next_period_start(month, Frequency.MONTHLY)
    )


def owed_period(
    frequency: str, start: date, deadline: date, month: date, reporting_from: date | None = None
) -> date | None:
    """The period whose report falls due in `month` (quarterly: only in a quarter's last month), or None
    when the indicator owes nothing that month (before its first owed period or after its deadline)."""
    period = period_due_in(frequency, month)
    if period is None:
        return None
    return period if first_owed(start, frequency, reporting_from) <= period <= deadline else None


def period_due_in(frequency: str, month: date) -> date | None:
    """The period of this frequency whose report falls due in `month`, whatever the indicator's
    calendar (quarterly: only in a quarter's last month). `owed_period` is this period when
    start <= period <= deadline and the plan reports from before the period's end: the same test,
    written as filters, lets the database count a province's owed reports (supervision.figures)."""
    period = period_start_of(month, frequency)
    if period_end(period, frequency) != period_end(period_start_of(month, Frequency.MONTHLY), Frequency.MONTHLY):
        return None
    return period


def periods_past_due(spec: IndicatorSpec, as_of: date) -> list[date]:
    """Starts of the periods whose report was due before `as_of`, ascending.

    Only periods starting in [S, D] are owed: after the deadline no further report is demanded,
    otherwise a ceiling or floor would turn red for ever once the plan ended.
    """
    return list(_periods_past_due(_first_period(spec), spec.deadline, spec.frequency, spec.due_day, as_of))


# Every page evaluates many indicators that share a calendar (same start, deadline and due day), and
# walking a five-year calendar month by month was most of the cost of a light.
@lru_cache(maxsize=4096)
def _periods_past_due(first: date, deadline: date, frequency: str, due_day: int, as_of: date) -> tuple[date, ...]:
    periods = []
    p = first
    while p <= deadline and due_date(p, frequency, due_day) < as_of:
        periods.append(p)
        p = next_period_start(p, frequency)
    return tuple(periods)


def window_start(spec: IndicatorSpec, as_of: date) -> date:
    """The first period whose reports can still move the light on `as_of`.

    `evaluate_status` reads the latest counted report and asks whether the two latest past-due
    periods were reported. So from the periods before the window it needs only each unit's latest
    counted report: a caller may read the reports of [window_start, as_of] plus that one earlier
    report per unit, and the light is exactly the one the whole history gives. Pages stay fast
    however many years are reported. A `rollup` also needs the latest period that every unit
    reported, which may lie earlier (targets.selectors reaches back to it).
    """
    return min((*periods_past_due(spec, as_of)[-2:], period_start_of(as_of, spec.frequency)))


def next_change(spec: IndicatorSpec, as_of: date) -> date | None:
    """The first day after `as_of` on which the date alone may move the light judged on `as_of`: the
    start, the day after a due date (a period falls past due), the day after the deadline, or a new
    period (a figure derived from village records gains a point). None when no later day can.
    Between two writes, a light judged on `as_of` stands until this day."""
    candidates = [spec.start] if as_of < spec.start else []
    if as_of <= spec.deadline:
        candidates.append(spec.deadline + timedelta(days=1))
    past = periods_past_due(spec, as_of)
    following = next_period_start(past[-1], spec.frequency) if past else _first_period(spec)
    if following <= spec.deadline:
        candidates.append(due_date(following, spec.frequency, spec.due_day) + timedelta(days=1))
    upcoming = next_period_start(as_of, spec.frequency)
    if upcoming <= spec.deadline:
        candidates.append(upcoming)
    later = [d for d in candidates if d > as_of]
    return min(later, default=None)


# The expected path -----------------------------------------------------------------------------


def expected_value(spec: IndicatorSpec, d: date) -> Decimal:
    """Piecewise linear in days through (S, B), the milestones by date, (D, T)."""
    if d < spec.start:
        return spec.baseline
    if d >= spec.deadline:
        return spec.target
    points = planned_path(spec)
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if d0 <= d < d1:
            return v0 + (v1 - v0) * Decimal((d - d0).days) / Decimal((d1 - d0).days)
    raise AssertionError("the path covers [S, D)")


def planned_path(spec: IndicatorSpec) -> list[tuple[date, Decimal]]:
    """The planned path's corners: (start, baseline), the milestones inside, (deadline, target)."""
    # A milestone outside (S, D) contradicts "B before S, T after D", so it cannot bend the path.
    inside = sorted(m for m in spec.milestones if spec.start < m[0] < spec.deadline)
    return [(spec.start, spec.baseline), *inside, (spec.deadline, spec.target)]


# The light -------------------------------------------------------------------------------------


def evaluate_status(spec: IndicatorSpec, reports: Iterable[ReportPoint], as_of: date) -> StatusResult:
    _check_spec(spec)
    if as_of < spec.start:
        reason = Reason("not_started", start=spec.start.isoformat())
        return StatusResult(Light.NOT_STARTED, None, None, None, None, None, (reason,))
    counted = [r for r in reports if r.submitted_on is not None and r.submitted_on <= as_of]
    latest = _latest_report(counted, as_of)
    past_due = periods_past_due(spec, as_of)
    tau = due_date(past_due[-1], spec.frequency, spec.due_day) if past_due else None
    if spec.kind in PROGRESS_KINDS:
        result = _progress_light(spec, latest, as_of, tau)
    else:
        result = _bound_light(spec, latest, tau)
    if result.status == Light.DONE:
        return result
    if not spec.owned:
        return replace(result, reasons=result.reasons + (Reason("no_unit"),))
    return _apply_reporting_clause(result, spec, counted, past_due)


def _check_spec(spec: IndicatorSpec) -> None:
    if spec.kind not in Kind.values:
        raise ValueError(f"unknown indicator kind {spec.kind!r}")
    if spec.kind in PROGRESS_KINDS and spec.target == spec.baseline:
        raise ValueError(f"a {spec.kind} indicator needs a target different from its baseline")
    if spec.deadline < spec.start:
        raise ValueError(f"deadline {spec.deadline} is before start {spec.start}")
    months_per_period(spec.frequency)


def _latest_report(counted: list[ReportPoint], on_or_before: date) -> ReportPoint | None:
    # A resubmitted period has several counted reports; the last one submitted is the one in force.
    eligible = [r for r in counted if r.period_start <= on_or_before]
    return max(eligible, key=lambda r: (r.period_start, r.submitted_on), default=None)


def _fraction(spec: IndicatorSpec, value: Decimal) -> Decimal:
    return (value - spec.baseline) / (spec.target - spec.baseline)


def _progress_light(spec, latest, as_of, tau) -> StatusResult:
    actual = latest.value if latest else spec.baseline
    completion = _fraction(spec, actual)
    expected = _fraction(spec, expected_value(spec, tau)) if tau else None
    gap = (expected - completion) * 100 if expected is not None else None
    # Stored as they are kept: completion toward zero, so one short of 100 % stays short of it.
    kept_completion = completion.quantize(_FRACTION_PLACES, rounding=ROUND_DOWN)
    kept_expected = expected.quantize(_FRACTION_PLACES, rounding=ROUND_HALF_UP) if tau else None
    # The light is judged on the exact figures; its reason is written from the kept ones, as every
    # table beside it shows them (shown_figures), so a reason and its row never differ by a rounding.
    status, reason = _pace_decision(spec, completion, gap, as_of, tau, kept_completion, kept_expected)
    return StatusResult(
        status=status,
        completion=kept_completion,
        expected=kept_expected,
        gap=gap.quantize(_GAP_PLACES, rounding=ROUND_HALF_UP) if tau else None,
        actual=actual,
        checkpoint=tau,
        reasons=(reason,),
    )


def _pace_decision(spec, completion, gap, as_of, tau, kept_completion, kept_expected) -> tuple[str, str]:
    shown = completion_percent(kept_completion)
    if completion >= 1:
        return Light.DONE, Reason("done", completion=shown)
    if as_of > spec.deadline:
        return Light.RED, Reason("overdue", deadline=spec.deadline.isoformat(), completion=shown)
    if tau is None:
        return Light.GREEN, Reason("no_checkpoint")
    reason = _pace_reason(kept_expected, kept_completion)
    if gap > spec.red_gap:
        return Light.RED, reason
    if gap > spec.amber_gap:
        return Light.AMBER, reason
    return Light.GREEN, reason


def _pace_reason(expected: Decimal, completion: Decimal) -> Reason:
    """序时进度应达 / 实际完成 / 落后 (or 超前) in words: the three shown figures (shown_figures), the
    gap the difference of the other two as written."""
    figures = shown_figures(expected, completion)
    values = {
        "expected": _str(figures.expected),
        "completion": _str(figures.completion),
        "gap": _str(abs(figures.gap)),
    }
    # A gap that shows as 0.0 reads as on pace, not "0.0 points behind".
    if figures.gap == 0:
        return Reason("on_pace", **values)
    return Reason("behind" if figures.gap > 0 else "ahead", **values)


def _bound_light(spec, latest, tau) -> StatusResult:
    """ceiling / floor: a limit held for the whole period rather than a distance covered."""
    if latest is None:
        return StatusResult(Light.GREEN, None, None, None, None, tau, (Reason("no_report"),))
    values = {"actual": _amount(latest.value, spec.unit), "target": _amount(spec.target, spec.unit)}
    if spec.kind == Kind.CEILING:
        within = latest.value <= spec.target
        reason = "within_ceiling" if within else "above_ceiling"
    else:
        within = latest.value >= spec.target
        reason = "within_floor" if within else "below_floor"
    status = Light.GREEN if within else Light.RED
    return StatusResult(status, None, None, None, latest.value, tau, (Reason(reason, **values),))


def _apply_reporting_clause(result, spec, counted, past_due) -> StatusResult:
    """A missing latest report lights at least amber; the two latest missing light red."""
    reported = {r.period_start for r in counted}
    if not past_due or past_due[-1] in reported:
        return result
    missing = [p for p in past_due[-2:] if p not in reported]
    floor = Light.RED if len(missing) == 2 else Light.AMBER
    status = max(result.status, floor, key=_SEVERITY.__getitem__)
    return replace(result, status=status, reasons=result.reasons + tuple(_missing(spec, p) for p in missing))


def _missing(spec: IndicatorSpec, period: date) -> Reason:
    return Reason(
        "missing",
        period=period_label(period, spec.frequency),
        due=due_date(period, spec.frequency, spec.due_day).isoformat(),
    )


def period_words(p: date, frequency: str) -> str:
    """A reporting period in a reason: 2026-05 / 2026-Q2 in English, 2026年5月 / 2026年第二季度 in Chinese."""
    start = period_start_of(p, frequency)
    if months_per_period(frequency) == 3:
        quarter = (_("%(year)d-Q1"), _("%(year)d-Q2"), _("%(year)d-Q3"), _("%(year)d-Q4"))[(start.month - 1) // 3]
        return quarter % {"year": start.year}
    return _("%(year)d-%(month)02d") % {"year": start.year, "month": start.month}


# How expected, completion and the gap between them are shown --------------------------------------
#
# One rule for every page, reason, list, export and bulletin that shows them: 序时进度 and completion
# each to one decimal of a percent, rounded half-up; the points behind (落后百分点) the difference of
# those two shown figures, so the three always add up as a reader checks them (应达75.6%，实际完成75.3%，
# 落后0.3). The one exception: a completion short of 100 % shows at most 99.9, never as done.
# The stored figures stay as the rule computed them (StatusResult); only what is shown is rounded.


@dataclass(frozen=True)
class ShownFigures:
    expected: Decimal | None  # percent, one decimal
    completion: Decimal | None  # percent, one decimal
    gap: Decimal | None  # percentage points, expected − completion as shown; negative when ahead


_NEARLY_DONE = Decimal("99.9")


def _percent(fraction) -> Decimal:
    shown = (Decimal(fraction) * 100).quantize(_SHOWN_PLACES, rounding=ROUND_HALF_UP)
    return shown.copy_abs() if shown == 0 else shown


def shown_completion(completion) -> Decimal | None:
    """Completion in percent as shown (75.34 % → 75.3, 75.35 % → 75.4); below 100 % never 100.0."""
    if completion is None:
        return None
    shown = _percent(completion)
    return min(shown, _NEARLY_DONE) if Decimal(completion) < 1 else shown


def shown_expected(expected) -> Decimal | None:
    """序时进度 in percent as shown (75.55 % → 75.6)."""
    return None if expected is None else _percent(expected)


def shown_figures(expected, completion) -> ShownFigures:
    """The three figures as shown together, from the fractions a light keeps (StatusResult, CurrentLight,
    a snapshot): the gap is the shown 序时进度 less the shown completion, None without either."""
    e, c = shown_expected(expected), shown_completion(completion)
    gap = None if e is None or c is None else e - c
    return ShownFigures(e, c, gap.copy_abs() if gap == 0 else gap)


def _str(number: Decimal) -> str:
    return str(number.copy_abs() if number == 0 else number)


def completion_percent(completion: Decimal | None) -> str:
    """Completion as every page and reason writes it: 75.6 (shown_completion: one decimal, half-up,
    99.96 % as 99.9 so it does not read as done); "—" for none."""
    return "—" if completion is None else _str(shown_completion(completion))


def expected_percent(expected: Decimal | None) -> str:
    """序时进度 as every page and reason writes it: 75.6 (shown_expected: one decimal, half-up); "—" for none."""
    return "—" if expected is None else _str(shown_expected(expected))


def shown_gap(expected, completion) -> Decimal | None:
    """落后百分点 as every page, list and bulletin shows it: shown_figures' gap."""
    return shown_figures(expected, completion).gap


def _amount(value: Decimal, unit: str) -> str:
    return numbers.shown(value, unit) if unit else numbers.shown(value)


# Several units, one target ---------------------------------------------------------------------


def rollup(series_by_unit: Mapping[Hashable, Iterable[ReportPoint]]) -> list[ReportPoint]:
    """Combine the series of every unit a target is allocated to (e.g. each township) into one.

    For each period any unit reported on, the value is the sum of each unit's latest counted value
    at or before that period (0 for a unit with none yet). The point counts (has a submitted_on,
    the last of the units') only when every unit has a counted report for exactly that period, so
    the county figure is judged missing until the last township has reported.

    There is no as_of here: a report "counts" if it has a submitted_on at all. A caller evaluating
    the light as of a past date must pass the reports as they were then (drop those submitted
    later, restore a version since returned or revised), or a later resubmission leaks into the
    past. With that done, `evaluate_status(spec, rollup(...), as_of)` is exact.
    """
    series = [list(reports) for reports in series_by_unit.values()]
    periods = sorted({r.period_start for reports in series for r in reports})
    # One pass over each unit's counted reports in the order of `_latest_report`'s choice (period,
    # then day submitted; of equals the first given, as max() keeps it), not a search of them all for
    # each period: an indicator allocated to 12 townships over 60 months searched 43,000 reports.
    counted = [
        [
            r
            for _key, r in sorted(
                ((r.period_start, r.submitted_on, -i), r) for i, r in enumerate(reports) if r.submitted_on is not None
            )
        ]
        for reports in series
    ]
    latest: list[ReportPoint | None] = [None] * len(series)
    taken = [0] * len(series)
    points = []
    for period in periods:
        for unit, reports in enumerate(counted):
            k = taken[unit]
            while k < len(reports) and reports[k].period_start <= period:
                latest[unit] = reports[k]
                k += 1
            taken[unit] = k
        value = sum((r.value for r in latest if r is not None), Decimal(0))
        exact = [r for r in latest if r is not None and r.period_start == period]
        submitted_on = max(r.submitted_on for r in exact) if len(exact) == len(series) else None
        points.append(ReportPoint(period_start=period, value=value, submitted_on=submitted_on))
    return points


# Staged milestones -----------------------------------------------------------------------------

MILESTONE_MET, MILESTONE_MISSED, MILESTONE_PENDING = "met", "missed", "pending"


@dataclass(frozen=True)
class MilestoneResult:
    due: date
    required: Decimal
    state: str  # met / missed / pending
    value: Decimal | None  # the value it was judged on (None: no report for that period)
    period: date  # start of the period that contains the milestone's date


def milestone_judgement(
    spec: IndicatorSpec, due: date, required: Decimal, series: Iterable[ReportPoint], today: date
) -> MilestoneResult:
    """Whether the staged milestone (due, required) was met, judged on its own date (DOMAIN.md).

    The value is the report for the period that contains `due`, as it stood at the end of that
    period (a report counts from the day it was submitted). Pending until the milestone's date is
    reached and that period's report is due; a milestone is never missed before its date. Met when
    the value reaches `required`, or is at or below it for a decrease or a ceiling.
    """
    period = period_start_of(due, spec.frequency)
    end = period_end(period, spec.frequency)
    if due > today or (end > today and due_date(period, spec.frequency, spec.due_day) >= today):
        return MilestoneResult(due, required, MILESTONE_PENDING, None, period)
    stood_on = min(end, today)
    counted = [
        r for r in series if r.period_start == period and r.submitted_on is not None and r.submitted_on <= stood_on
    ]
    report = max(counted, key=lambda r: r.submitted_on, default=None)
    if report is None:
        return MilestoneResult(due, required, MILESTONE_MISSED, None, period)
    lower_is_better = spec.kind in (Kind.DECREASE, Kind.CEILING)
    met = report.value <= required if lower_is_better else report.value >= required
    return MilestoneResult(due, required, MILESTONE_MET if met else MILESTONE_MISSED, report.value, period)


# What a value may be, by its unit and name -----------------------------------------------------

# A part of a whole, in percent: never above 100. Growth and increase rates can be (+150 % is a
# value more than doubled), so a name with one of GROWTH_WORDS is not a share.
SHARE_WORDS = ("率", "占比", "比重", "比例")
GROWTH_WORDS = ("增长", "增速", "增幅", "增加", "增收", "提高", "提升", "上升")
PERCENT_UNITS = ("%", "％")
# Things counted one by one: a value in these units is a whole number (3.63 个 is no village).
COUNT_UNITS = frozenset(
    (
        "个",
        "户",
        "宗",
        "人",
        "座",
        "村",
        "家",
        "所",
        "处",
        "名",
        "件",
        "项",
        "条",
        "台",
        "辆",
        "头",
        "只",
        "套",
        "间",
        "栋",
        "幢",
        "次",
        "人次",
        "场",
        "批",
        "张",
        "份",
        "支",
        "队",
        "口",
        "眼",
        "株",
        "棵",
        "艘",
        "盏",
        "块",
        "部",
        "起",
        "例",
        "单",
    )
)


def is_share_percent(name: str, unit: str) -> bool:
    """A rate that is a part of a whole (覆盖率, 建成率, 占比 …, in %): it cannot exceed 100 %."""
    unit = (unit or "").strip()
    return unit in PERCENT_UNITS and any(w in name for w in SHARE_WORDS) and not any(w in name for w in GROWTH_WORDS)


def is_count_unit(unit: str) -> bool:
    """个, 户, 宗, 人, 座, 村 …: the value is a whole number."""
    return (unit or "").strip() in COUNT_UNITS


def value_bound_errors(*, name: str, unit: str, value: Decimal) -> list[str]:
    """What a value cannot be for its indicator's unit and name, in words naming the indicator."""
    value, errors = Decimal(str(value)), []
    if is_share_percent(name, unit) and value > 100:
        errors.append(
            _("%(name)s is a share in percent: enter a number from 0 to 100 (you entered %(value)s).")
            % {"name": name, "value": numbers.shown(value)}
        )
    if is_count_unit(unit) and value != value.to_integral_value():
        errors.append(
            _("%(name)s is counted in %(unit)s: enter a whole number (you entered %(value)s).")
            % {"name": name, "unit": unit.strip(), "value": numbers.shown(value)}
        )
    return errors


def _day_or_text(d) -> str:
    if isinstance(d, date):
        return day_words(d)
    try:
        return day_words(date.fromisoformat(str(d)))
    except ValueError:
        return str(d)


def share_bound_breaches(*, name: str, unit: str, baseline, target, milestones=()) -> list[tuple[str, str, Decimal]]:
    """(field, the figure in words, its value) for each figure a share in percent (建成率 …, in %) cannot have: its
    baseline, target and stages lie from 0 to 100. The callers word the message for where it is shown."""
    if not is_share_percent(name, unit):
        return []
    found = []
    figures = [("baseline", _("the baseline"), baseline), ("target_value", _("the target"), target)]
    figures += [("milestones", _("the stage due %(date)s") % {"date": _day_or_text(d)}, v) for d, v in milestones]
    for field, words, value in figures:
        if value is None or value == "":
            continue
        value = Decimal(str(value))
        if not 0 <= value <= 100:
            found.append((field, words, value))
    return found


def indicator_bound_errors(*, name: str, unit: str, baseline, target, milestones=()) -> list[tuple[str, str]]:
    """(field, message) for an indicator whose own figures its unit refuses (share_bound_breaches). One rule for the
    services and the admin; the message names the indicator, the field and what is expected."""
    return [
        (
            field,
            _("%(name)s is a share in percent: %(what)s must be from 0 to 100 (it is %(value)s).")
            % {"name": name, "what": words, "value": numbers.shown(value)},
        )
        for field, words, value in share_bound_breaches(
            name=name, unit=unit, baseline=baseline, target=target, milestones=milestones
        )
    ]


def fit_value(value: Decimal, *, name: str, unit: str, toward: Decimal | None = None) -> Decimal:
    """A generated value (the demo's history) made one a unit could enter: whole for a count,
    at most 100 for a share in percent, two decimals otherwise. With `toward` (the baseline) a
    count is rounded towards it, so 2.97 of 3 个 stays short of the target rather than reaching it."""
    if is_share_percent(name, unit):
        value = min(value, Decimal(100))
    if not is_count_unit(unit):
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    rounding = ROUND_HALF_UP if toward is None else (ROUND_FLOOR if toward <= value else ROUND_CEILING)
    return value.quantize(Decimal(1), rounding=rounding)
