"""What 申请补报 reads: the periods a unit may still ask for, the requests waiting for an office, a unit's
own requests."""

from datetime import date

from ..models import LateEntryRequest, LateEntryRequestStatus, ProgressReport
from ..rules import entry as entry_rules
from . import plans_visible_to

COUNTED = ("submitted", "approved")


def missed_periods(*, indicator, unit, today: date) -> list[date]:
    """The locked periods of `indicator` the unit has not reported and may ask for, oldest first."""
    plan = indicator.target.plan
    reported = set(
        ProgressReport.objects.filter(indicator=indicator, unit=unit, status__in=COUNTED).values_list(
            "period_start", flat=True
        )
    )
    due = entry_rules.period_to_report(
        start=indicator.start_date,
        deadline=indicator.deadline,
        frequency=indicator.frequency,
        due_day=plan.due_day,
        lock_after_days=plan.lock_after_days,
        today=today,
        reported=reported,
        granted=set(),
        reporting_from=plan.first_period,
    )
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
