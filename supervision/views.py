"""Dashboard and supervision-item pages: thin, they parse the filters, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import channels, permissions
from core import periods
from core.versions import ConflictError
from regions.models import Unit
from targets import selectors as target_selectors
from targets.choices import Light

from . import figures, rules, selectors, services
from . import search as search_module
from .forms import FLAGGED_LIGHTS, DashboardFilters, DecisionForm, IssueForm, ReplyForm
from .models import SupervisionItem, SupervisionStatus

PAGE_SIZE = 50


def dashboard_user(request):
    if not permissions.sees_whole_region(request.user):
        raise PermissionDenied(_("The dashboards are for the supervision office and leaders."))


def dashboard_filters(request, *, default_month=None):
    data = request.GET.copy()
    # so the month box shows the month shown
    data.setdefault("as_of", (default_month or timezone.localdate()).strftime("%Y-%m"))
    filters = DashboardFilters(data, user=request.user)
    filters.is_valid()
    scope, as_of = filters.scope(), filters.as_of_date()
    return filters, scope, as_of


def _query(request, **changes) -> str:
    """The current filters with some changed: every count links to the list behind it this way."""
    query = QueryDict(mutable=True)
    for key in ("region", "plan", "section", "unit", "township", "as_of"):
        if request.GET.get(key):
            query[key] = request.GET[key]
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@login_required
def overview(request):
    dashboard_user(request)
    filters, scope, as_of = dashboard_filters(request)
    # The reporting table, like the league, reads a closed month unless a month is chosen: in the month
    # under way nothing is due yet, so every unit would stand at 0 %.
    chosen = bool(request.GET.get("as_of")) and "as_of" not in filters.errors
    reporting_month = as_of if chosen else periods.previous_month_end(as_of)
    light = filters.chosen_light()
    # 红灯和黄灯 keeps both lights in every figure, as the list behind it does.
    light = figures.FLAGGED if light == FLAGGED_LIGHTS else light
    taken = selectors.overview(
        as_of=as_of,
        light=light,
        reporting_month=reporting_month,
        units=filters.units,
        townships=filters.townships,
        **scope,
    )
    failed = channels.failed_deliveries(user=request.user).count() if permissions.is_office(request.user) else 0
    return render(
        request,
        "supervision/overview.html",
        {
            "filters": filters,
            "scope": scope,
            "as_of": as_of,
            "lights": Light,
            "failed_deliveries": failed,
            "base_query": _query(request),
            "taken_at": taken.at,
            **as_of_shown(as_of),
            "freeze": rules.freeze_dates(as_of, today=timezone.localdate()),
            **taken.figures,
        },
    )


def as_of_shown(as_of) -> dict:
    """The date a page names for its figures: never one after today; the month under way is provisional."""
    today = timezone.localdate()
    return {
        "shown_as_of": min(periods.month_end(as_of), today),
        "provisional": (as_of.year, as_of.month) == (today.year, today.month),
    }


def flagged_filters(request):
    """The list's filters, read once for the page and for its export: the same rows in both."""
    filters, scope, as_of = dashboard_filters(request)
    light = filters.chosen_light()
    lights = figures.FLAGGED if light == FLAGGED_LIGHTS else (light,) if light else tuple(Light.values)
    lead_unit = (
        Unit.objects.filter(pk=request.GET.get("lead_unit")).first()
        if request.GET.get("lead_unit", "").isdigit()
        else None
    )
    return filters, scope, as_of, light, lights, lead_unit


@login_required
def flagged_list(request):
    dashboard_user(request)
    filters, scope, as_of, light, lights, lead_unit = flagged_filters(request)
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    rows = figures.flagged(
        as_of=as_of,
        lights=lights,
        lead_unit=lead_unit,
        limit=PAGE_SIZE,
        offset=(max(number, 1) - 1) * PAGE_SIZE,
        **scope,
    )
    return render(
        request,
        "supervision/list.html",
        {
            "filters": filters,
            "scope": scope,
            "as_of": as_of,
            "light": light,
            "lead_unit": lead_unit,
            "export_query": request.GET.urlencode(),
            "rows": rows,
            "page": Paginator(range(rows.total), PAGE_SIZE).get_page(number),
            "base_query": _query(request, light=light, lead_unit=request.GET.get("lead_unit")),
            "taken_at": selectors.taken_at(region=scope["region"], as_of=as_of, plan=scope["plan"]),
            **as_of_shown(as_of),
        },
    )


@login_required
def league(request):
    dashboard_user(request)
    # A league ranks a closed month unless asked otherwise: the month under way would rank nobody fairly.
    filters, scope, as_of = dashboard_filters(request, default_month=periods.previous_month_end(timezone.localdate()))
    taken = selectors.league(region=scope["region"], month=as_of, plan=scope["plan"], units=filters.units)
    return render(
        request,
        "supervision/league.html",
        {
            "filters": filters,
            "as_of": as_of,
            "tables": taken.figures,
            "base_query": _query(request),
            "export_query": request.GET.urlencode(),
            "taken_at": taken.at,
            **as_of_shown(as_of),
        },
    )


@login_required
def indicator_detail(request, pk):
    indicator = get_object_or_404(
        target_selectors.indicators_visible_to(request.user).select_related("target__plan"), pk=pk
    )
    as_of = timezone.localdate()
    data = selectors.indicator_page(
        indicator=indicator, as_of=as_of, reader=request.user, reports_page=request.GET.get("page")
    )
    can_issue = permissions.can_supervise(request.user) and data["row"].status.status in (Light.RED, Light.AMBER)
    issue_form = (
        IssueForm(
            units=services.answerable_units(indicator),
            initial={
                "unit": data["lead_units"][0].pk if data["lead_units"] else None,
                "reply_due": as_of + timezone.timedelta(days=7),
            },
        )
        if can_issue
        else None
    )
    chart_json = {
        **data["chart"],
        "labels": {
            "expected": _("expected"),
            "reported": _("reported"),
            "milestones": _("milestones"),
            "projection": _("at recent pace"),
        },
        "unit": indicator.unit,
    }
    return render(
        request,
        "supervision/indicator.html",
        {
            "indicator": data["row"].indicator,
            "as_of": as_of,
            "issue_form": issue_form,
            "chart_json": chart_json,
            **data,
        },
    )


@login_required
@require_POST
def item_issue(request, pk):
    indicator = get_object_or_404(target_selectors.indicators_visible_to(request.user), pk=pk)
    form = IssueForm(request.POST, units=services.answerable_units(indicator))
    if not form.is_valid():
        messages.error(request, _("The notice was not issued: %(errors)s") % {"errors": _errors(form)})
        return redirect("supervision:indicator", pk=pk)
    try:
        item = services.supervision_item_issue(indicator=indicator, by=request.user, **form.cleaned_data)
    except (services.SupervisionError, services.NotAllowed) as error:
        messages.error(request, _message(error))
        return redirect("supervision:indicator", pk=pk)
    messages.success(request, _("Supervision notice issued to %(unit)s.") % {"unit": item.unit.name})
    return redirect("supervision:item-detail", pk=item.pk)


def _errors(form) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
    )


def items_filters(request) -> tuple[str, bool]:
    status = request.GET.get("status", "")
    return (status if status in SupervisionStatus.values else ""), request.GET.get("overdue") == "1"


@login_required
def items(request):
    status, overdue = items_filters(request)
    rows = selectors.items_ledger(user=request.user, status=status, overdue_only=overdue)
    return render(
        request,
        "supervision/items.html",
        {
            "items": rows,
            "status": status,
            "overdue": overdue,
            "statuses": SupervisionStatus.choices,
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def item_detail(request, pk):
    item = get_object_or_404(
        SupervisionItem.objects.select_related(
            "indicator__target__plan__region", "unit", "issued_by", "replied_by", "closed_by"
        ),
        pk=pk,
    )
    if not selectors.item_visible(item, request.user):
        raise Http404  # as for an item that does not exist: a 403 would confirm that it does
    if request.method == "POST":
        return _item_step(request, item)
    return _render_item(request, item)


def _render_item(request, item, reply_form=None, decision_form=None):
    user = request.user
    can_reply = permissions.can_answer_supervision(user, item) and item.status in selectors.AWAITING_REPLY
    can_decide = permissions.can_supervise(user) and item.status == SupervisionStatus.ANSWERED
    return render(
        request,
        "supervision/item.html",
        {
            "item": item,
            "overdue": item.status in selectors.AWAITING_REPLY and item.reply_due < timezone.localdate(),
            "reply_form": reply_form or (ReplyForm(initial={"version": item.version}) if can_reply else None),
            "decision_form": decision_form or (DecisionForm(initial={"version": item.version}) if can_decide else None),
            "audit": selectors.item_audit(item),
        },
    )


def _item_step(request, item):
    action = request.POST.get("action")
    form = ReplyForm(request.POST) if action == "reply" else DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return _render_item(request, item, **({"reply_form": form} if action == "reply" else {"decision_form": form}))
    data = form.cleaned_data
    try:
        if action == "reply":
            services.supervision_item_reply(
                item=item,
                measures=data["measures"],
                promised_date=data["promised_date"],
                by=request.user,
                version=data["version"],
            )
            messages.success(request, _("Your answer was sent to the supervision office."))
        elif action == "close":
            services.supervision_item_close(
                item=item, by=request.user, comment=data["comment"], version=data["version"]
            )
            messages.success(request, _("Item closed out."))
        elif action == "send_back":
            services.supervision_item_send_back(
                item=item,
                by=request.user,
                comment=data["comment"],
                reply_due=data["reply_due"],
                version=data["version"],
            )
            messages.success(request, _("Answer sent back to the unit."))
        else:
            messages.error(request, _("Unknown action."))
    except (services.SupervisionError, services.NotAllowed, ConflictError) as error:
        messages.error(request, _message(error))
    return redirect("supervision:item-detail", pk=item.pk)


def _message(error) -> str:
    return " ".join(error.messages) if hasattr(error, "messages") else str(error)


@login_required
@require_POST
def freeze(request):
    """On-demand freeze of the chosen month (the month under way is evaluated as of today)."""
    if not permissions.can_freeze_snapshots(request.user):
        raise PermissionDenied
    filters = DashboardFilters(request.POST, user=request.user)
    filters.is_valid()
    scope, as_of = filters.scope(), filters.as_of_date()
    dates = rules.freeze_dates(as_of, today=timezone.localdate())
    count = services.snapshot_freeze(
        as_of=dates["end"],
        indicators=figures.indicators_in(region=scope["region"]),
        by=request.user,
        evaluated_on=dates["evaluated_on"],
    )
    if dates["provisional"]:
        text = _(
            "%(count)s indicators frozen with today's lights (%(today)s) as this month's provisional record; "
            "the automatic month-end freeze on %(replaced_on)s replaces them with the lights at %(end)s."
        ) % {
            "count": count,
            "today": periods.day_words(dates["evaluated_on"]),
            "replaced_on": periods.day_words(dates["replaced_on"]),
            "end": periods.day_words(dates["end"]),
        }
    else:
        text = _("%(count)s indicators frozen at %(date)s.") % {"count": count, "date": periods.day_words(dates["end"])}
    messages.success(request, text)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "supervision:overview"
    return redirect(target)


@login_required
def search(request):
    """Global search over what the user may see (supervision.search)."""
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "supervision/search.html",
        {"query": query, "found": search_module.search(user=request.user, query=query)},
    )
