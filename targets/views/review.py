"""The supervision office's side of the monthly cycle: the review queue, approve / return, reopen, 补报 grants."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from core.versions import ConflictError

from .. import selectors, services
from ..forms import DecisionForm, GrantForm, ReasonForm, ReturnForm
from ..models import LateEntryGrant
from ..selectors import entry as entry_selectors
from ..selectors import late_entry as late_entry_selectors

PAGE_SIZE = 50


def _office_or_404(user):
    if not permissions.is_office(user):
        raise Http404


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _queue_filters(params) -> dict:
    late = {"yes": True, "no": False}.get(params.get("late", ""))
    sort = params.get("sort", "")
    return {
        "plan": _int_or_none(params.get("plan")),
        "unit": _int_or_none(params.get("unit")),
        "township": _int_or_none(params.get("township")),
        "late": late,
        "sort": sort if sort in entry_selectors.REVIEW_ORDERS else "submitted",
    }


@login_required
def review_queue(request):
    _office_or_404(request.user)
    filters = _queue_filters(request.GET)
    reports = entry_selectors.review_queue(user=request.user, **filters)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = entry_selectors.review_context(list(page.object_list), timezone.localdate())
    return render(
        request,
        "targets/review_queue.html",
        {
            "page": page,
            "filters": filters,
            "late": request.GET.get("late", ""),
            "query": query.urlencode(),
            "rows": [(r, context[r.pk]) for r in page.object_list],
            "return_form": ReturnForm(),
            **entry_selectors.review_filter_choices(request.user),
        },
    )


def _report_or_404(user, pk):
    return get_object_or_404(selectors.reports_visible_to(user), pk=pk)


def _back(request):
    """Back to the queue page the reviewer came from (its filters kept), never to another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("review-queue")


@login_required
@require_POST
def review(request, pk):
    _office_or_404(request.user)
    report = _report_or_404(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    comment = ""
    if not approve:
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason when returning a report."))
            return redirect("report-detail", report.pk)
        comment = form.cleaned_data["comment"]
    try:
        services.progress_report_review(
            report=report,
            by=request.user,
            approve=approve,
            comment=comment,
            expected_version=_int_or_none(request.POST.get("version")),
        )
    except ConflictError:
        messages.error(request, _("The unit changed this report after you opened it; check it again below."))
        return redirect("report-detail", report.pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("report-detail", report.pk)
    messages.success(request, _("Approved.") if approve else _("Returned to the unit."))
    if request.POST.get("then") == "next":
        return _next_in_queue(request.user, report)
    return _back(request)


def _next_in_queue(user, done):
    """通过并审核下一条: the oldest submitted report the user may review, other than the one just decided."""
    waiting = entry_selectors.review_queue(user=user).exclude(pk=done.pk).exclude(submitted_by=user).first()
    return redirect("report-detail", waiting.pk) if waiting else redirect("review-queue")


def _bulk_review(request, *, approve: bool, comment: str = "") -> int:
    """Approve or return every ticked report; one that cannot be (e.g. the user's own submission) is reported
    and skipped. The number decided."""
    ids = [i for i in (_int_or_none(v) for v in request.POST.getlist("report")) if i is not None]
    done = 0
    for report in selectors.reports_visible_to(request.user).filter(pk__in=ids):
        try:
            with transaction.atomic():
                services.progress_report_review(
                    report=report,
                    by=request.user,
                    approve=approve,
                    comment=comment,
                    expected_version=_int_or_none(request.POST.get(f"version-{report.pk}")),
                )
            done += 1
        except ConflictError:
            messages.error(
                request, _("%(report)s: changed since the queue was shown; open it to check.") % {"report": report}
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{report}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    return done


@login_required
@require_POST
def review_bulk_approve(request):
    """Approve every ticked report."""
    _office_or_404(request.user)
    if not request.POST.getlist("report"):
        messages.error(request, _("Tick at least one report to approve."))
    elif approved := _bulk_review(request, approve=True):
        messages.success(request, _("Approved %(n)s reports.") % {"n": approved})
    return _back(request)


@login_required
@require_POST
def review_bulk_return(request):
    """Return every ticked report with one reason; each unit is told."""
    _office_or_404(request.user)
    form = ReturnForm(request.POST)
    if not request.POST.getlist("report"):
        messages.error(request, _("Tick at least one report to return."))
    elif not form.is_valid():
        messages.error(request, _("Give a reason when returning a report."))
    elif returned := _bulk_review(request, approve=False, comment=form.cleaned_data["comment"]):
        messages.success(request, _("Returned %(n)s reports.") % {"n": returned})
    return _back(request)


@login_required
@require_POST
def reopen(request, pk):
    _office_or_404(request.user)
    report = _report_or_404(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for reopening an approved report."))
        return redirect("report-detail", report.pk)
    try:
        services.progress_report_reopen(
            report=report,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=_int_or_none(request.POST.get("version")),
        )
        messages.success(request, _("Reopened: the unit can correct and resubmit it."))
    except ConflictError:
        messages.error(request, _("This report changed after you opened it; check it again below."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("report-detail", report.pk)


@login_required
def late_entry_grants(request):
    """The office's 补报 page: the units' requests to grant or refuse, a grant of its own, the grants made."""
    _office_or_404(request.user)
    today = timezone.localdate()
    plans = selectors.plans_visible_to(request.user).order_by("-start_date", "id")
    indicators = (
        selectors.indicators_visible_to(request.user)
        .select_related("target")
        .order_by("target__plan_id", "target__seq", "order", "id")
    )
    form = GrantForm(
        request.POST or None,
        plans=plans,
        units=entry_selectors.units_in_region(request.user),
        indicators=indicators,
        today=today,
        initial={
            "plan": request.GET.get("plan"),
            "unit": request.GET.get("unit"),
            "period": request.GET.get("period", ""),
            "indicator": request.GET.get("indicator"),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.late_entry_grant_create(
                plan=data["plan"],
                unit=data["unit"],
                period=data["period"],
                until=data["until"],
                reason=data["reason"],
                by=request.user,
                indicator=data["indicator"],
            )
            messages.success(request, _("Late entry granted."))
            return redirect("late-entry-grants")
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
    grants = (
        LateEntryGrant.objects.filter(plan__in=plans)
        .select_related("plan", "unit", "indicator", "granted_by")
        .order_by("-granted_at")[:100]
    )
    return render(
        request,
        "targets/late_entry_grants.html",
        {
            "form": form,
            "grants": grants,
            "today": today,
            "requests": list(late_entry_selectors.pending_requests(request.user)),
            "decision_form": DecisionForm(initial={"until": today + timedelta(days=services.GRANT_DAYS)}),
        },
    )


@login_required
@require_POST
def late_entry_decide(request, pk):
    """Grant or refuse one unit's request from the list."""
    _office_or_404(request.user)
    pending = get_object_or_404(late_entry_selectors.pending_requests(request.user), pk=pk)
    form = DecisionForm(request.POST)
    grant = request.POST.get("decision") == "grant"
    if form.is_valid():
        try:
            services.late_entry_request_decide(
                request=pending,
                by=request.user,
                grant=grant,
                note=form.cleaned_data["note"],
                until=form.cleaned_data["until"],
            )
            messages.success(request, _("Late entry granted.") if grant else _("Request refused."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("late-entry-grants")
