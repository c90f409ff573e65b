"""Celery tasks of leaders' instructions: thin, they call a service."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def remind_overdue_instructions() -> int:
    """Beat runs this every morning: units late with their answer to a leader's instruction are told once."""
    return services.instructions_remind_overdue(today=timezone.localdate())
