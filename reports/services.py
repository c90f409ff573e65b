"""Writes of the reports app: asking for a report, generating it, recording a failure, a leader's sign-off.

A report is a row first (pending), then a task generates it. `report_generate` is safe to run
twice for one row: it claims the row under a lock, does nothing when the row is already done, and
writes the result only if no other run finished first. A redelivered task (the worker died, the
broker re-queued the message) therefore never leaves two finished reports for one request, and the
scheduled request itself is unique per region, kind and period.
"""

import logging
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.services import audit_record
from core import queue
from core.periods import month_end, previous_month_end
from core.versions import check_version
from regions.models import Region
from supervision.figures import indicators_in
from supervision.models import StatusSnapshot
from supervision.services import snapshot_freeze

from . import jobs, schedule
from .bulletins import pdf
from .bulletins.compose import compose, title_of
from .bulletins.docx_writer import write_docx
from .bulletins.xlsx_writer import write_xlsx
from .models import (
    DocumentFrame,
    DocumentNumber,
    GeneratedReport,
    ReportKind,
    ReportSchedule,
    ReportState,
    SignoffState,
)
from .selectors import document_frame_for, report_files_missing, schedule_regions, schedule_spec_for

logger = logging.getLogger(__name__)

# A person asking again for the same report within this time is taken for a double click and refused.
REQUEST_AGAIN_AFTER = timedelta(seconds=10)


def _enqueue(report: GeneratedReport) -> None:
    queue.enqueue_on_commit("reports.tasks.generate_report", report.pk)


def report_request(
    *,
    region: Region,
    kind: str,
    month: date,
    by=None,
    schedule_name: str = "",
    enqueue: bool = True,
    replaces: GeneratedReport | None = None,
) -> GeneratedReport:
    """Ask for a report of `kind` for the period ending in `month`; returns the new pending row.

    The generation task is enqueued once the row is committed; `enqueue=False` leaves that to the
    caller (bench/bench_reports.py times `report_generate` itself).

    Each request makes the next version for that region, kind and period; older versions stay.
    A schedule asks once per period: asking again returns the row it already made. A person is refused
    while a version is being made, or moments after asking (`_refuse_repeat`). With `replaces`
    (a returned report regenerated) the request is refused when a later version exists, checked under
    the same lock, so two clicks at once make one new version.
    """
    person = by if getattr(by, "is_authenticated", False) else None  # None: a schedule asks
    if person is not None and not (permissions.can_request_reports(person) and permissions.in_region(person, region)):
        raise PermissionDenied(_("Only the supervision office of this region asks for its reports."))
    period = schedule.period_of(schedule_spec_for(region), kind, month)
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=region.pk)  # serialises version numbers per region
        if schedule_name:
            existing = GeneratedReport.objects.filter(
                region=region, kind=kind, period_end=period.period_end, schedule_name=schedule_name
            ).first()
            if existing:
                return existing
        if person is not None and replaces is None:  # a regeneration has its own check, below
            _refuse_repeat(region=region, kind=kind, period_end=period.period_end, person=person)
        latest = _latest_version(region=region, kind=kind, period_end=period.period_end)
        if replaces is not None and latest > replaces.version:
            raise ValidationError(_("Version %(v)s of this report has been asked for already.") % {"v": latest})
        report = GeneratedReport.objects.create(
            region=region,
            kind=kind,
            period_start=period.period_start,
            period_end=period.period_end,
            version=latest + 1,
            requested_by=by if getattr(by, "is_authenticated", False) else None,
            schedule_name=schedule_name,
        )
        audit_record(
            action="report.request",
            by=by,
            obj=report,
            username=schedule_name,
            new={
                "region": region.code,
                "kind": kind,
                "period_end": period.period_end,
                "version": report.version,
                "schedule": schedule_name,
            },
        )
        if enqueue:
            _enqueue(report)
    return report


def _months_needed(report: GeneratedReport) -> list[date]:
    # The month before (red at two month ends), and the end of the span before, which every kind compares with.
    ends = [previous_month_end(report.period_end), report.period_end, report.period_start - schedule.ONE_DAY]
    if report.kind in (ReportKind.HALF_YEAR, ReportKind.YEAR_END):
        end = month_end(report.period_start)
        while end < report.period_end:
            ends.append(end)
            end = month_end(end + schedule.ONE_DAY)
    return sorted(set(ends))


def snapshots_for_report(*, region: Region, month_ends: list[date], today: date, beat=None) -> None:
    """Freeze the region's months a report reads, where that month has no snapshot yet or only a
    provisional one evaluated before today. `beat` (the runner's heartbeat) is called after each month.

    Pages never freeze (they read the month under way from today's stored lights); a report is a
    record, so the months it covers are frozen as they stand today, and once written its figures
    do not change.
    """
    indicators = indicators_in(region=region)
    rows = StatusSnapshot.objects.filter(indicator__in=indicators, as_of__in=month_ends, unit__isnull=True)
    evaluated = dict(rows.order_by().values_list("as_of").annotate(oldest=Min("evaluated_on")))
    for end in month_ends:
        wanted = min(end, today)
        if end not in evaluated or (evaluated[end] is not None and evaluated[end] < wanted):
            snapshot_freeze(as_of=end, indicators=indicators, evaluated_on=wanted)
        if beat is not None:
            beat()


def report_generate(*, report_id: int, render_pdf: bool = True) -> GeneratedReport:
    """Generate a requested report through the job runner (reports.jobs): snapshots, content, .docx and
    .xlsx; idempotent per row.

    The PDF follows in its own task where LibreOffice is installed (`render_pdf=False`: not queued,
    as bench/bench_reports.py times generation alone). Each stage ends with a heartbeat, as an export's
    progress does, and the runner's thread beats while a stage runs, so a long generation keeps its lease,
    even through one stage longer than the lease, while its worker lives."""
    return jobs.job_run(
        jobs.REPORTS,
        report_id,
        work=_generated,
        finish=lambda report, generated: _keep(report, generated, render_pdf=render_pdf),
        related=("region",),
    )


@contextmanager
def _generated(report: GeneratedReport):
    """The report's content, .docx and .xlsx, for the runner to keep on its row."""
    today = timezone.localdate()
    snapshots_for_report(
        region=report.region, month_ends=_months_needed(report), today=today, beat=lambda: jobs.heartbeat(report)
    )
    frame = document_frame_for(report.region)
    with translation.override(settings.LANGUAGE_CODE):
        word = title_of(report.kind, report.region.name, report.period_start, report.period_end)[2]
        number = document_number_assign(
            frame=frame, kind=report.kind, year=report.period_end.year, word=str(word), period_end=report.period_end
        )
        content = compose(
            kind=report.kind,
            region=report.region,
            period_start=report.period_start,
            period_end=report.period_end,
            serial=number.serial,
            issued_on=today,
            frame=frame,
        )
        jobs.heartbeat(report)
        docx = write_docx(content)
        jobs.heartbeat(report)
        xlsx = write_xlsx(content)
        jobs.heartbeat(report)
    yield content, docx, xlsx


def _keep(report: GeneratedReport, generated: tuple[dict, bytes, bytes], *, render_pdf: bool) -> list[str]:
    content, docx, xlsx = generated
    stem = f"{report.kind}-{report.period_end:%Y%m}-v{report.version}"
    report.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    report.content = content
    audit_record(
        action="report.generate",
        obj=report,
        username=report.schedule_name,
        new={"version": report.version, "docx": report.docx.name, "xlsx": report.xlsx.name},
    )
    if render_pdf and pdf.soffice():
        queue.enqueue_on_commit("reports.tasks.render_report_pdf", report.pk)
    return ["docx", "xlsx", "content"]


def report_pdf_render(*, report_id: int) -> GeneratedReport:
    """Render a finished report's .docx as PDF (LibreOffice) and keep it beside the other files.

    Its own step after generation, so a report is ready in about a second and the PDF follows;
    done once per report (a redelivered task finds the PDF there and stops).
    """
    report = GeneratedReport.objects.get(pk=report_id)
    if report.status != ReportState.DONE or report.pdf:
        return report
    with report.docx.open("rb") as f:
        docx = f.read()
    with translation.override(settings.LANGUAGE_CODE):
        rendered = pdf.report_pdf(docx, report.content)
    with transaction.atomic():
        report = GeneratedReport.objects.select_for_update(of=("self",)).select_related("region").get(pk=report_id)
        if report.pdf:
            return report
        report.pdf.save(f"{Path(report.docx.name).stem}.pdf", ContentFile(rendered), save=False)
        report.save(update_fields=["pdf"])
        audit_record(action="report.pdf", obj=report, username=report.schedule_name, new={"pdf": report.pdf.name})
    return report


def report_fail(*, report_id: int, reason: str) -> GeneratedReport:
    """Record why a report could not be made, on its row, for the list page to show."""
    return jobs.job_fail(jobs.REPORTS, job_id=report_id, reason=reason)


def report_download_record(*, report: GeneratedReport, fmt: str, by) -> None:
    audit_record(action="report.download", by=by, obj=report, new={"format": fmt})


def report_file_open(*, report: GeneratedReport, fmt: str, by):
    """The report's stored .docx or .xlsx opened for `by`, and the download recorded; None when the
    stored file is gone from the file store (a restore without its media, a disk cleaned by hand):
    logged as an error, nothing recorded, so that the page answers "regenerate" rather than a 500
    and the audit trail holds only downloads that happened."""
    if not permissions.can_read_generated_report(by, report):
        raise PermissionDenied(_("Reports are for the supervision office, leaders and auditors."))
    try:
        handle = getattr(report, fmt).open("rb")
    except FileNotFoundError:
        logger.error(
            "report %s: its %s file %s is missing from the file store", report.pk, fmt, getattr(report, fmt).name
        )
        return None
    report_download_record(report=report, fmt=fmt, by=by)
    return handle


def _refuse_repeat(*, region, kind: str, period_end, person) -> None:
    """Refuse a person's request for a report (region, kind and period) that is being made already, or
    that the same person asked for moments ago: a double click, or a click again while the first waits.

    Made already: a version pending since less than a lease ago, or running with its lease kept (a row
    past its lease has lost its worker, and jobs_reclaim puts it back). Called under the region's lock,
    so of two requests at once the second sees the first.
    """
    now = timezone.now()
    versions = GeneratedReport.objects.filter(region=region, kind=kind, period_end=period_end)
    started_since = jobs.lease_expired_before(now)
    under_way = (
        versions.filter(
            Q(status=ReportState.PENDING, created_at__gte=started_since)
            | Q(status=ReportState.RUNNING, heartbeat_at__gte=started_since)
            | Q(status=ReportState.RUNNING, heartbeat_at__isnull=True, started_at__gte=started_since)
        )
        .order_by("-version")
        .first()
    )
    if under_way is not None:
        raise ValidationError(
            _("Version %(v)s of this report is being generated; it appears in the list when done.")
            % {"v": under_way.version}
        )
    just_asked = (
        versions.filter(requested_by=person, created_at__gte=now - REQUEST_AGAIN_AFTER).order_by("-version").first()
    )
    if just_asked is not None:
        raise ValidationError(
            _("You asked for this report moments ago (version %(v)s); ask again after %(n)s seconds for a new version.")
            % {"v": just_asked.version, "n": int(REQUEST_AGAIN_AFTER.total_seconds())}
        )


def _latest_version(*, region, kind: str, period_end) -> int:
    """The highest version made of a report (region, kind and period), 0 before the first."""
    found = GeneratedReport.objects.filter(region=region, kind=kind, period_end=period_end).aggregate(v=Max("version"))
    return found["v"] or 0


def _signoff_claim(*, report: GeneratedReport, by) -> GeneratedReport:
    if not permissions.can_sign_report(by, report.region):
        raise PermissionDenied(_("Only a leader of this region signs off its reports or returns them."))
    locked = GeneratedReport.objects.select_for_update(of=("self",)).select_related("region").get(pk=report.pk)
    if locked.status != ReportState.DONE:
        raise ValidationError(_("This report is not generated yet; it can be signed off once it is done."))
    if locked.signoff == SignoffState.PREDATES:
        raise ValidationError(_("This report was made before reports were signed off here; it is not signed."))
    if locked.signoff != SignoffState.AWAITING:
        raise ValidationError(
            _("This report is already dealt with (%(state)s, %(name)s); reload the page.")
            % {"state": locked.get_signoff_display(), "name": locked.signed_by.shown_name if locked.signed_by else ""}
        )
    latest = _latest_version(region=locked.region, kind=locked.kind, period_end=locked.period_end)
    if latest > locked.version:
        raise ValidationError(
            _("Version %(version)s of this report is the latest; sign off or return that one.") % {"version": latest}
        )
    return locked


def _signoff_save(report: GeneratedReport, *, state: str, by, comment: str, action: str) -> GeneratedReport:
    report.signoff, report.signed_by, report.signed_at, report.signoff_comment = state, by, timezone.now(), comment
    report.save(update_fields=["signoff", "signed_by", "signed_at", "signoff_comment"])
    audit_record(
        action=action,
        by=by,
        obj=report,
        old={"signoff": SignoffState.AWAITING},
        new={"signoff": state, "comment": comment, "version": report.version},
    )
    return report


def report_sign(*, report: GeneratedReport, by, comment: str = "") -> GeneratedReport:
    """A leader of the report's region signs it off (签发), with optional remarks (签发意见); once only."""
    with transaction.atomic():
        locked = _signoff_claim(report=report, by=by)
        if "docx" in report_files_missing(locked):
            raise ValidationError(
                _(
                    "This version's Word file is no longer in the file store; the office generates it again before it is signed."
                )
            )
        return _signoff_save(locked, state=SignoffState.SIGNED, by=by, comment=comment.strip(), action="report.sign")


def report_return(*, report: GeneratedReport, by, reason: str) -> GeneratedReport:
    """A leader returns a report to the office with a reason; the office regenerates it (`report_regenerate`)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report goes back to the office, so it knows what to change.")})
    with transaction.atomic():
        locked = _signoff_claim(report=report, by=by)
        return _signoff_save(locked, state=SignoffState.RETURNED, by=by, comment=reason, action="report.send_back")


def report_regenerate(*, report: GeneratedReport, by) -> GeneratedReport:
    """The office asks again for a report a leader returned, or one whose files have left the file store
    (its page says "请重新生成"): the next version, awaiting sign-off anew."""
    if not (permissions.can_request_reports(by) and permissions.in_region(by, report.region)):
        raise PermissionDenied(_("Only the supervision office of this region asks for its reports."))
    if report.signoff != SignoffState.RETURNED and not report_files_missing(report):
        raise ValidationError(
            _(
                "Only a report a leader returned, or one whose files have left the file store, is regenerated from its page."
            )
        )
    return report_request(region=report.region, kind=report.kind, month=report.period_end, by=by, replaces=report)


def reports_request_due(*, today: date) -> list[GeneratedReport]:
    """Ask for every report the schedules say is due today (once per region, kind and period)."""
    made = []
    disabled = set(ReportSchedule.objects.filter(enabled=False).values_list("region_id", flat=True))
    for region in schedule_regions().exclude(pk__in=disabled):
        for due in schedule.reports_due_on(schedule_spec_for(region), today):
            try:
                made.append(
                    report_request(
                        region=region, kind=due.kind, month=due.period_end, schedule_name=f"schedule:{due.kind}"
                    )
                )
            except IntegrityError:  # a concurrent beat run made it first; the constraint kept it single
                logger.info("report %s %s %s already requested", region.code, due.kind, due.period_end)
    return made


def schedules_seed() -> int:
    """Give every region with plans and no ReportSchedule one with the defaults (calendar quarter ends);
    returns how many were made. A region's own months are set in the admin (or by the demo's loader)."""
    made = 0
    for region in schedule_regions().exclude(report_schedule__isnull=False):
        ReportSchedule.objects.create(region=region)
        made += 1
    return made


FRAME_FIELDS = ("organ_mark", "number_pattern", "main_recipients", "signature", "copy_to", "printed_by", "requirements")


def document_frame_save(*, region: Region, by, expected_version: int | None, **values) -> DocumentFrame:
    """Save the office's frame for `region`; refused (ConflictError) when someone saved it since it was read."""
    if not (permissions.can_request_reports(by) and permissions.in_region(by, region)):
        raise PermissionDenied(_("Only the supervision office sets its document frame."))
    with transaction.atomic():
        frame = DocumentFrame.objects.select_for_update().filter(region=region).first()
        # A frame not saved yet is version 0 on the page.
        check_version(
            frame,
            expected_version or None,
            _("Someone else saved this office's document frame meanwhile; reload the page and make your change again."),
            required=True,
        )
        current = frame.version if frame else 0
        old = {f: getattr(frame, f) for f in FRAME_FIELDS} if frame else None
        frame = frame or DocumentFrame(region=region, version=0)
        for name in FRAME_FIELDS:
            setattr(frame, name, values[name])
        frame.version = current + 1
        frame.full_clean()
        frame.save()
        audit_record(
            action="document_frame.save", by=by, obj=frame, old=old, new={f: getattr(frame, f) for f in FRAME_FIELDS}
        )
    return frame


def notice_download_record(*, item, serial: int, by) -> None:
    audit_record(action="supervision_notice.download", by=by, obj=item, new={"serial": serial})


SERIAL = "{n}"


def document_number_assign(
    *, frame: DocumentFrame, kind: str, year: int, word: str, period_end: date | None = None, item=None
) -> DocumentNumber:
    """The document number of a report (region, kind, period) or of a supervision item's notice: the one it
    already has, or the next free serial of its sequence (DocumentNumber), given once under the region's lock.

    The sequence is the frame's pattern with all but the serial filled in, so a pattern naming the kind
    ({word}) numbers each kind on its own and one without numbers them all in one register; a number
    already taken in the region (a pattern changed back and forth) is skipped, never given twice.
    """
    region = frame.region
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=region.pk)
        existing = (
            DocumentNumber.objects.filter(region=region, item=item)
            if item is not None
            else DocumentNumber.objects.filter(region=region, kind=kind, period_end=period_end)
        )
        found = existing.first()
        if found is not None:
            return found
        sequence = frame.number(year=year, serial=SERIAL, word=word)
        serial = (
            DocumentNumber.objects.filter(region=region, sequence=sequence).aggregate(n=Max("serial"))["n"] or 0
        ) + 1
        taken = set(DocumentNumber.objects.filter(region=region).values_list("number", flat=True))
        while frame.number(year=year, serial=serial, word=word) in taken:
            serial += 1
        return DocumentNumber.objects.create(
            region=region,
            sequence=sequence,
            serial=serial,
            number=frame.number(year=year, serial=serial, word=word),
            kind=kind,
            period_end=period_end,
            item=item,
        )
