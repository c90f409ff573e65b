"""What the office follows up: the indicators done this month, the open supervision items, and the
indicators no unit answers for."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.utils import timezone

from core.periods import month_end, previous_month_end
from targets.choices import Light
from targets.selectors import unowned_indicators

from ..models import StatusSnapshot, SupervisionItem, SupervisionStatus
from .scope import _indicator_filters, _scope, indicators_in, lights_of, snapshots


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
    if township is None:
        # Every row is an indicator's own (no share): one test, not two, to build and compile.
        was_done = Q(Exists(before.filter(unit__isnull=True)))
    else:
        was_done = (Q(unit__isnull=True) & Q(Exists(before.filter(unit__isnull=True)))) | (
            Q(unit__isnull=False) & Q(Exists(before.filter(unit_id=OuterRef("unit_id"))))
        )
    qs = (
        snapshots(region=region, as_of=end, plan=plan, section=section, unit=unit, township=township, light=Light.DONE)
        .filter(~was_done)
        .order_by("indicator__target__seq", "indicator_id")
    )
    # Plain rows: the list shows these fields of each light, its indicator and its task, not three
    # model instances per row.
    rows = qs.values_list(
        "indicator_id",
        "indicator__name",
        "indicator__target__seq",
        "indicator__target__name",
        "actual",
        "completion",
        "indicator__unit",
    )
    return [
        DoneRow(
            indicator_id=indicator_id,
            name=name,
            target=f"{seq}. {task}",  # str(Target)
            actual=actual,
            completion=completion,
            unit=measure,
        )
        for indicator_id, name, seq, task, actual, completion, measure in rows
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
