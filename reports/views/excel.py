"""Thin views for Excel in and out; the work is in reports.plan_import, reports.excel.* and reports.services."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import permissions
from core import periods
from core.forms import MonthSelect, months_between
from core.uploads import UnsafeFile
from regions.models import Region, RegionLevel, Unit
from regions.selectors import region_prefix
from targets.choices import Frequency, Kind

from .. import previews
from ..intake.files import ACCEPT as PLAN_FILE_SUFFIXES
from ..plan_checks import check_plan, first_period_notices
from ..plan_import import (
    PlanProblems,
    apply_preview_edits,
    at_save,
    milestones_text,
    plan_import,
    plan_import_parse,
    with_defaults,
)


def _importable_counties(user):
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if user.region_id:
        counties = counties.filter(code__startswith=region_prefix(user.region))
    return counties.order_by("code")


def _require_importer(user):
    if not permissions.is_office(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_importer(request.user)
    counties = _importable_counties(request.user)
    error = ""
    if request.method == "POST":
        region = counties.filter(code=request.POST.get("region", "")).first()
        if region is None or not permissions.can_import_plans(request.user, region):
            error = _("Choose a county you may import into.")
        elif "file" not in request.FILES:
            error = _("Choose the responsibility table to upload.")
        else:
            try:
                parsed = plan_import_parse(
                    file=request.FILES.getlist("file"), region=region, title=request.POST.get("title", "").strip()
                )
            except (UnsafeFile, ValidationError) as exc:
                error = str(exc) if isinstance(exc, UnsafeFile) else "; ".join(exc.messages)
            else:
                token = previews.preview_save(
                    by=request.user, kind=previews.Kind.PLAN_IMPORT, data=with_defaults(parsed)
                )
                return redirect("import-preview", token=token)
    return render(
        request,
        "reports/excel/import_upload.html",
        {"counties": counties, "error": error, "accept": ",".join(PLAN_FILE_SUFFIXES)},
        status=400 if error else 200,
    )


def _unit_rows(parsed, units) -> list[dict]:
    rows = []
    for k, row in enumerate(parsed["units"]):
        options = [("", _("— decide —"))]
        options += [(f"use:{s['id']}", _("close match: %(name)s (%(score)s)") % s) for s in row["suggestions"]]
        options += [(f"use:{unit.pk}", unit.name) for unit in units]
        options.append(("create", _("create as a new unit")))
        seen, marked = set(), []
        for value, label in options:
            if value in seen and value:
                continue
            seen.add(value)
            marked.append((value, label, value == row["decision"]))
        rows.append({"name": row["name"], "field": f"u{k}-decision", "options": marked})
    return rows


def _warning_texts() -> dict[str, str]:
    return {
        "baseline_needed": _("The text gives no starting value: enter the baseline."),
        "baseline_assumed_zero": _("Baseline assumed 0: enter the real starting rate if it is known."),
        "decrease_without_baseline_kept_as_ceiling": _("No baseline stated: kept as a ceiling."),
        "deadline_before_plan_start": _(
            "The date in the text is before the plan starts: the task's deadline is used; check it."
        ),
        "approximate": _("The text gives an approximate amount (余, 近, 约): check the value."),
        "stage_not_before_deadline": _(
            "The text gives a stage that is not before this indicator's deadline, so it is not set as a stage: "
            "check the deadline, or enter the stage."
        ),
    }


def _task_rows(parsed: dict, problems) -> list[dict]:
    """Tasks as the template shows them: warnings in words, each problem beside its field."""
    texts = _warning_texts()
    sections = {s["key"]: s for s in parsed["sections"]}
    at = {}
    for problem in problems:
        at.setdefault((problem.task, problem.indicator), []).append(problem.message)
    rows = []
    for i, task in enumerate(parsed["tasks"]):
        indicators = [
            dict(
                p,
                warning_texts=[texts.get(w, w) for w in p.get("warnings", [])],
                milestones_text=milestones_text(p.get("milestones", [])),
                problems=at.get((i, j), []),
            )
            for j, p in enumerate(task["indicators"])
        ]
        rows.append(
            dict(
                task,
                index=i,
                indicators=indicators,
                problems=at.get((i, None), []),
                section_title=sections.get(task.get("section"), {}).get("title", ""),
            )
        )
    return rows


def _section_rows(parsed: dict, problems) -> list[dict]:
    at = {}
    for problem in problems:
        if problem.section is not None:
            at.setdefault(problem.section, []).append(problem.message)
    sections = parsed.get("sections") or []
    return [
        dict(
            section,
            index=k,
            problems=at.get(k, []),
            parents=[(s["key"], s["title"]) for s in sections if s["key"] != section["key"]],
        )
        for k, section in enumerate(sections)
    ]


def _first_period_select(parsed):
    """首个填报期 as a list of the plan period's months in the page's language (a native month input is drawn in the
    browser's), which static/js/app.js rebuilds when the period's dates are edited; a period not yet readable offers
    the last three years."""
    try:
        months = months_between(date.fromisoformat(parsed["start"]), date.fromisoformat(parsed["end"]))
    except (KeyError, TypeError, ValueError):
        months = None
    widget = MonthSelect(months=months if months and len(months) <= 240 else None)
    attrs = {"id": "id_first_period", "data-months-from": "input[name=start]", "data-months-to": "input[name=end]"}
    return widget.render("first_period", parsed.get("first_period") or "", attrs=attrs)


def _preview_context(parsed, region, problems=None, errors=()):
    from django.utils import timezone

    parsed = at_save(parsed, timezone.localdate())
    problems = check_plan(parsed, today=timezone.localdate()) if problems is None else problems
    units = Unit.objects.filter(county=region).order_by("name")
    plan_problems = {}
    for problem in problems:
        if problem.task is None and problem.section is None:
            plan_problems.setdefault(problem.field, []).append(problem.message)
    return {
        "parsed": parsed,
        "tasks": _task_rows(parsed, problems),
        "region": region,
        "sections": _section_rows(parsed, problems),
        "notices": first_period_notices(parsed),
        "first_period_select": _first_period_select(parsed),
        "unit_rows": _unit_rows(parsed, units),
        "errors": errors,
        "problems": problems,
        "plan_problems": plan_problems,
        "kinds": Kind.choices,
        "frequencies": Frequency.choices,
        "indicator_count": sum(len(t["indicators"]) for t in parsed["tasks"]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, token):
    _require_importer(request.user)
    preview = previews.preview_get(by=request.user, kind=previews.Kind.PLAN_IMPORT, token=token)
    if preview is None:
        raise Http404
    parsed = preview.data
    region = Region.objects.get(code=parsed["region"])
    if request.method == "GET":
        return render(request, "reports/excel/import_preview.html", _preview_context(parsed, region))
    from django.utils import timezone

    edited = apply_preview_edits(parsed, request.POST, region, today=timezone.localdate())
    previews.preview_update(by=request.user, kind=previews.Kind.PLAN_IMPORT, token=token, data=edited)
    if request.POST.get("action") == "check":
        return render(request, "reports/excel/import_preview.html", _preview_context(edited, region))
    try:
        plan = plan_import(parsed=edited, region=region, by=request.user)
    except PlanProblems as exc:
        return render(
            request,
            "reports/excel/import_preview.html",
            _preview_context(edited, region, problems=exc.problems),
            status=400,
        )
    except ValidationError as exc:
        return render(
            request,
            "reports/excel/import_preview.html",
            _preview_context(edited, region, errors=exc.messages),
            status=400,
        )
    previews.preview_discard(by=request.user, kind=previews.Kind.PLAN_IMPORT, token=token)
    messages.success(request, _("Plan imported: %(tasks)s tasks.") % {"tasks": len(edited["tasks"])})
    return redirect("plan-detail", pk=plan.pk)


def _export_plan(request):
    from targets.selectors import plans_visible_to

    plan = plans_visible_to(request.user).filter(pk=request.GET.get("plan") or request.POST.get("plan")).first()
    if plan is None:
        raise Http404
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def export_new(request):
    from django.utils import timezone

    from ..excel.jobs import export_job_create
    from ..models import ExportJob

    plan = _export_plan(request)
    error = ""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        params = (
            {"as_of": request.POST.get("as_of", "")}
            if kind == ExportJob.Kind.LEDGER
            else {"period": request.POST.get("period", "").strip()}
        )
        try:
            job = export_job_create(kind=kind, plan=plan, params=params, by=request.user)
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        else:
            return redirect("excel-export-job", pk=job.pk)
    today = timezone.localdate()
    return render(
        request,
        "reports/excel/export_new.html",
        {
            "plan": plan,
            "error": error,
            "today": today.isoformat(),
            "month": f"{today:%Y-%m}",
            "kinds": ExportJob.Kind.choices,
        },
        status=400 if error else 200,
    )


def _own_job(request, pk):
    from ..models import ExportJob

    job = ExportJob.objects.filter(pk=pk).select_related("plan").first()
    if job is None or not permissions.can_open_export(request.user, job):
        raise Http404
    return job


@login_required
def export_job(request, pk):
    return render(request, "reports/excel/export_job.html", {"job": _own_job(request, pk)})


@login_required
def export_status(request, pk):
    from django.http import JsonResponse
    from django.urls import reverse

    job = _own_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "percent": job.percent,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "error": job.error,
            "download": reverse("excel-export-download", args=[job.pk]) if job.status == "done" else "",
        }
    )


@login_required
def export_download(request, pk):
    from django.http import FileResponse

    from ..excel.jobs import export_job_download

    job = _own_job(request, pk)
    try:
        handle = export_job_download(job=job, by=request.user)
    except ValidationError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


def _default_period() -> str:
    from django.utils import timezone

    today = timezone.localdate()
    return f"{today.year - (today.month == 1):04d}-{(today.month - 2) % 12 + 1:02d}"


@login_required
@require_http_methods(["GET", "POST"])
def progress_offline(request):
    """Download the unit's workbook for a period; upload it back filled in."""
    from core.uploads import check_upload

    from ..excel.progress import progress_upload

    if not permissions.can_report_for(request.user, request.user.unit):
        raise PermissionDenied
    context = {"period": request.GET.get("period") or _default_period(), "result": None, "error": ""}
    status = 200
    if request.method == "POST":
        try:
            if "file" not in request.FILES:
                raise UnsafeFile(_("Choose the filled-in workbook to upload."))
            result = progress_upload(upload=check_upload(request.FILES["file"]), by=request.user)
        except UnsafeFile as exc:
            context["error"], status = str(exc), 400
        except ValidationError as exc:
            context["error"], status = "; ".join(exc.messages), 400
        else:
            context["result"] = result
            if result.marked:
                context["marked_token"] = previews.preview_save(
                    by=request.user, kind=previews.Kind.PROGRESS_MARKED, content=result.marked
                )
                status = 400
    return render(request, "reports/excel/progress.html", context, status=status)


@login_required
def progress_template(request):
    from django.http import HttpResponse

    from ..excel.progress import template_download

    if not permissions.can_report_for(request.user, request.user.unit):
        raise PermissionDenied
    period = request.GET.get("period", "")
    try:
        periods.parse_period(period)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("excel-progress")
    response = HttpResponse(
        template_download(unit=request.user.unit, period=period, by=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="progress-{period}.xlsx"'
    return response


@login_required
def progress_marked(request, token):
    from django.http import HttpResponse

    preview = previews.preview_get(by=request.user, kind=previews.Kind.PROGRESS_MARKED, token=token)
    if preview is None:
        raise Http404
    response = HttpResponse(
        bytes(preview.content), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="progress-errors.xlsx"'
    return response
