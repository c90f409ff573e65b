"""Dates in pages: {% load core_dates %} then {{ d|day_words }}."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from core import periods

register = template.Library()


@register.filter
def day_words(value, mode=""):
    """A date as a person reads it, through core.periods.day_words: {{ d|day_words }} gives 2026年12月2日 in
    Chinese (2026-12-02 in English). A moment is shown in local time: {{ t|day_words:"time" }} adds 10:42,
    {{ t|day_words:"seconds" }} 10:42:05. Input fields, data attributes and exports keep ISO dates."""
    if not isinstance(value, date):
        return ""
    if not isinstance(value, datetime):
        return periods.day_words(value)
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    day = periods.day_words(moment.date())
    if mode == "time":
        return f"{day} {moment:%H:%M}"
    if mode == "seconds":
        return f"{day} {moment:%H:%M:%S}"
    return day
