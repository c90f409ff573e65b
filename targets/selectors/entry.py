"""Reads behind the monthly cycle: a unit's work list, the entry form, the review queue, a report's history.

Each function runs a fixed number of queries whatever the number of rows (no query per row).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Value
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import periods
from regions.models import Region, RegionLevel, Unit
from regions.selectors import region_prefix

from .. import rules, selectors
from ..choices import Light, ReportStatus
from ..models import (
    VALUE_FIELD,
    Allocation,
    Evidence,
    Indicator,
    LateEntryGrant,
    ProgressReport,
    ReportComment,
    ReportVersion,
    Target,
)
from ..rules import entry as entry_rules

COUNTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@dataclass
class WorkRow:
    indicator: object
    status: rules.StatusResult
    owed: bool
    reporter_names: list
    share: Decimal | None = None
    period_start: date | None = None
    due: date | None = None
    days_left: int | None = None
    missed_locked: tuple = ()
    report: ProgressReport | None = None
    last_report: ProgressReport | None = None

    @property
    def period(self) -> str:
        return periods.period_label(self.period_start, self.indicator.frequency) if self.period_start else ""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def missed_labels(self) -> list[str]:
        return [periods.period_label(p, self.indicator.frequency) for p in self.missed_locked]

    @property
    def missed_words(self) -> str:
        """The latest three missed periods as a person reads them: 2026年9月、2026年10月."""
        words = [rules.period_words(p, self.indicator.frequency) for p in self.missed_locked[-3:]]
        return pgettext("list separator", ", ").join(words)


def _granted_periods(unit, today) -> tuple[set, set]:
    by_indicator, by_plan = set(), set()
    for g in LateEntryGrant.objects.filter(unit=unit, until__gte=today).values(
        "indicator_id", "plan_id", "period_start"
    ):
        if g["indicator_id"]:
            by_indicator.add((g["indicator_id"], g["period_start"]))
        else:
            by_plan.add((g["plan_id"], g["period_start"]))
    return by_indicator, by_plan


@dataclass(frozen=True)
class OwnLight:
    """An indicator a unit reports, as the unit is judged on it: its own share's light and target
    when the indicator is allocated (分解下达) to it, else the indicator's own light."""

    status: rules.StatusResult
    share: Decimal | None = None


def unit_own_lights(*, unit, statuses: dict, as_of: date) -> dict[int, OwnLight]:
    """Of `statuses` (indicator id → the indicator's rules.StatusResult), the indicators `unit` owes
    a report for, with the light its own pages show (My work's): a township is not red for another
    township's missing share.

    Who owes is selectors.expected_reporters' rule (the townships of an allocated indicator, else
    its target's first lead unit), asked here of this unit only, in one read of the indicators."""
    first_lead = Target.lead_units.through.objects.filter(target_id=OuterRef("target_id")).order_by("id")
    indicators = (
        Indicator.objects.filter(pk__in=list(statuses))
        .order_by()
        .annotate(
            allocated=Exists(Allocation.objects.filter(indicator_id=OuterRef("pk"))),
            first_lead=Subquery(first_lead.values("unit_id")[:1]),
            share=Subquery(Allocation.objects.filter(indicator_id=OuterRef("pk"), unit=unit).values("target_value")),
        )
        .values_list("pk", "allocated", "first_lead", "share")
    )
    mine, shares = [], {}
    for pk, allocated, lead, share in indicators:
        if share is not None:
            shares[pk] = share
        if share is not None or (not allocated and lead == unit.pk):
            mine.append(pk)
    lights = selectors.share_lights(indicator_ids=shares, unit_ids=[unit.pk], as_of=as_of, allocated=True)
    return {pk: OwnLight(status=lights.get((pk, unit.pk), statuses[pk]), share=shares.get(pk)) for pk in mine}


def unit_own_light_counts(*, user, plans, as_of: date) -> dict[int, dict[str, int]]:
    """Per plan, how many of the indicators the reporter's unit reports stand at each light, each on
    the light the unit is judged by (unit_own_lights): the home page's counts beside the county's."""
    plan_ids = [p.pk for p in plans]
    counts = {pk: dict.fromkeys(Light.values, 0) for pk in plan_ids}
    indicators = selectors.indicators_visible_to(user).filter(target__plan__in=plan_ids)
    rows = selectors.indicator_rows(indicators, as_of)
    for pk, light in unit_own_lights(
        unit=user.unit, statuses={pk: row.status for pk, row in rows.items()}, as_of=as_of
    ).items():
        counts[rows[pk].indicator.target.plan_id][light.status.status] += 1
    return counts


def _owing_units(indicator_ids: list[int], target_ids: set[int], unit):
    """In one query (UNION ALL): the units each indicator is allocated to, the unit's own shares,
    each target's first lead unit, and the names of these units (by id)."""
    allocations = (
        Allocation.objects.filter(indicator_id__in=indicator_ids)
        .order_by()
        .annotate(role=Value(0))
        .values_list("role", "indicator_id", "unit_id", "unit__name", "target_value", "pk")
    )
    leads = (
        Target.lead_units.through.objects.filter(target_id__in=target_ids)
        .order_by()
        .annotate(role=Value(1), share=Value(None, output_field=DecimalField(**VALUE_FIELD)))
        .values_list("role", "target_id", "unit_id", "unit__name", "share", "pk")
    )
    allocated, shares, first_lead, names, first_row = defaultdict(list), {}, {}, {}, {}
    for role, key, unit_id, name, share, pk in allocations.union(leads, all=True):
        names[unit_id] = name
        if role:
            # The lead written first (the lowest row id) answers for the target.
            if key not in first_row or pk < first_row[key]:
                first_row[key], first_lead[key] = pk, unit_id
        else:
            allocated[key].append((pk, unit_id))
            if unit_id == unit.pk:
                shares[key] = share
    # In the order the shares were written, as a read of the shares alone gives them.
    allocated = {key: [unit_id for _pk, unit_id in sorted(units)] for key, units in allocated.items()}
    return allocated, shares, first_lead, names


def work_rows(*, user, today: date, indicator_ids=None) -> list[WorkRow]:
    """My work's row for each indicator the unit sees (only those of `indicator_ids` when given)."""
    unit = user.unit
    indicators = selectors.indicators_visible_to(user).select_related("target__section").order_by()
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=list(indicator_ids))
    statuses = selectors.indicator_rows(indicators, today)
    ids = list(statuses)
    targets = {pk: row.indicator.target_id for pk, row in statuses.items()}
    allocated, shares, first_lead, names = _owing_units(ids, set(targets.values()), unit)
    # Who owes each row is selectors.expected_reporters' rule, on the rows' own targets.
    owed = selectors.owed_by_rule(targets=targets, allocated=allocated, first_lead=first_lead)
    # Every period the unit reported, as (id, status) only: years of history, of which each row
    # shows at most two reports, fetched whole afterwards.
    own = defaultdict(dict)
    # order_by(): the model's default order joins five tables to sort rows this loop does not need sorted.
    history = ProgressReport.objects.filter(unit=unit, indicator_id__in=ids).order_by()
    for pk, indicator_id, period_start, status in history.values_list("pk", "indicator_id", "period_start", "status"):
        own[indicator_id][period_start] = (pk, status)
    # A township's row shows the light of its own share, not the county figure's (which another
    # township's missing report can turn red while this one reported on time).
    own_lights = selectors.share_lights(indicator_ids=shares, unit_ids=[unit.pk], as_of=today, allocated=True)
    granted_indicator, granted_plan = _granted_periods(unit, today)
    rows, shown = [], {}
    for indicator_id, status_row in statuses.items():
        row = WorkRow(
            indicator=status_row.indicator,
            status=own_lights.get((indicator_id, unit.pk), status_row.status),
            owed=unit.pk in owed.get(indicator_id, []),
            reporter_names=[names[u] for u in owed.get(indicator_id, []) if u in names],
            share=shares.get(indicator_id),
        )
        reports = own[indicator_id]
        if reports:
            shown.setdefault(reports[max(reports)][0], []).append((row, "last_report"))
        if row.owed:
            due_report = _place_period(row, reports, granted_indicator, granted_plan, today)
            if due_report is not None:
                shown.setdefault(due_report, []).append((row, "report"))
        rows.append(row)
    for report in ProgressReport.objects.filter(pk__in=list(shown)).order_by() if shown else ():
        for row, attribute in shown[report.pk]:
            report.indicator = row.indicator  # report.period reads it: no query per row
            setattr(row, attribute, report)
    return rows


@dataclass(frozen=True)
class Placement:
    """Where a My work row goes: its plan and section, and its order inside them."""

    plan_id: int
    section_id: int | None
    section_order: int | None
    order: tuple
    overdue: bool


def placement(row: WorkRow) -> Placement:
    """Inside a group: overdue first, then what the unit owes, soonest due, then table order."""
    indicator = row.indicator
    target = indicator.target
    return Placement(
        plan_id=target.plan_id,
        section_id=target.section_id,
        section_order=target.section.order if target.section_id else None,
        order=(
            not row.overdue,
            not row.owed,
            row.days_left if row.days_left is not None else 10**6,
            target.seq,
            indicator.order,
            indicator.pk,
        ),
        overdue=row.overdue,
    )


def period_due(indicator, *, today: date, reported: set, granted: set = frozenset()) -> entry_rules.Due:
    """entry_rules.period_to_report on the indicator's calendar and its plan's (due day, lock, first
    period owed): what My work and 申请补报 each ask of a unit's reports."""
    plan = indicator.target.plan
    return entry_rules.period_to_report(
        start=indicator.start_date,
        deadline=indicator.deadline,
        frequency=indicator.frequency,
        due_day=plan.due_day,
        lock_after_days=plan.lock_after_days,
        today=today,
        reported=reported,
        granted=granted,
        reporting_from=plan.first_period,
    )


def _place_period(row: WorkRow, reports: dict, granted_indicator: set, granted_plan: set, today: date) -> int | None:
    """Set the period the row owes next and its due date; the id of the unit's report for it, if any.
    `reports` maps each period the unit reported to (id, status)."""
    indicator = row.indicator
    plan = indicator.target.plan
    granted = {p for (i, p) in granted_indicator if i == indicator.pk} | {
        p for (pl, p) in granted_plan if pl == plan.pk
    }
    due = period_due(
        indicator,
        today=today,
        reported={p for p, (_pk, status) in reports.items() if status in COUNTED},
        granted=granted,
    )
    # A target already reached owes nothing more: its unreported periods are not worth a warning.
    row.missed_locked = due.missed_locked if row.status.status != Light.DONE else ()
    if due.period_start is None:
        return None
    row.period_start = due.period_start
    row.due = periods.due_date(due.period_start, indicator.frequency, plan.due_day)
    row.days_left = (row.due - today).days
    return reports[due.period_start][0] if due.period_start in reports else None


def entry_context(*, indicator, unit, period_start: date) -> dict:
    """What the entry form shows around the value: the share, the last approved value, the county roll-up."""
    earlier = (
        ProgressReport.objects.filter(
            indicator=indicator, unit=unit, period_start__lt=period_start, status=ReportStatus.APPROVED
        )
        .order_by("-period_start")
        .first()
    )
    share = Allocation.objects.filter(indicator=indicator, unit=unit).values_list("target_value", flat=True).first()
    return {"last_approved": earlier, "share": share, "rollup": county_rollup(indicator, period_start)}


@dataclass
class RollupRow:
    unit: Unit
    share: Decimal
    report: ProgressReport | None


def county_rollup(indicator, period_start: date) -> dict | None:
    """For an allocated indicator: each township's latest counted value up to the period, and their sum, named
    by the county it adds up to (洞头区汇总, 旬邑县（合计）)."""
    allocations = list(
        Allocation.objects.filter(indicator=indicator).select_related("unit__county").order_by("unit__name")
    )
    if not allocations:
        return None
    latest = {}
    counted = ProgressReport.objects.filter(indicator=indicator, status__in=COUNTED, period_start__lte=period_start)
    for report in counted.order_by("period_start", "submitted_at"):
        latest[report.unit_id] = report
    rows = [RollupRow(unit=a.unit, share=a.target_value, report=latest.get(a.unit_id)) for a in allocations]
    total = sum((r.report.value for r in rows if r.report), Decimal(0))
    return {
        "area": allocations[0].unit.county.name,
        "rows": rows,
        "total": total,
        "target": sum((a.target_value for a in allocations), Decimal(0)),
        "complete": all(r.report and r.report.period_start == period_start for r in rows),
    }


@dataclass(frozen=True)
class ReportTarget:
    value: Decimal
    is_share: bool


def report_target(report) -> ReportTarget:
    """What a report's value is read against: the unit's allocated share (a township's 13 个 of the
    county's 80 个), or the indicator's target."""
    share = (
        Allocation.objects.filter(indicator_id=report.indicator_id, unit_id=report.unit_id)
        .values_list("target_value", flat=True)
        .first()
    )
    return ReportTarget(share, True) if share is not None else ReportTarget(report.indicator.target_value, False)


REVIEW_ORDERS = {
    # oldest submission first: first come, first reviewed
    "submitted": ("submitted_at", "id"),
    # the earliest period first, i.e. the earliest due date
    "due": ("period_start", "submitted_at", "id"),
    # late ones first, then the oldest submission
    "late": ("-is_late", "submitted_at", "id"),
}


def review_queue(*, user, plan=None, unit=None, township=None, late=None, sort="submitted"):
    """Submitted reports in the user's region, in one of REVIEW_ORDERS (oldest submission first by default)."""
    reports = selectors.reports_visible_to(user).filter(status=ReportStatus.SUBMITTED)
    if plan:
        reports = reports.filter(indicator__target__plan_id=plan)
    if unit:
        reports = reports.filter(unit_id=unit)
    if township:
        reports = reports.filter(unit__township_id=township)
    if late is not None:
        reports = reports.filter(is_late=late)
    return reports.select_related("indicator__target__plan", "unit", "submitted_by").order_by(
        *REVIEW_ORDERS.get(sort, REVIEW_ORDERS["submitted"])
    )


@dataclass
class ReviewContext:
    """What a reviewer weighs a report against: the unit's previous counted value, the change, the light now."""

    previous: ProgressReport | None
    change: Decimal | None
    light: str
    # What the value is read against: the township's share when the unit has one, else the indicator's target.
    target: Decimal | None = None


def review_context(reports: list, today: date) -> dict[int, ReviewContext]:
    """The context of each report on a queue page, in a fixed number of queries whatever the page's
    length. A township's report is read against its own share: its target and its share's light."""
    if not reports:
        return {}
    indicator_ids = {r.indicator_id for r in reports}
    earlier = defaultdict(list)
    counted = ProgressReport.objects.filter(
        indicator_id__in=indicator_ids,
        unit_id__in={r.unit_id for r in reports},
        status__in=COUNTED,
        period_start__lt=max(r.period_start for r in reports),
    ).order_by("period_start")
    for old in counted:
        earlier[(old.indicator_id, old.unit_id)].append(old)
    lights = selectors.indicator_rows(Indicator.objects.filter(pk__in=indicator_ids), today) if indicator_ids else {}
    unit_ids = {r.unit_id for r in reports}
    shares = dict(
        ((a, u), t)
        for a, u, t in Allocation.objects.filter(indicator_id__in=indicator_ids, unit_id__in=unit_ids).values_list(
            "indicator_id", "unit_id", "target_value"
        )
    )
    share_lights = selectors.share_lights(indicator_ids=indicator_ids, unit_ids=unit_ids, as_of=today)
    found = {}
    for report in reports:
        before = [o for o in earlier[(report.indicator_id, report.unit_id)] if o.period_start < report.period_start]
        previous = before[-1] if before else None
        if previous is not None:
            previous.indicator = report.indicator  # previous.period reads it: no query per row
        row = lights.get(report.indicator_id)
        key = (report.indicator_id, report.unit_id)
        light = share_lights[key].status if key in share_lights else (row.status.status if row else Light.NOT_STARTED)
        found[report.pk] = ReviewContext(
            previous=previous,
            change=report.value - previous.value if previous else None,
            light=light,
            target=shares.get(key, report.indicator.target_value),
        )
    return found


def review_filter_choices(user) -> dict:
    plans = selectors.plans_visible_to(user).order_by("-start_date", "id")
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP)
    if user.region_id is not None:
        townships = townships.filter(code__startswith=region_prefix(user.region))
    return {"plans": plans, "units": units_in_region(user), "townships": townships.order_by("code")}


@dataclass
class HistoryEntry:
    at: object
    by: object
    kind: str  # "version", "comment", "evidence"
    action: str = ""
    version: int | None = None
    changes: list = field(default_factory=list)
    text: str = ""
    evidence: Evidence | None = None


def _shown(name: str, value):
    """A stored version value as people read it: 400 rather than 400.0000, "returned" rather than a code."""
    if value is None:
        return None
    if name == "value":
        return format(Decimal(value).normalize(), "f")
    if name == "status":
        return ReportStatus(value).label
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _changes(previous: dict, data: dict) -> list[dict]:
    rows = []
    for name in ReportVersion.FIELDS:
        old, new = previous.get(name), data.get(name)
        if old == new or (not previous and new in ("", None, False)):
            continue
        rows.append(
            {
                "name": name,
                "label": ProgressReport._meta.get_field(name).verbose_name,
                "old": _shown(name, old) if previous else None,
                "new": _shown(name, new),
            }
        )
    return rows


def report_history(report) -> list[HistoryEntry]:
    """Every version with what changed from the one before, the comments and the files, in time order."""
    entries, previous = [], {}
    for v in ReportVersion.objects.filter(report=report).select_related("by").order_by("version"):
        changes = _changes(previous, v.data)
        previous = v.data
        if v.action == "update" and not changes:
            continue  # an edit that changed nothing (recorded before the services stopped writing them)
        entries.append(
            HistoryEntry(at=v.at, by=v.by, kind="version", action=v.action, version=v.version, changes=changes)
        )
    for c in ReportComment.objects.filter(report=report).select_related("author"):
        entries.append(HistoryEntry(at=c.created_at, by=c.author, kind="comment", text=c.text))
    for e in Evidence.objects.filter(report=report).select_related("uploaded_by"):
        entries.append(HistoryEntry(at=e.uploaded_at, by=e.uploaded_by, kind="evidence", evidence=e))
    return sorted(entries, key=lambda e: e.at)


def report_series(report) -> list[tuple[str, Decimal, bool]]:
    """The unit's value for every period of the indicator up to this report's (the counted ones, and this
    report whatever its status), for the report page's chart."""
    counted = ProgressReport.objects.filter(
        indicator_id=report.indicator_id,
        unit_id=report.unit_id,
        period_start__lte=report.period_start,
        status__in=COUNTED,
    )
    by_period = {p: v for p, v in counted.order_by("period_start").values_list("period_start", "value")}
    by_period[report.period_start] = report.value
    frequency = report.indicator.frequency
    return [(rules.period_words(p, frequency), v, p == report.period_start) for p, v in sorted(by_period.items())]


def units_in_region(user):
    units = Unit.objects.select_related("county")
    if user.region_id is not None:
        prefix = region_prefix(user.region)
        units = units.filter(county__code__startswith=prefix[:6])
    return units.order_by("county__code", "kind", "name")
