"""Writes of the supervision office: month-end snapshots (and, later, supervision items)."""
import calendar
from datetime import date

from django.db import transaction

from accounts.services import audit_record
from targets import selectors as target_selectors
from targets.models import Indicator

from .models import StatusSnapshot


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


@transaction.atomic
def snapshot_freeze(*, as_of: date, indicators=None, by=None) -> int:
    """Freeze every indicator's light at `as_of` (a month end); running it again replaces that month's rows."""
    indicators = indicators if indicators is not None else Indicator.objects.all()
    rows = target_selectors.indicator_rows(indicators, as_of)
    snapshots = [
        StatusSnapshot(
            indicator_id=indicator_id, as_of=as_of, status=row.status.status, actual=row.status.actual,
            completion=row.status.completion, expected=row.status.expected, gap=row.status.gap,
            reasons=list(row.status.reasons),
        )
        for indicator_id, row in rows.items()
    ]
    StatusSnapshot.objects.bulk_create(
        snapshots, batch_size=2000, update_conflicts=True, unique_fields=["indicator", "as_of"],
        update_fields=["status", "actual", "completion", "expected", "gap", "reasons", "taken_at"],
    )
    audit_record(action="snapshot.freeze", by=by, object_type="supervision.StatusSnapshot",
                 object_id=as_of.isoformat(), new={"as_of": as_of, "indicators": len(snapshots)})
    return len(snapshots)
