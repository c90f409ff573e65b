"""The unit's side of the monthly cycle: My work, the entry form, a report's page, evidence and comments.

A reporter only ever reaches its own unit's reports and the indicators its unit owes: anything else
is a 404, so another unit's pages, files and actions cannot even be told apart from missing ones.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from core import periods
from core.versions import ConflictError

from .. import charts, review, rules, selectors, services
from ..forms import CommentForm, EntryForm, LateEntryRequestForm, ReasonForm, ReturnForm
from ..models import Evidence, ProgressReport
from ..selectors import entry as entry_selectors
from ..selectors import late_entry as late_entry_selectors
from . import work_page

FORM_FIELDS = ("value", "narrative", "problems", "next_steps", "explanation")


def _reporter_or_404(user):
    if not permissions.is_unit_reporter(user):
        raise Http404


@login_required
def my_work(request):
    """The reporter's to-do, the first page after log-in: one tab at a time, searched and filtered by plan."""
    _reporter_or_404(request.user)
    today = timezone.localdate()
    query = request.GET.get("q", "").strip()[:100]
    plan = request.GET.get("plan", "")
    todo = work_page.my_work_todo(
        user=request.user,
        today=today,
        tab=request.GET.get("tab", ""),
        query=query,
        plan=int(plan) if plan.isdigit() else None,
    )
    return render(request, "targets/my_work.html", {"todo": todo, "today": today, "query": query, "plan": plan})


def _owed_indicator_or_404(user, indicator_id):
    indicator = get_object_or_404(selectors.indicators_visible_to(user).select_related("target__plan"), pk=indicator_id)
    if user.unit_id not in selectors.expected_reporters([indicator.pk]).get(indicator.pk, []):
        raise Http404
    return indicator


def _period_or_404(indicator, period: str):
    try:
        period_start, frequency = periods.parse_period(period)
    except ValueError as exc:
        raise Http404 from exc
    if frequency != indicator.frequency:
        raise Http404
    return period_start


@login_required
def entry(request, indicator_id, period):
    _reporter_or_404(request.user)
    indicator = _owed_indicator_or_404(request.user, indicator_id)
    period_start = _period_or_404(indicator, period)
    unit = request.user.unit
    report = ProgressReport.objects.filter(indicator=indicator, unit=unit, period_start=period_start).first()
    conflict = None
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES)
        if form.is_valid():
            outcome = _save_entry(request, form, indicator, unit, period)
            if outcome.get("redirect"):
                return outcome["redirect"]
            conflict = outcome.get("conflict")
    else:
        initial = {name: getattr(report, name) for name in FORM_FIELDS} if report else {}
        initial |= {
            "version": report.version if report else None,
            "confirmed": report.outlier_confirmed if report else False,
        }
        form = EntryForm(initial=initial)
    plan = indicator.target.plan
    context = {
        "indicator": indicator,
        "plan": plan,
        "period": period,
        "period_start": period_start,
        "report": report,
        "form": form,
        "conflict": conflict,
        "editable": report is None or review.is_editable(report.status),
        "due": periods.due_date(period_start, indicator.frequency, plan.due_day),
        "evidence": list(report.evidence.all()) if report else [],
        "show_explanation": bool(form["explanation"].value()) or "explanation" in form.errors,
        "show_confirmation": bool(form["confirmed"].value()) or "confirmed" in form.errors,
        **entry_selectors.entry_context(indicator=indicator, unit=unit, period_start=period_start),
    }
    return render(request, "targets/entry.html", context)


def _save_entry(request, form, indicator, unit, period) -> dict:
    data = form.cleaned_data
    submit = request.POST.get("action") in ("submit", "submit_next")
    try:
        report = services.report_enter(
            by=request.user,
            indicator=indicator,
            unit=unit,
            period=period,
            version=data["version"],
            confirmed=data["confirmed"],
            evidence=data["evidence"],
            submit=submit,
            **{name: data[name] for name in FORM_FIELDS},
        )
    except ProgressReport.DoesNotExist as exc:
        raise Http404 from exc
    except ConflictError as exc:
        return {"conflict": _conflict_view(form, exc.current, exc.changes)}
    except ValidationError as exc:
        _add_errors(form, exc)
        return {}
    if submit:
        messages.success(
            request,
            _("Submitted %(indicator)s for %(period)s.")
            % {"indicator": indicator.name, "period": rules.period_words(report.period_start, indicator.frequency)},
        )
        if request.POST.get("action") == "submit_next":
            return {"redirect": _next_entry(request.user, indicator)}
        return {"redirect": redirect("report-detail", report.pk)}
    messages.success(request, _("Draft saved."))
    return {"redirect": redirect("report-entry", indicator.pk, period)}


def _next_entry(user, done_indicator):
    """保存并填报下一项: the to-do's next row still owed (overdue first), or My work when none is left."""
    today = timezone.localdate()
    rows = [
        r
        for r in entry_selectors.work_rows(user=user, today=today)
        if r.owed
        and r.period_start
        and r.indicator.pk != done_indicator.pk
        and (r.report is None or review.is_editable(r.report.status))
    ]
    if not rows:
        return redirect("my-work")
    row = min(rows, key=lambda r: entry_selectors.placement(r).order)
    return redirect("report-entry", row.indicator.pk, row.period)


def _conflict_view(form, current, theirs) -> dict:
    """What the other person saved next to what this person typed; the form now carries their version."""
    mine = {name: form.cleaned_data.get(name) for name in FORM_FIELDS}
    rows = []
    for name in FORM_FIELDS:
        saved = theirs.get(name, "")
        if str(saved) != str(mine[name] if mine[name] is not None else ""):
            rows.append({"field": form.fields[name].label, "name": name, "theirs": saved, "mine": mine[name]})
    form.data = form.data.copy()
    form.data["version"] = current.version
    return {"version": current.version, "rows": rows, "status": current.get_status_display()}


def _add_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _report_or_404(user, pk):
    return get_object_or_404(
        selectors.reports_visible_to(user).select_related(
            "indicator__target__plan", "unit", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


@login_required
def report_detail(request, pk):
    report = _report_or_404(request.user, pk)
    user = request.user
    office = permissions.is_office(user)
    target = entry_selectors.report_target(report)
    context = {
        "report": report,
        "target": target,
        "history": entry_selectors.report_history(report),
        "evidence": list(report.evidence.select_related("uploaded_by")),
        # Leaders and auditors do not comment (a leader writes a 批示 instead), so they get no comment box.
        "comment_form": None if permissions.is_read_only(user) else CommentForm(),
        "return_form": ReturnForm(),
        "reopen_form": ReasonForm(),
        "can_edit": permissions.can_report_for(user, report.unit) and review.is_editable(report.status),
        "can_review": office and review.can(report.status, review.APPROVE) and report.submitted_by_id != user.pk,
        "can_reopen": office and review.can(report.status, review.REOPEN),
        "rollup": entry_selectors.county_rollup(report.indicator, report.period_start),
        "chart": charts.line_chart(entry_selectors.report_series(report), target.value),
    }
    return render(request, "targets/report_detail.html", context)


@login_required
@require_POST
def report_comment(request, pk):
    report = _report_or_404(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.report_comment_add(report=report, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect("report-detail", report.pk)


def _evidence_or_404(user, pk):
    return get_object_or_404(
        Evidence.objects.filter(report__in=selectors.reports_visible_to(user).values("pk")).select_related("report"),
        pk=pk,
    )


@login_required
def evidence_download(request, pk):
    evidence = _evidence_or_404(request.user, pk)
    try:
        handle = services.evidence_open(evidence=evidence, by=request.user)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Checksum-SHA256"] = evidence.sha256
    return response


@login_required
@require_POST
def evidence_remove(request, pk):
    _reporter_or_404(request.user)
    evidence = _evidence_or_404(request.user, pk)
    report = evidence.report
    try:
        services.evidence_remove(evidence=evidence, by=request.user)
        messages.success(request, _("File removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("report-entry", report.indicator_id, report.period)


@login_required
def late_entry_ask(request, indicator_id):
    """申请补报: the unit picks one of the indicator's missed, locked periods and says why; the office decides."""
    _reporter_or_404(request.user)
    indicator = _owed_indicator_or_404(request.user, indicator_id)
    today = timezone.localdate()
    missed = late_entry_selectors.missed_periods(indicator=indicator, unit=request.user.unit, today=today)
    labels = {periods.period_label(p, indicator.frequency): p for p in missed}
    form = LateEntryRequestForm(
        request.POST or None, periods=list(labels), initial={"period": request.GET.get("period")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.late_entry_request_create(
                indicator=indicator,
                period_start=labels[form.cleaned_data["period"]],
                reason=form.cleaned_data["reason"],
                by=request.user,
                today=today,
            )
            messages.success(request, _("Request sent to the supervision office."))
            return redirect("my-work")
        except ValidationError as exc:
            _add_errors(form, exc)
    asked = [r for r in late_entry_selectors.requests_of_unit(request.user.unit) if r.indicator_id == indicator.pk]
    return render(
        request,
        "targets/late_entry_ask.html",
        {"indicator": indicator, "form": form, "asked": asked, "missed": bool(missed)},
    )
