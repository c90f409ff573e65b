"""The rows of the exports, read in a fixed number of queries whatever the plan's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core import periods
from targets.models import Indicator
from targets.rules import period_words
from targets.selectors import indicator_rows, reports_visible_to, targets_visible_to, units_in_table_order


@dataclass(frozen=True)
class LedgerRow:
    seq: int
    task: str
    content: str
    indicator: str
    measure: str
    lead_units: str
    co_units: str
    target: Decimal | None
    actual: Decimal | None
    completion: Decimal | None
    light: str
    progress: str
    problems: str


@dataclass(frozen=True)
class PeriodRow:
    seq: int
    task: str
    indicator: str
    unit: str
    period: str
    value: Decimal
    measure: str
    status: str
    narrative: str
    problems: str
    next_steps: str


def _names(units) -> str:
    return "、".join(u.name for u in units)


def ledger_rows(*, plan, user, as_of: date) -> list[LedgerRow]:
    """One row per indicator of the plan the user may see, in table order, with its light as of `as_of`."""
    targets = {t.pk: t for t in targets_visible_to(user).filter(plan=plan).order_by("seq")}
    leads, shared = units_in_table_order(list(targets))
    indicators = Indicator.objects.filter(target__in=list(targets)).order_by("target__seq", "order", "id")
    rows = []
    for row in indicator_rows(indicators, as_of, with_last_report=True).values():
        indicator, status = row.indicator, row.status
        target = targets[indicator.target_id]
        report = row.last_report
        co_units = _names(shared.get(target.pk, []))
        if target.all_townships:
            co_units = "、".join(filter(None, [co_units, "各街道乡镇"]))
        rows.append(
            LedgerRow(
                seq=target.seq,
                task=target.name,
                content=target.content or indicator.name,
                indicator=indicator.name,
                measure=indicator.unit,
                lead_units=_names(leads.get(target.pk, [])),
                co_units=co_units,
                target=indicator.target_value,
                actual=status.actual,
                completion=status.completion,
                light=status.status,
                progress=report.narrative if report else "",
                problems=report.problems if report else "",
            )
        )
    rows.sort(key=lambda r: r.seq)  # stable: a task's indicators stay in their order
    return rows


def period_rows(*, plan, user, period: str) -> list[PeriodRow]:
    """Every report of one period ("2025-05" or "2025-Q2") the user may see, in table order."""
    period_start, frequency = periods.parse_period(period)
    period_name = period_words(period_start, frequency)  # 2025年5月, 2025年第二季度
    reports = (
        reports_visible_to(user)
        .filter(indicator__target__plan=plan, period_start=period_start)
        .select_related("indicator__target", "unit")
        .order_by("indicator__target__seq", "indicator__order", "unit__name")
    )
    return [
        PeriodRow(
            seq=r.indicator.target.seq,
            task=r.indicator.target.name,
            indicator=r.indicator.name,
            unit=r.unit.name,
            period=period_name,
            value=r.value,
            measure=r.indicator.unit,
            status=r.get_status_display(),
            narrative=r.narrative,
            problems=r.problems,
            next_steps=r.next_steps,
        )
        for r in reports
    ]
