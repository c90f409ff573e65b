"""What the office follows up: the indicators done this month, the open supervision items, and the
indicators no unit answers for."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.utils import timezone

from core.periods import month_end, previous_month_end
from targets.choices import Light
from targets.models import Indicator, Target
from targets.selectors import unowned_q

from ..models import StatusSnapshot, SupervisionItem, SupervisionStatus
from .scope import _indicator_filters, _scope, converted, converters, indicators_in, lights_of, materialized, snapshots


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
    dashboard's filters as every other tile (with `township`, that township's own lights), in plan order."""
    done = _newly_done(region=region, as_of=as_of, plan=plan, section=section, unit=unit, township=township)
    return _follow_ups(done, None)[0]


def follow_ups(
    *, region, as_of: date, plan=None, section=None, unit=None, township=None, light=None, done: bool = True
) -> tuple[list[DoneRow], list[dict]]:
    """`newly_done` (none unless `done`) and `unowned` (narrowed by `light`) under the same filters, in one query."""
    scope = dict(region=region, as_of=as_of, plan=plan, section=section, unit=unit, township=township)
    return _follow_ups(_newly_done(**scope) if done else None, _unowned(**scope, light=light))


def _newly_done(*, region, as_of: date, plan, section, unit, township):
    """The light rows behind `newly_done`."""
    end = month_end(as_of)
    before = StatusSnapshot.objects.filter(
        indicator_id=OuterRef("indicator_id"), as_of=previous_month_end(end), status=Light.DONE
    )
    if township is None:
        # Every row is an indicator's own (no share): one test, not two, to build and compile.
        was_done = Q(Exists(before.filter(unit__isnull=True)))
    else:
        was_done = (Q(unit__isnull=True) & Q(Exists(before.filter(unit__isnull=True)))) | (
            Q(unit__isnull=False) & Q(Exists(before.filter(unit_id=OuterRef("unit_id"))))
        )
    return snapshots(
        region=region, as_of=end, plan=plan, section=section, unit=unit, township=township, light=Light.DONE
    ).filter(~was_done)


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
    # Plain rows: the list shows these fields of each item, its indicator and its unit, not three model
    # instances per item.
    rows = qs.order_by("reply_due", "id").values_list(
        "pk", "indicator_id", "indicator__name", "unit__name", "status", "light_when_issued", "reply_due", "issued_at"
    )
    awaiting = (SupervisionStatus.OPEN, SupervisionStatus.RETURNED)
    return [
        OpenItem(
            id=pk,
            indicator_id=indicator_id,
            indicator=indicator,
            unit=unit_name,
            status=status,
            light_when_issued=light_when_issued,
            reply_due=reply_due,
            issued_at=issued_at,
            overdue=status in awaiting and reply_due < today,
        )
        for pk, indicator_id, indicator, unit_name, status, light_when_issued, reply_due, issued_at in rows
    ]


def unowned(
    *, region, as_of: date | None = None, plan=None, section=None, unit=None, township=None, light=None
) -> list[dict]:
    """The region's indicators nobody answers for (no township share, no lead unit): 未明确责任单位,
    a problem of the plan's set-up the office puts right by assigning a unit, not a unit's lag; in
    plan order, as the plain rows targets/_unowned.html lists (pk, name, target, target_id).

    Under the dashboard's filters, as its other figures are: a section, a unit (one it shares them
    with as a co-unit), a township (likewise) and a light at the month end of `as_of`."""
    scope = dict(region=region, as_of=as_of, plan=plan, section=section, unit=unit, township=township, light=light)
    return _follow_ups(None, _unowned(**scope))[1]


def _unowned(*, region, as_of, plan, section, unit, township, light):
    """The indicators behind `unowned`."""
    indicators = indicators_in(region=region, plan=plan, section=section, unit=unit)
    if township is not None or light:
        end = month_end(as_of or timezone.localdate())
        lit = _scope(region=region, end=end, plan=plan, section=section, unit=unit, township=township, light=light)
        indicators = indicators.filter(pk__in=lit.values("indicator_id"))
    return indicators.filter(unowned_q())


def _follow_ups(done, nobody) -> tuple[list[DoneRow], list[dict]]:
    """The rows of `done` (light rows, `_newly_done`) and of `nobody` (indicators, `_unowned`), either
    of them None, with the fields their lists show, in plan order, in one query (UNION ALL).

    Written by hand around the querysets' compiled ids: the two lists as querysets of their indicators'
    and tasks' fields took about 4 ms of CPU to build and compile, for queries PostgreSQL runs in 1."""
    indicator, target = Indicator._meta.db_table, Target._meta.db_table
    order = connection.ops.quote_name(Indicator._meta.get_field("order").column)
    chosen, parts, params, steps = [], [], [], (None, [])
    if done is not None:
        cte, done_params = materialized("done", done)
        steps = (converters(done.model._meta.get_field("actual")), converters(done.model._meta.get_field("completion")))
        chosen.append(cte)
        parts.append(
            f"""SELECT 0 AS part, i.id, i.name, t.seq, t.name, l.actual, l.completion, i.unit, i.target_id,
                0 AS place FROM done JOIN {done.model._meta.db_table} l ON l.{done.model._meta.pk.column} = done.pk
            JOIN {indicator} i ON i.id = l.indicator_id JOIN {target} t ON t.id = i.target_id"""
        )
        params += done_params
    if nobody is not None:
        cte, nobody_params = materialized("nobody", nobody)
        chosen.append(cte)
        parts.append(
            f"""SELECT 1 AS part, i.id, i.name, t.seq, t.name, NULL, NULL, NULL, i.target_id, i.{order} AS place
            FROM nobody JOIN {indicator} i ON i.id = nobody.pk JOIN {target} t ON t.id = i.target_id"""
        )
        params += nobody_params
    # Each list in plan order: the done by task, then indicator; the unowned by task, place, indicator.
    sql = f"WITH {', '.join(chosen)} {' UNION ALL '.join(parts)} ORDER BY 1, 4, 10, 2"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    rows = ([], [])
    for part, pk, name, seq, task, actual, completion, measure, target_id, _place in found:
        if part == 0:
            actual, completion = converted(actual, steps[0]), converted(completion, steps[1])
            rows[0].append(DoneRow(pk, name, f"{seq}. {task}", actual, completion, measure))  # str(Target)
        else:
            rows[1].append({"pk": pk, "name": name, "target": f"{seq}. {task}", "target_id": target_id})
    return rows
