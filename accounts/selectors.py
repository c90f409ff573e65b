"""Reads of the accounts app: the audit log for the auditor's page and export."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""
    action: str = ""
    obj: str = ""
    date_from: date | None = None
    date_to: date | None = None
    outcome: str = ""

    @classmethod
    def from_query(cls, params) -> tuple["AuditFilter", dict]:
        """The filter from GET parameters, and a dict of field → message for dates that did not parse."""
        errors, dates = {}, {}
        for name in ("date_from", "date_to"):
            raw = params.get(name, "").strip()
            try:
                dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                errors[name] = raw
        return cls(
            user=params.get("user", "").strip(),
            action=params.get("action", "").strip(),
            obj=params.get("object", "").strip(),
            outcome=params.get("outcome", "").strip(),
            **dates,
        ), errors


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(f: AuditFilter):
    qs = AuditEvent.objects.all()
    if f.user:
        qs = qs.filter(username__icontains=f.user)
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.obj:
        qs = qs.filter(Q(object_repr__icontains=f.obj) | Q(object_id=f.obj) | Q(object_type__iexact=f.obj))
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.date_from:
        qs = qs.filter(at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_day_start(f.date_to + timedelta(days=1)))
    return qs.order_by("-id")


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
