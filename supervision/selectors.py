"""Reads of the supervision pages beyond the shared figures: the indicator page and the items ledger."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import CharField, F, Max, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import pgettext

from accounts import permissions
from accounts.audit_labels import action_label
from accounts.models import AuditEvent
from core import periods
from core.periods import month_end
from regions.models import Region, RegionLevel, Unit
from regions.selectors import region_prefix
from targets import rules
from targets import selectors as target_selectors
from targets.choices import PROGRESS_KINDS, Light, ReportStatus
from targets.models import Indicator, Plan, Section

from . import figures
from .models import StatusSnapshot, SupervisionItem, SupervisionStatus
from .rules import days_behind, projection

AWAITING_REPLY = (SupervisionStatus.OPEN, SupervisionStatus.RETURNED)
# What the indicator page's table of reports shows of each report (with its unit's name, unit_name).
REPORT_FIELDS = ("pk", "period_start", "value", "status", "is_late", "submitted_at", "narrative")
REPORTS_PER_PAGE = 50


@dataclass(frozen=True)
class Taken:
    """Figures and the moment the lights behind them were judged: a page says "数据更新于 10:42" from `at`."""

    figures: object
    at: datetime


@dataclass(frozen=True)
class FilterOptions:
    """What the dashboards' filter selects list: (code, name) of the regions, (pk, title) of the plans
    and top sections, and a county's units and townships as objects ({pk: Unit}, {pk: Region})."""

    regions: list
    plans: list
    sections: list
    units: dict
    townships: dict


# The columns every part of filter_options' query fills (NULL where a part has no such field).
_UNIT_FIELDS = ("id", "county_id", "name", "kind", "township_id", "email")
_TOWNSHIP_FIELDS = ("id", "code", "name", "level", "parent_id", "kind", "urban_rural_code")


def filter_options(*, regions_under: str, plans_under: str, county: str | None) -> FilterOptions:
    """The filter selects' rows in one query: the regions (province, city, county) whose code starts
    with `regions_under`, the plans and their top sections of the regions under `plans_under`, and, with
    `county` (a county's code prefix), its units and townships, each part in its model's order
    (Region, Plan, Section, Unit). Written by hand: five querysets took 3-4 ms of CPU to build and compile
    on every dashboard, for about 150 short rows."""
    region, plan, section, unit = (m._meta.db_table for m in (Region, Plan, Section, Unit))
    order = connection.ops.quote_name("order")
    levels = (RegionLevel.PROVINCE.value, RegionLevel.CITY.value, RegionLevel.COUNTY.value)
    # part, place, id, code, name, kind, level, text (email or urban-rural code), ref (county or parent), township
    parts = [
        f"""SELECT 0 AS part, ROW_NUMBER() OVER (ORDER BY r.code) AS place, r.id AS id, r.code AS code,
                r.name AS name, NULL AS kind, NULL AS level, NULL AS text,
                CAST(NULL AS BIGINT) AS ref, CAST(NULL AS BIGINT) AS township
            FROM {region} r WHERE r.level IN (%s, %s, %s) AND r.code LIKE %s""",
        f"""SELECT 1, ROW_NUMBER() OVER (ORDER BY p.start_date DESC, p.id), p.id, NULL, p.title,
                NULL, NULL, NULL, NULL, NULL
            FROM {plan} p JOIN {region} r ON r.id = p.region_id WHERE r.code LIKE %s""",
        f"""SELECT 2, ROW_NUMBER() OVER (ORDER BY p.start_date DESC, p.id, s.{order}, s.id), s.id, NULL, s.title,
                NULL, NULL, NULL, NULL, NULL
            FROM {section} s JOIN {plan} p ON p.id = s.plan_id JOIN {region} r ON r.id = p.region_id
            WHERE s.parent_id IS NULL AND r.code LIKE %s""",
    ]
    params = [*levels, f"{regions_under}%", f"{plans_under}%", f"{plans_under}%"]
    if county is not None:
        parts += [
            f"""SELECT 3, ROW_NUMBER() OVER (ORDER BY c.code, u.kind, u.name), u.id, NULL, u.name,
                    u.kind, NULL, u.email, u.county_id, u.township_id
                FROM {unit} u JOIN {region} c ON c.id = u.county_id WHERE c.code LIKE %s""",
            f"""SELECT 4, ROW_NUMBER() OVER (ORDER BY t.code), t.id, t.code, t.name,
                    t.kind, t.level, t.urban_rural_code, t.parent_id, NULL
                FROM {region} t WHERE t.level = %s AND t.code LIKE %s""",
        ]
        params += [f"{county}%", RegionLevel.TOWNSHIP.value, f"{county}%"]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY part, place", params)
        rows = cursor.fetchall()
    found = FilterOptions(regions=[], plans=[], sections=[], units={}, townships={})
    for part, _place, pk, code, name, kind, level, text, ref, township in rows:
        if part == 0:
            found.regions.append((code, name))
        elif part == 1:
            found.plans.append((pk, name))
        elif part == 2:
            found.sections.append((pk, name))
        elif part == 3:
            found.units[pk] = Unit.from_db(connection.alias, _UNIT_FIELDS, (pk, ref, name, kind, township, text))
        else:
            values = (pk, code, name, level, ref, kind, text)
            found.townships[pk] = Region.from_db(connection.alias, _TOWNSHIP_FIELDS, values)
    return found


def taken_at(*, region, as_of: date, plan=None) -> datetime:
    """When the lights a figure page shows were judged: the newest stored light of the month under
    way, or the freeze of a past month (now, when nothing is stored)."""
    end = month_end(as_of)
    indicators = figures.indicators_in(region=region, plan=plan)
    if figures.is_current(end):
        at = target_selectors.lights_updated_at(indicators)
    else:
        at = StatusSnapshot.objects.filter(as_of=end, unit__isnull=True, indicator__in=indicators).aggregate(
            at=Max("taken_at")
        )["at"]
    return at or timezone.now()


def overview(
    *,
    region,
    as_of: date,
    plan=None,
    section=None,
    unit=None,
    township=None,
    light=None,
    reporting_month: date | None = None,
    flagged_rows=20,
    units=None,
    townships=None,
) -> Taken:
    """Everything the region overview shows, in a fixed number of queries whatever the region's size.

    `light` narrows every light figure (tiles, splits, trend, lists) to the indicators at that light, as
    the list behind the filter shows them; `reporting_month` is the month of the reporting table
    (`as_of`'s by default). `units` and `townships` ({pk: object}) are those the page has read for
    its filters: their names are not read again."""
    return Taken(
        figures=_overview(
            region=region,
            as_of=as_of,
            plan=plan,
            section=section,
            unit=unit,
            township=township,
            light=light or None,
            reporting_month=reporting_month or as_of,
            flagged_rows=flagged_rows,
            units=units or {},
            townships=townships or {},
        ),
        at=taken_at(region=region, as_of=as_of, plan=plan),
    )


def league(*, region, month: date, plan=None, units=None) -> Taken:
    """The league tables of `month` (figures.league_table); `units` as `overview` takes them."""
    tables, at = figures.league_tables(region=region, month=month, plan=plan, known=units)
    # On a county the moment is read with the completions; above it, apart.
    return Taken(figures=tables, at=at or taken_at(region=region, as_of=month, plan=plan))


def _overview(
    *, region, as_of, plan, section, unit, township, light, reporting_month, flagged_rows, units, townships
) -> dict:
    scope = dict(region=region, plan=plan, section=section, unit=unit, township=township)
    lit = dict(scope, light=light)
    by_county = region is None or region.level in ("province", "city")
    dimensions = ("county",) if by_county else ("section", "lead_unit", "township")
    counts, splits = figures.overview_counts(
        as_of=as_of, dimensions=dimensions, known={"lead_unit": units, "township": townships}, **lit
    )
    trend = figures.trend(as_of=as_of, counted=counts, **lit)
    # The lists' totals are the counts' own (the same rows), so only their first rows are read.
    shown = {name: counts.counts[name] for name in ("red", "amber") if _keeps(light, name)}
    flagged = dict.fromkeys(("red", "amber")) | figures.flagged_lists(
        as_of=as_of, totals=shown, limit=flagged_rows, **scope
    )
    newly_done, unowned = figures.follow_ups(as_of=as_of, done=_keeps(light, "done"), **lit)
    return {
        "counts": counts,
        "trend": trend,
        "trend_json": trend_chart(trend, light=light),
        "splits": [(dimension, splits[dimension]) for dimension in dimensions],
        "reporting_month": reporting_month,
        "reporting": figures.reporting_rates(
            region=region, month=reporting_month, plan=plan, section=section, unit=unit, known=units
        ),
        **flagged,
        "newly_done": newly_done,
        "items": figures.open_items(as_of=as_of, **lit),
        "unowned": unowned,
    }


def _keeps(light, value: str) -> bool:
    """Whether a light filter (none, one light or several) keeps the light `value`."""
    return light is None or value in figures.lights_of(light)


def trend_chart(trend, light=None) -> dict:
    """The trend as ECharts wants it: month labels (as a person reads them, and short ones for a
    narrow axis), and one series of counts per light (only the chosen light's when filtered)."""
    return {
        "months": [rules.period_words(p.as_of, "monthly") for p in trend],
        "short_months": [_short_month(p.as_of, i == 0 or p.as_of.month == 1) for i, p in enumerate(trend)],
        "series": [
            {"light": value, "name": str(label), "data": [p.counts[value] for p in trend]}
            for value, label in Light.choices
            if _keeps(light, value)
        ],
    }


def _short_month(d: date, with_year: bool) -> str:
    """A month on a phone's axis: 11月, with the year on a second line where it changes (and at the first point)."""
    month = pgettext("short month on a chart axis", "%(month)d") % {"month": d.month}
    return f"{month}\n{d.year}" if with_year else month


def items_visible_to(user):
    """Supervision items a user may see: a reporter its unit's, the office and leaders their region's."""
    if not user.is_authenticated:
        return SupervisionItem.objects.none()
    if user.is_reporter:
        return SupervisionItem.objects.filter(unit=user.unit)
    if user.region_id is not None:
        return SupervisionItem.objects.filter(
            indicator__target__plan__region__code__startswith=region_prefix(user.region)
        )
    return SupervisionItem.objects.all()


def items_ledger(*, user, status: str = "", overdue_only: bool = False):
    """Every supervision item the user may see, open and closed, newest first; `overdue` flags late replies."""
    qs = items_visible_to(user).select_related("indicator__target", "unit", "issued_by")
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    if overdue_only:
        qs = qs.filter(status__in=AWAITING_REPLY, reply_due__lt=today)
    items = list(qs.order_by("-issued_at", "-id"))
    for item in items:
        item.overdue = item.status in AWAITING_REPLY and item.reply_due < today
    return items


def item_visible(item, user) -> bool:
    if user.is_reporter:
        return item.unit_id == user.unit_id
    return permissions.in_region(user, item.indicator.target.plan.region)


def indicator_page(*, indicator: Indicator, as_of: date, reader, reports_page=None) -> dict:
    """The indicator page: light now, chart, reports (page `reports_page` of them), light history,
    items, audit trail, projection.

    A draft is its unit's work in progress: a reporter sees its own unit's drafts and the other units'
    reports from the day each was submitted; the office and the leaders, who follow the work, see the
    drafts too."""
    # The chart draws every period, so the whole history rather than the light's window. `indicator`
    # comes with its task and plan (the view's one read of it), so it is judged as it is.
    row = target_selectors.judge([indicator], as_of, full_series=True)[indicator.pk]
    spec = row.spec
    reports = indicator.reports.all()
    if permissions.is_reporter(reader):
        reports = reports.filter(~Q(status=ReportStatus.DRAFT) | Q(unit_id=reader.unit_id))
    # A page at a time, newest first, as plain rows of the fields the table shows
    # (supervision_tags.report_rows writes them): an indicator allocated to 12 townships has 720
    # reports over five years, more than a person reads on one page, and reading and writing them
    # all was a quarter of the page's time.
    page = Paginator(
        reports.order_by("-period_start", "unit__name", "pk").values(*REPORT_FIELDS, unit_name=F("unit__name")),
        REPORTS_PER_PAGE,
    ).get_page(reports_page)
    counted = [
        (periods.due_date(p.period_start, spec.frequency, spec.due_day), p.value)
        for p in row.series
        if p.submitted_on is not None
    ]
    ahead = (
        projection(baseline=spec.baseline, target=spec.target, deadline=spec.deadline, points=counted)
        if spec.kind in PROGRESS_KINDS
        else None
    )
    items = list(indicator.supervision_items.select_related("unit", "issued_by", "replied_by", "closed_by"))
    history, share_history = _snapshots(indicator)
    return {
        "row": row,
        "spec": spec,
        # In the order the responsibility table lists them, as the plan page does (not by name): the
        # first answers for a report and is the notice's first choice.
        "lead_units": target_selectors.lead_units_in_table_order(indicator.target_id),
        # Nobody answers for it (targets.selectors.unowned_q): the judgement read its shares and
        # lead units already, and `owned` says whether it found any.
        "unowned": not spec.owned,
        "reports": page,
        "history": history,
        "share_history": share_history,
        "items": items,
        "audit": _audit_trail(indicator, reports, items),
        "chart": _chart(spec, row.series, counted, ahead),
        "projection": ahead,
        "days_behind": days_behind(spec, row.status.actual, row.status.checkpoint),
    }


def _snapshots(indicator) -> tuple[list, list]:
    """The indicator's frozen month ends, latest first, and its township shares at the latest month
    end any was frozen, by the township's name: one read of both, not of every share's every month
    (12 townships × 60 months)."""
    snapshots = StatusSnapshot.objects.filter(indicator=indicator)
    latest_shares = snapshots.filter(unit__isnull=False).order_by("-as_of").values("as_of")[:1]
    history, shares = [], []
    for s in (
        snapshots.filter(Q(unit__isnull=True) | Q(as_of=Subquery(latest_shares)))
        .select_related("unit")
        .order_by("-as_of")
    ):
        (history if s.unit_id is None else shares).append(s)
    return history, sorted(shares, key=lambda s: s.unit.name)


def _audit_trail(indicator, reports, items):
    """The events of the indicator, of its `reports` (a queryset: every page of them, not only the
    one shown) and of its supervision items, latest first."""
    q = Q(object_type="targets.Indicator", object_id=str(indicator.pk))
    q |= Q(object_type="targets.ProgressReport", object_id__in=reports.order_by().values(key=Cast("pk", CharField())))
    q |= Q(object_type="supervision.SupervisionItem", object_id__in=[str(i.pk) for i in items])
    return _labelled(AuditEvent.objects.filter(q).select_related("user").order_by("-at", "-id")[:200])


def _labelled(events) -> list:
    """Audit events with their actions in words (督办通知已下发, not supervision.issue) as e.label, and who
    acted by name (洞头区督查室, not the login duchashi) as e.who; a deleted user keeps the stored login."""
    events = list(events)
    for event in events:
        event.label = action_label(event.action)
        event.who = (event.user.get_full_name() if event.user else "") or event.username
    return events


def _chart(spec, series, counted, ahead) -> dict:
    """The indicator chart's data: reported values on their due dates, the expected path month by month,
    the milestones, and the projected line from the last counted report to the day the target is reached."""
    expected, day = [], spec.start
    while day < spec.deadline:
        expected.append([day.isoformat(), str(rules.expected_value(spec, day).quantize(Decimal("0.01")))])
        day = month_end(day) + date.resolution
    expected.append([spec.deadline.isoformat(), str(spec.target)])
    projected = []
    if ahead is not None and ahead.reached_on is not None and counted and not ahead.already_reached:
        last_day, last_value = max(counted)
        projected = [[last_day.isoformat(), str(last_value)], [ahead.reached_on.isoformat(), str(spec.target)]]
    return {
        "reported": [
            [periods.due_date(p.period_start, spec.frequency, spec.due_day).isoformat(), str(p.value)] for p in series
        ],
        "expected": expected,
        "milestones": [[day.isoformat(), str(value)] for day, value in spec.milestones],
        "projection": projected,
    }


def item_audit(item):
    return _labelled(
        AuditEvent.objects.filter(object_type="supervision.SupervisionItem", object_id=str(item.pk))
        .select_related("user")
        .order_by("at", "id")
    )


def unit_open_item_count(*, unit) -> int:
    """How many of unit_open_items' items there are: My work's tab count when another tab is shown."""
    return SupervisionItem.objects.filter(unit=unit, status__in=AWAITING_REPLY).count()


def unit_open_items(*, unit, today: date) -> list:
    """A unit's items awaiting its reply (open, or sent back), reply due soonest first; `overdue` flags late ones."""
    items = list(
        SupervisionItem.objects.filter(unit=unit, status__in=AWAITING_REPLY)
        .select_related("indicator__target")
        .order_by("reply_due", "id")
    )
    for item in items:
        item.overdue = item.reply_due < today
    return items
