"""Every write to plans, indicators and progress reports: checked, saved and audited in one transaction."""
import hashlib
import json
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record, snapshot

from . import rules
from .choices import ReportStatus
from .models import Indicator, Milestone, ProgressReport

INDICATOR_FIELDS = ["target", "name", "kind", "unit", "baseline", "target_value", "start_date", "deadline", "frequency"]
REPORT_FIELDS = ["indicator", "unit", "period_start", "value", "narrative", "problems", "next_steps", "status", "version"]


class ConflictError(Exception):
    """Someone else saved the object since it was read; carries what they changed."""

    def __init__(self, message, *, current=None, changes=None):
        super().__init__(message)
        self.current = current
        self.changes = changes or {}


@transaction.atomic
def indicator_create(*, target, by, milestones=(), **fields) -> Indicator:
    indicator = Indicator(target=target, **fields)
    indicator.full_clean()
    indicator.save()
    for when, value in milestones:
        milestone = Milestone(indicator=indicator, date=when, value=value)
        milestone.full_clean()
        milestone.save()
    new = snapshot(indicator, INDICATOR_FIELDS) | {"milestones": [[d, v] for d, v in milestones]}
    audit_record(action="indicator.create", by=by, obj=indicator, new=new)
    return indicator


def indicator_fingerprint(indicator: Indicator) -> str:
    """A hash of what a client can change on an indicator (its milestones included): its ETag.

    Indicators carry no version number; the hash of their editable fields serves the same purpose,
    and decimals are written with four places so that a value read back from the database hashes
    as it did before it was saved.
    """
    values = {name: _canonical(getattr(indicator, Indicator._meta.get_field(name).attname))
              for name in INDICATOR_FIELDS + ["source_phrase"]}
    values["milestones"] = [[m.date.isoformat(), _canonical(m.value)] for m in indicator.milestones.all()]
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def _canonical(value):
    return f"{value:.4f}" if isinstance(value, Decimal) else value


@transaction.atomic
def indicator_update(*, indicator, by, expected_fingerprint: str, milestones=None, **changes) -> Indicator:
    """Change an indicator (and replace its milestones when given) unless someone changed it since it was read."""
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator_fingerprint(current) != expected_fingerprint:
        raise ConflictError(
            _("This indicator was changed by someone else; reload it and apply your changes again."),
            current=current, changes=snapshot(current, INDICATOR_FIELDS),
        )
    if "target" in changes and changes.pop("target").pk != current.target_id:
        raise ValidationError({"target": _("An indicator cannot be moved to another target.")})
    old = snapshot(current, INDICATOR_FIELDS) | {"milestones": [[m.date, m.value] for m in current.milestones.all()]}
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    if milestones is not None:
        current.milestones.all().delete()
        for when, value in milestones:
            milestone = Milestone(indicator=current, date=when, value=value)
            milestone.full_clean()
            milestone.save()
    fresh = Indicator.objects.prefetch_related("milestones").get(pk=current.pk)
    new = snapshot(fresh, INDICATOR_FIELDS) | {"milestones": [[m.date, m.value] for m in fresh.milestones.all()]}
    audit_record(action="indicator.update", by=by, obj=fresh, old=old, new=new)
    return fresh


def _check_period(indicator: Indicator, period_start: date, frequency: str, today: date) -> None:
    if frequency != indicator.frequency:
        raise ValidationError(
            {"period": _("This indicator is reported %(frequency)s; give the period as %(example)s.")
             % {"frequency": indicator.get_frequency_display(),
                "example": "2025-Q2" if indicator.frequency == "quarterly" else "2025-05"}}
        )
    if period_start > today:
        raise ValidationError({"period": _("The period %(period)s has not started yet.")
                               % {"period": rules.period_label(period_start, frequency)}})
    if rules.period_end(period_start, frequency) < indicator.start_date:
        raise ValidationError({"period": _("The indicator starts on %(start)s; this period is before it.")
                               % {"start": indicator.start_date.isoformat()}})


def _check_value(value) -> None:
    if value is None:
        raise ValidationError({"value": _("Enter a number.")})
    if value < 0:
        raise ValidationError({"value": _("A cumulative value cannot be negative.")})


@transaction.atomic
def progress_report_create(*, indicator, unit, period: str, value, by, narrative="", problems="", next_steps="",
                           today: date | None = None) -> ProgressReport:
    """A new draft for one indicator, unit and period ("2025-05" or "2025-Q2")."""
    today = today or timezone.localdate()
    try:
        period_start, frequency = rules.parse_period(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    _check_period(indicator, period_start, frequency, today)
    _check_value(value)
    if ProgressReport.objects.filter(indicator=indicator, unit=unit, period_start=period_start).exists():
        raise ValidationError({"period": _("%(unit)s already has a report for %(period)s; open it to edit.")
                               % {"unit": unit.name, "period": period}})
    report = ProgressReport.objects.create(
        indicator=indicator, unit=unit, period_start=period_start, value=value, narrative=narrative,
        problems=problems, next_steps=next_steps, created_by=by,
    )
    audit_record(action="report.create", by=by, obj=report, new=snapshot(report, REPORT_FIELDS))
    return report


def _lock(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.select_for_update().get(pk=report.pk)


EDITABLE_FIELDS = ("value", "narrative", "problems", "next_steps")


@transaction.atomic
def progress_report_update(*, report, by, expected_version: int, **changes) -> ProgressReport:
    """Change a draft or returned report; refuse when someone saved it since `expected_version` was read."""
    current = _lock(report)
    if current.version != expected_version:
        theirs = snapshot(current, EDITABLE_FIELDS)
        raise ConflictError(
            _("This report was changed by someone else (now version %(version)s); reload it and apply your changes again.")
            % {"version": current.version},
            current=current, changes=theirs,
        )
    if current.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(_("Only a draft or returned report can be changed."))
    if "value" in changes:
        _check_value(changes["value"])
    old = snapshot(current, EDITABLE_FIELDS)
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationError(_("%(field)s cannot be changed here.") % {"field": name})
        setattr(current, name, value)
    current.version += 1
    current.save()
    audit_record(action="report.update", by=by, obj=current, old=old, new=snapshot(current, EDITABLE_FIELDS))
    return current


def _check_version(current: ProgressReport, expected_version: int | None) -> None:
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            _("This report was changed by someone else (now version %(version)s); reload it first.")
            % {"version": current.version},
            current=current, changes=snapshot(current, ["status", "version"]),
        )


def _plan_of(report):
    return report.indicator.target.plan


@transaction.atomic
def progress_report_submit(*, report, by, expected_version: int | None = None) -> ProgressReport:
    current = _lock(report)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(_("This report was changed by someone else; reload it before submitting."), current=current)
    if current.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(_("Only a draft or returned report can be submitted (this one is %(status)s).")
                              % {"status": current.get_status_display()})
    now = timezone.now()
    plan = _plan_of(current)
    due = rules.due_date(current.period_start, current.indicator.frequency, plan.due_day)
    old = snapshot(current, ["status", "version"])
    current.status = ReportStatus.SUBMITTED
    current.submitted_by = by
    current.submitted_at = now
    current.is_late = timezone.localdate(now) > due
    current.version += 1
    current.save()
    audit_record(action="report.submit", by=by, obj=current, old=old,
                 new=snapshot(current, ["status", "version", "is_late"]))
    return current


@transaction.atomic
def progress_report_review(*, report, by, approve: bool, comment: str = "",
                           expected_version: int | None = None) -> ProgressReport:
    """Approve a submitted report, or return it with a reason. Nobody reviews their own submission."""
    current = _lock(report)
    _check_version(current, expected_version)
    if current.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    if current.submitted_by_id == by.pk:
        raise PermissionDenied(_("You cannot review a report you submitted yourself."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Give a reason when returning a report.")})
    old = snapshot(current, ["status", "version"])
    current.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    current.reviewed_by = by
    current.reviewed_at = timezone.now()
    current.review_comment = comment.strip()
    current.version += 1
    current.save()
    audit_record(action="report.approve" if approve else "report.return", by=by, obj=current, old=old,
                 new=snapshot(current, ["status", "version", "review_comment"]))
    return current


@transaction.atomic
def progress_report_reopen(*, report, by, reason: str, expected_version: int | None = None) -> ProgressReport:
    """Undo an approval (the supervision office only, with a reason): the report goes back to the unit."""
    current = _lock(report)
    _check_version(current, expected_version)
    if current.status != ReportStatus.APPROVED:
        raise ValidationError(_("Only an approved report can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for reopening an approved report.")})
    old = snapshot(current, ["status", "version"])
    current.status = ReportStatus.RETURNED
    current.reviewed_by = by
    current.reviewed_at = timezone.now()
    current.review_comment = reason.strip()
    current.version += 1
    current.save()
    audit_record(action="report.reopen", by=by, obj=current, old=old,
                 new=snapshot(current, ["status", "version", "review_comment"]))
    return current
