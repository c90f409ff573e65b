"""What 申请补报 reads: the periods a unit may still ask for, the requests waiting for an office, a unit's
own requests."""

from datetime import date

from ..models import LateEntryRequest, LateEntryRequestStatus, ProgressReport
from . import plans_visible_to
from .entry import COUNTED, period_due


def missed_periods(*, indicator, unit, today: date) -> list[date]:
    """The locked periods of `indicator` the unit has not reported and may ask for, oldest first."""
    reported = set(
        ProgressReport.objects.filter(indicator=indicator, unit=unit, status__in=COUNTED).values_list(
            "period_start", flat=True
        )
    )
    due = period_due(indicator, today=today, reported=reported)
    return list(due.missed_locked)


def pending_requests(user):
    """The requests waiting for this office, oldest first."""
    plans = plans_visible_to(user)
    return (
        LateEntryRequest.objects.filter(status=LateEntryRequestStatus.PENDING, indicator__target__plan__in=plans)
        .select_related("indicator__target__plan", "unit", "requested_by")
        .order_by("requested_at", "id")
    )


def requests_of_unit(unit):
    return (
        LateEntryRequest.objects.filter(unit=unit)
        .select_related("indicator", "decided_by")
        .order_by("-requested_at")[:20]
    )
