"""Counts by light: the tiles, the splits by section, lead unit, township or county, and the 12-month
trend (a past month from its stored per-region counts, the month under way from today's lights)."""

from dataclasses import dataclass, field
from datetime import date

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
from targets.models import Allocation, Section

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
