"""Every non-trivial read of plans, targets, indicators and reports, with its scoping.

Scoping is decided here once: a reporter sees the indicators its unit leads, shares or has been
allocated (and every township unit sees targets marked 各街道乡镇 in its county); the other roles
see everything inside their region (or everything when they have none).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q

from villages.derived import derived_series
from villages.models import UnitKind
from villages.selectors import region_prefix

from . import rules
from .choices import Light, ReportStatus
from .models import Allocation, Indicator, Milestone, Plan, ProgressReport, Section, Target


def _region_q(user, path: str) -> Q:
    if user.region_id is None:
        return Q()
    return Q(**{f"{path}code__startswith": region_prefix(user.region)})


def _unit_targets_q(unit, path: str = "") -> Q:
    q = (
        Q(**{f"{path}lead_units": unit})
        | Q(**{f"{path}co_units": unit})
    )
    if unit.kind == UnitKind.TOWNSHIP:
        q |= Q(**{f"{path}all_townships": True, f"{path}plan__region__code__startswith": unit.county.code[:6]})
    return q


def targets_visible_to(user):
    if not user.is_authenticated:
        return Target.objects.none()
    if user.is_reporter:
        unit = user.unit
        allocated = Allocation.objects.filter(unit=unit, indicator__target=OuterRef("pk"))
        ids = Target.objects.filter(_unit_targets_q(unit) | Q(Exists(allocated))).values("pk")
        return Target.objects.filter(pk__in=ids)
    return Target.objects.filter(_region_q(user, "plan__region__"))


def indicators_visible_to(user):
    return Indicator.objects.filter(target__in=targets_visible_to(user).values("pk"))


def plans_visible_to(user):
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_reporter:
        return Plan.objects.filter(pk__in=targets_visible_to(user).values("plan_id"))
    return Plan.objects.filter(_region_q(user, "region__"))


def reports_visible_to(user):
    if not user.is_authenticated:
        return ProgressReport.objects.none()
    if user.is_reporter:
        return ProgressReport.objects.filter(unit=user.unit)
    return ProgressReport.objects.filter(_region_q(user, "indicator__target__plan__region__"))


def indicator_spec(indicator: Indicator, milestones, plan: Plan) -> rules.IndicatorSpec:
    return rules.IndicatorSpec(
        kind=indicator.kind,
        baseline=indicator.baseline,
        target=indicator.target_value,
        start=indicator.start_date,
        deadline=indicator.deadline,
        frequency=indicator.frequency,
        milestones=tuple((m.date, m.value) for m in milestones),
        amber_gap=plan.amber_gap,
        red_gap=plan.red_gap,
        due_day=plan.due_day,
        unit=indicator.unit,
    )


def _report_point(report) -> rules.ReportPoint:
    submitted_on = report.submitted_at.date() if report.submitted_at and report.counts else None
    return rules.ReportPoint(period_start=report.period_start, value=report.value, submitted_on=submitted_on)


def _series(indicator_id, reports, allocated_units) -> list[rules.ReportPoint]:
    """The indicator's figure per period: the allocated townships rolled up, or the reports as they are."""
    if allocated_units:
        by_unit = {unit_id: [] for unit_id in allocated_units}
        for report in reports:
            if report.unit_id in by_unit:
                by_unit[report.unit_id].append(_report_point(report))
        return rules.rollup(by_unit)
    # Several units may report one un-allocated indicator; per period the latest submission stands.
    latest = {}
    for report in sorted(reports, key=lambda r: (r.submitted_at is None, r.submitted_at)):
        latest[report.period_start] = _report_point(report)
    return [latest[p] for p in sorted(latest)]


@dataclass
class IndicatorRow:
    indicator: Indicator
    status: rules.StatusResult
    last_report: ProgressReport | None = None
    series: list = field(default_factory=list)


def indicator_rows(indicators, as_of: date) -> dict[int, IndicatorRow]:
    """Statuses of many indicators in a fixed number of queries, whatever their count."""
    indicators = list(indicators.select_related("target__plan"))
    ids = [i.pk for i in indicators]
    milestones = defaultdict(list)
    for m in Milestone.objects.filter(indicator_id__in=ids).order_by("date"):
        milestones[m.indicator_id].append(m)
    allocations = defaultdict(list)
    for indicator_id, unit_id in Allocation.objects.filter(indicator_id__in=ids).values_list("indicator_id", "unit_id"):
        allocations[indicator_id].append(unit_id)
    reports = defaultdict(list)
    relevant = ProgressReport.objects.filter(
        indicator_id__in=ids, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED], period_start__lte=as_of
    ).select_related("unit")
    for report in relevant:
        reports[report.indicator_id].append(report)
    # Indicators with a villages.DerivedRule take their figures from village income records instead.
    derived = derived_series(indicators, as_of)
    rows = {}
    for indicator in indicators:
        spec = indicator_spec(indicator, milestones[indicator.pk], indicator.target.plan)
        if indicator.pk in derived:
            series = derived[indicator.pk]
        else:
            series = _series(indicator.pk, reports[indicator.pk], allocations[indicator.pk])
        own = sorted(reports[indicator.pk], key=lambda r: (r.period_start, r.submitted_at))
        rows[indicator.pk] = IndicatorRow(
            indicator=indicator,
            status=rules.evaluate_status(spec, series, as_of),
            last_report=own[-1] if own else None,
            series=series,
        )
    return rows


def indicator_status(indicator: Indicator, as_of: date) -> rules.StatusResult:
    return indicator_rows(Indicator.objects.filter(pk=indicator.pk), as_of)[indicator.pk].status


@dataclass
class SectionBlock:
    section: Section | None
    depth: int
    targets: list = field(default_factory=list)


@dataclass
class TargetBlock:
    target: Target
    lead_units: list
    co_units: list
    rows: list


def plan_overview(*, plan: Plan, user, as_of: date) -> dict:
    """The plan page: its sections in order, their targets and each indicator's light."""
    targets = (
        targets_visible_to(user)
        .filter(plan=plan)
        .select_related("section")
        .prefetch_related("lead_units", "co_units")
        .order_by("seq")
    )
    targets = list(targets)
    rows = indicator_rows(Indicator.objects.filter(target__in=[t.pk for t in targets]).order_by("order", "id"), as_of)
    by_target = defaultdict(list)
    for row in rows.values():
        by_target[row.indicator.target_id].append(row)
    sections = list(plan.sections.all())
    blocks = {s.pk: SectionBlock(section=s, depth=_depth(s, sections)) for s in sections}
    loose = SectionBlock(section=None, depth=0)
    for target in targets:
        block = blocks.get(target.section_id, loose)
        block.targets.append(
            TargetBlock(
                target=target,
                lead_units=list(target.lead_units.all()),
                co_units=list(target.co_units.all()),
                rows=sorted(by_target[target.pk], key=lambda r: (r.indicator.order, r.indicator.pk)),
            )
        )
    ordered = [blocks[s.pk] for s in sections if blocks[s.pk].targets or _has_children(s, sections)]
    if loose.targets:
        ordered.insert(0, loose)
    counts = defaultdict(int)
    for row in rows.values():
        counts[row.status.status] += 1
    return {"sections": ordered, "counts": {light: counts[light] for light in Light.values}}


def _depth(section, sections) -> int:
    by_id = {s.pk: s for s in sections}
    depth, parent = 0, section.parent_id
    while parent is not None:
        depth += 1
        parent = by_id[parent].parent_id
    return depth


def _has_children(section, sections) -> bool:
    return any(s.parent_id == section.pk for s in sections)


def plan_light_counts(*, plans, user, as_of: date) -> dict[int, dict[str, int]]:
    """Per plan, how many visible indicators stand at each light."""
    plans = list(plans)
    indicators = indicators_visible_to(user).filter(target__plan__in=[p.pk for p in plans])
    counts = {p.pk: {light: 0 for light in Light.values} for p in plans}
    for row in indicator_rows(indicators, as_of).values():
        counts[row.indicator.target.plan_id][row.status.status] += 1
    return counts


def expected_reporters(indicator_ids) -> dict[int, list[int]]:
    """Which units owe a report for each indicator: its townships when allocated, else its first lead unit.

    One unit reports the county figure of an un-allocated indicator (the first lead listed in the
    responsibility table) so that co-leads are not chased for the same number twice.
    """
    ids = list(indicator_ids)
    owed = defaultdict(list)
    for indicator_id, unit_id in Allocation.objects.filter(indicator_id__in=ids).values_list("indicator_id", "unit_id"):
        owed[indicator_id].append(unit_id)
    first_lead = {}
    leads = Target.lead_units.through.objects.filter(target__indicators__in=ids).order_by("id")
    for target_id, unit_id in leads.values_list("target_id", "unit_id"):
        first_lead.setdefault(target_id, unit_id)
    for indicator_id, target_id in Indicator.objects.filter(pk__in=ids).values_list("pk", "target_id"):
        if indicator_id not in owed and target_id in first_lead:
            owed[indicator_id] = [first_lead[target_id]]
    return dict(owed)
