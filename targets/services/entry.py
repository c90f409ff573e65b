"""A unit's entry of one period, as the entry form and the progress workbook make it: the draft created
or changed, evidence attached and, when asked, submitted, in one transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.services import snapshot
from core import periods
from core.versions import ConflictError

from ..models import (
    Evidence,
    ProgressReport,
)
from .common import require_reporter
from .evidence import evidence_add
from .reports import (
    EDITABLE_FIELDS,
    _already_reported,
    _AlreadyReported,
    progress_report_create,
    progress_report_submit,
    progress_report_update,
)


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
    require_reporter(by, unit)
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
