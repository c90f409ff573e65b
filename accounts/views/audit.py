"""The auditor's pages: the audit log with filters, and its Excel export. Read-only by design."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from regions.selectors import area_name

from .. import audit_labels, permissions, selectors
from ..audit_export import audit_workbook
from ..services import audit_record

# One export is one file a person opens in Excel; past this, narrow the filter.
EXPORT_ROW_LIMIT = 100_000


def _auditor(request):
    if not permissions.reads_audit_log(request.user):
        raise PermissionDenied


@login_required
@require_GET
def audit_log(request):
    _auditor(request)
    audit_filter, errors = selectors.AuditFilter.from_query(request.GET)
    page = Paginator(selectors.audit_events(audit_filter), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [_row(event) for event in page.object_list]
    actions = [(code, audit_labels.action_label(code)) for code in selectors.audit_actions()]
    return render(
        request,
        "accounts/audit_log.html",
        {
            "page": page,
            "rows": rows,
            "filter": audit_filter,
            "errors": errors,
            "actions": actions,
            "query": query.urlencode(),
        },
    )


def _row(event) -> dict:
    """An event as the page shows it: the action in words, the object by kind and name with a link, the changes."""
    return {
        "event": event,
        "action": audit_labels.action_label(event.action),
        "kind": audit_labels.object_label(event.object_type) if event.object_type else "",
        "link": audit_labels.object_link(event.object_type, event.object_id),
        "changes": audit_labels.changes(event.object_type, event.old, event.new),
    }


@login_required
@require_GET
def audit_log_export(request):
    _auditor(request)
    audit_filter, _errors = selectors.AuditFilter.from_query(request.GET)
    events = selectors.audit_events(audit_filter)[:EXPORT_ROW_LIMIT]
    content = audit_workbook(events, author=area_name(request.user))
    audit_record(
        action="audit.exported",
        by=request.user,
        object_type="accounts.AuditEvent",
        new={"filter": {k: v for k, v in request.GET.items()}, "rows": events.count()},
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
