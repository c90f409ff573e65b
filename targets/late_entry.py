"""申请补报: a unit asks for a locked period, the supervision office grants or refuses it from a list.

A grant goes through services.late_entry_grant_create, so a granted request and a grant typed by the
office open the period the same way and leave the same audit event.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.selectors import office_of
from accounts.services import audit_record, notify, snapshot

from . import rules, selectors, services
from .models import LateEntryRequest, LateEntryRequestStatus, ProgressReport
from .rules import entry as entry_rules

REQUEST_FIELDS = ["indicator", "unit", "period_start", "reason", "status", "decision_note"]
COUNTED = ("submitted", "approved")
GRANT_DAYS = 7  # how long a granted request stays open unless the office says otherwise


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


@transaction.atomic
def late_entry_request_create(
    *, indicator, period_start: date, reason: str, by, today: date | None = None
) -> LateEntryRequest:
    """The unit's request for one missed period; the office is told."""
    today = today or timezone.localdate()
    if not permissions.is_unit_reporter(by) or not selectors.indicators_visible_to(by).filter(pk=indicator.pk).exists():
        raise PermissionDenied(_("Only a unit that reports this indicator asks for a late entry."))
    errors = {}
    if period_start not in missed_periods(indicator=indicator, unit=by.unit, today=today):
        errors["period"] = _("%(period)s is not a missed, locked period of this indicator.") % {
            "period": rules.period_words(period_start, indicator.frequency)
        }
    if not reason.strip():
        errors["reason"] = _("Say why the period was missed.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            request = LateEntryRequest.objects.create(
                indicator=indicator, unit=by.unit, period_start=period_start, reason=reason.strip(), requested_by=by
            )
    except IntegrityError as exc:
        raise ValidationError({"period": _("A request for this period is already waiting for the office.")}) from exc
    audit_record(action="late_entry.request", by=by, obj=request, new=snapshot(request, REQUEST_FIELDS))
    notify(
        users=office_of(indicator.target.plan.region),
        kind="late_entry.requested",
        message=_("%(unit)s asks to enter %(indicator)s for %(period)s late: %(reason)s")
        % {
            "unit": by.unit.name,
            "indicator": indicator.name,
            "period": rules.period_words(request.period_start, indicator.frequency),
            "reason": request.reason,
        },
        link=reverse("late-entry-grants"),
    )
    return request


@transaction.atomic
def late_entry_request_decide(
    *, request, by, grant: bool, note: str = "", until: date | None = None, today: date | None = None
) -> LateEntryRequest:
    """Grant (the period opens until `until`) or refuse (a note is required) a waiting request; the unit is told."""
    today = today or timezone.localdate()
    current = (
        LateEntryRequest.objects.select_for_update()
        .select_related("indicator__target__plan", "unit")
        .get(pk=request.pk)
    )
    services._require_office(by, current.indicator.target.plan)
    if current.status != LateEntryRequestStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    if not grant and not note.strip():
        raise ValidationError({"note": _("Give the reason for refusing.")})
    old = snapshot(current, REQUEST_FIELDS)
    if grant:
        current.grant = services.late_entry_grant_create(
            plan=current.indicator.target.plan,
            unit=current.unit,
            indicator=current.indicator,
            period=current.period,
            until=until or today + timedelta(days=GRANT_DAYS),
            reason=note.strip() or current.reason,
            by=by,
            today=today,
        )
    current.status = LateEntryRequestStatus.GRANTED if grant else LateEntryRequestStatus.REFUSED
    current.decided_by, current.decided_at, current.decision_note = by, timezone.now(), note.strip()
    current.save()
    audit_record(action="late_entry.decide", by=by, obj=current, old=old, new=snapshot(current, REQUEST_FIELDS))
    if not grant:
        notify(
            users=services._unit_reporters(current.unit),
            kind="late_entry.refused",
            message=_("The late entry of %(indicator)s for %(period)s was refused: %(note)s")
            % {
                "indicator": current.indicator.name,
                "period": rules.period_words(current.period_start, current.indicator.frequency),
                "note": current.decision_note,
            },
            link=reverse("my-work"),
        )
    return current


def pending_requests(user):
    """The requests waiting for this office, oldest first."""
    plans = selectors.plans_visible_to(user)
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
