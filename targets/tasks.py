"""The nightly re-judgement of the lights the date alone moves; thin, it calls targets.lights."""

from celery import shared_task

from . import lights


@shared_task
def lights_rejudge_due() -> int:
    """Re-judge the lights whose day has come (a due date or the deadline passed, a new period began)."""
    return lights.lights_rejudge_due()
