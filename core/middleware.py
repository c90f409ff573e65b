"""Request bodies are capped from their declared length, before a byte of them is read.

Django reads a multipart body to find its fields and files; a 300 MB upload to a page that refuses
anything over 10 MB was read whole first (the red-team pass saw the server grow by 250 MB). This
middleware sits first in the stack and answers 413 from ``Content-Length`` alone, so the body is
never read. A body sent chunked without a length is refused with 411: under WSGI Django would read
none of it anyway (it reads ``Content-Length`` bytes), and the production front end (nginx)
buffers chunked uploads, counts them against the same cap and passes them on with a length.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


def body_limit(path: str) -> int:
    """The largest body a request to ``path`` may carry: the longest matching prefix, else the default."""
    limits = getattr(settings, "REQUEST_BODY_LIMITS", {})
    prefixes = sorted((p for p in limits if path.startswith(p)), key=len, reverse=True)
    return limits[prefixes[0]] if prefixes else settings.REQUEST_BODY_MAX_BYTES


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not declared and chunked:
            return self._refuse(request, 411, lambda: _("Send the request with its length (Content-Length)."))
        try:
            length = int(declared or 0)
        except ValueError:
            return self._refuse(request, 400, lambda: _("The request's Content-Length is not a number."))
        limit = body_limit(request.path_info)
        if length > limit:
            return self._refuse(
                request,
                413,
                lambda: (
                    _(
                        "The upload is %(size)s MB; at most %(limit)s MB can be sent at once. Send fewer or smaller "
                        "files."
                    )
                    % {"size": f"{length / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}
                ),
            )
        return self.get_response(request)

    def _refuse(self, request, status: int, message_for):
        # LocaleMiddleware has not run yet: pick the language here, and translate in it.
        with translation.override(translation.get_language_from_request(request)):
            message = message_for()
            if request.path_info.startswith("/api/"):
                response = JsonResponse(
                    {"code": "too_large" if status == 413 else "bad_length", "message": message}, status=status
                )
            else:
                response = HttpResponse(
                    render_to_string("413.html", {"status": status, "message": message}), status=status
                )
        # The body was not read: close the connection rather than read it to reach the next request.
        response["Connection"] = "close"
        return response
