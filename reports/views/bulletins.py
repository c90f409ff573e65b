"""Report pages: the list with download links and the request form, one report's page, the downloads."""

from datetime import date
from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from core.versions import ConflictError
from supervision.models import SupervisionItem
from supervision.selectors import item_visible

from .. import services
from ..bulletins import pdf
from ..bulletins.compose import file_name
from ..bulletins.document import NUMERIC_FORMATS, chinese_date, format_cell
from ..bulletins.docx_writer import write_docx
from ..bulletins.notice import notice_content, notice_word
from ..forms import DocumentFrameForm, ReportRequestForm
from ..models import ReportKind, ReportState, SignoffState
from ..selectors import (
    FILE_LABELS,
    document_frame_for,
    regions_for_requests,
    report_files_missing,
    reports_visible_to,
)

PAGE_SIZE = 50
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _reader(request):
    if not permissions.sees_whole_region(request.user):
        raise PermissionDenied(_("Reports are for the supervision office, leaders and auditors."))


@login_required
def report_list(request):
    _reader(request)
    reports = reports_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    form = ReportRequestForm(user=request.user) if permissions.can_request_reports(request.user) else None
    return render(
        request,
        "reports/bulletins/list.html",
        {
            "page": page,
            "form": form,
            "kinds": ReportKind.choices,
            "kind": kind,
            "states": ReportState,
            "pdf_available": pdf.soffice() is not None,
        },
    )


@login_required
@require_POST
def report_request(request):
    if not permissions.can_request_reports(request.user):
        raise PermissionDenied(_("Only the supervision office asks for reports."))
    form = ReportRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        page = Paginator(reports_visible_to(request.user), PAGE_SIZE).get_page(1)
        return render(
            request,
            "reports/bulletins/list.html",
            {
                "page": page,
                "form": form,
                "kinds": ReportKind.choices,
                "kind": "",
                "states": ReportState,
            },
            status=400,
        )
    try:
        report = services.report_request(
            region=form.cleaned_data["region"],
            kind=form.cleaned_data["kind"],
            month=form.cleaned_data["month"],
            by=request.user,
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
        return redirect("reports:bulletins")
    report.refresh_from_db(fields=["status"])  # generated already where tasks run in-process (make run)
    if report.status == ReportState.DONE:
        messages.success(request, _("Report generated: %(report)s, at the top of the list below.") % {"report": report})
    else:
        messages.success(request, _("Report requested: %(report)s. It appears below when done.") % {"report": report})
    return redirect("reports:bulletins")


def _rendered_blocks(content: dict) -> list[dict]:
    """The stored document with each cell formatted once, by the formatter the .docx uses."""
    blocks = []
    for block in content.get("blocks", []):
        if block["type"] == "table":
            columns = block["columns"]
            rows = [
                [(format_cell(v, c["fmt"]), c["fmt"] in NUMERIC_FORMATS, c["header"]) for v, c in zip(row, columns)]
                for row in block["rows"]
            ]
            block = {**block, "cells": rows}
        blocks.append(block)
    return blocks


@login_required
def report_detail(request, pk):
    _reader(request)
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    versions = reports_visible_to(request.user).filter(
        region=report.region, kind=report.kind, period_end=report.period_end
    )
    missing = report_files_missing(report) if report.status == ReportState.DONE else []
    latest = max(versions, key=lambda v: v.version, default=report)
    return render(
        request,
        "reports/bulletins/detail.html",
        {
            "report": report,
            "blocks": _rendered_blocks(report.content),
            "versions": versions,
            "states": ReportState,
            "signoffs": SignoffState,
            "may_sign": permissions.can_sign_report(request.user, report.region),
            "may_regenerate": permissions.can_request_reports(request.user),
            "missing": missing,
            "missing_names": "、".join(FILE_LABELS[fmt] for fmt in missing),
            "latest": latest,
            "issued_on": chinese_date(date.fromisoformat(report.content["issued_on"])) if report.content else "",
        },
    )


@login_required
@require_POST
def report_signoff(request, pk):
    """A leader signs the report off (签发, with optional remarks) or returns it to the office with a reason."""
    _reader(request)
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    decision, text = request.POST.get("decision", ""), request.POST.get("comment", "")
    try:
        if decision == "sign":
            services.report_sign(report=report, by=request.user, comment=text)
            messages.success(request, _("Signed off: %(report)s.") % {"report": report})
        elif decision == "return":
            services.report_return(report=report, by=request.user, reason=text)
            messages.success(request, _("Returned to the office: %(report)s.") % {"report": report})
        else:
            messages.error(request, _("Choose to sign the report off or to return it."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reports:bulletin", pk=report.pk)


@login_required
@require_POST
def report_regenerate(request, pk):
    """The office asks again for a report a leader returned; the page of the new version follows."""
    _reader(request)
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    try:
        new = services.report_regenerate(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:bulletin", pk=report.pk)
    messages.success(request, _("Version %(v)s requested; this page shows it once it is done.") % {"v": new.version})
    return redirect("reports:bulletin", pk=new.pk)


@login_required
def report_download(request, pk, fmt):
    _reader(request)
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    file = getattr(report, fmt, None) if fmt in CONTENT_TYPES else None
    if report.status != ReportState.DONE or not file:
        raise Http404(_("This report has no such file."))
    handle = services.report_file_open(report=report, fmt=fmt, by=request.user)
    if handle is None:
        # Back to the report's page, where 重新生成 is, with what happened.
        messages.error(request, _("This report's file is no longer in the file store; generate the report again."))
        return redirect("reports:bulletin", pk=report.pk)
    name = file_name(
        kind=report.kind,
        region_name=report.region.name,
        period_start=report.period_start,
        period_end=report.period_end,
        version=report.version,
        ext=fmt,
    )
    return FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])


@login_required
def document_frame(request):
    """The office's official frame (organ mark, number pattern, 主送, 抄送, signature) for one region."""
    if not permissions.can_request_reports(request.user):
        raise PermissionDenied(_("Only the supervision office sets its document frame."))
    regions = regions_for_requests(request.user)
    region = regions.filter(code=request.GET.get("region", "")).first() or regions.first()
    if region is None:
        raise Http404(_("There is no region with plans to set a frame for."))
    frame = document_frame_for(region)
    form = DocumentFrameForm(request.POST or None, instance=frame, initial={"version": frame.version})
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.FRAME_FIELDS}
        try:
            services.document_frame_save(
                region=region, by=request.user, expected_version=form.cleaned_data["version"], **values
            )
        except ConflictError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in values else None, errors)
        else:
            messages.success(request, _("Document frame saved; reports generated from now on carry it."))
            return redirect(f"{request.path}?region={region.code}")
    return render(
        request,
        "reports/bulletins/frame.html",
        {"regions": regions, "region": region, "form": form, "saved": frame.pk is not None},
        status=400 if form.errors else 200,
    )


@login_required
def supervision_notice(request, item_pk):
    """The numbered 督办通知单 of one supervision item, as Word (audited like every download)."""
    item = get_object_or_404(
        SupervisionItem.objects.select_related("indicator__target__plan__region", "unit"), pk=item_pk
    )
    if not item_visible(item, request.user):
        raise Http404
    region = item.indicator.target.plan.region
    frame = document_frame_for(region)
    with translation.override(settings.LANGUAGE_CODE):
        # Numbered once, the first time the notice is made, in the office's register (reports.DocumentNumber).
        serial = services.document_number_assign(
            frame=frame, kind="notice", year=timezone.localdate(item.issued_at).year, word=str(notice_word()), item=item
        ).serial
        content = notice_content(item=item, frame=frame, serial=serial)
    services.notice_download_record(item=item, serial=serial, by=request.user)
    name = f"{region.name}-督办通知单-{serial}号-{item.unit.name}.docx"
    return FileResponse(
        BytesIO(write_docx(content)), as_attachment=True, filename=name, content_type=CONTENT_TYPES["docx"]
    )
