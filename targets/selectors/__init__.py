"""Every non-trivial read of plans, targets, indicators and reports, with its scoping.

Scoping is decided here once: a reporter sees the indicators its unit leads, shares or has been
allocated (and every township unit sees targets marked 各街道乡镇 in its county); the other roles
see everything inside their region (or everything when they have none).
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from regions.models import Unit, UnitKind
from regions.selectors import region_prefix

from .. import rules, series_sources
from ..choices import PROGRESS_KINDS, Light, ReportStatus
from ..models import VALUE_FIELD, Allocation, CurrentLight, Indicator, Milestone, Plan, ProgressReport, Section, Target


def _region_q(user, path: str) -> Q:
    if user.region_id is None:
        return Q()
    return Q(**{f"{path}code__startswith": region_prefix(user.region)})


def _unit_targets_q(unit) -> Q:
    """Targets the unit leads, shares or is allocated a share of, and for a township every target
    marked 各街道乡镇 in its county. Each part is a semi-join on an index: an OR across the two
    many-to-many joins multiplied the rows and made a reporter's every page pay for it."""
    q = (
        Q(pk__in=Target.lead_units.through.objects.filter(unit=unit).values("target_id"))
        | Q(pk__in=Target.co_units.through.objects.filter(unit=unit).values("target_id"))
        | Q(pk__in=Allocation.objects.filter(unit=unit).values("indicator__target_id"))
    )
    if unit.kind == UnitKind.TOWNSHIP:
        q |= Q(all_townships=True, plan__region__code__startswith=unit.county.code[:6])
    return q


def targets_visible_to(user):
    if not user.is_authenticated:
        return Target.objects.none()
    if user.is_reporter:
        return Target.objects.filter(_unit_targets_q(user.unit))
    return Target.objects.filter(_region_q(user, "plan__region__"))


def indicators_visible_to(user):
    return Indicator.objects.filter(target__in=targets_visible_to(user).values("pk"))


def plans_visible_to(user):
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_reporter:
        return Plan.objects.filter(pk__in=targets_visible_to(user).values("plan_id"))
    return Plan.objects.filter(_region_q(user, "region__"))


def home_plans(user) -> list:
    """The plans the home lists, newest first, as rows with what a card shows (pk, title,
    doc_number, issuer, region_name, start_date, end_date): ninety model instances and their
    regions cost more to build than the cards cost to write."""
    rows = plans_visible_to(user).order_by("-start_date", "id")
    return list(
        rows.annotate(region_name=F("region__name")).values_list(
            "pk", "title", "doc_number", "issuer", "region_name", "start_date", "end_date", named=True
        )
    )


def reports_visible_to(user):
    if not user.is_authenticated:
        return ProgressReport.objects.none()
    if user.is_reporter:
        return ProgressReport.objects.filter(unit=user.unit)
    if user.region_id is None:
        return ProgressReport.objects.all()
    # The region's indicators as a semi-join, not a join through indicator, task, plan and region:
    # with the review queue's two joins to the users who submitted and reviewed, PostgreSQL took
    # 5-8 ms to plan the joined query against 1.7 for this one, for a query it runs in 1.
    region = Indicator.objects.filter(_region_q(user, "target__plan__region__"))
    return ProgressReport.objects.filter(indicator__in=region.values("pk"))


def indicator_spec(indicator: Indicator, milestones, plan: Plan, owned: bool = True) -> rules.IndicatorSpec:
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
        reporting_from=plan.first_period,
        owned=owned,
    )


@dataclass(frozen=True, slots=True)
class CountedReport:
    """A submitted or approved report with only what the light reads: pages and freezes read
    thousands of them, so no model instance (and no join) per row."""

    id: int
    indicator_id: int
    unit_id: int
    period_start: date
    value: Decimal
    submitted_at: datetime

    @property
    def point(self) -> rules.ReportPoint:
        # The county's day (settings.TIME_ZONE), as _counted_on counts it. Named rather than the
        # active zone, which is the same but a thread-local look-up each time: a chart reads 720 points.
        day = timezone.localdate(self.submitted_at, timezone.get_default_timezone())
        return rules.ReportPoint(period_start=self.period_start, value=self.value, submitted_on=day)


_COUNTED_FIELDS = ("id", "indicator_id", "unit_id", "period_start", "value", "submitted_at")


def _counted_on(as_of: date):
    """Reports that counted on `as_of`: submitted or approved, and submitted by then. A past day's
    light is judged on the reports as they were that day, as `rules.rollup` requires. Days are the
    county's days (settings.TIME_ZONE, Asia/Shanghai), not UTC ones: a report entered at 07:00 on
    the 26th in Beijing was submitted on the 26th."""
    before_next_day = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone())
    return ProgressReport.objects.filter(
        status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED], submitted_at__lt=before_next_day
    ).order_by()


def counted_reports(windows: dict[int, date], as_of: date) -> dict[int, list[CountedReport]]:
    """Per indicator id, its reports that counted on `as_of` from the period `windows[id]` on, and
    before that period each unit's latest counted report (see `rules.window_start`). Two queries, one
    when every window is date.min (a full series)."""
    found = defaultdict(list)
    if not windows:
        return found
    by_start = defaultdict(list)
    for pk, start in windows.items():
        by_start[start].append(pk)
    recent, earlier = Q(pk__in=[]), Q(pk__in=[])
    for start, ids in by_start.items():
        recent |= Q(indicator_id__in=ids, period_start__gte=start)
        earlier |= Q(indicator_id__in=ids, period_start__lt=start)
    counted = _counted_on(as_of)
    queries = [counted.filter(recent, period_start__lte=as_of)]
    # A full series (the window date.min, the indicator page's chart) has no report before it.
    if any(start > date.min for start in by_start):
        queries.append(
            counted.filter(earlier)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("indicator_id"), F("unit_id")],
                    order_by=[F("period_start").desc(), F("submitted_at").desc()],
                )
            )
            .filter(rank=1)
        )
    for query in queries:
        for row in query.values_list(*_COUNTED_FIELDS):
            found[row[1]].append(CountedReport(*row))
    return found


@dataclass(frozen=True)
class ReadReports:
    """What a judgement of indicators read: which of them are allocated (and each share's unit and
    target), and the windows and reports of its `counted_reports` call, for a second judgement of
    the same indicators on the same day (their township shares) to narrow instead of reading again."""

    allocated: frozenset[int]
    windows: dict[int, date]
    reports: dict[int, list[CountedReport]]
    shares: dict[int, list[tuple[int, int, Decimal]]] = field(default_factory=dict)


def narrowed(reports: list[CountedReport], start: date) -> list[CountedReport]:
    """Of one indicator's `reports` as counted_reports read them from a window at or before
    `start`, exactly those it reads from `start`: the reports from `start` on, and each unit's
    latest before it (which is among them: either it lies at or after the earlier window, or it is
    the unit's latest before that window)."""
    recent = [r for r in reports if r.period_start >= start]
    latest = {}
    for r in reports:
        if r.period_start < start:
            kept = latest.get(r.unit_id)
            if kept is None or (r.period_start, r.submitted_at) > (kept.period_start, kept.submitted_at):
                latest[r.unit_id] = r
    return recent + list(latest.values())


def _counted_within(windows: dict[int, date], as_of: date, read: ReadReports | None) -> dict[int, list[CountedReport]]:
    """counted_reports(windows, as_of), narrowing what `read` holds (read on the same day from
    windows at or before these) instead of reading it again."""
    if read is None:
        return counted_reports(windows, as_of)
    covered = {pk: start for pk, start in windows.items() if pk in read.windows and read.windows[pk] <= start}
    found = counted_reports({pk: start for pk, start in windows.items() if pk not in covered}, as_of)
    for pk, start in covered.items():
        found[pk] = narrowed(read.reports.get(pk, []), start)
    return found


def _rollup_windows(windows: dict[int, date], allocations: dict[int, list[int]], as_of: date) -> dict[int, date]:
    """`windows`, reaching back for township roll-ups. The county figure of an allocated indicator
    counts only for a period every township reported (`rules.rollup`), and the latest such period
    may lie before the window: one grouped query finds it, and the window starts there instead."""
    # A window at date.min (a full series) reaches back to the first report already.
    allocated = {
        pk: len(set(units)) for pk, units in allocations.items() if units and windows.get(pk, date.min) > date.min
    }
    if not allocated:
        return windows
    own_share = Allocation.objects.filter(indicator_id=OuterRef("indicator_id"), unit_id=OuterRef("unit_id"))
    periods = (
        _counted_on(as_of)
        .filter(Exists(own_share), indicator_id__in=list(allocated), period_start__lte=as_of)
        .values("indicator_id", "period_start")
        .annotate(units=Count("unit_id", distinct=True))
        .values_list("indicator_id", "period_start", "units")
    )
    complete = {}
    for pk, period, units in periods:
        if units == allocated[pk] and period > complete.get(pk, date.min):
            complete[pk] = period
    return {pk: min(start, complete.get(pk, start)) for pk, start in windows.items()}


def _series(indicator_id, reports, allocated_units) -> list[rules.ReportPoint]:
    """The indicator's figure per period: the allocated townships rolled up, or the reports as they are."""
    if allocated_units:
        by_unit = {unit_id: [] for unit_id in allocated_units}
        for report in reports:
            if report.unit_id in by_unit:
                by_unit[report.unit_id].append(report.point)
        return rules.rollup(by_unit)
    # Several units may report one un-allocated indicator; per period the latest submission stands
    # (the later-created report when two were submitted at the same instant).
    latest = {}
    for report in sorted(reports, key=lambda r: (r.submitted_at, r.id)):
        latest[report.period_start] = report.point
    return [latest[p] for p in sorted(latest)]


@dataclass
class IndicatorRow:
    indicator: Indicator
    status: rules.StatusResult
    last_report: ProgressReport | None = None
    # The figures the light was judged on: the whole history with full_series, otherwise only the
    # periods from rules.window_start on (plus each unit's latest report before them).
    series: list = field(default_factory=list)
    # Figures computed from village income records (villages.DerivedRule), not reported by a unit.
    derived: bool = False
    spec: rules.IndicatorSpec | None = None


def indicator_rows(indicators, as_of: date, *, full_series=False, with_last_report=False) -> dict[int, IndicatorRow]:
    """Statuses of many indicators in a fixed number of queries, whatever their count.

    Today's lights are read from the table of current lights (targets.lights writes it); an
    indicator without a valid row there, and any other day, is judged afresh on the reports that
    can move its light (`rules.window_start`), so the cost does not grow with the years reported.
    `full_series` reads every period (the indicator page's chart); `with_last_report` adds each
    indicator's latest counted report as a model instance (the ledger prints its narrative). Both
    judge afresh. Rows read from the table carry no series.
    """
    indicators = indicators.select_related("target__plan")
    if full_series or with_last_report or as_of != timezone.localdate():
        return judge(list(indicators), as_of, full_series=full_series, with_last_report=with_last_report)
    stored = {light.indicator_id: light for light in current_lights(indicators, as_of).values_list(*_LIGHT, named=True)}
    indicators = list(indicators)
    rows = judge([i for i in indicators if i.pk not in stored], as_of)
    for indicator in indicators:
        light = stored.get(indicator.pk)
        if light is not None:
            rows[indicator.pk] = IndicatorRow(indicator=indicator, status=status_of(light), derived=light.derived)
    return {i.pk: rows[i.pk] for i in indicators}


def judge(indicators: list[Indicator], as_of: date, *, full_series=False, with_last_report=False):
    """Each indicator's light on `as_of`, judged afresh from its reports (the one rule, targets.rules)."""
    return _judge(indicators, as_of, full_series=full_series, with_last_report=with_last_report)[0]


def judge_with_shares(
    indicators: list[Indicator], as_of: date
) -> tuple[dict[int, IndicatorRow], list[tuple[Allocation, rules.StatusResult]]]:
    """judge(indicators, as_of) and share_statuses of the same indicators, in one pass over their
    reports: the shares are judged on the reports the indicators' own judgement read (narrowed to
    the shares' windows), not on a second read. What targets.lights stores after a write."""
    rows, read = _judge(indicators, as_of)
    return rows, share_statuses({pk: row.indicator for pk, row in rows.items()}, as_of, read=read)


def _judge(indicators: list[Indicator], as_of: date, *, full_series=False, with_last_report=False):
    if not indicators:
        return {}, ReadReports(frozenset(), {}, {})
    ids = [i.pk for i in indicators]
    milestones = defaultdict(list)
    for m in Milestone.objects.filter(indicator_id__in=ids).order_by("date"):
        milestones[m.indicator_id].append(m)
    # Who owes the report (`expected_reporters`): the townships it is allocated to, else a lead unit.
    # The shares (by indicator, with their targets for the shares' own lights) and the led targets
    # in one query.
    shares = (
        Allocation.objects.filter(indicator_id__in=ids)
        .order_by()
        .annotate(role=Value(0))
        .values_list("role", "indicator_id", "unit_id", "target_value", "pk")
    )
    leads = (
        Target.lead_units.through.objects.filter(target_id__in={i.target_id for i in indicators})
        .order_by()
        .annotate(role=Value(1), share=Value(None, output_field=DecimalField(**VALUE_FIELD)))
        .values_list("role", "target_id", "unit_id", "share", "pk")
    )
    allocations, led, share_targets = defaultdict(list), set(), defaultdict(list)
    for role, key, unit_id, share, pk in shares.union(leads, all=True):
        if role:
            led.add(key)
        else:
            allocations[key].append(unit_id)
            share_targets[key].append((pk, unit_id, share))
    specs = {
        i.pk: indicator_spec(i, milestones[i.pk], i.target.plan, owned=bool(allocations[i.pk]) or i.target_id in led)
        for i in indicators
    }
    windows = {
        pk: date.min if full_series else rules.window_start(spec, as_of)
        for pk, spec in specs.items()
        if spec.start <= as_of
    }
    windows = _rollup_windows(windows, allocations, as_of)
    reports = counted_reports(windows, as_of)
    # Indicators computed from other records (village income: villages.DerivedRule) take those figures instead.
    derived = series_sources.computed_series(indicators, as_of)
    rows, last_ids = {}, {}
    for indicator in indicators:
        own = reports.get(indicator.pk, [])
        if indicator.pk in derived:
            series = derived[indicator.pk]
        else:
            series = _series(indicator.pk, own, allocations[indicator.pk])
        rows[indicator.pk] = IndicatorRow(
            indicator=indicator,
            status=rules.evaluate_status(specs[indicator.pk], series, as_of),
            series=series,
            derived=indicator.pk in derived,
            spec=specs[indicator.pk],
        )
        if with_last_report and own:
            last_ids[max(own, key=lambda r: (r.period_start, r.submitted_at)).id] = indicator.pk
    for report in ProgressReport.objects.filter(pk__in=list(last_ids)).select_related("unit") if last_ids else ():
        rows[last_ids[report.pk]].last_report = report
    allocated = frozenset(pk for pk, units in allocations.items() if units)
    return rows, ReadReports(allocated, windows, reports, dict(share_targets))


def share_statuses(
    indicators: dict[int, Indicator], as_of: date, units=None, *, read: ReadReports | None = None
) -> list[tuple[Allocation, rules.StatusResult]]:
    """Each township's light on its own share of an allocated indicator (分解下达), from its own
    reports; only the shares of `units` (ids) when given. `read`: the reports a judgement of these
    indicators on `as_of` has read already (judge_with_shares)."""
    specs = {}
    # Of a judgement's indicators only the allocated ones have shares: none is the usual case of a write.
    wanted = list(indicators) if read is None else [pk for pk in indicators if pk in read.allocated]
    if not wanted:
        return []
    if read is not None and units is None:
        # The judgement read the shares already: no second read of them.
        allocations = [
            Allocation(pk=share_id, indicator_id=pk, unit_id=unit_id, target_value=share)
            for pk in wanted
            for share_id, unit_id, share in read.shares[pk]
        ]
    else:
        allocations = Allocation.objects.filter(indicator_id__in=wanted)
        if units is not None:
            allocations = allocations.filter(unit_id__in=list(units))
    for allocation in allocations:
        indicator = indicators[allocation.indicator_id]
        # Milestones are written for the county figure, so a share is judged on the straight path.
        spec = replace(indicator_spec(indicator, (), indicator.target.plan), target=allocation.target_value)
        if spec.kind in PROGRESS_KINDS and spec.target == spec.baseline:
            continue  # a share of nothing has no pace to judge
        specs[allocation] = spec
    windows = {a.indicator_id: rules.window_start(spec, as_of) for a, spec in specs.items() if spec.start <= as_of}
    reports = _counted_within(windows, as_of, read)
    results = []
    for allocation, spec in specs.items():
        series = [r.point for r in reports.get(allocation.indicator_id, []) if r.unit_id == allocation.unit_id]
        results.append((allocation, rules.evaluate_status(spec, series, as_of)))
    return results


def share_lights(
    *, indicator_ids, unit_ids, as_of: date, allocated: bool = False
) -> dict[tuple[int, int], rules.StatusResult]:
    """Per (indicator, township unit) with an allocated share: the township's light on its own share,
    the one a township's own pages show (My work, the review queue), not the county figure's. Today's
    is read from the stored lights; one without a valid row, and any other day, is judged afresh.

    `allocated` says the caller has read the allocations already: every indicator of
    `indicator_ids` is allocated to every unit of `unit_ids` (one unit's shares), so they are not
    read again."""
    indicator_ids, unit_ids = set(indicator_ids), set(unit_ids)
    if not indicator_ids or not unit_ids:
        return {}
    if allocated:
        pairs = {(i, u) for i in indicator_ids for u in unit_ids}
    else:
        pairs = set(
            Allocation.objects.filter(indicator_id__in=indicator_ids, unit_id__in=unit_ids).values_list(
                "indicator_id", "unit_id"
            )
        )
    found = {}
    if as_of == timezone.localdate() and pairs:
        stored = CurrentLight.objects.filter(
            valid_light_q(as_of), indicator_id__in={i for i, _u in pairs}, unit_id__in={u for _i, u in pairs}
        )
        found = {
            (light.indicator_id, light.unit_id): status_of(light) for light in stored.values_list(*_LIGHT, named=True)
        }
    missing = pairs - set(found)
    if missing:
        indicators = Indicator.objects.select_related("target__plan").in_bulk({i for i, _u in missing})
        for allocation, status in share_statuses(indicators, as_of, units={u for _i, u in missing}):
            if (allocation.indicator_id, allocation.unit_id) in missing:
                found[(allocation.indicator_id, allocation.unit_id)] = status
    return found


def indicator_status(indicator: Indicator, as_of: date) -> rules.StatusResult:
    return indicator_rows(Indicator.objects.filter(pk=indicator.pk), as_of)[indicator.pk].status


@dataclass
class SectionBlock:
    section: dict | None  # pk, parent_id, title
    depth: int
    targets: list = field(default_factory=list)


def plan_outline(*, plan: Plan, user) -> list[SectionBlock]:
    """The plan page's skeleton: its sections in order (plain rows: pk, parent_id, title), each with
    its visible targets in `targets` as plain rows (pk, seq, name, content, all_townships,
    section_id). Sections with no visible target are kept when they head sub-sections.

    `plan` is one the user may see (`plans_visible_to`): outside a unit each of its targets is
    visible, so only a reporter's are filtered (the region test again would join the plan's region)."""
    targets = targets_visible_to(user).filter(plan=plan) if user.is_reporter else Target.objects.filter(plan=plan)
    targets = targets.order_by("seq").values("pk", "seq", "name", "content", "all_townships", "section_id")
    # Section's default ordering joins the plan to sort by it: one plan's sections need their order only.
    sections = list(Section.objects.filter(plan=plan).order_by("order", "id").values("pk", "parent_id", "title"))
    depths = _depths(sections)
    parents = {s["parent_id"] for s in sections}
    blocks = {s["pk"]: SectionBlock(section=s, depth=depths[s["pk"]]) for s in sections}
    loose = SectionBlock(section=None, depth=0)
    for target in targets:
        blocks.get(target["section_id"], loose).targets.append(target)
    ordered = [blocks[s["pk"]] for s in sections if blocks[s["pk"]].targets or s["pk"] in parents]
    if loose.targets:
        ordered.insert(0, loose)
    return ordered


def _depths(sections: list[dict]) -> dict[int, int]:
    """Each section's depth below the plan (0 for a top section), by section id."""
    parent_of = {s["pk"]: s["parent_id"] for s in sections}
    depths = {}
    for pk in parent_of:
        depth, parent = 0, parent_of[pk]
        while parent is not None:
            depth, parent = depth + 1, parent_of[parent]
        depths[pk] = depth
    return depths


def units_in_table_order(target_ids) -> tuple[dict, dict]:
    """Each target's lead units and co-units (lists of Unit by target id) in the order the
    responsibility table lists them, as services.target_units_set wrote them: a many-to-many
    `all()` sorts them by the unit's own order (by name), which put 区农业农村局 before 区发改局."""
    found = ({}, {})
    for by_target, through in zip(found, (Target.lead_units.through, Target.co_units.through), strict=True):
        for row in through.objects.filter(target_id__in=list(target_ids)).select_related("unit").order_by("id"):
            by_target.setdefault(row.target_id, []).append(row.unit)
    return found


def lead_units_in_table_order(target_id) -> list:
    """One target's lead units in the order of `units_in_table_order` (the first answers for a report)."""
    rows = Target.lead_units.through.objects.filter(target_id=target_id).select_related("unit").order_by("id")
    return [row.unit for row in rows]


def unit_names_in_table_order(plan_id: int) -> tuple[dict, dict]:
    """Each target of the plan's lead units' and co-units' names (lists by target id) in the order
    of `units_in_table_order`, both read in one query written by hand: as a union of two querysets
    filtered on the page's target ids, building and compiling it took about as long as the plan
    page's writing of its 111 cards. A reporter's page looks up its own targets among them."""
    lead, co = Target.lead_units.through._meta.db_table, Target.co_units.through._meta.db_table
    target, unit = Target._meta.db_table, Unit._meta.db_table
    query = " UNION ALL ".join(
        f"SELECT {role}, link.id, link.target_id, unit.name FROM {table} link"
        f" JOIN {target} target ON target.id = link.target_id JOIN {unit} unit ON unit.id = link.unit_id"
        " WHERE target.plan_id = %s"
        for role, table in enumerate((lead, co))
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [plan_id, plan_id])
        rows = cursor.fetchall()
    found = ({}, {})
    for role, _id, target_id, name in sorted(rows):
        found[role].setdefault(target_id, []).append(name)
    return found


def plan_rows(target_ids, as_of: date) -> dict[int, list[dict]]:
    """The indicators of these targets with their lights on `as_of`, as plain rows by target id in
    each target's order: pk, target_id, name, unit, target_value, allocated, status (a
    rules.StatusResult) and derived.

    One read of the indicators with today's stored light joined (values(): a plan page lists
    hundreds and needs no model of them); an indicator without a valid stored light, and every one
    on another day, is judged afresh as `indicator_rows` does.
    """
    indicators = (
        Indicator.objects.filter(target_id__in=list(target_ids))
        .order_by("target_id", "order", "pk")
        .annotate(allocated=Exists(Allocation.objects.filter(indicator_id=OuterRef("pk"))))
    )
    fields = ["pk", "target_id", "name", "unit", "target_value", "allocated"]
    today = as_of == timezone.localdate()
    if today:
        indicators = indicators.annotate(
            light=FilteredRelation(
                "current_lights",
                condition=Q(current_lights__unit__isnull=True) & valid_light_q(as_of, "current_lights__"),
            )
        )
        fields += [f"light__{name}" for name in _LIGHT_FIELDS]
    rows = list(indicators.values(*fields))
    missing = [row["pk"] for row in rows if not today or row["light__status"] is None]
    judged = (
        judge(list(Indicator.objects.filter(pk__in=missing).select_related("target__plan")), as_of) if missing else {}
    )
    by_target = defaultdict(list)
    for row in rows:
        if row["pk"] in judged:
            row["status"], row["derived"] = judged[row["pk"]].status, judged[row["pk"]].derived
        else:
            row["status"] = _stored_status({name: row[f"light__{name}"] for name in _LIGHT_FIELDS})
            row["derived"] = row["light__derived"]
        by_target[row["target_id"]].append(row)
    return by_target


_LIGHT_FIELDS = ("status", "completion", "expected", "gap", "actual", "checkpoint", "reasons", "derived")
# A stored light as indicator_rows and share_lights read it, as plain rows for status_of: as CurrentLight
# instances a page of lights cost a fifth more to build, for fields (when judged, valid until) no page shows.
_LIGHT = ("indicator_id", "unit_id", *_LIGHT_FIELDS)


def _stored_status(light: dict) -> rules.StatusResult:
    """A stored light read as values() (`_LIGHT_FIELDS`), as `status_of` reads a CurrentLight."""
    return rules.StatusResult(
        status=light["status"],
        completion=light["completion"],
        expected=light["expected"],
        gap=light["gap"],
        actual=light["actual"],
        checkpoint=light["checkpoint"],
        reasons=tuple(rules.reason_text(r) for r in light["reasons"]),
    )


def plan_light_counts(*, plans, user, as_of: date) -> dict[int, dict[str, int]]:
    """Per plan (of those `plans_visible_to(user)` gives), how many visible indicators stand at
    each light: today's counted in the database from the stored lights (one grouped query; those
    without a valid row judged afresh), another day judged afresh."""
    plan_ids = [p.pk for p in plans]
    lights = Light.values  # worked out afresh on each read
    counts = {pk: dict.fromkeys(lights, 0) for pk in plan_ids}
    # Outside a unit every indicator of a visible plan is visible: the plans are already scoped, and
    # `indicators_visible_to`'s region test again would join every target once more.
    indicators = Indicator.objects.filter(target__plan__in=plan_ids)
    if user.is_reporter:
        indicators = indicators.filter(target__in=targets_visible_to(user).values("pk"))
    if as_of == timezone.localdate():
        # Each indicator joined to its valid stored light, if it has one: the counts and the
        # indicators left to judge come out of the same grouped query.
        lit = indicators.annotate(
            own=FilteredRelation(
                "current_lights",
                condition=Q(current_lights__unit__isnull=True) & valid_light_q(as_of, "current_lights__"),
            )
        )
        missing = 0
        for plan_id, status, n in lit.order_by().values_list("target__plan_id", "own__status").annotate(n=Count("pk")):
            if status is None:
                missing += n
            else:
                counts[plan_id][status] += n
        if not missing:
            return counts
        indicators = lit.filter(own__isnull=True)
    for row in judge(list(indicators.select_related("target__plan")), as_of).values():
        counts[row.indicator.target.plan_id][row.status.status] += 1
    return counts


def unowned_q(path: str = "") -> Q:
    """Indicators nobody answers for: no township share and no lead unit, so no unit owes a report
    (`expected_reporters` gives none). Their light is not a unit's failing: pages list them as
    未明确责任单位 until a unit is assigned. `path` leads from the queried model to the indicator."""
    indicator = f"{path}pk" if not path else f"{path.rstrip('_')}_id"
    target = f"{path}target_id"
    return ~Q(Exists(Allocation.objects.filter(indicator_id=OuterRef(indicator)))) & ~Q(
        Exists(Target.lead_units.through.objects.filter(target_id=OuterRef(target)))
    )


def expected_reporters(indicators) -> dict[int, list[int]]:
    """Which units owe a report for each indicator: its townships when allocated, else its first lead unit.

    One unit reports the county figure of an un-allocated indicator (the first lead listed in the
    responsibility table) so that co-leads are not chased for the same number twice.

    `indicators` is a list of ids, or a queryset of indicators, which is read as a subquery: a
    province's 30,000 ids sent as query parameters cost more than the queries themselves.
    """
    if isinstance(indicators, QuerySet):
        scope = indicators.order_by().values("pk")
        targets = dict(indicators.order_by().values_list("pk", "target_id"))
        target_scope = indicators.order_by().values("target_id")
    else:
        scope = list(indicators)
        targets = dict(Indicator.objects.filter(pk__in=scope).order_by().values_list("pk", "target_id"))
        target_scope = set(targets.values())
    owed = defaultdict(list)
    for indicator_id, unit_id in Allocation.objects.filter(indicator_id__in=scope).values_list(
        "indicator_id", "unit_id"
    ):
        owed[indicator_id].append(unit_id)
    return reporters_owed(targets=targets, allocated=owed, target_scope=target_scope)


def reporters_owed(
    *, targets: dict[int, int], allocated: dict[int, list[int]], target_scope=None
) -> dict[int, list[int]]:
    """expected_reporters' rule on what the caller has read already: `targets` (indicator id →
    its target id) and `allocated` (indicator id → the units it is allocated to); the targets'
    lead units are read here, of `target_scope` when given (a subquery), else of `targets`'."""
    target_scope = set(targets.values()) if target_scope is None else target_scope
    first_lead = {}
    leads = Target.lead_units.through.objects.filter(target_id__in=target_scope).order_by("id")
    for target_id, unit_id in leads.values_list("target_id", "unit_id"):
        first_lead.setdefault(target_id, unit_id)
    return owed_by_rule(targets=targets, allocated=allocated, first_lead=first_lead)


def owed_by_rule(
    *, targets: dict[int, int], allocated: dict[int, list[int]], first_lead: dict[int, int]
) -> dict[int, list[int]]:
    """expected_reporters' rule on plain values: `first_lead` maps a target id to its first lead
    unit (the lead row written first)."""
    owed = defaultdict(list, {pk: list(units) for pk, units in allocated.items() if units})
    for indicator_id, target_id in targets.items():
        if indicator_id not in owed and target_id in first_lead:
            owed[indicator_id] = [first_lead[target_id]]
    return dict(owed)


# Today's lights, as stored (targets.lights writes them) --------------------------------------


def valid_light_q(today: date, path: str = "") -> Q:
    """The rows that still hold on `today`."""
    return Q(**{f"{path}judged_on__lte": today}) & (
        Q(**{f"{path}valid_until__isnull": True}) | Q(**{f"{path}valid_until__gt": today})
    )


def status_of(light) -> rules.StatusResult:
    """A stored light (a CurrentLight, or a row of `_LIGHT`) as the rule returned it, its reasons in
    the reader's language."""
    return rules.StatusResult(
        status=light.status,
        completion=light.completion,
        expected=light.expected,
        gap=light.gap,
        actual=light.actual,
        checkpoint=light.checkpoint,
        reasons=tuple(rules.reason_text(r) for r in light.reasons),
    )


def current_lights(indicators, today: date):
    """The valid stored lights of a queryset of indicators (their own, not their shares), as a queryset."""
    return CurrentLight.objects.filter(
        valid_light_q(today), unit__isnull=True, indicator_id__in=indicators.order_by().values("pk")
    )


def lights_updated_at(indicators=None):
    """When the newest of these lights (every light by default) was judged: "数据更新于 HH:MM"."""
    qs = (
        CurrentLight.objects.all()
        if indicators is None
        else CurrentLight.objects.filter(indicator_id__in=indicators.order_by().values("pk"))
    )
    return qs.aggregate(at=Max("judged_at"))["at"]
