"""Counts by light: the tiles, the splits by section, lead unit, township or county, and the 12-month
trend (a past month from its stored per-region counts, the month under way from today's lights)."""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Sum,
)

from core.periods import month_end, previous_month_end
from regions.models import Region, Unit
from targets.choices import Light
from targets.models import Allocation, Section, Target

from ..models import MonthCount, StatusSnapshot
from .scope import (
    DIMENSIONS,
    LIGHTS,
    _indicator_filters,
    _region_q,
    _scope,
    _township_q,
    _zero,
    is_current,
    lights_of,
    snapshots,
)


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


def _count_by_light(qs) -> dict[str, int]:
    counts = _zero()
    for status, n in qs.order_by().values_list("status").annotate(n=Count("id")):
        counts[status] = n
    return counts


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


def overview_counts(
    *,
    region,
    as_of: date,
    dimensions,
    plan=None,
    section=None,
    unit=None,
    township=None,
    light=None,
    known: dict | None = None,
) -> tuple[LightCounts, dict[str, list[GroupCounts]]]:
    """`light_counts` and `light_counts_by` of each of `dimensions`, over the same scope, in one query.

    The same figures as those functions give one at a time (the overview shows them all): the scope's
    rows are selected by Django once per month end (and once for the township shares), and every
    GROUP BY is written over them by hand, the sections' titles found by a recursive walk to each top
    section in the query itself. Built one at a time, the seven counts' querysets took more of the
    overview's CPU than PostgreSQL took to count them. `known` is {dimension: {pk: object}}, the units
    and townships the page has read."""
    if unknown := set(dimensions) - set(DIMENSIONS):
        raise ValueError(f"unknown dimension {sorted(unknown)!r}; expected one of {', '.join(DIMENSIONS)}")
    end = month_end(as_of)
    before = previous_month_end(end)
    scope = dict(region=region, plan=plan, section=section, unit=unit, light=light)
    own = _scope(end=end, township=township, **scope)
    previous = _scope(end=before, township=township, **scope)
    shares = None
    if "township" in dimensions:
        shares = _scope(end=end, township=township, shares=True, **scope).filter(unit__isnull=False)
    rows = _overview_rows(own, previous, shares, dimensions, loose=township is None)
    counts = LightCounts(as_of=end, previous_as_of=before, counts=_zero(), previous=_zero())
    groups = {dimension: {} for dimension in dimensions}
    for part, key, status, n, label, code, plan_id, order in rows:
        if part == "own":
            counts.counts[status] = n
        elif part == "before":
            counts.previous[status] = n
        elif key is not None or part == "section":
            dimension = "township" if part in ("shares", "led", "shared") else part
            group = groups[dimension].setdefault(key, GroupCounts(key=key, label=""))
            group.counts[status] += n
            if part == "section" and key is not None:
                group.label, group.order = label, (plan_id, order, key)
            elif part == "county":
                group.label, group.code = label, code
    known = known or {}
    splits = {}
    for dimension, found in groups.items():
        if dimension == "section":
            splits[dimension] = sorted(found.values(), key=lambda g: (g.key is None, g.order))
            continue
        if dimension != "county":
            _labelled(found, Region if dimension == "township" else Unit, known.get(dimension))
        splits[dimension] = sorted(
            found.values(), key=lambda g: (-g.counts[Light.RED], -g.counts[Light.AMBER], g.label)
        )
    return counts, splits


def _overview_rows(own, previous, shares, dimensions, *, loose: bool) -> list[tuple]:
    """(part, key, status, count, label, code, plan, order) rows of `overview_counts`, in one UNION ALL.

    `own` (the scope's light rows at the month end) is a CTE of the columns the splits group by, which
    PostgreSQL reads once for every split; `previous` (the month end before) and `shares` (the
    township shares, or None) are counted by their own GROUP BY."""
    quote = connection.ops.quote_name
    table = {
        name: model._meta.db_table
        for name, model in (
            ("section", Section),
            ("region", Region),
            ("unit", Unit),
            ("allocation", Allocation),
            ("leads", Target.lead_units.through),
            ("co_units", Target.co_units.through),
        )
    }
    columns = ("indicator_id", "status", "indicator__target_id", "indicator__target__section_id")
    if "county" in dimensions:
        columns += ("indicator__target__plan__region_id",)
    sql, own_params = own.order_by().values(*columns).query.sql_with_params()
    params = list(own_params)
    names = ("indicator_id", "status", "target_id", "section_id", "region_id")[: len(columns)]
    ctes = [f"own({', '.join(names)}) AS ({sql})"]
    none = "CAST(NULL AS INTEGER)"
    blank = "CAST(NULL AS VARCHAR(300))"
    parts = []

    def grouped(name: str, qs, path: str) -> str:
        sql, grouped_params = qs.order_by().values_list(path, "status").annotate(n=Count("id")).query.sql_with_params()
        params.extend(grouped_params)
        key = f"x.{quote(path)}" if path != "status" else none
        return f"SELECT '{name}', {key}, x.status, x.n, {blank}, {blank}, {none}, {none} FROM ({sql}) x"

    if "section" in dimensions:
        # Every section of the plans counted, with the top section it stands under (any depth).
        ctes.append(
            f"tops(id, top) AS (SELECT s.id, s.id FROM {table['section']} s WHERE s.parent_id IS NULL "
            f"AND s.plan_id IN (SELECT plan_id FROM {table['section']} WHERE id IN (SELECT section_id FROM own)) "
            f"UNION ALL SELECT s.id, tops.top FROM {table['section']} s JOIN tops ON s.parent_id = tops.id)"
        )
        order = f"top.{quote('order')}"
        parts.append(
            f"SELECT 'section', top.id, o.status, COUNT(*), top.title, {blank}, top.plan_id, {order} FROM own o "
            f"LEFT JOIN tops ON tops.id = o.section_id LEFT JOIN {table['section']} top ON top.id = tops.top "
            f"GROUP BY top.id, o.status, top.title, top.plan_id, {order}"
        )
    parts.append(
        f"SELECT 'own', {none}, o.status, COUNT(*), {blank}, {blank}, {none}, {none} FROM own o GROUP BY o.status"
    )
    parts.append(grouped("before", previous, "status"))
    if "lead_unit" in dimensions:
        parts.append(
            f"SELECT 'lead_unit', lu.unit_id, o.status, COUNT(*), {blank}, {blank}, {none}, {none} FROM own o "
            f"JOIN {table['leads']} lu ON lu.target_id = o.target_id GROUP BY lu.unit_id, o.status"
        )
    if "county" in dimensions:
        parts.append(
            f"SELECT 'county', r.id, o.status, COUNT(*), r.name, r.code, {none}, {none} FROM own o "
            f"JOIN {table['region']} r ON r.id = o.region_id GROUP BY r.id, o.status, r.name, r.code"
        )
    if "township" in dimensions:
        # Each township's own lights: its shares, and (without a township filter) the un-allocated
        # indicators its units lead or share, as `_by_township` counts them.
        parts.append(grouped("shares", shares, "unit__township_id"))
        if loose:
            for part, through in (("led", "leads"), ("shared", "co_units")):
                parts.append(
                    f"SELECT '{part}', u.township_id, o.status, COUNT(*), {blank}, {blank}, {none}, {none} "
                    f"FROM own o JOIN {table[through]} x ON x.target_id = o.target_id "
                    f"JOIN {table['unit']} u ON u.id = x.unit_id WHERE NOT EXISTS "
                    f"(SELECT 1 FROM {table['allocation']} a WHERE a.indicator_id = o.indicator_id) "
                    "GROUP BY u.township_id, o.status"
                )
    sql = f"WITH RECURSIVE {', '.join(ctes)} {' UNION ALL '.join(parts)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
