"""Village pages: thin, they parse input, call one selector or service, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from core.versions import ConflictError
from regions.selectors import area_name
from targets import review
from targets.selectors import indicator_status, indicators_visible_to

from . import derived, forms, selectors, services
from .excel import FileRefused, ImportRejected
from .exporters import village_table_xlsx
from .models import CountyEconomySettings, DerivedRule, RecordStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_PAGE = 100


def _village_or_404(request, code):
    return get_object_or_404(selectors.villages_visible_to(request.user).select_related("parent"), code=code)


def _record_or_404(request, pk):
    return get_object_or_404(selectors.records_visible_to(request.user).select_related("village"), pk=pk)


def _error_text(exc: ValidationError) -> str:
    return (
        " ".join(m for messages_ in exc.message_dict.values() for m in messages_)
        if hasattr(exc, "error_dict")
        else " ".join(exc.messages)
    )


def _table_filters(request):
    villages = selectors.villages_visible_to(request.user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = selectors.latest_record_year(villages) or timezone.localdate().year - 1
    return villages, {
        "year": year,
        "township_code": request.GET.get("township", ""),
        "flag": request.GET.get("flag", ""),
        "category": request.GET.get("category", ""),
    }


@login_required
def village_list(request):
    villages, filters = _table_filters(request)
    rows = selectors.village_rows(villages, **filters)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    distribution = selectors.tier_distribution(rows)
    categories = selectors.category_choices()
    return render(
        request,
        "villages/village_list.html",
        {
            "page": page,
            "rows": page.object_list,
            "filters": filters,
            "count": len(rows),
            "townships": selectors.townships_visible_to(request.user),
            "flags": selectors.flags_in_use(villages),
            "categories": categories,
            "distribution": _chart_rows(distribution, categories),
            "pending": selectors.records_visible_to(request.user).filter(status=RecordStatus.SUBMITTED).count()
            if permissions.can_review_income(request.user)
            else 0,
            "query": _without_page(request),
            "can_import": permissions.can_import_regions(request.user),
            "can_import_income": permissions.can_import_village_income(request.user),
            "derived_rules": derived.rules_visible_to(request.user),
        },
    )


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _chart_rows(distribution, categories):
    """Per township, the share of each class as a CSS width (a bar chart needing no script)."""
    chart = []
    for entry in distribution:
        parts = [
            {
                "key": key,
                "label": label,
                "count": entry["counts"].get(key, 0),
                "percent": round(entry["counts"].get(key, 0) * 100 / entry["total"], 1),
            }
            for key, label in categories
            if entry["counts"].get(key, 0)
        ]
        chart.append({"township": entry["township"], "total": entry["total"], "parts": parts})
    return chart


@login_required
def village_export(request):
    villages, filters = _table_filters(request)
    rows = selectors.village_rows(villages, **filters)
    services.village_table_exported(by=request.user, filters=filters, rows=len(rows))
    response = HttpResponse(
        village_table_xlsx(rows, filters["year"], author=area_name(request.user)), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="villages-{filters["year"]}.xlsx"'
    return response


@login_required
def village_detail(request, code):
    village = _village_or_404(request, code)
    can_enter = permissions.can_enter_village_income(request.user, village)
    return render(
        request,
        "villages/village_detail.html",
        {
            "village": village,
            "profile": getattr(village, "profile", None),
            "records": selectors.income_history(village),
            "can_enter": can_enter,
            "can_review": permissions.can_review_income(request.user),
            "form": forms.IncomeRecordForm(initial={"year": timezone.localdate().year - 1}) if can_enter else None,
            "editable": review.EDITABLE,
        },
    )


@login_required
@require_POST
def record_create(request, code):
    village = _village_or_404(request, code)
    form = forms.IncomeRecordForm(request.POST)
    if form.is_valid():
        try:
            services.income_record_create(village=village, by=request.user, **form.cleaned_data)
            messages.success(request, _("Saved as a draft; submit it when it is complete."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, " ".join(f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items()))
    return redirect("villages:village-detail", code=village.code)


@login_required
def record_edit(request, pk):
    record = _record_or_404(request, pk)
    if not permissions.can_enter_village_income(request.user, record.village):
        raise PermissionDenied
    form = forms.IncomeEditForm.for_record(record, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.income_record_update(record=record, by=request.user, expected_version=version, **data)
            messages.success(request, _("Saved."))
            return redirect("villages:village-detail", code=record.village.code)
        except ConflictError as exc:
            messages.error(request, str(exc))
            form = forms.IncomeEditForm.for_record(exc.current)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return render(request, "villages/record_edit.html", {"record": record, "form": form})


@login_required
@require_POST
def record_submit(request, pk):
    record = _record_or_404(request, pk)
    try:
        services.income_record_submit(
            record=record, by=request.user, expected_version=int(request.POST.get("version") or record.version)
        )
        messages.success(request, _("Submitted for review."))
    except (ValidationError, ConflictError) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    return redirect("villages:village-detail", code=record.village.code)


@login_required
@require_POST
def record_review(request, pk):
    record = _record_or_404(request, pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
    else:
        try:
            services.income_record_review(
                record=record,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Review saved."))
        except (ValidationError, ConflictError) as exc:
            messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("villages:village-detail", code=record.village.code)


@login_required
@require_POST
def record_reopen(request, pk):
    """The office undoes an approval with a reason; the record goes back to the township as returned."""
    record = _record_or_404(request, pk)
    try:
        services.income_record_reopen(
            record=record,
            by=request.user,
            reason=request.POST.get("reason", ""),
            expected_version=int(request.POST.get("version") or record.version),
        )
        messages.success(request, _("Reopened: the record is back with the township."))
    except (ValidationError, ConflictError) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    return redirect("villages:village-detail", code=record.village.code)


@login_required
def pending_records(request):
    if not permissions.can_review_income(request.user):
        raise PermissionDenied
    records = (
        selectors.records_visible_to(request.user)
        .filter(status=RecordStatus.SUBMITTED)
        .select_related("village__parent", "submitted_by")
        .order_by("village__code", "year", "quarter")
    )
    return render(request, "villages/pending.html", {"records": records[:500]})


@login_required
def profile_edit(request, code):
    village = _village_or_404(request, code)
    if not (permissions.can_enter_village_income(request.user, village) or permissions.can_review_income(request.user)):
        raise PermissionDenied
    profile = getattr(village, "profile", None)
    initial = (
        {
            "village_type": profile.village_type,
            "flags": ", ".join(profile.flags),
            "households": profile.households,
            "population": profile.population,
            "reporter": profile.reporter_id,
            "version": profile.version,
        }
        if profile
        else {"village_type": village.kind or "行政村"}
    )
    form = forms.ProfileForm(request.POST if request.method == "POST" else None, initial=initial, village=village)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.village_profile_update(village=village, by=request.user, expected_version=version, **data)
            messages.success(request, _("Profile saved."))
            return redirect("villages:village-detail", code=village.code)
        except ConflictError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return render(request, "villages/profile_edit.html", {"village": village, "form": form})


@login_required
def economy_settings(request):
    """A county's weak-village threshold and income tiers, for the supervision office."""
    counties = selectors.settings_counties_for(request.user)
    if not counties.exists():
        raise PermissionDenied
    code = request.GET.get("county", "")
    if code:
        county = counties.filter(code=code).first()
        if county is None:
            raise Http404  # not a county this office may set
    else:
        own = request.user.region.code if request.user.region_id else ""
        county = counties.filter(code=own).first() or (counties.get() if counties.count() == 1 else None)
        if county is None or request.method == "POST":
            # Several counties and none named: choose first (a POST without one saves nothing).
            return render(
                request,
                "villages/economy_settings.html",
                {"counties": counties, "county": None},
                status=400 if request.method == "POST" else 200,
            )
    current = CountyEconomySettings.objects.filter(county=county).first()
    tiers, weak = selectors.economy_settings_for([county.code])[county.code[:6]]
    initial = {
        "weak_threshold": weak,
        "tiers": ", ".join(str(t) for t in tiers),
        "version": current.version if current else None,
    }
    form = forms.EconomySettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.economy_settings_update(
                county=county,
                by=request.user,
                weak_threshold=data["weak_threshold"],
                tiers=data["tiers"],
                expected_version=data["version"],
            )
        except ConflictError as exc:
            messages.error(request, str(exc))
            return redirect(f"{request.path}?county={county.code}")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Settings saved; village classes and derived lights now use them."))
            return redirect(f"{request.path}?county={county.code}")
    return render(
        request,
        "villages/economy_settings.html",
        {"counties": counties, "county": county, "form": form, "current": current},
    )


def _upload(request, form, run):
    """Run an import on the uploaded file; on refusal, the errors with their rows go back to the page."""
    errors = []
    upload = form.cleaned_data["file"]
    try:
        return run(upload.name, upload.read()), errors
    except ImportRejected as exc:
        errors = exc.errors
    except FileRefused as exc:
        messages.error(request, str(exc))
    return None, errors


@login_required
def income_import(request):
    if not permissions.can_import_village_income(request.user):
        raise PermissionDenied
    form = forms.IncomeUploadForm(request.POST or None, request.FILES or None)
    summary, errors = None, []
    if request.method == "POST" and form.is_valid():
        summary, errors = _upload(
            request,
            form,
            lambda name, data: services.income_import(
                name=name, data=data, by=request.user, submit=form.cleaned_data["submit"]
            ),
        )
    return render(
        request,
        "villages/income_import.html",
        {"form": form, "summary": summary, "errors": errors, "columns": services.INCOME_COLUMNS},
    )


@login_required
def income_template(request):
    response = HttpResponse(services.income_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="village-income-template.xlsx"'
    return response


@login_required
def regions_import(request):
    if not permissions.can_import_regions(request.user):
        raise PermissionDenied
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    summary, errors = None, []
    if request.method == "POST" and form.is_valid():
        summary, errors = _upload(
            request, form, lambda name, data: services.region_import(name=name, data=data, by=request.user)
        )
    return render(request, "villages/regions_import.html", {"form": form, "summary": summary, "errors": errors})


@login_required
def derived_rule(request, indicator_pk):
    indicator = get_object_or_404(indicators_visible_to(request.user).select_related("target__plan"), pk=indicator_pk)
    rule = DerivedRule.objects.filter(indicator=indicator).select_related("scope").first()
    if rule is None:
        raise Http404
    try:
        year = int(request.GET["year"])
    except (KeyError, ValueError):
        year = None
    detail = derived.rule_detail(rule, year)
    # The figure is the county's; the villages listed behind it are only those the user may see.
    visible = set(selectors.villages_visible_to(request.user).values_list("pk", flat=True))
    shown = [row for row in detail["rows"] if row.village.pk in visible]
    return render(
        request,
        "villages/derived_rule.html",
        {
            "indicator": indicator,
            "rule": rule,
            **detail,
            "rows": shown,
            "hidden": len(detail["rows"]) - len(shown),
            "status": indicator_status(indicator, timezone.localdate()),
        },
    )
