"""The office's list of notices that did not reach a unit's group robot or SMS gateway, with "send again"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import permissions
from ..channels import channel_resend, failed_deliveries, masked_url

PAGE_SIZE = 50


def _office(request):
    if not permissions.is_office(request.user):
        raise PermissionDenied(_("Failed deliveries are for the supervision office."))


@login_required
def channel_failures(request):
    _office(request)
    page = Paginator(failed_deliveries(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"delivery": d, "url": masked_url(d.channel.url)} for d in page.object_list]
    return render(request, "accounts/channel_failures.html", {"page": page, "rows": rows})


@login_required
@require_POST
def channel_failures_resend(request):
    _office(request)
    ids = [int(pk) for pk in request.POST.getlist("delivery") if pk.isdigit()]
    if not ids:
        messages.error(request, _("Tick at least one failed delivery to send again."))
        return redirect("channel-failures")
    count = channel_resend(deliveries=failed_deliveries(user=request.user).filter(pk__in=ids), by=request.user)
    messages.success(
        request,
        ngettext("%(count)s delivery queued again.", "%(count)s deliveries queued again.", count) % {"count": count},
    )
    return redirect("channel-failures")
