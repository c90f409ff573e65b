"""The reads a dispatch report needs that `supervision.figures` does not offer.

Milestones against the value frozen at the period end, problems and promised measures from the
report texts and supervision items, and the matters for a leader's decision. Each is a fixed
number of queries; lists are capped (LIST_CAP rows) so a province-wide report stays readable.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum
from django.db.models.functions import Least
from django.utils.translation import gettext as _

from core import periods
from core.periods import month_end, previous_month_end
from supervision import figures
from supervision.models import SupervisionItem, SupervisionStatus
from targets import rules
from targets.choices import Light, ReportStatus
from targets.models import Indicator, Milestone, ProgressReport, Section
from targets.selectors import indicator_rows, indicator_spec

LIST_CAP = 200


def supervision_status_label(status: str) -> str:
    return SupervisionStatus(status).label


@dataclass
class MilestoneRow:
    section: str
    indicator: str
    unit: str
    due: date
    required: Decimal
    value: Decimal | None
    state: str  # rules.MILESTONE_MET / _MISSED / _PENDING, LATER or NEXT (see below)


# A milestone dated after the report's cut-off but within its span (a year-end summary made on 2 December, its
# 31 December milestones): in the period, not yet due. NEXT: dated after the span, in the next one.
LATER, NEXT = "later", "next"


def milestone_progress(
    *, region, period_start: date, as_of: date, period_end: date, next_until: date
) -> list[MilestoneRow]:
    """The staged milestones due in [period_start, as_of], each judged on its own date by
    `rules.milestone_judgement`, those of the span still to come, in (as_of, period_end] (LATER), then those
    due next, in (period_end, next_until] (NEXT); in plan order.

    A milestone's figure is read as it stood at the end of the period containing its date (or on
    `as_of`, if that period is still under way): one read of the series per distinct such day.
    """
    indicators = figures.indicators_in(region=region)
    milestones = list(
        Milestone.objects.filter(indicator__in=indicators, date__gte=period_start, date__lte=next_until)
        .select_related("indicator__target__section", "indicator__target__plan")
        .order_by("indicator__target__plan_id", "indicator__target__seq", "indicator_id", "date")
    )
    specs = {m.indicator_id: indicator_spec(m.indicator, [], m.indicator.target.plan) for m in milestones}
    stood_on = {}
    for m in milestones:
        if m.date <= as_of:
            period = periods.period_start_of(m.date, specs[m.indicator_id].frequency)
            stood_on[m.pk] = min(periods.period_end(period, specs[m.indicator_id].frequency), as_of)
    series = _series_on(stood_on, {m.pk: m.indicator_id for m in milestones})
    rows = []
    for m in milestones[:LIST_CAP]:
        if m.pk in stood_on:
            day = stood_on[m.pk]
            result = rules.milestone_judgement(
                specs[m.indicator_id], m.date, m.value, series.get((m.indicator_id, day), []), today=day
            )
            value, state = result.value, result.state
        else:
            value, state = None, LATER if m.date <= period_end else NEXT
        section = m.indicator.target.section
        rows.append(
            MilestoneRow(
                section=section.title if section else "",
                indicator=m.indicator.name,
                unit=m.indicator.unit,
                due=m.date,
                required=m.value,
                value=value,
                state=state,
            )
        )
    return rows


def _series_on(stood_on: dict[int, date], indicator_of: dict[int, int]) -> dict[tuple[int, date], list]:
    """(indicator id, day) -> the indicator's figures per period as they stood on that day."""
    ids_by_day = defaultdict(set)
    for milestone_id, day in stood_on.items():
        ids_by_day[day].add(indicator_of[milestone_id])
    found = {}
    for day, ids in ids_by_day.items():
        for pk, row in indicator_rows(Indicator.objects.filter(pk__in=ids), day, full_series=True).items():
            found[(pk, day)] = row.series
    return found


@dataclass
class ProblemRow:
    unit: str
    indicator: str
    problem: str
    measures: str
    promised: date | None


def problems_and_measures(*, region, period_start: date, period_end: date) -> list[ProblemRow]:
    """Problems units wrote in their reports for the period (latest per indicator and unit, with their next
    steps as the measures), then the supervision items answered in the period with the measures promised."""
    indicators = figures.indicators_in(region=region)
    reports = (
        ProgressReport.objects.filter(
            indicator__in=indicators,
            period_start__gte=period_start.replace(day=1),
            period_start__lte=period_end,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
        )
        .exclude(problems="")
        .select_related("unit", "indicator")
        .order_by("unit__name", "indicator_id", "-period_start")
    )
    rows, seen = [], set()
    for r in reports:
        if (r.indicator_id, r.unit_id) in seen:
            continue
        seen.add((r.indicator_id, r.unit_id))
        rows.append(
            ProblemRow(
                unit=r.unit.name, indicator=r.indicator.name, problem=r.problems, measures=r.next_steps, promised=None
            )
        )
    items = (
        SupervisionItem.objects.filter(indicator__in=indicators)
        .exclude(measures="")
        .filter(Q(replied_at__date__gte=period_start) & Q(replied_at__date__lte=period_end))
        .select_related("unit", "indicator")
        .order_by("unit__name", "id")
    )
    rows += [
        ProblemRow(
            unit=i.unit.name,
            indicator=i.indicator.name,
            problem=i.notice,
            measures=i.measures,
            promised=i.promised_date,
        )
        for i in items
    ]
    return rows[:LIST_CAP]


@dataclass
class UnitProblems:
    unit: str
    indicator_count: int
    indicators: str
    problems: str
    measures: str
    promised: date | None


def problems_by_unit(rows: list[ProblemRow], names_shown: int = 5) -> list[UnitProblems]:
    """One group per unit, in the order the rows come (by unit name): each distinct text once."""
    grouped: dict[str, list[ProblemRow]] = {}
    for row in rows:
        grouped.setdefault(row.unit, []).append(row)
    groups = []
    for unit, items in grouped.items():
        names = list(dict.fromkeys(r.indicator for r in items))
        shown = "、".join(names[:names_shown]) + (
            _("and %(n)s more") % {"n": len(names) - names_shown} if len(names) > names_shown else ""
        )
        promised = [r.promised for r in items if r.promised]
        groups.append(
            UnitProblems(
                unit=unit,
                indicator_count=len(names),
                indicators=shown,
                problems="；".join(dict.fromkeys(r.problem.strip() for r in items if r.problem.strip())),
                measures="；".join(dict.fromkeys(r.measures.strip() for r in items if r.measures.strip())),
                promised=max(promised) if promised else None,
            )
        )
    return groups


@dataclass
class DecisionRow:
    indicator: str
    units: str
    why: str
    proposal: str


def needing_decision(*, region, as_of: date, today: date) -> list[DecisionRow]:
    """Indicators red at this month end and the one before, then open supervision items past their reply date."""
    end = month_end(as_of)
    red_before = set(
        figures.snapshots(region=region, as_of=previous_month_end(end), light=Light.RED).values_list(
            "indicator_id", flat=True
        )
    )
    red_now = figures.flagged(region=region, as_of=end, lights=(Light.RED,))
    rows = [
        DecisionRow(
            indicator=r.name,
            units=str(_("No responsible unit")) if r.unowned else "、".join(r.lead_units),
            why="；".join(r.reasons),
            proposal=_("The leader in charge meets the lead units' heads and sets a date to put it right."),
        )
        for r in red_now.rows
        if r.indicator_id in red_before
    ]
    rows += [
        DecisionRow(
            indicator=i.indicator,
            units=i.unit,
            why=_("supervision item unanswered since %(date)s") % {"date": rules.day_words(i.reply_due)},
            proposal=_(
                "A reminder goes out at once; without an answer in five working days the matter "
                "goes to the leader for a written instruction."
            ),
        )
        for i in figures.open_items(region=region, today=today)
        if i.overdue
    ]
    return rows[:LIST_CAP]


def completion_by_top_section(*, region, as_of: date) -> dict[int | None, Decimal | None]:
    """Average completion (each indicator capped at 100 %) per top-level plan section, from the month-end
    snapshots; `supervision.figures` counts lights by section but does not average completion."""
    capped = Least("completion", Decimal(1), output_field=DecimalField(max_digits=12, decimal_places=4))
    rows = (
        figures.snapshots(region=region, as_of=as_of)
        .exclude(completion=None)
        .order_by()
        .values_list("indicator__target__section_id")
        .annotate(total=Sum(capped), n=Count("id"))
    )
    rows = list(rows)
    plans = Section.objects.filter(pk__in=[r[0] for r in rows if r[0] is not None]).values("plan_id")
    parents = dict(Section.objects.filter(plan_id__in=plans).values_list("pk", "parent_id"))
    sums: dict = defaultdict(lambda: [Decimal(0), 0])
    for section_id, total, n in rows:
        top = section_id
        while top is not None and parents.get(top) is not None:
            top = parents[top]
        sums[top][0] += total
        sums[top][1] += n
    return {top: (total / n if n else None) for top, (total, n) in sums.items()}


def in_plan_order(groups: list) -> list:
    """Section groups (keyed by top-level section id) in the order the plans number them (一、二、三…),
    plan by plan; the group without a section last."""
    order = {
        pk: (plan_id, n, pk)
        for pk, plan_id, n in Section.objects.filter(pk__in=[g.key for g in groups if g.key is not None]).values_list(
            "pk", "plan_id", "order"
        )
    }
    return sorted(groups, key=lambda g: order.get(g.key, (float("inf"), 0, 0)))
