"""The dashboards' lists as .xlsx and .docx (the red and amber list, the league tables, the supervision ledger):
the rows of the supervision pages with their filters, built by supervision.exporters, audited.

They are served here, not by supervision, because a list goes out under its office: the signature the office set
in its document frame (reports.models.DocumentFrame), which supervision, below reports, cannot read. Their URLs
stay under /supervision/ with the supervision names (config.urls adds `supervision_export_urlpatterns`).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from core import periods
from regions.selectors import area_name
from supervision import exporters, figures, selectors, services
from supervision.views import as_of_shown, dashboard_filters, dashboard_user, flagged_filters, items_filters

from ..selectors import issuer_name

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _file_response(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{name}.{fmt}")
    return response


def _region(scope, user):
    return scope["region"] or user.region


def _region_name(region) -> str:
    return region.name if region is not None else "全部地区"


def _audited_filters(request, *keys) -> dict:
    return {key: request.GET[key] for key in keys if request.GET.get(key)}


@login_required
def flagged_export(request, fmt="xlsx"):
    dashboard_user(request)
    with translation.override(settings.LANGUAGE_CODE):
        _filters_form, scope, as_of, light, lights, lead_unit = flagged_filters(request)
        rows = figures.flagged(as_of=as_of, lights=lights, lead_unit=lead_unit, **scope).rows
        taken = selectors.taken_at(region=scope["region"], as_of=as_of, plan=scope["plan"])
        shown = as_of_shown(as_of)["shown_as_of"]
        region = _region(scope, request.user)
        region_name = _region_name(region)
        title = exporters.flagged_title(region_name=region_name, light=light, as_of=as_of)
        if lead_unit:
            title = f"{title}·{lead_unit.name}"
        subtitle = exporters.stamp(as_of=shown, taken_at=taken)
        sheets = exporters.flagged_sheets(rows, title=title, subtitle=subtitle)
        content = exporters.write_list(
            "flagged", fmt, sheets, title=title, subtitle=subtitle, author=issuer_name(region)
        )
    services.list_exported(
        by=request.user,
        kind="flagged",
        fmt=fmt,
        rows=len(rows),
        filters=_audited_filters(
            request, "region", "plan", "section", "unit", "township", "as_of", "light", "lead_unit"
        ),
    )
    words = exporters.flagged_words(light)
    return _file_response(content, f"{region_name}-{as_of.year}年{as_of.month}月-{words}", fmt)


@login_required
def league_export(request, fmt="xlsx"):
    dashboard_user(request)
    with translation.override(settings.LANGUAGE_CODE):
        filters, scope, as_of = dashboard_filters(
            request, default_month=periods.previous_month_end(timezone.localdate())
        )
        taken = selectors.league(region=scope["region"], month=as_of, plan=scope["plan"], units=filters.units)
        region = _region(scope, request.user)
        region_name = _region_name(region)
        title = exporters.league_title(region_name=region_name, month=as_of)
        subtitle = exporters.stamp(as_of=as_of_shown(as_of)["shown_as_of"], taken_at=taken.at)
        sheets = exporters.league_sheets(taken.figures, title=title, subtitle=subtitle)
        content = exporters.write_list(
            "league", fmt, sheets, title=title, subtitle=subtitle, author=issuer_name(region)
        )
    services.list_exported(
        by=request.user,
        kind="league",
        fmt=fmt,
        rows=sum(len(rows) for rows in taken.figures.values()),
        filters=_audited_filters(request, "region", "plan", "as_of"),
    )
    return _file_response(content, f"{region_name}-{as_of.year}年{as_of.month}月-晾晒排名", fmt)


@login_required
def items_export(request, fmt="xlsx"):
    """The supervision ledger as the user sees it: a unit's reporter gets only the unit's own items, under
    the unit's name; everyone else's goes out under the office of the user's region."""
    status, overdue = items_filters(request)
    with translation.override(settings.LANGUAGE_CODE):
        rows = selectors.items_ledger(user=request.user, status=status, overdue_only=overdue)
        now = timezone.now()
        home = area_name(request.user)
        reporter_unit = request.user.is_reporter and request.user.unit_id
        author = home if reporter_unit else issuer_name(request.user.region if request.user.region_id else None)
        title, subtitle = exporters.items_title(region_name=home), exporters.now_stamp(now)
        sheets = exporters.items_sheets(rows, title=title, subtitle=subtitle)
        content = exporters.write_list("items", fmt, sheets, title=title, subtitle=subtitle, author=author)
    services.list_exported(
        by=request.user,
        kind="items",
        fmt=fmt,
        rows=len(rows),
        filters=_audited_filters(request, "status", "overdue"),
    )
    today = timezone.localdate(now)
    return _file_response(content, f"{home}-督办事项台账-{today.year}年{today.month}月{today.day}日", fmt)
