"""The scheduled month-end freeze of the status snapshots; thin, it calls supervision.services."""

from celery import shared_task
from django.utils import timezone

from core import periods

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
