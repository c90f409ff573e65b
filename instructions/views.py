"""Pages of leaders' instructions (批示): write one (leaders), the instruction itself with its units'
answers, the steps (acknowledge, answer, close) and the office's tracking list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can_close_instruction, is_leader
from core.uploads import XLSX
from core.versions import ConflictError
from regions.selectors import area_name

from . import exporters, selectors, services
from .forms import CloseForm, IssueForm, LedgerFilters, RespondForm, StepForm
from .models import InstructionStatus, ReachStatus

TARGET_URLS = {
    "report": "report-detail",
    "indicator": "supervision:indicator",
    "bulletin": "reports:bulletin",
    "item": "supervision:item-detail",
}


def target_url(kind: str, pk: int) -> str:
    return reverse(TARGET_URLS[kind], args=[pk])


def _message(error) -> str:
    return " ".join(error.messages) if hasattr(error, "messages") else str(error)


@login_required
def issue(request, kind, pk):
    """A leader's 批示 on one object: the form, with the object's responsible units ticked."""
    target = selectors.target_visible(kind=kind, pk=pk, user=request.user)
    if target is None:
        raise Http404
    if not is_leader(request.user):
        raise PermissionDenied
    units = selectors.unit_choices(kind, target)
    form = IssueForm(request.POST or None, units=units, initial_units=selectors.default_units(kind, target))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            instruction = services.instruction_issue(
                kind=kind,
                target=target,
                by=request.user,
                text=data["text"],
                units=list(data["units"]),
                due_date=data["due_date"],
            )
        except services.InstructionError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(
                request,
                _("Instruction sent to %(units)s.")
                % {"units": "、".join(r.unit.name for r in instruction.reaches.select_related("unit"))},
            )
            return redirect(target_url(kind, target.pk))
    return render(
        request,
        "instructions/issue.html",
        {
            "form": form,
            "kind": kind,
            "target": target,
            "kind_label": selectors.kind_label(kind),
            "back": target_url(kind, target.pk),
        },
    )


def _instruction_or_404(request, pk):
    instruction = selectors.instruction_detail(pk=pk, user=request.user)
    if instruction is None:
        raise Http404  # not visible answers as not there
    return instruction


@login_required
def detail(request, pk):
    instruction = _instruction_or_404(request, pk)
    user = request.user
    reach = selectors.reach_of(instruction, user)
    open_ = instruction.status != InstructionStatus.CLOSED
    can_close = instruction.status == InstructionStatus.ANSWERED and can_close_instruction(user, instruction)
    return render(
        request,
        "instructions/detail.html",
        {
            "instruction": instruction,
            "reach": reach,
            # A unit's steps carry its own reach's version, the close the instruction's (services._check_version).
            "acknowledge_form": StepForm(initial={"version": reach.version})
            if open_ and reach is not None and reach.status == ReachStatus.ISSUED
            else None,
            "respond_form": RespondForm(initial={"response": reach.response, "version": reach.version})
            if open_ and reach is not None
            else None,
            "close_form": CloseForm(initial={"version": instruction.version}) if can_close else None,
            "target_url": target_url(instruction.target_kind, instruction.target.pk),
            "audit": selectors.audit_trail(instruction),
        },
    )


def _step(request, pk, form, run, done_message):
    """One step from the page; the hidden version the page showed is checked by the service."""
    instruction = _instruction_or_404(request, pk)
    form.is_valid()
    data = form.cleaned_data
    try:
        if "version" not in data:
            raise ConflictError(_("The page did not say which version of the instruction it showed; reload it."))
        run(instruction, data)
    except ConflictError as error:
        messages.error(request, str(error))
    except (services.InstructionError, services.NotAllowed) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, done_message)
    return redirect("instructions:detail", pk=instruction.pk)


@login_required
@require_POST
def acknowledge(request, pk):
    return _step(
        request,
        pk,
        StepForm(request.POST),
        lambda i, data: services.instruction_acknowledge(
            instruction=i, by=request.user, expected_version=data["version"]
        ),
        _("Acknowledged; the leader and the office can see it."),
    )


@login_required
@require_POST
def respond(request, pk):
    return _step(
        request,
        pk,
        RespondForm(request.POST),
        lambda i, data: services.instruction_respond(
            instruction=i, by=request.user, response=data.get("response", ""), expected_version=data["version"]
        ),
        _("Your answer was sent to the leader and the office."),
    )


@login_required
@require_POST
def close(request, pk):
    return _step(
        request,
        pk,
        CloseForm(request.POST),
        lambda i, data: services.instruction_close(
            instruction=i, by=request.user, comment=data.get("comment", ""), expected_version=data["version"]
        ),
        _("Instruction closed."),
    )


def _ledger(request):
    user = request.user
    filters = LedgerFilters(
        request.GET or None, units=selectors.ledger_units(user), leaders=selectors.leaders_for(user)
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.ledger(
        user=user,
        state=data.get("state", ""),
        unit=data.get("unit"),
        kind=data.get("kind", ""),
        author=data.get("author"),
    )
    return filters, data, found


@login_required
def ledger(request):
    """领导批示: every instruction the user may see, by state (open, overdue, answered, closed), unit and kind."""
    filters, data, found = _ledger(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "instructions/ledger.html",
        {
            "filters": filters,
            "ledger": found,
            "page": found.page(request.GET.get("page")),
            "query": query.urlencode(),
            "state": data.get("state", ""),
            "export_query": query.urlencode(),
        },
    )


@login_required
def ledger_export(request):
    """The list as the user sees it, with the same filters, as .xlsx (批示落实情况); the export is audited."""
    _filters, data, found = _ledger(request)
    user = request.user
    home = area_name(user)
    now = timezone.now()
    local = timezone.localtime(now)
    rows = found.rows
    content = exporters.ledger_xlsx(
        rows,
        title=f"{home}领导批示落实情况",
        subtitle=f"数据截至{exporters.chinese_date(local.date())}{local:%H:%M}",
    )
    services.ledger_exported(
        by=user,
        rows=len(rows),
        filters={key: str(getattr(value, "pk", value)) for key, value in data.items() if value},
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{home}-领导批示落实情况-{local.year}年{local.month}月{local.day}日.xlsx"
    )
    return response
