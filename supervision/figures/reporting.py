"""Reporting rates (submitted, on time, missing) per county or unit for a month, and the league tables
that rank them with their completion and red counts."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    Value,
    When,
)

from core import periods
from core.periods import Frequency, month_end
from regions.models import Region, RegionLevel, Unit, UnitKind
from targets import rules
from targets.choices import Light, ReportStatus
from targets.models import Allocation, Indicator, Plan, ProgressReport, Target

from .scope import (
    _indicator_filters,
    _names,
    _rate,
    _scope,
    _source,
    converted,
    converters,
    indicators_in,
    is_current,
    materialized,
)


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


class Ranked(list):
    """A league's ranked rows; `idle` holds the units (or counties) that owed no report in the month.

    A unit that owed nothing has no on-time rate to be ranked by: ranked last it read as the worst
    performer (区财政局 21st of 25 with 应报数 0). The page lists them apart as 本月无应报事项; the
    export and the bulletin leave them out."""

    def __init__(self, rows=(), idle=()):
        super().__init__(rows)
        self.idle = list(idle)


def league_table(*, region, month: date, plan=None, known=None) -> dict[str, Ranked]:
    """The league tables of `league_tables`, without the moment."""
    return league_tables(region=region, month=month, plan=plan, known=known)[0]


def league_tables(*, region, month: date, plan=None, known=None) -> tuple[dict[str, Ranked], datetime | None]:
    """Units ranked (晾晒) for `month`: by on-time rate, then average completion, then fewest red lights.

    Returns {"units": departments, "townships": township units}; above county level one list,
    "counties". Only units that owed at least one report in the month are ranked; each list's
    `idle` names those that owed none (`Ranked`). Completion is the average of the unit's
    indicators (its own share for a township), each capped at 100 %, from the snapshots of the
    month end; red counts those lights. The units of `known` (the county's, read by the page:
    {pk: Unit}) are not read again.

    Returns the tables and, on a county, when the lights they rank were judged (as
    `supervision.selectors.taken_at` finds it, read with the completions; None above county level).
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
        return {"counties": rows}, None
    led, shares, at = county_performance(region=region, end=end, plan=plan)
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
    }, at


def county_performance(*, region, end: date, plan=None):
    """`_performance` of a county's month end per lead unit (its indicators' own lights) and per
    township share (the shares' lights), and the newest moment among the lights `taken_at` reads
    (a month end's own snapshots; every light of the month under way), in one query.

    Written by hand around the filters' compiled ids: the two grouped querysets and the moment's
    took 5-6 ms of CPU to build and compile, for queries PostgreSQL runs in about 8 ms. The
    aggregates go through the converters the ORM gives `_performance`'s (`converters`)."""
    rows = _indicator_filters(_source(end), "indicator__", region=region, plan=plan, section=None, unit=None)
    chosen, params = materialized("chosen", rows)
    model = rows.model
    light, indicator = model._meta.db_table, Indicator._meta.db_table
    leads = Target.lead_units.through._meta.db_table
    moment = model._meta.get_field("judged_at" if is_current(end) else "taken_at")
    # As `_capped`: a light without a completion stays NULL, left out of the average.
    capped = "CASE WHEN l.completion > 1 THEN 1 ELSE l.completion END"
    figures = f"AVG({capped}), COUNT(l.completion), COUNT(CASE WHEN l.status = %s THEN 1 END), MAX(l.{moment.column})"
    sql = f"""WITH {chosen}
        SELECT 0 AS part, lead.unit_id AS owner, {figures}
        FROM chosen JOIN {light} l ON l.id = chosen.pk JOIN {indicator} i ON i.id = l.indicator_id
        LEFT JOIN {leads} lead ON lead.target_id = i.target_id
        WHERE l.unit_id IS NULL GROUP BY lead.unit_id
        UNION ALL
        SELECT 1, l.unit_id, {figures}
        FROM chosen JOIN {light} l ON l.id = chosen.pk WHERE l.unit_id IS NOT NULL GROUP BY l.unit_id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, Light.RED.value, Light.RED.value))
        found = cursor.fetchall()
    average, newest = converters(_capped_average()), converters(moment)
    performance, moments = ({}, {}), []
    for part, owner, avg, measured, red, at in found:
        # A month end's moment is its own snapshots' (the shares' are the month under way's lights only).
        if at is not None and (part == 0 or is_current(end)):
            moments.append(converted(at, newest))
        if owner is not None:
            performance[part][owner] = (converted(avg, average), measured, red)
    return performance[0], performance[1], max(moments, default=None)


def _capped_average():
    return Avg(_capped(), output_field=DecimalField(max_digits=12, decimal_places=4))


def _capped():
    """A light's completion capped at 1, NULL when it has none (so the average leaves it out): not
    Least, which PostgreSQL's LEAST makes 1 for a NULL while SQLite's MIN keeps it NULL."""
    return Case(
        When(completion__gt=1, then=Value(Decimal(1))),
        default=F("completion"),
        output_field=DecimalField(max_digits=12, decimal_places=4),
    )


def _performance(qs, path: str) -> dict[int, tuple[Decimal | None, int, int]]:
    """Per group: (average completion capped at 1, number of lights with a completion, red count)."""
    rows = (
        qs.order_by()
        .values_list(path)
        .annotate(
            avg=Avg(_capped()),
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
