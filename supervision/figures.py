"""The figures of the supervision dashboards and the bulletins: the month under way read from today's
stored lights (targets.CurrentLight), a past month from its month-end snapshots.

Pure selectors: keyword arguments in, plain dataclasses out, a fixed number of queries whatever the
size of the region (every count is a GROUP BY in the database, never a loop over indicators).
Nothing here writes: `supervision.services.snapshot_freeze(as_of=month_end)` freezes a month, the
Celery task `supervision.tasks.freeze_month_end` does so on the 1st and the office's button (a
POST) whenever asked. A past month without snapshots is a month of zero indicators, never a guess.

Every function takes `as_of` (any day; the month end on or after it is used) or `month`, the
region to look at (a county, a city, a province, or None for everything), and optional filters:
`plan`, `section` (with its sub-sections), `unit` (indicators it leads, shares or is allocated) and
`township` (the township's own lights on its allocated shares, plus the indicators its unit
answers for that are not allocated).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from core import periods
from core.periods import Frequency, month_end, previous_month_end
from regions.models import Region, RegionLevel, Unit, UnitKind
from regions.selectors import region_prefix
from targets import rules
from targets.choices import Light, ReportStatus
from targets.models import Allocation, CurrentLight, Indicator, Milestone, Plan, ProgressReport, Section, Target
from targets.selectors import unowned_indicators, unowned_q

from .models import MonthCount, StatusSnapshot, SupervisionItem, SupervisionStatus
from .rules import behind, days_behind

LIGHTS = tuple(Light.values)  # not_started, done, green, amber, red
FLAGGED = (Light.RED.value, Light.AMBER.value)
DIMENSIONS = ("section", "lead_unit", "township", "county")


def lights_of(light) -> list[str]:
    """A light filter as the lights it keeps: one light ("red") or several (FLAGGED, the red and amber list)."""
    return [light] if isinstance(light, str) else list(light)


def _zero() -> dict[str, int]:
    return {light: 0 for light in LIGHTS}


@dataclass
class LightCounts:
    as_of: date
    previous_as_of: date
    counts: dict[str, int]
    previous: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def change(self) -> dict[str, int]:
        """Per light, how many more (or fewer) indicators than at the previous month end."""
        return {light: self.counts[light] - self.previous[light] for light in LIGHTS}


@dataclass
class GroupCounts:
    key: int | None
    label: str
    counts: dict[str, int] = field(default_factory=_zero)
    code: str = ""  # the division code, for a county or township group
    order: tuple = ()  # where a section stands in its plan: (plan, order, id)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class TrendPoint:
    as_of: date
    counts: dict[str, int]


@dataclass
class ReportingRate:
    """Reporting completeness and timeliness of one unit (or one county) for one period."""

    key: int
    label: str
    expected: int = 0
    submitted: int = 0
    on_time: int = 0

    @property
    def submitted_rate(self) -> Decimal | None:
        return _rate(self.submitted, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.on_time, self.expected)

    @property
    def missing(self) -> int:
        return self.expected - self.submitted


@dataclass
class LeagueRow:
    key: int
    label: str
    expected: int
    submitted: int
    on_time: int
    on_time_rate: Decimal | None
    completion: Decimal | None
    red: int
    rank: int = 0
    code: str = ""  # a county's division code
    township_id: int | None = None  # a township unit's township


@dataclass
class FlaggedRow:
    indicator_id: int
    name: str
    target: str
    plan_id: int
    status: str
    reasons: list
    gap: Decimal | None
    completion: Decimal | None
    lead_units: list[str]
    days_behind: int | None
    # The 落后百分点 a list shows: the gap when behind pace, else why a late light is lit (rules.behind).
    behind: Decimal | str | None = None
    # No township share and no lead unit: nobody owes its report (未明确责任单位).
    unowned: bool = False
    target_id: int | None = None


@dataclass
class FlaggedList:
    total: int
    rows: list[FlaggedRow]


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


# Scoping -----------------------------------------------------------------------------------------


def _region_q(region: Region | None, path: str) -> Q:
    return Q(**{f"{path}code__startswith": region_prefix(region)}) if region is not None else Q()


def _section_ids(section: Section) -> list[int]:
    """The section and every section nested under it (one query)."""
    children = defaultdict(list)
    for pk, parent in Section.objects.filter(plan_id=section.plan_id).values_list("pk", "parent_id"):
        children[parent].append(pk)
    ids, todo = [], [section.pk]
    while todo:
        pk = todo.pop()
        ids.append(pk)
        todo += children[pk]
    return ids


def _answers_q(unit: Unit, path: str = "") -> Q:
    """Indicators a unit leads, shares or is allocated, as a filter on a path to Indicator."""
    led = Target.lead_units.through.objects.filter(target_id=OuterRef(f"{path}target_id"), unit=unit)
    shared = Target.co_units.through.objects.filter(target_id=OuterRef(f"{path}target_id"), unit=unit)
    allocated = Allocation.objects.filter(indicator_id=OuterRef(f"{path}pk" if path else "pk"), unit=unit)
    return Q(Exists(led)) | Q(Exists(shared)) | Q(Exists(allocated))


def _indicator_filters(qs, path: str, *, region, plan, section, unit):
    """The region, plan, section and unit filters on a queryset of indicators (path "") or of snapshots."""
    qs = qs.filter(_region_q(region, f"{path}target__plan__region__"))
    if plan is not None:
        qs = qs.filter(**{f"{path}target__plan": plan})
    if section is not None:
        qs = qs.filter(**{f"{path}target__section_id__in": _section_ids(section)})
    if unit is not None:
        qs = qs.filter(_answers_q(unit, path))
    return qs


def indicators_in(*, region, plan=None, section=None, unit=None):
    """The indicators of a region under the filters (township is a filter of lights, not of indicators)."""
    return _indicator_filters(Indicator.objects.all(), "", region=region, plan=plan, section=section, unit=unit)


def is_current(end: date) -> bool:
    """True for the month under way: its figures are today's stored lights, not a frozen month."""
    return end == month_end(timezone.localdate())


def _source(end: date):
    """The light rows of a month end: today's stored lights for the month under way, else its snapshots."""
    return CurrentLight.objects.all() if is_current(end) else StatusSnapshot.objects.filter(as_of=end)


def _scope(
    *, region, end: date, plan=None, section=None, unit=None, township=None, light=None, lead_unit=None, shares=False
):
    """Light rows of the month end `end` under the filters: the indicators' own rows, or with `shares` the
    rows of their township shares, or with `township` that township's own lights."""
    qs = _indicator_filters(_source(end), "indicator__", region=region, plan=plan, section=section, unit=unit)
    if lead_unit is not None:
        qs = qs.filter(
            Exists(Target.lead_units.through.objects.filter(target_id=OuterRef("indicator__target_id"), unit=lead_unit))
        )
    if township is not None:
        qs = qs.filter(_township_q(township))
    else:
        qs = qs.filter(unit__isnull=not shares)
    if light:
        qs = qs.filter(status__in=lights_of(light))
    return qs


def snapshots(*, region, as_of: date, plan=None, section=None, unit=None, township=None, light=None, lead_unit=None):
    """The snapshot rows behind every count: one per indicator, or per township share with `township`.

    `lead_unit` keeps the indicators that unit leads (the rows behind a count of the lead-unit split).
    """
    return _scope(
        region=region,
        end=month_end(as_of),
        plan=plan,
        section=section,
        unit=unit,
        township=township,
        light=light,
        lead_unit=lead_unit,
    )


def _township_q(township: Region) -> Q:
    """The township's own lights: its shares of allocated indicators, and un-allocated ones its unit answers for."""
    own = Target.lead_units.through.objects.filter(target_id=OuterRef("indicator__target_id"), unit__township=township)
    shared = Target.co_units.through.objects.filter(target_id=OuterRef("indicator__target_id"), unit__township=township)
    allocated = Allocation.objects.filter(indicator_id=OuterRef("indicator_id"))
    return Q(unit__township=township) | (
        Q(unit__isnull=True) & (Q(Exists(own)) | Q(Exists(shared))) & ~Q(Exists(allocated))
    )


def _count_by_light(qs) -> dict[str, int]:
    counts = _zero()
    for status, n in qs.order_by().values_list("status").annotate(n=Count("id")):
        counts[status] = n
    return counts


# Figures -----------------------------------------------------------------------------------------


def light_counts(*, region, as_of: date, plan=None, section=None, unit=None, township=None, light=None) -> LightCounts:
    """How many indicators stand at each light at the month end of `as_of`, and at the month end before.

    `change` is the difference with the previous month end (two GROUP BY queries). With `light` only
    the indicators at that light are counted, as the list behind the filter shows them.
    """
    end = month_end(as_of)
    before = previous_month_end(end)
    scope = dict(region=region, plan=plan, section=section, unit=unit, township=township, light=light)
    return LightCounts(
        as_of=end,
        previous_as_of=before,
        counts=_count_by_light(snapshots(as_of=end, **scope)),
        previous=_count_by_light(snapshots(as_of=before, **scope)),
    )


def light_counts_by(
    *,
    dimension: str,
    region,
    as_of: date,
    plan=None,
    section=None,
    unit=None,
    township=None,
    light=None,
    known: dict | None = None,
) -> list[GroupCounts]:
    """The light counts split by "section" (top-level sections of the plans), "lead_unit" or "township".

    An indicator with two lead units counts once for each. The township split counts each
    township's own lights on its allocated shares. Sections stand in the order the plan reads;
    the other groups are ordered by red, then amber, count. `known` holds units or townships the
    page has already read ({pk: object}), whose names are not read again.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {', '.join(DIMENSIONS)}")
    scope = dict(region=region, plan=plan, section=section, unit=unit, light=light)
    rows = snapshots(as_of=as_of, township=township, **scope)
    if dimension == "township":
        groups = _by_township(as_of=as_of, township=township, known=known, **scope)
    elif dimension == "lead_unit":
        groups = _labelled(_grouped(rows, "indicator__target__lead_units"), Unit, known)
    elif dimension == "county":
        groups = _labelled(_grouped(rows, "indicator__target__plan__region_id"), Region, known)
    else:
        # Tasks outside any section (key None) come after the plan's own sections.
        return sorted(_by_top_section(rows), key=lambda g: (g.key is None, g.order))
    return sorted(groups, key=lambda g: (-g.counts[Light.RED], -g.counts[Light.AMBER], g.label))


def _grouped(qs, path: str) -> dict[int, GroupCounts]:
    """The light counts of `qs` grouped by `path`, unlabelled (`_labelled` names them)."""
    groups = {}
    for key, status, n in qs.order_by().values_list(path, "status").annotate(n=Count("id")):
        if key is not None:
            groups.setdefault(key, GroupCounts(key=key, label="")).counts[status] += n
    return groups


def _labelled(groups: dict[int, GroupCounts], model, known: dict | None = None) -> list[GroupCounts]:
    """The groups named by their unit's or region's name (and code): those in `known` ({pk: object},
    already read by the page) as they are, the others in one query."""
    known = known or {}
    missing = [key for key in groups if key not in known]
    found = model.objects.filter(pk__in=missing).in_bulk() if missing else {}
    for key, group in groups.items():
        obj = known.get(key) or found.get(key)
        if obj is not None:
            group.label, group.code = obj.name, obj.code if model is Region else ""
    return list(groups.values())


def _by_township(*, region, as_of, plan, section, unit, township, light=None, known=None) -> list[GroupCounts]:
    """Each township's own lights, as `_township_q` selects them for one township, for all at once."""
    end = month_end(as_of)
    shares = _scope(
        region=region, end=end, plan=plan, section=section, unit=unit, township=township, light=light, shares=True
    ).filter(unit__isnull=False)
    allocated = Allocation.objects.filter(indicator_id=OuterRef("indicator_id"))
    loose = _scope(region=region, end=end, plan=plan, section=section, unit=unit, light=light).filter(
        ~Q(Exists(allocated))
    )
    if township is not None:
        loose = loose.none()  # the township's own rows are all in `shares` already
    parts = [
        qs.order_by().values_list(path, "status").annotate(n=Count("id"))
        for qs, path in (
            (shares, "unit__township_id"),
            (loose, "indicator__target__lead_units__township_id"),
            (loose, "indicator__target__co_units__township_id"),
        )
    ]
    groups = {}
    # The three counts in one query (UNION ALL), summed per township here.
    for key, status, n in parts[0].union(*parts[1:], all=True):
        if key is not None:
            groups.setdefault(key, GroupCounts(key=key, label="")).counts[status] += n
    return _labelled(groups, Region, known)


def _by_top_section(qs) -> list[GroupCounts]:
    rows = list(qs.order_by().values_list("indicator__target__section_id", "status").annotate(n=Count("id")))
    keys = {key for key, _s, _n in rows if key is not None}
    plans = Section.objects.filter(pk__in=keys).values("plan_id")
    sections = {
        s.pk: s for s in Section.objects.filter(plan_id__in=plans).only("pk", "plan_id", "parent_id", "title", "order")
    }
    groups = {}
    for key, status, n in rows:
        top = key
        while top is not None and sections[top].parent_id is not None:
            top = sections[top].parent_id
        label = sections[top].title if top is not None else ""
        order = (sections[top].plan_id, sections[top].order, top) if top is not None else ()
        group = groups.setdefault(top, GroupCounts(key=top, label=label, order=order))
        group.counts[status] += n
    return list(groups.values())


def trend(
    *,
    region,
    as_of: date,
    months: int = 12,
    plan=None,
    section=None,
    unit=None,
    township=None,
    light=None,
    counted: LightCounts | None = None,
) -> list[TrendPoint]:
    """The light counts at each of the `months` month ends up to `as_of`'s, oldest first (one query,
    and one for the month under way). `counted` is `light_counts` of the same scope, which the page
    has read: the month under way is taken from it, not counted again."""
    ends = [month_end(as_of)]
    while len(ends) < months:
        ends.append(previous_month_end(ends[-1]))
    ends.reverse()
    scope = dict(region=region, plan=plan, section=section, unit=unit, township=township, light=light)
    points = {end: _zero() for end in ends}
    frozen = [end for end in ends if not is_current(end)]
    # The frozen months in one query, the month under way in another. Without a section, unit or
    # township filter the counts stored per plan at each freeze serve (MonthCount), not the snapshots.
    if section is None and unit is None and township is None:
        qs = MonthCount.objects.filter(_region_q(region, "plan__region__"), as_of__in=frozen)
        qs = qs.filter(plan=plan) if plan is not None else qs
        qs = qs.filter(status__in=lights_of(light)) if light else qs
        rows = qs.order_by().values_list("as_of", "status").annotate(n=Sum("count"))
    else:
        qs = _indicator_filters(
            StatusSnapshot.objects.filter(as_of__in=frozen),
            "indicator__",
            region=region,
            plan=plan,
            section=section,
            unit=unit,
        )
        qs = qs.filter(_township_q(township)) if township is not None else qs.filter(unit__isnull=True)
        qs = qs.filter(status__in=lights_of(light)) if light else qs
        rows = qs.order_by().values_list("as_of", "status").annotate(n=Count("id"))
    for end, status, n in rows:
        points[end][status] = n
    for end in ends:
        if is_current(end):
            known = counted is not None and counted.as_of == end
            points[end] = dict(counted.counts) if known else _count_by_light(_scope(end=end, **scope))
    return [TrendPoint(as_of=end, counts=points[end]) for end in ends]


# Reporting completeness and timeliness -----------------------------------------------------------


def _reporting_counts(indicators, month: date, *, by_county: bool, unit=None) -> list[tuple[int, int, int, int]]:
    """(owner, expected, submitted, on time) per unit, or per county with `by_county`: every cell
    (indicator, reporter) owing a report in `month`, and its counted report if there is one.

    Per frequency, a cell owes the period due in `month` (`rules.period_due_in`) when start <=
    period <= deadline and the plan reports from before the period's end: `rules.owed_period`, as
    conditions. The period is a constant in each part, so the report is found on its unique index."""
    scope, scope_params = indicators.order_by().values("pk").query.sql_with_params()
    tables = {
        name: model._meta.db_table
        for name, model in (
            ("indicator", Indicator),
            ("target", Target),
            ("plan", Plan),
            ("allocation", Allocation),
            ("leads", Target.lead_units.through),
            ("unit", Unit),
            ("report", ProgressReport),
        )
    }
    owner = "u.county_id" if by_county else "u.id"
    parts, params = [], list(scope_params)
    for frequency in Frequency.values:
        period = rules.period_due_in(frequency, month)
        if period is None:
            continue
        parts.append(f"""
            SELECT {owner} AS owner, count(*) AS expected, count(r.id) AS submitted,
                   count(CASE WHEN NOT r.is_late THEN 1 END) AS on_time
            FROM cells c JOIN {tables["unit"]} u ON u.id = c.reporter
            LEFT JOIN {tables["report"]} r ON r.indicator_id = c.indicator_id AND r.unit_id = c.reporter
                 AND r.period_start = %s AND r.status IN (%s, %s)
            WHERE c.frequency = %s AND c.start_date <= %s AND c.deadline >= %s
              AND (c.first_period IS NULL OR c.first_period <= %s) {"AND c.reporter = %s" if unit else ""}
            GROUP BY 1""")
        params += [
            period,
            ReportStatus.SUBMITTED.value,
            ReportStatus.APPROVED.value,
            frequency,
            period,
            period,
            periods.period_end(period, frequency),
            *([unit.pk] if unit is not None else []),
        ]
    if not parts:
        return []
    calendar = "i.frequency, i.start_date, i.deadline, i.first_period"
    sql = f"""
        WITH scope AS (
            SELECT i.id, i.target_id, i.frequency, i.start_date, i.deadline, p.first_period
            FROM {tables["indicator"]} i JOIN {tables["target"]} t ON t.id = i.target_id
            JOIN {tables["plan"]} p ON p.id = t.plan_id WHERE i.id IN ({scope})
        ),
        cells AS (
            SELECT a.indicator_id, a.unit_id AS reporter, {calendar}
            FROM {tables["allocation"]} a JOIN scope i ON i.id = a.indicator_id
            UNION ALL
            SELECT i.id, lead.unit_id, {calendar}
            FROM scope i
            JOIN (SELECT target_id, min(id) AS first FROM {tables["leads"]}
                  WHERE target_id IN (SELECT target_id FROM scope) GROUP BY target_id) fl ON fl.target_id = i.target_id
            JOIN {tables["leads"]} lead ON lead.id = fl.first
            WHERE NOT EXISTS (SELECT 1 FROM {tables["allocation"]} a WHERE a.indicator_id = i.id)
        )
        SELECT owner, sum(expected), sum(submitted), sum(on_time)
        FROM ({" UNION ALL ".join(parts)}) per_frequency GROUP BY owner"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(owner, int(e), int(s), int(o)) for owner, e, s, o in cursor.fetchall()]


def reporting_rates(*, region, month: date, plan=None, section=None, unit=None, known=None) -> list[ReportingRate]:
    """Per unit: reports expected for the period ending in `month`, submitted, and submitted on time.

    Who owes a report is the rule of `targets.selectors.expected_reporters` (allocated townships,
    else the first lead unit). A quarterly indicator is owed only in its quarter's last month. Above
    county level (a city or province) the rows are the counties instead of their units. Ordered by
    on-time rate. Counted in the database (one grouped query, and one for the labels) whatever the size;
    the labels of `known` (the county's units the page has read, {pk: Unit}) are not read again.
    """
    indicators = indicators_in(region=region, plan=plan, section=section, unit=unit)
    by_county = region is None or region.level in (RegionLevel.PROVINCE, RegionLevel.CITY)
    rows = _reporting_counts(indicators, month, by_county=by_county, unit=unit)
    labels = _names({r[0] for r in rows}, Region if by_county else Unit, known)
    rates = {}
    for owner, expected, submitted, on_time in rows:
        rate = rates.setdefault(owner, ReportingRate(key=owner, label=labels.get(owner, "")))
        rate.expected += expected
        rate.submitted += submitted
        rate.on_time += on_time
    return sorted(rates.values(), key=lambda r: (-(r.on_time_rate or 0), -(r.submitted_rate or 0), r.label))


def _names(keys, model, known: dict | None = None) -> dict[int, str]:
    """The names of these units or regions: those of `known` ({pk: object}) as they are, the others read."""
    known = known or {}
    names = {key: known[key].name for key in keys if key in known}
    missing = set(keys) - set(names)
    if missing:
        names.update(model.objects.filter(pk__in=missing).values_list("pk", "name"))
    return names


# League tables -----------------------------------------------------------------------------------


class Ranked(list):
    """A league's ranked rows; `idle` holds the units (or counties) that owed no report in the month.

    A unit that owed nothing has no on-time rate to be ranked by: ranked last it read as the worst
    performer (区财政局 21st of 25 with 应报数 0). The page lists them apart as 本月无应报事项; the
    export and the bulletin leave them out."""

    def __init__(self, rows=(), idle=()):
        super().__init__(rows)
        self.idle = list(idle)


def league_table(*, region, month: date, plan=None, known=None) -> dict[str, Ranked]:
    """Units ranked (晾晒) for `month`: by on-time rate, then average completion, then fewest red lights.

    Returns {"units": departments, "townships": township units}; above county level one list,
    "counties". Only units that owed at least one report in the month are ranked; each list's
    `idle` names those that owed none (`Ranked`). Completion is the average of the unit's
    indicators (its own share for a township), each capped at 100 %, from the snapshots of the
    month end; red counts those lights. The units of `known` (the county's, read by the page:
    {pk: Unit}) are not read again.
    """
    rates = {r.key: r for r in reporting_rates(region=region, month=month, plan=plan, known=known)}
    end = month_end(month)
    if region is None or region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        performance = _performance(_scope(region=region, end=end, plan=plan), "indicator__target__plan__region_id")
        counties = Region.objects.filter(pk__in=set(rates) | set(performance))
        labels = dict(counties.values_list("pk", "name"))
        rows = _ranked(rates, performance, labels)
        codes = dict(counties.values_list("pk", "code"))
        for row in rows:
            row.code = codes.get(row.key, "")
        return {"counties": rows}
    county_rows = _scope(region=region, end=end, plan=plan)
    led = _performance(county_rows, "indicator__target__lead_units")
    shares = _performance(_scope(region=region, end=end, plan=plan, shares=True), "unit_id")
    keys = set(rates) | set(led) | set(shares)
    known = {pk: u for pk, u in (known or {}).items() if pk in keys}
    read = Unit.objects.filter(pk__in=keys - set(known)) if keys - set(known) else []
    units = [(u.pk, u.kind, u.name, u.township_id) for u in [*known.values(), *read]]
    kinds = {pk: kind for pk, kind, _name, _t in units}
    labels = {pk: name for pk, _kind, name, _t in units}
    township_of = {pk: township for pk, _kind, _name, township in units}
    departments = {k: v for k, v in led.items() if kinds.get(k) == UnitKind.DEPARTMENT}
    townships = {k: _merge(v, led.get(k)) for k, v in shares.items()}
    townships.update({k: v for k, v in led.items() if kinds.get(k) == UnitKind.TOWNSHIP and k not in shares})
    township_rows = _ranked({k: r for k, r in rates.items() if kinds.get(k) == UnitKind.TOWNSHIP}, townships, labels)
    for row in township_rows:
        row.township_id = township_of.get(row.key)
    return {
        "units": _ranked({k: r for k, r in rates.items() if kinds.get(k) == UnitKind.DEPARTMENT}, departments, labels),
        "townships": township_rows,
    }


def _performance(qs, path: str) -> dict[int, tuple[Decimal | None, int, int]]:
    """Per group: (average completion capped at 1, number of lights with a completion, red count)."""
    capped = Least("completion", Decimal(1), output_field=DecimalField(max_digits=12, decimal_places=4))
    rows = (
        qs.order_by()
        .values_list(path)
        .annotate(
            avg=Avg(capped),
            measured=Count("completion"),
            red=Count(Case(When(status=Light.RED, then=1))),
        )
    )
    return {key: (avg, measured, red) for key, avg, measured, red in rows if key is not None}


def _merge(a, b):
    if b is None:
        return a
    measured = a[1] + b[1]
    avg = ((a[0] or 0) * a[1] + (b[0] or 0) * b[1]) / measured if measured else None
    return (avg, measured, a[2] + b[2])


def _ranked(rates: dict, performance: dict, labels: dict) -> Ranked:
    rows = []
    for key in set(rates) | set(performance):
        rate = rates.get(key) or ReportingRate(key=key, label="")
        avg, _measured, red = performance.get(key, (None, 0, 0))
        rows.append(
            LeagueRow(
                key=key,
                label=labels.get(key, rate.label),
                expected=rate.expected,
                submitted=rate.submitted,
                on_time=rate.on_time,
                on_time_rate=rate.on_time_rate,
                completion=(Decimal(avg) * 100).quantize(Decimal("0.1")) if avg is not None else None,
                red=red,
            )
        )
    idle = sorted((r for r in rows if r.expected == 0), key=lambda r: r.label)
    rows = [r for r in rows if r.expected > 0]
    rows.sort(
        key=lambda r: (
            -(r.on_time_rate if r.on_time_rate is not None else -1),
            -(r.completion if r.completion is not None else -1),
            r.red,
            r.label,
        )
    )
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return Ranked(rows, idle)


# Lists -------------------------------------------------------------------------------------------


def flagged(
    *,
    region,
    as_of: date,
    lights=FLAGGED,
    plan=None,
    section=None,
    unit=None,
    township=None,
    lead_unit=None,
    limit: int | None = None,
    offset: int = 0,
) -> FlaggedList:
    """The indicators at the given lights (red and amber by default), worst first, with why and who.

    Each row carries the reasons frozen with the light, the lead units, the points behind and the
    days behind (how long ago the expected path stood at the reported value; None for ceilings,
    floors and missing-report lights without a pace, and for an indicator nobody answers for,
    which is flagged `unowned` and comes last within its light). `limit`/`offset` page the list; `total`
    counts them all. With `township`, the rows are the township's own lights.
    """
    qs = snapshots(
        region=region,
        as_of=as_of,
        plan=plan,
        section=section,
        unit=unit,
        township=township,
        light=lights,
        lead_unit=lead_unit,
    )
    ordered = _page_values(_worst_first(qs))
    page = list(ordered[offset : offset + limit] if limit is not None else ordered[offset:])
    total = qs.count() if limit is not None else len(page) + offset
    return FlaggedList(total=total, rows=_flagged_rows([page])[0])


def flagged_lists(*, region, as_of: date, totals: dict[str, int], limit: int, **scope) -> dict[str, FlaggedList]:
    """The first `limit` rows of each light in `totals` (a light -> how many stand at it, as
    light_counts counted them over the same scope), as `flagged` lists them one light at a time,
    in one query for all lights (each light's first rows, numbered within their light) and two for
    all their milestones and lead units."""
    rows = snapshots(region=region, as_of=as_of, light=tuple(totals), **scope) if totals else None
    first = (
        _page_values(_worst_first(rows.model.objects.filter(pk__in=_first_of_each_light(rows, limit))))
        if totals
        else []
    )
    by_light = defaultdict(list)
    for light in first:
        by_light[light["status"]].append(light)
    pages = [by_light[light] for light in totals]
    return {
        light: FlaggedList(total=total, rows=rows)
        for (light, total), rows in zip(totals.items(), _flagged_rows(pages), strict=True)
    }


def _first_of_each_light(rows, limit: int) -> RawSQL:
    """The ids of the first `limit` of `rows` at each light, in `_worst_first`'s order within a light,
    as a subquery. Written by hand: Django's own window filter (QUALIFY, emulated by a subquery of
    every selected column) took longer to compile than the rest of the overview's figures."""
    ids, params = rows.order_by().values("pk").query.sql_with_params()
    light, indicator = rows.model._meta.db_table, Indicator._meta.db_table
    allocation, leads = Allocation._meta.db_table, Target.lead_units.through._meta.db_table
    sql = f"""SELECT id FROM (
        SELECT l.id, ROW_NUMBER() OVER (PARTITION BY l.status ORDER BY
            CASE WHEN NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.indicator_id = l.indicator_id)
                  AND NOT EXISTS (SELECT 1 FROM {leads} lu WHERE lu.target_id = i.target_id) THEN 1 ELSE 0 END,
            COALESCE(l.gap, 0) DESC, l.indicator_id) AS place
        FROM {light} l JOIN {indicator} i ON i.id = l.indicator_id WHERE l.id IN ({ids})
    ) ranked WHERE place <= %s"""
    return RawSQL(sql, (*params, limit))


def _worst_first(qs):
    severity = Case(*[When(status=light, then=Value(i)) for i, light in enumerate(LIGHTS)], output_field=IntegerField())
    # Within a light, the indicators nobody answers for come last: their light is no unit's lag.
    qs = qs if "unowned" in qs.query.annotations else qs.annotate(unowned=_unowned())
    return qs.select_related("indicator__target__plan").order_by(-severity, "unowned", *_within_light())


# What a list's row reads of a light, its indicator, task and plan (`_flagged_row`): plain rows, not
# four model instances per row. The light's own fields by their names, the others by these.
_LIGHT_FIELDS = ("indicator_id", "unit_id", "status", "reasons", "gap", "completion", "actual", "unowned")
_PAGE_FIELDS = {
    "i_name": F("indicator__name"),
    "i_kind": F("indicator__kind"),
    "i_baseline": F("indicator__baseline"),
    "i_target_value": F("indicator__target_value"),
    "i_start": F("indicator__start_date"),
    "i_deadline": F("indicator__deadline"),
    "i_frequency": F("indicator__frequency"),
    "i_unit": F("indicator__unit"),
    "target_id": F("indicator__target_id"),
    "t_seq": F("indicator__target__seq"),
    "t_name": F("indicator__target__name"),
    "plan_id": F("indicator__target__plan_id"),
    "p_amber_gap": F("indicator__target__plan__amber_gap"),
    "p_red_gap": F("indicator__target__plan__red_gap"),
    "p_due_day": F("indicator__target__plan__due_day"),
    "p_first_period": F("indicator__target__plan__first_period"),
}


def _page_values(qs):
    """`qs` (lights or snapshots in `_worst_first`'s order) as the plain rows `_flagged_row` reads, with
    `day`, the day the light was judged (a snapshot's evaluated_on or its
    month end; a current light's judged_on)."""
    day = F("judged_on") if qs.model is CurrentLight else Coalesce("evaluated_on", "as_of")
    return qs.values(*_LIGHT_FIELDS, day=day, **_PAGE_FIELDS)


def _unowned():
    return ExpressionWrapper(unowned_q("indicator__"), output_field=BooleanField())


def _within_light():
    """The order within a light after the unowned: the most points behind first."""
    return [Coalesce("gap", Value(Decimal(0))).desc(), F("indicator_id").asc()]


def _flagged_rows(pages) -> list[list[FlaggedRow]]:
    """The rows of each page of lights (`_page_values`), their milestones and lead units read once for all pages."""
    every = [s for page in pages for s in page]
    milestones = defaultdict(list)
    for indicator_id, day, value in _milestones_of([s["indicator_id"] for s in every]):
        milestones[indicator_id].append((day, value))
    leads = _lead_names({s["target_id"] for s in every})
    return [[_flagged_row(s, milestones, leads) for s in page] for page in pages]


def _flagged_row(s: dict, milestones, leads) -> FlaggedRow:
    # As targets.selectors.indicator_spec makes it from the indicator, its milestones and its plan.
    spec = rules.IndicatorSpec(
        kind=s["i_kind"],
        baseline=s["i_baseline"],
        target=s["i_target_value"],
        start=s["i_start"],
        deadline=s["i_deadline"],
        frequency=s["i_frequency"],
        milestones=tuple(milestones[s["indicator_id"]]),
        amber_gap=s["p_amber_gap"],
        red_gap=s["p_red_gap"],
        due_day=s["p_due_day"],
        unit=s["i_unit"],
        reporting_from=s["p_first_period"],
    )
    checkpoint = _checkpoint(spec, s["day"])
    reasons = [rules.reason_text(r) for r in s["reasons"]]
    unowned = s["unowned"]
    return FlaggedRow(
        indicator_id=s["indicator_id"],
        name=s["i_name"],
        target=f"{s['t_seq']}. {s['t_name']}",  # str(Target)
        plan_id=s["plan_id"],
        status=s["status"],
        reasons=reasons,
        gap=s["gap"],
        behind=behind(s["gap"], s["reasons"]),
        completion=s["completion"],
        lead_units=leads.get(s["target_id"], []),
        days_behind=days_behind(spec, s["actual"], checkpoint) if s["unit_id"] is None and not unowned else None,
        unowned=unowned,
        target_id=s["target_id"],
    )


def _checkpoint(spec: rules.IndicatorSpec, on: date) -> date | None:
    past = rules.periods_past_due(spec, on)
    return periods.due_date(past[-1], spec.frequency, spec.due_day) if past else None


def _milestones_of(indicator_ids):
    """(indicator id, date, value) of these indicators' milestones, by date."""
    if not indicator_ids:
        return []
    return (
        Milestone.objects.filter(indicator_id__in=indicator_ids)
        .order_by("date")
        .values_list("indicator_id", "date", "value")
    )


def _lead_names(target_ids) -> dict[int, list[str]]:
    names = defaultdict(list)
    if target_ids:
        through = Target.lead_units.through.objects.filter(target_id__in=target_ids).order_by("id")
        for target_id, name in through.values_list("target_id", "unit__name"):
            names[target_id].append(name)
    return names


@dataclass
class DoneRow:
    indicator_id: int
    name: str
    target: str
    actual: Decimal | None
    completion: Decimal | None
    unit: str = ""  # the indicator's unit of measure (座, 万元), which a figure is read in


def newly_done(*, region, as_of: date, plan=None, section=None, unit=None, township=None) -> list[DoneRow]:
    """Indicators done at the month end of `as_of` that were not done at the month end before, under the
    dashboard's filters as every other tile (with `township`, that township's own lights)."""
    end = month_end(as_of)
    before = StatusSnapshot.objects.filter(
        indicator_id=OuterRef("indicator_id"), as_of=previous_month_end(end), status=Light.DONE
    )
    was_done = (Q(unit__isnull=True) & Q(Exists(before.filter(unit__isnull=True)))) | (
        Q(unit__isnull=False) & Q(Exists(before.filter(unit_id=OuterRef("unit_id"))))
    )
    qs = (
        snapshots(region=region, as_of=end, plan=plan, section=section, unit=unit, township=township, light=Light.DONE)
        .filter(~was_done)
        .select_related("indicator__target")
        .order_by("indicator__target__seq", "indicator_id")
    )
    return [
        DoneRow(
            indicator_id=s.indicator_id,
            name=s.indicator.name,
            target=str(s.indicator.target),
            actual=s.actual,
            completion=s.completion,
            unit=s.indicator.unit,
        )
        for s in qs
    ]


@dataclass
class OpenItem:
    id: int
    indicator_id: int
    indicator: str
    unit: str
    status: str
    light_when_issued: str
    reply_due: date
    issued_at: object
    overdue: bool


def open_items(
    *,
    region,
    today: date | None = None,
    as_of: date | None = None,
    plan=None,
    section=None,
    unit=None,
    township=None,
    light=None,
) -> list[OpenItem]:
    """Supervision items not yet closed out in the region, oldest reply date first; `overdue` when the
    reply date has passed without an answer (open or sent back).

    The dashboard's filters narrow them as they narrow every other tile: the plan, section and unit filters
    keep the items on indicators they keep, `township` the items sent to that township's units, and `light`
    the items on indicators at that light at the month end of `as_of` (the township's own light with it)."""
    today = today or timezone.localdate()
    qs = _indicator_filters(
        SupervisionItem.objects.exclude(status=SupervisionStatus.CLOSED),
        "indicator__",
        region=region,
        plan=plan,
        section=section,
        unit=unit,
    )
    if township is not None:
        qs = qs.filter(unit__township=township)
    if light:
        lit = snapshots(region=region, as_of=as_of or today, plan=plan, section=section, unit=unit, township=township)
        qs = qs.filter(indicator_id__in=lit.filter(status__in=lights_of(light)).values("indicator_id"))
    qs = qs.select_related("indicator", "unit").order_by("reply_due", "id")
    awaiting = (SupervisionStatus.OPEN, SupervisionStatus.RETURNED)
    return [
        OpenItem(
            id=i.pk,
            indicator_id=i.indicator_id,
            indicator=i.indicator.name,
            unit=i.unit.name,
            status=i.status,
            light_when_issued=i.light_when_issued,
            reply_due=i.reply_due,
            issued_at=i.issued_at,
            overdue=i.status in awaiting and i.reply_due < today,
        )
        for i in qs
    ]


def unowned(
    *, region, as_of: date | None = None, plan=None, section=None, unit=None, township=None, light=None
) -> list:
    """The region's indicators nobody answers for (no township share, no lead unit): 未明确责任单位,
    a problem of the plan's set-up the office puts right by assigning a unit, not a unit's lag.

    Under the dashboard's filters, as its other figures are: a section, a unit (one it shares them
    with as a co-unit), a township (likewise) and a light at the month end of `as_of`."""
    indicators = indicators_in(region=region, plan=plan, section=section, unit=unit)
    if township is not None or light:
        end = month_end(as_of or timezone.localdate())
        lit = _scope(region=region, end=end, plan=plan, section=section, unit=unit, township=township, light=light)
        indicators = indicators.filter(pk__in=lit.values("indicator_id"))
    return unowned_indicators(indicators)
