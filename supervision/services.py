"""Writes of the supervision office: month-end snapshots and supervision items (督办 → 销号)."""
import calendar
from collections import defaultdict
from dataclasses import replace
from datetime import date

from django.db import transaction

from accounts.services import audit_record
from targets import rules
from targets import selectors as target_selectors
from targets.choices import PROGRESS_KINDS, ReportStatus
from targets.models import Allocation, Indicator, ProgressReport

from .models import StatusSnapshot

# Indicators are frozen in chunks so that a province (30,000 indicators, millions of reports) never
# holds every report in memory at once.
FREEZE_CHUNK = 2000


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def previous_month_end(d: date) -> date:
    return d.replace(day=1) - date.resolution


@transaction.atomic
def snapshot_freeze(*, as_of: date, indicators=None, by=None, evaluated_on: date | None = None) -> int:
    """Freeze every indicator's light at `as_of` (a month end); running it again replaces that month's rows.

    Each indicator gets its own row (unit empty) and, when it is allocated to townships, one row per
    township share judged against that township's allocated target. `evaluated_on` (default: as_of)
    is the day the lights are evaluated at: a day before the month end freezes the month under way
    provisionally, and the month-end run later replaces it. Returns the number of indicators frozen.
    """
    evaluated_on = evaluated_on or as_of
    indicators = indicators if indicators is not None else Indicator.objects.all()
    ids = list(indicators.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), FREEZE_CHUNK):
        _freeze_chunk(ids[start:start + FREEZE_CHUNK], as_of, evaluated_on)
    audit_record(action="snapshot.freeze", by=by, object_type="supervision.StatusSnapshot",
                 object_id=as_of.isoformat(),
                 new={"as_of": as_of, "evaluated_on": evaluated_on, "indicators": len(ids)})
    return len(ids)


def _freeze_chunk(ids: list[int], as_of: date, evaluated_on: date) -> None:
    rows = target_selectors.indicator_rows(Indicator.objects.filter(pk__in=ids), evaluated_on)
    snapshots = [_snapshot(indicator_id, None, row.status, as_of, evaluated_on) for indicator_id, row in rows.items()]
    for allocation, status in _share_statuses(rows, evaluated_on):
        snapshots.append(_snapshot(allocation.indicator_id, allocation.unit_id, status, as_of, evaluated_on))
    StatusSnapshot.objects.filter(indicator_id__in=ids, as_of=as_of).delete()
    StatusSnapshot.objects.bulk_create(snapshots, batch_size=2000)


def _snapshot(indicator_id, unit_id, status: rules.StatusResult, as_of, evaluated_on) -> StatusSnapshot:
    return StatusSnapshot(
        indicator_id=indicator_id, unit_id=unit_id, as_of=as_of, evaluated_on=evaluated_on, status=status.status,
        actual=status.actual, completion=status.completion, expected=status.expected, gap=status.gap,
        reasons=list(status.reasons),
    )


def _share_statuses(rows, evaluated_on: date):
    """Each township's light on its own share of an allocated indicator (分解下达), from its own reports."""
    allocations = list(Allocation.objects.filter(indicator_id__in=list(rows)))
    if not allocations:
        return []
    points = defaultdict(list)
    reports = ProgressReport.objects.filter(
        indicator_id__in={a.indicator_id for a in allocations},
        status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED], period_start__lte=evaluated_on,
    ).values_list("indicator_id", "unit_id", "period_start", "value", "submitted_at")
    for indicator_id, unit_id, period_start, value, submitted_at in reports:
        submitted_on = submitted_at.date() if submitted_at else None
        points[indicator_id, unit_id].append(rules.ReportPoint(period_start, value, submitted_on))
    results = []
    for allocation in allocations:
        indicator = rows[allocation.indicator_id].indicator
        # Milestones are written for the county figure, so a share is judged on the straight path.
        spec = replace(target_selectors.indicator_spec(indicator, (), indicator.target.plan),
                       target=allocation.target_value)
        if spec.kind in PROGRESS_KINDS and spec.target == spec.baseline:
            continue  # a share of nothing has no pace to judge
        series = points[allocation.indicator_id, allocation.unit_id]
        results.append((allocation, rules.evaluate_status(spec, series, evaluated_on)))
    return results
