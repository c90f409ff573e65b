"""What every figure is read over: the region, plan, section, unit and township filters as query
conditions, and whether a day reads today's stored lights or a month end's snapshots."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.utils import timezone

from core.periods import month_end
from regions.models import Region, Unit
from regions.selectors import region_prefix
from targets.choices import Light
from targets.models import Allocation, CurrentLight, Indicator, Section, Target

from ..models import StatusSnapshot

LIGHTS = tuple(Light.values)  # not_started, done, green, amber, red


FLAGGED = (Light.RED.value, Light.AMBER.value)


DIMENSIONS = ("section", "lead_unit", "township", "county")


def lights_of(light) -> list[str]:
    """A light filter as the lights it keeps: one light ("red") or several (FLAGGED, the red and amber list)."""
    return [light] if isinstance(light, str) else list(light)


def _zero() -> dict[str, int]:
    return {light: 0 for light in LIGHTS}


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def _region_q(region: Region | None, path: str) -> Q:
    return Q(**{f"{path}code__startswith": region_prefix(region)}) if region is not None else Q()


def _section_ids(section: Section) -> list[int]:
    """The section and every section nested under it (one query, once per section object: a page
    filtered by section reads each of its figures under it)."""
    if "_nested_ids" in section.__dict__:
        return section.__dict__["_nested_ids"]
    children = defaultdict(list)
    for pk, parent in Section.objects.filter(plan_id=section.plan_id).values_list("pk", "parent_id"):
        children[parent].append(pk)
    ids, todo = [], [section.pk]
    while todo:
        pk = todo.pop()
        ids.append(pk)
        todo += children[pk]
    section.__dict__["_nested_ids"] = ids
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


def _names(keys, model, known: dict | None = None) -> dict[int, str]:
    """The names of these units or regions: those of `known` ({pk: object}) as they are, the others read."""
    known = known or {}
    names = {key: known[key].name for key in keys if key in known}
    missing = set(keys) - set(names)
    if missing:
        names.update(model.objects.filter(pk__in=missing).values_list("pk", "name"))
    return names


def materialized(name: str, rows) -> tuple[str, tuple]:
    """`name AS MATERIALIZED (...)`, the ids of `rows` (a queryset under the page's filters, as
    Django compiles it), and its parameters: the CTE a hand-written query joins its rows to.

    The ids are set aside first: given `l.id IN (ids)`, PostgreSQL planned a join of the province's
    lights, indicators and tasks before keeping the filtered ones (140 ms against 8 on the list page)."""
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    return f"{name} AS MATERIALIZED ({sql})", params


def converters(expression) -> tuple:
    """What turns a hand-written query's value of `expression` (a field, as its column, or an aggregate)
    into the value the ORM would give (SQLite's decimals, dates and moments; JSON), as the ORM applies them."""
    expression = expression.get_col(expression.model._meta.db_table) if hasattr(expression, "get_col") else expression
    return expression, [*connection.ops.get_db_converters(expression), *expression.get_db_converters(connection)]


def converted(value, converter: tuple):
    """`value` through `converters(...)`'s answer."""
    expression, steps = converter
    for step in steps:
        value = step(value, expression, connection)
    return value
