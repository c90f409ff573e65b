"""What a user sees when the server fails: never a stack trace; 503 when a backing service is down."""

import logging
import sys

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from core.outages import caused_by_outage

logger = logging.getLogger(__name__)


def _wants_json(request) -> bool:
    return request.path_info.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def server_error(request):
    """handler500. Renders without the request context: the database may be what failed."""
    exc = sys.exc_info()[1]
    if caused_by_outage(exc):
        status, code, template = 503, "unavailable", "503.html"
        message = _("The service is briefly unavailable; nothing was saved from this request. Try again in a minute.")
    else:
        status, code, template = 500, "server_error", "500.html"
        message = _("Something went wrong on our side; it has been logged. Nothing was saved from this request.")
    if _wants_json(request):
        # The API's error shape (core.api.exception_handler), whether the view or the middleware failed.
        response = JsonResponse({"code": code, "message": message}, status=status)
    else:
        response = HttpResponse(loader.get_template(template).render({"message": message}), status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response
