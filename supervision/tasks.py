"""Scheduled and background freezes of the status snapshots; thin, they call supervision.services."""
from celery import shared_task
from django.utils import timezone

from core import periods
from regions.models import Region

from . import services


@shared_task
def freeze_month_end(month_end_iso: str | None = None) -> int:
    """Freeze every indicator at the end of the month that just ended (or the month end given).

    Idempotent: running it twice replaces that month's snapshots with identical ones, so the beat
    schedule may fire it on the 1st and again later without harm.
    """
    from datetime import date

    end = date.fromisoformat(month_end_iso) if month_end_iso else periods.previous_month_end(timezone.localdate())
    return services.snapshot_freeze(as_of=periods.month_end(end))


@shared_task
def refresh_live(region_code: str | None = None) -> int:
    """Re-evaluate the month under way for one region (or everything) as of today."""
    from .figures import indicators_in

    region = Region.objects.get(code=region_code) if region_code else None
    today = timezone.localdate()
    return services.snapshot_freeze(as_of=periods.month_end(today), indicators=indicators_in(region=region),
                                    evaluated_on=today)
