"""申请补报 and 补报授权: a unit asks for a locked period, the office grants it (or grants one unasked) or
refuses it. A granted request and a grant typed by the office open the period the same way and leave
the same audit event."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.selectors import office_of
from accounts.services import audit_record, notify, snapshot
from core import periods
from regions.selectors import region_prefix

from .. import rules, selectors
from ..models import (
    LateEntryGrant,
    LateEntryRequest,
    LateEntryRequestStatus,
)
from ..selectors.late_entry import missed_periods
from .common import require_office, unit_reporters

GRANT_FIELDS = ["plan", "indicator", "unit", "period_start", "until", "reason"]


@transaction.atomic
def late_entry_grant_create(
    *, plan, unit, period: str, until: date, reason: str, by, indicator=None, today: date | None = None
) -> LateEntryGrant:
    """补报: let one unit enter one locked period (of one indicator, or of the whole plan) until a date."""
    today = today or timezone.localdate()
    require_office(by, plan)
    errors = {}
    try:
        period_start, _frequency = periods.parse_period(period)
    except ValueError as exc:
        errors["period"] = str(exc)
    if not reason.strip():
        errors["reason"] = _("Give the reason for the late entry.")
    if until < today:
        errors["until"] = _("The grant must stay open until today or later.")
    if indicator is not None and indicator.target.plan_id != plan.pk:
        errors["indicator"] = _("This indicator belongs to another plan.")
    if unit.county_id != plan.region_id and not unit.county.code.startswith(region_prefix(plan.region)):
        errors["unit"] = _("This unit is outside the plan's region.")
    if errors:
        raise ValidationError(errors)
    grant = LateEntryGrant.objects.create(
        plan=plan,
        indicator=indicator,
        unit=unit,
        period_start=period_start,
        until=until,
        reason=reason.strip(),
        granted_by=by,
    )
    audit_record(action="late_entry.grant", by=by, obj=grant, new=snapshot(grant, GRANT_FIELDS))
    notify(
        users=unit_reporters(unit),
        kind="late_entry.granted",
        message=_("Late entry (补报) for %(period)s is open until %(until)s: %(reason)s")
        % {
            "period": rules.period_words(period_start, _frequency),
            "until": rules.day_words(until),
            "reason": grant.reason,
        },
        link=reverse("my-work"),
    )
    return grant


REQUEST_FIELDS = ["indicator", "unit", "period_start", "reason", "status", "decision_note"]


GRANT_DAYS = 7  # how long a granted request stays open unless the office says otherwise


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
    require_office(by, current.indicator.target.plan)
    if current.status != LateEntryRequestStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    if not grant and not note.strip():
        raise ValidationError({"note": _("Give the reason for refusing.")})
    old = snapshot(current, REQUEST_FIELDS)
    if grant:
        current.grant = late_entry_grant_create(
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
            users=unit_reporters(current.unit),
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
