"""Every write to plans, indicators and progress reports: checked, saved and audited in one transaction.

A progress report also keeps every version of itself (ReportVersion) and tells the people who act
next: the supervision office of the region sees a new submission, the unit sees a return or an
approval (in-app notifications).
"""

import hashlib
import json
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Role, User
from accounts.selectors import office_of
from accounts.services import audit_record, notify, snapshot
from core import periods
from core.uploads import UnsafeFile
from core.versions import ConflictError, check_version
from regions.selectors import region_prefix

from . import filetypes, lights, review, rules
from .choices import ReportStatus
from .models import (
    Allocation,
    Evidence,
    Indicator,
    LateEntryGrant,
    Milestone,
    ProgressReport,
    ReportComment,
    ReportVersion,
)
from .rules import entry as entry_rules

INDICATOR_FIELDS = ["target", "name", "kind", "unit", "baseline", "target_value", "start_date", "deadline", "frequency"]
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
VERSION_FIELDS = [
    "value",
    "narrative",
    "problems",
    "next_steps",
    "explanation",
    "outlier_confirmed",
    "status",
    "is_late",
    "review_comment",
]
GRANT_FIELDS = ["plan", "indicator", "unit", "period_start", "until", "reason"]
VALUE_PLACES = Decimal("0.0001")


def _period_words(report) -> str:
    """The report's period in a notice as a person reads it: 2026年5月, 2026年第二季度."""
    return rules.period_words(report.period_start, report.indicator.frequency)


@transaction.atomic
def target_units_set(*, target, leads, co_units=()) -> None:
    """The target's lead and co-units, kept in the order the responsibility table lists them.

    The first lead is the unit that owes an un-allocated indicator's report
    (selectors.expected_reporters reads the through rows in insertion order), so the rows are written
    in list order: a many-to-many `set()` or `add()` of several units inserts them in no set order.
    """
    leads = list(dict.fromkeys(leads))
    shared = [unit for unit in dict.fromkeys(co_units) if unit not in leads]
    for manager, units in ((target.lead_units, leads), (target.co_units, shared)):
        manager.clear()
        manager.through.objects.bulk_create([manager.through(target=target, unit=unit) for unit in units])


def check_indicator_bounds(indicator: Indicator, milestones=()) -> None:
    """Refuse an indicator whose figures its unit cannot have (a share in percent above 100), field by field,
    in words naming the indicator: every path that writes an indicator (API, plan import, admin) asks this."""
    errors: dict[str, list[str]] = {}
    found = rules.indicator_bound_errors(
        name=indicator.name,
        unit=indicator.unit,
        baseline=indicator.baseline,
        target=indicator.target_value,
        milestones=milestones,
    )
    for field, message in found:
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indicator_create(*, target, by, milestones=(), **fields) -> Indicator:
    _require_plan_manager(by, target.plan)
    indicator = Indicator(target=target, **fields)
    indicator.full_clean()
    check_indicator_bounds(indicator, milestones)
    indicator.save()
    for when, value in milestones:
        milestone = Milestone(indicator=indicator, date=when, value=value)
        milestone.full_clean()
        milestone.save()
    new = snapshot(indicator, INDICATOR_FIELDS) | {"milestones": [[d, v] for d, v in milestones]}
    audit_record(action="indicator.create", by=by, obj=indicator, new=new)
    lights.lights_rejudge(indicator_ids=[indicator.pk])
    return indicator


def indicator_fingerprint(indicator: Indicator) -> str:
    """A hash of what a client can change on an indicator (its milestones included): its ETag.

    Indicators carry no version number; the hash of their editable fields serves the same purpose,
    and decimals are written with four places so that a value read back from the database hashes
    as it did before it was saved.
    """
    values = {
        name: _canonical(getattr(indicator, Indicator._meta.get_field(name).attname))
        for name in INDICATOR_FIELDS + ["source_phrase"]
    }
    values["milestones"] = [[m.date.isoformat(), _canonical(m.value)] for m in indicator.milestones.all()]
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def _canonical(value):
    return f"{value:.4f}" if isinstance(value, Decimal) else value


@transaction.atomic
def indicator_update(*, indicator, by, expected_fingerprint: str, milestones=None, **changes) -> Indicator:
    """Change an indicator (and replace its milestones when given) unless someone changed it since it was read."""
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    _require_plan_manager(by, current.target.plan)
    check_version(
        current,
        expected_fingerprint,
        _("This indicator was changed by someone else; reload it and apply your changes again."),
        changes=snapshot(current, INDICATOR_FIELDS),
        required=True,
        fingerprint=indicator_fingerprint(current),
    )
    if "target" in changes and changes.pop("target").pk != current.target_id:
        raise ValidationError({"target": _("An indicator cannot be moved to another target.")})
    old = snapshot(current, INDICATOR_FIELDS) | {"milestones": [[m.date, m.value] for m in current.milestones.all()]}
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    check_indicator_bounds(
        current, milestones if milestones is not None else [(m.date, m.value) for m in current.milestones.all()]
    )
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
    lights.lights_rejudge(indicator_ids=[fresh.pk])
    return fresh


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


def report_link(report) -> str:
    return reverse("report-detail", args=[report.pk])


def _unit_reporters(unit):
    return User.objects.filter(unit=unit, role=Role.REPORTER, is_active=True)


def _require_office(by, plan) -> None:
    if not permissions.is_office(by):
        raise PermissionDenied(_("Only the supervision office does this."))
    if not permissions.in_region(by, plan.region):
        raise PermissionDenied(_("This plan is outside your region."))


def _require_plan_manager(by, plan) -> None:
    if not (permissions.can_manage_plans(by) and permissions.in_region(by, plan.region)):
        raise PermissionDenied(_("Only the supervision office of the plan's region defines its indicators."))


def _require_reporter(by, unit) -> None:
    if not permissions.can_report_for(by, unit):
        raise PermissionDenied(_("Only a reporter of %(unit)s enters and submits its progress.") % {"unit": unit.name})


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
    _require_reporter(by, unit)
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
    audit_record(
        action="report.create",
        by=by,
        obj=report,
        new=snapshot(report, REPORT_FIELDS + ["explanation", "outlier_confirmed"]),
    )
    _record_version(report, "create", by)
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
    _require_reporter(by, current.unit)
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
    audit_record(
        action="report.update",
        by=by,
        obj=current,
        old=old,
        new=snapshot(current, EDITABLE_FIELDS + ("outlier_confirmed",)),
    )
    _record_version(current, "update", by)
    return current


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
    _require_reporter(by, current.unit)
    check_version(current, expected_version, _("This report was changed by someone else; reload it before submitting."))
    now = timezone.now()
    if current.status == ReportStatus.DRAFT:
        _check_not_locked(current.indicator, current.unit, current.period_start, timezone.localdate(now))
    plan = _plan_of(current)
    due = periods.due_date(current.period_start, current.indicator.frequency, plan.due_day)
    current.is_late = timezone.localdate(now) > due
    old = review.review_step(current, review.SUBMIT, by=by, wording=review.REPORT_WORDING, now=now)
    audit_record(
        action="report.submit", by=by, obj=current, old=old, new=snapshot(current, ["status", "version", "is_late"])
    )
    _record_version(current, "submit", by)
    lights.lights_rejudge(indicator_ids=[current.indicator_id])
    message = _("%(unit)s submitted %(indicator)s for %(period)s%(late)s.") % {
        "unit": current.unit.name,
        "indicator": current.indicator.name,
        "period": _period_words(current),
        "late": _(" (late)") if current.is_late else "",
    }
    notify(users=office_of(plan.region), kind="report.submitted", message=message, link=report_link(current))
    return current


def _tell_unit(report, kind: str, message: str) -> None:
    notify(users=_unit_reporters(report.unit), kind=kind, message=message, link=report_link(report), unit=report.unit)


@transaction.atomic
def progress_report_review(
    *, report, by, approve: bool, comment: str = "", expected_version: int | None = None
) -> ProgressReport:
    """Approve a submitted report, or return it with a reason. Nobody reviews their own submission."""
    current = _lock(report)
    _require_office(by, _plan_of(current))
    _check_version(current, expected_version)
    old = review.review_step(
        current, review.APPROVE if approve else review.RETURN, by=by, wording=review.REPORT_WORDING, reason=comment
    )
    audit_record(
        action="report.approve" if approve else "report.return",
        by=by,
        obj=current,
        old=old,
        new=snapshot(current, ["status", "version", "review_comment"]),
    )
    _record_version(current, "approve" if approve else "return", by)
    lights.lights_rejudge(indicator_ids=[current.indicator_id])
    values = {"indicator": current.indicator.name, "period": _period_words(current), "reason": current.review_comment}
    if approve:
        _tell_unit(current, "report.approved", _("Your report on %(indicator)s for %(period)s was approved.") % values)
    else:
        _tell_unit(
            current,
            "report.returned",
            _("Your report on %(indicator)s for %(period)s was returned: %(reason)s") % values,
        )
    return current


@transaction.atomic
def progress_report_reopen(*, report, by, reason: str, expected_version: int | None = None) -> ProgressReport:
    """Undo an approval (the supervision office only, with a reason): the report goes back to the unit."""
    current = _lock(report)
    _require_office(by, _plan_of(current))
    _check_version(current, expected_version)
    old = review.review_step(current, review.REOPEN, by=by, wording=review.REPORT_WORDING, reason=reason)
    audit_record(
        action="report.reopen",
        by=by,
        obj=current,
        old=old,
        new=snapshot(current, ["status", "version", "review_comment"]),
    )
    _record_version(current, "reopen", by)
    lights.lights_rejudge(indicator_ids=[current.indicator_id])
    _tell_unit(
        current,
        "report.reopened",
        _("Your approved report on %(indicator)s for %(period)s was reopened: %(reason)s")
        % {"indicator": current.indicator.name, "period": _period_words(current), "reason": current.review_comment},
    )
    return current


@transaction.atomic
def report_comment_add(*, report, by, text: str) -> ReportComment:
    """A message on a report; the other side (office or unit) is notified."""
    if permissions.is_read_only(by):
        # A leader directs through a written instruction (批示), never a comment in the unit's thread.
        raise PermissionDenied(_("Your role reads only; it cannot change anything."))
    if not permissions.can_comment_on_report(by, report):
        raise PermissionDenied(_("This report is not yours to comment on."))
    if not text.strip():
        raise ValidationError({"text": _("Write a comment first.")})
    comment = ReportComment.objects.create(report=report, author=by, text=text.strip())
    audit_record(action="report.comment", by=by, obj=report, new={"comment": comment.pk, "text": comment.text})
    message = _("%(author)s commented on %(indicator)s for %(period)s: %(text)s") % {
        "author": by.shown_name,
        "indicator": report.indicator.name,
        "period": _period_words(report),
        "text": comment.text,
    }
    recipients = office_of(_plan_of(report).region) if by.is_reporter else _unit_reporters(report.unit)
    notify(
        users=[u for u in recipients if u.pk != by.pk], kind="report.comment", message=message, link=report_link(report)
    )
    return comment


@transaction.atomic
def evidence_add(*, report, by, upload) -> Evidence:
    """Attach a file to a draft or returned report: type and size checked on its content, checksum stored."""
    current = _lock(report)
    _require_reporter(by, current.unit)
    if not review.is_editable(current.status):
        raise ValidationError({"evidence": _("Evidence can only be added to a draft or returned report.")})
    if current.evidence.count() >= filetypes.MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"evidence": _("A report holds at most %(n)s files.") % {"n": filetypes.MAX_EVIDENCE_FILES}}
        )
    try:
        checked = filetypes.check_evidence(upload)
    except UnsafeFile as exc:
        raise ValidationError({"evidence": str(exc)}) from exc
    evidence = Evidence(
        report=current,
        original_name=checked.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=hashlib.sha256(checked.data).hexdigest(),
        uploaded_by=by,
    )
    # The vetted bytes are what is stored, so nothing read after the checks can differ from them.
    evidence.file.save(checked.name, ContentFile(checked.data), save=False)
    evidence.save()
    audit_record(
        action="evidence.add",
        by=by,
        obj=current,
        new=snapshot(evidence, ["original_name", "content_type", "size", "sha256"]) | {"evidence": evidence.pk},
    )
    return evidence


def evidence_open(*, evidence, by):
    """The evidence file, opened for download by someone allowed to see its report; the download
    is audited. FileNotFoundError when the file is gone from disk; PermissionDenied for anyone else."""
    if not permissions.can_see_report(by, evidence.report):
        raise PermissionDenied(_("This evidence belongs to a report you cannot see."))
    handle = evidence.file.open("rb")
    audit_record(
        action="evidence.download",
        by=by,
        obj=evidence.report,
        new={"evidence": evidence.pk, "original_name": evidence.original_name, "sha256": evidence.sha256},
    )
    return handle


@transaction.atomic
def evidence_remove(*, evidence, by) -> None:
    current = _lock(evidence.report)
    _require_reporter(by, current.unit)
    if not review.is_editable(current.status):
        raise ValidationError({"evidence": _("Evidence can only be removed from a draft or returned report.")})
    old = snapshot(evidence, ["original_name", "content_type", "size", "sha256"]) | {"evidence": evidence.pk}
    # The row goes, the file stays on disk: the audit event names its checksum.
    evidence.delete()
    audit_record(action="evidence.remove", by=by, obj=current, old=old)


def report_enter(
    *,
    by,
    indicator,
    unit,
    period: str,
    version: int | None,
    confirmed: bool = False,
    evidence=(),
    submit: bool = False,
    today: date | None = None,
    **changes,
) -> ProgressReport:
    """A unit's entry of one period as the entry form and the progress workbook send it, all or nothing: the
    draft created (`version` None: the client saw no report) or changed from `version`, the `evidence`
    uploads attached, and the report submitted when `submit`, each step audited by its own service.

    A report someone else created after the client saw none is a ConflictError carrying it, as a stale
    version is; ProgressReport.DoesNotExist when `version` names a report there is not. When any step is
    refused, the evidence files already written leave the file store with the rolled-back rows.
    """
    _require_reporter(by, unit)
    stored: list[Evidence] = []
    try:
        return _enter(
            by=by,
            indicator=indicator,
            unit=unit,
            period=period,
            version=version,
            confirmed=confirmed,
            evidence=evidence,
            submit=submit,
            today=today,
            changes=changes,
            stored=stored,
        )
    except Exception:
        for item in stored:
            item.file.delete(save=False)
        raise


@transaction.atomic
def _enter(*, by, evidence, submit: bool, stored: list, **draft) -> ProgressReport:
    report = _entered_draft(by=by, **draft)
    for upload in evidence:
        stored.append(evidence_add(report=report, by=by, upload=upload))
    if submit:
        report = progress_report_submit(report=report, by=by, expected_version=report.version)
    return report


def _entered_draft(*, by, indicator, unit, period: str, version, confirmed: bool, today, changes) -> ProgressReport:
    try:
        period_start, frequency = periods.parse_period(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    found = ProgressReport.objects.filter(indicator=indicator, unit=unit, period_start=period_start)
    report = found.first()
    if report is None and version is None:
        try:
            return progress_report_create(
                indicator=indicator, unit=unit, period=period, by=by, today=today, confirmed=confirmed, **changes
            )
        except _AlreadyReported:
            # A colleague's report of the same period was committed between the read above and the insert.
            report = found.get()
    if report is None:
        raise ProgressReport.DoesNotExist
    if version is None:
        # Only a client that read this report changes it: one that saw none is shown it first.
        raise ConflictError(
            _already_reported(unit, period_start, frequency), current=report, changes=snapshot(report, EDITABLE_FIELDS)
        )
    return progress_report_update(
        report=report, by=by, expected_version=version, confirmed=confirmed, today=today, **changes
    )


@transaction.atomic
def late_entry_grant_create(
    *, plan, unit, period: str, until: date, reason: str, by, indicator=None, today: date | None = None
) -> LateEntryGrant:
    """补报: let one unit enter one locked period (of one indicator, or of the whole plan) until a date."""
    today = today or timezone.localdate()
    _require_office(by, plan)
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
        users=_unit_reporters(unit),
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
