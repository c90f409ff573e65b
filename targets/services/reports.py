"""A progress report's cycle: create, update, submit, review (approve or return) and reopen; each
checked, versioned, audited and told to the people who act next."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import office_of
from accounts.services import audit_record, notify, snapshot
from core import periods
from core.versions import check_version

from .. import lights, review, rules
from ..choices import ReportStatus
from ..models import (
    Allocation,
    Indicator,
    LateEntryGrant,
    ProgressReport,
    ReportVersion,
)
from ..rules import entry as entry_rules
from .common import period_words_of, report_link, require_office, require_reporter, unit_reporters

REPORT_FIELDS = [
    "indicator",
    "unit",
    "period_start",
    "value",
    "narrative",
    "problems",
    "next_steps",
    "status",
    "version",
]


VERSION_FIELDS = ReportVersion.FIELDS


VALUE_PLACES = Decimal("0.0001")


def _check_period(indicator: Indicator, period_start: date, frequency: str, today: date) -> None:
    if frequency != indicator.frequency:
        raise ValidationError(
            {
                "period": _("This indicator is reported %(frequency)s; give the period as %(example)s.")
                % {
                    "frequency": indicator.get_frequency_display(),
                    "example": "2025-Q2" if indicator.frequency == "quarterly" else "2025-05",
                }
            }
        )
    if period_start > today:
        raise ValidationError(
            {
                "period": _("The period %(period)s has not started yet.")
                % {"period": rules.period_words(period_start, frequency)}
            }
        )
    if periods.period_end(period_start, frequency) < indicator.start_date:
        raise ValidationError(
            {
                "period": _("The indicator starts on %(start)s; this period is before it.")
                % {"start": rules.day_words(indicator.start_date)}
            }
        )


def _check_value(value, indicator: Indicator) -> None:
    errors = entry_rules.value_errors(indicator.kind, value, name=indicator.name, unit=indicator.unit)
    if errors:
        raise ValidationError({"value": errors})


def grant_in_force(*, indicator, unit, period_start: date, today: date) -> LateEntryGrant | None:
    """The late-entry grant (补报) that lets `unit` enter this locked period today, if any."""
    scope = LateEntryGrant.objects.filter(unit=unit, period_start=period_start, until__gte=today)
    for_indicator = scope.filter(indicator=indicator) | scope.filter(
        indicator__isnull=True, plan_id=indicator.target.plan_id
    )
    return for_indicator.order_by("-until").first()


def _check_not_locked(indicator, unit, period_start: date, today: date) -> None:
    plan = indicator.target.plan
    if not entry_rules.is_locked(period_start, indicator.frequency, plan.due_day, plan.lock_after_days, today):
        return
    if grant_in_force(indicator=indicator, unit=unit, period_start=period_start, today=today):
        return
    locked_on = entry_rules.lock_date(period_start, indicator.frequency, plan.due_day, plan.lock_after_days)
    raise ValidationError(
        {
            "period": _(
                "The period %(period)s locked on %(date)s; ask the supervision office for a late-entry grant (补报)."
            )
            % {"period": rules.period_words(period_start, indicator.frequency), "date": rules.day_words(locked_on)}
        }
    )


def _check_findings(indicator, unit, period_start: date, value, explanation: str, confirmed: bool) -> bool:
    """Refuse a value that needs an explanation or a confirmation it lacks; True when one was confirmed."""
    earlier = (
        ProgressReport.objects.filter(
            indicator=indicator,
            unit=unit,
            period_start__lt=period_start,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
        )
        .order_by("-period_start")
        .values_list("value", "status")[:12]
    )
    earlier = list(earlier)
    last_approved = next((v for v, status in earlier if status == ReportStatus.APPROVED), None)
    share = Allocation.objects.filter(indicator=indicator, unit=unit).values_list("target_value", flat=True).first()
    findings = entry_rules.value_findings(
        kind=indicator.kind,
        value=value,
        target=share if share is not None else indicator.target_value,
        baseline=indicator.baseline,
        last_approved=last_approved,
        history=[v for v, _status in reversed(earlier)],
    )
    errors = {}
    for finding in findings:
        if finding.needs == entry_rules.NEEDS_EXPLANATION and not explanation.strip():
            errors.setdefault("explanation", []).append(finding.message)
        if finding.needs == entry_rules.NEEDS_CONFIRMATION and not confirmed:
            errors.setdefault("confirmed", []).append(finding.message)
    if errors:
        raise ValidationError(errors)
    return any(f.needs == entry_rules.NEEDS_CONFIRMATION for f in findings)


def report_version(
    report: ProgressReport, action: str, by, at=None, *, status: str | None = None, version: int | None = None
) -> ReportVersion:
    """The report's state as its version `report.version` keeps it (unsaved), after `action` by `by`; `status`
    and `version`, when given, are those of an earlier step (the demo writes a report's history after the fact)."""
    data = snapshot(report, VERSION_FIELDS)
    if status is not None:
        data["status"] = status
    # As stored (4 places), whether the value came from the form or from the database, so that
    # comparing two versions shows only real changes.
    data["value"] = str(Decimal(report.value).quantize(VALUE_PLACES))
    return ReportVersion(
        report=report,
        version=report.version if version is None else version,
        action=action,
        data=data,
        by=by,
        at=at or timezone.now(),
    )


def _record_version(report: ProgressReport, action: str, by) -> None:
    report_version(report, action, by).save()


class _AlreadyReported(ValidationError):
    """progress_report_create's refusal of a second report of one period, told apart by report_enter."""


def _already_reported(unit, period_start: date, frequency: str) -> str:
    return _("%(unit)s already has a report for %(period)s; open it to edit.") % {
        "unit": unit.name,
        "period": rules.period_words(period_start, frequency),
    }


@transaction.atomic
def progress_report_create(
    *,
    indicator,
    unit,
    period: str,
    value,
    by,
    narrative="",
    problems="",
    next_steps="",
    today: date | None = None,
    explanation: str = "",
    confirmed: bool = False,
) -> ProgressReport:
    """A new draft for one indicator, unit and period ("2025-05" or "2025-Q2")."""
    require_reporter(by, unit)
    today = today or timezone.localdate()
    try:
        period_start, frequency = periods.parse_period(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    _check_period(indicator, period_start, frequency, today)
    _check_value(value, indicator)
    _check_not_locked(indicator, unit, period_start, today)
    already = _AlreadyReported({"period": _already_reported(unit, period_start, frequency)})
    if _report_exists(indicator, unit, period_start):
        raise already
    outlier = _check_findings(indicator, unit, period_start, value, explanation, confirmed)
    try:
        report = ProgressReport.objects.create(
            indicator=indicator,
            unit=unit,
            period_start=period_start,
            value=value,
            narrative=narrative,
            problems=problems,
            next_steps=next_steps,
            created_by=by,
            explanation=explanation.strip(),
            outlier_confirmed=outlier,
        )
    except IntegrityError as exc:
        # Two people of one unit creating the same period's report at once: both passed the check
        # above and the database's unique constraint refused the second. It gets the same answer as
        # if it had come a moment later (the transaction is rolled back with the exception).
        if not _is_duplicate_report(exc):
            raise
        raise already from exc
    _record_version(report, "create", by)
    audit_record(  # last, as in progress_report_submit
        action="report.create",
        by=by,
        obj=report,
        new=snapshot(report, REPORT_FIELDS + ["explanation", "outlier_confirmed"]),
    )
    return report


def _report_exists(indicator, unit, period_start: date) -> bool:
    return ProgressReport.objects.filter(indicator=indicator, unit=unit, period_start=period_start).exists()


def _is_duplicate_report(exc: IntegrityError) -> bool:
    """The unique (indicator, unit, period) constraint, as PostgreSQL (by its name) or SQLite (by its columns) reports it."""
    text = str(exc)
    return "report_unique_indicator_unit_period" in text or "targets_progressreport.period_start" in text


def _lock(report: ProgressReport) -> ProgressReport:
    # The checks read the plan (office, lock date) and the unit: one query, locking only the report.
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("indicator__target__plan__region", "unit")
        .get(pk=report.pk)
    )


EDITABLE_FIELDS = ("value", "narrative", "problems", "next_steps", "explanation")


def _check_editable(current: ProgressReport, by, today: date) -> None:
    if not review.is_editable(current.status):
        raise ValidationError(_("Only a draft or returned report can be changed."))
    # A report the office returned can always be put right; a draft waits on the period's lock.
    if current.status == ReportStatus.DRAFT:
        _check_not_locked(current.indicator, current.unit, current.period_start, today)


@transaction.atomic
def progress_report_update(
    *, report, by, expected_version: int, confirmed: bool = False, today: date | None = None, **changes
) -> ProgressReport:
    """Change a draft or returned report; refuse when someone saved it since `expected_version` was read."""
    current = _lock(report)
    require_reporter(by, current.unit)
    check_version(
        current,
        expected_version,
        _("This report was changed by someone else (now version %(version)s); reload it and apply your changes again."),
        changes=snapshot(current, EDITABLE_FIELDS),
        required=True,
    )
    _check_editable(current, by, today or timezone.localdate())
    for name in changes:
        if name not in EDITABLE_FIELDS:
            raise ValidationError(_("%(field)s cannot be changed here.") % {"field": name})
    if "value" in changes:
        _check_value(changes["value"], current.indicator)
    if not any(_differs(current, name, value) for name, value in changes.items()):
        # Saved as it stands (报送 straight after 保存草稿 sends the same fields again): no new version, no
        # edit in the history or the audit log.
        return current
    old = snapshot(current, EDITABLE_FIELDS)
    previous_value = current.value
    for name, value in changes.items():
        setattr(current, name, value)
    if "value" in changes and changes["value"] != previous_value:
        current.outlier_confirmed = _check_findings(
            current.indicator, current.unit, current.period_start, current.value, current.explanation, confirmed
        )
    current.version += 1
    current.save()
    _record_version(current, "update", by)
    audit_record(  # last, as in progress_report_submit
        action="report.update",
        by=by,
        obj=current,
        old=old,
        new=snapshot(current, EDITABLE_FIELDS + ("outlier_confirmed",)),
    )
    return current


def _differs(current: ProgressReport, name: str, value) -> bool:
    """Whether `value` changes the report's field `name` (a value compared as a number: 400 is 400.0000)."""
    stored = getattr(current, name)
    if name == "value":  # checked a number by _check_value before
        return Decimal(str(value)) != Decimal(stored)
    return value != stored


def _check_version(current: ProgressReport, expected_version: int | None) -> None:
    check_version(
        current,
        expected_version,
        _("This report was changed by someone else (now version %(version)s); reload it first."),
        changes=snapshot(current, ["status", "version"]),
    )


def _plan_of(report):
    return report.indicator.target.plan


@transaction.atomic
def progress_report_submit(*, report, by, expected_version: int | None = None) -> ProgressReport:
    current = _lock(report)
    require_reporter(by, current.unit)
    check_version(current, expected_version, _("This report was changed by someone else; reload it before submitting."))
    now = timezone.now()
    if current.status == ReportStatus.DRAFT:
        _check_not_locked(current.indicator, current.unit, current.period_start, timezone.localdate(now))
    plan = _plan_of(current)
    due = periods.due_date(current.period_start, current.indicator.frequency, plan.due_day)
    current.is_late = timezone.localdate(now) > due
    old = review.review_step(current, review.SUBMIT, by=by, wording=review.REPORT_WORDING, now=now)
    _record_version(current, "submit", by)
    lights.lights_rejudge(indicator_ids=[current.indicator_id])
    message = _("%(unit)s submitted %(indicator)s for %(period)s%(late)s.") % {
        "unit": current.unit.name,
        "indicator": current.indicator.name,
        "period": period_words_of(current),
        "late": _(" (late)") if current.is_late else "",
    }
    notify(users=office_of(plan.region), kind="report.submitted", message=message, link=report_link(current))
    # Last: the audit chain's lock is held to the commit, so every other write waits only for this insert.
    audit_record(
        action="report.submit", by=by, obj=current, old=old, new=snapshot(current, ["status", "version", "is_late"])
    )
    return current


def _tell_unit(report, kind: str, message: str) -> None:
    notify(users=unit_reporters(report.unit), kind=kind, message=message, link=report_link(report), unit=report.unit)


@transaction.atomic
def progress_report_review(
    *, report, by, approve: bool, comment: str = "", expected_version: int | None = None
) -> ProgressReport:
    """Approve a submitted report, or return it with a reason. Nobody reviews their own submission."""
    current = _lock(report)
    require_office(by, _plan_of(current))
    _check_version(current, expected_version)
    old = review.review_step(
        current, review.APPROVE if approve else review.RETURN, by=by, wording=review.REPORT_WORDING, reason=comment
    )
    _record_version(current, "approve" if approve else "return", by)
    lights.lights_rejudge(indicator_ids=[current.indicator_id])
    values = {"indicator": current.indicator.name, "period": period_words_of(current), "reason": current.review_comment}
    if approve:
        _tell_unit(current, "report.approved", _("Your report on %(indicator)s for %(period)s was approved.") % values)
    else:
        _tell_unit(
            current,
            "report.returned",
            _("Your report on %(indicator)s for %(period)s was returned: %(reason)s") % values,
        )
    audit_record(  # last, as in progress_report_submit
        action="report.approve" if approve else "report.return",
        by=by,
        obj=current,
        old=old,
        new=snapshot(current, ["status", "version", "review_comment"]),
    )
    return current


@transaction.atomic
def progress_report_reopen(*, report, by, reason: str, expected_version: int | None = None) -> ProgressReport:
    """Undo an approval (the supervision office only, with a reason): the report goes back to the unit."""
    current = _lock(report)
    require_office(by, _plan_of(current))
    _check_version(current, expected_version)
    old = review.review_step(current, review.REOPEN, by=by, wording=review.REPORT_WORDING, reason=reason)
    _record_version(current, "reopen", by)
    lights.lights_rejudge(indicator_ids=[current.indicator_id])
    _tell_unit(
        current,
        "report.reopened",
        _("Your approved report on %(indicator)s for %(period)s was reopened: %(reason)s")
        % {"indicator": current.indicator.name, "period": period_words_of(current), "reason": current.review_comment},
    )
    audit_record(  # last, as in progress_report_submit
        action="report.reopen",
        by=by,
        obj=current,
        old=old,
        new=snapshot(current, ["status", "version", "review_comment"]),
    )
    return current
