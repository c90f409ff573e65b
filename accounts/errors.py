"""What a user sees when the server fails: never a stack trace; 503 when a backing service is down."""
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _cache_unavailable_errors() -> tuple:
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover - redis is in requirements
        return ()
    return redis.exceptions.ConnectionError, redis.exceptions.TimeoutError


# What the cache backend raises when Redis is away (targets.light_cache carries on without it).
CACHE_UNAVAILABLE = _cache_unavailable_errors()


def _unavailable_errors():
    errors = [OperationalError, InterfaceError, *CACHE_UNAVAILABLE]
    try:
        import kombu.exceptions

        errors.append(kombu.exceptions.OperationalError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


UNAVAILABLE = _unavailable_errors()


def caused_by_outage(exc) -> bool:
    """Whether the exception (or one it was raised from) says a backing service is down."""
    while exc is not None:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


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
        # The API's error shape (config.api.exception_handler), whether the view or the middleware failed.
        response = JsonResponse({"code": code, "message": message}, status=status)
    else:
        response = HttpResponse(loader.get_template(template).render({"message": message}), status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response
