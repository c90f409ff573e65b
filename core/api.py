"""The machinery every REST endpoint shares: errors, optimistic concurrency, read-only fields, throttles.

How to add a resource
---------------------
1. Serializer in `<app>/serializers.py`. Mix in `ProtectedFieldsMixin` and list in
   `Meta.read_only_fields` every field a client must never set (status, unit, approver/reviewer,
   version, created_by …). A request that sends one of them with a value other than the current one
   is refused with 400 (`{"code": "invalid", "fields": {"status": ["This field is read-only."]}}`)
   instead of being silently dropped. Give every field a `help_text` through `gettext_lazy`
   (English msgid; the Chinese term may follow in brackets: "Lead units (牵头单位)"); it becomes
   the field's description in /api/schema/ and /api/docs/.
2. Viewset in `<app>/apis.py`, thin:

       class IncomeRecordViewSet(VersionedMixin, viewsets.ModelViewSet):
           serializer_class = IncomeRecordSerializer
           filterset_fields = ["village", "year"]          # django-filter, on every list
           ordering_fields = ["year", "id"]                 # ?ordering=-year
           def get_queryset(self):                          # scoping lives in the selector
               return selectors.income_records_visible_to(self.request.user)
           def perform_versioned_update(self, serializer, expected_version):
               serializer.instance = services.income_record_update(
                   record=serializer.instance, by=self.request.user,
                   expected_version=expected_version, **serializer.validated_data)

   The queryset comes from the app's selectors, so an object outside the caller's scope simply
   is not found: 404, never 403 (a 403 would confirm it exists). Lists are paginated
   (`?page=`, `?page_size=` up to 500) by the default settings.
3. Register it on the router in `config/urls.py`:
   `router.register("income-records", village_apis.IncomeRecordViewSet, basename="incomerecord")`.

Errors
------
Every error is JSON `{"code": "...", "message": "..."}`; `message` is a sentence for a person, in
the request's language (Accept-Language, else Chinese). Validation errors add
`"fields": {"name": ["..."]}` (`"non_field_errors"` for the rest). A 412 adds `"current"` (the
object as it now is) and `"changes"` (the fields someone else changed). Django's ValidationError
and PermissionDenied raised by a service become 400 and 403, `ConflictError` becomes 412, so
viewsets need no try/except. An unexpected exception is logged and answered with a 500 JSON
body, never a stack trace.

Optimistic concurrency (no lost updates)
----------------------------------------
`VersionedMixin` puts `ETag: "<version>"` on every single-object response (retrieve, create,
update, and state actions that return `self.respond_with(obj)`) of a model with a `version`
field; a model without one overrides `etag_of` with a fingerprint of its fields. PUT/PATCH need
that ETag back in `If-Match`: 428 without it, 412 when it is stale. Document the header with
`@extend_schema_view(update=extend_schema(parameters=[IF_MATCH]), partial_update=...)`.
The header check alone would let two racing clients both pass it, so the real check happens
again where the row is written: a service that locks the row (`select_for_update`) and raises
`core.versions.ConflictError(message, current=obj, changes={...})`, or `save_if_version()`,
a conditional UPDATE that increments `version` only if it still has the value the client read.
A state action (submit, reply, close …) does the same with `self.expected_version(obj)`:

       @action(detail=True, methods=["post"])
       def close(self, request, pk=None):
           item = self.get_object()
           item = services.item_close(item=item, by=request.user,
                                      expected_version=self.expected_version(item))
           return self.respond_with(item)

Throttles
---------
`LoginRateThrottle` (scope "login", per client IP) guards the token endpoint and
`ExportRateThrottle` (scope "export", per user) guards file exports: add
`throttle_classes = [ExportRateThrottle]` to an export view or action. The rates are
`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` in settings (env `API_LOGIN_RATE`, `API_EXPORT_RATE`).

Parameters
----------
`as_of_param(request)` reads `?as_of=YYYY-MM-DD` (default today, 400 otherwise); document it with
`@extend_schema(parameters=[AS_OF])`. Lights of many objects come from
`targets.selectors.indicator_rows(queryset, as_of)` in one call, never per row.
"""

import copy
import json
import logging
from datetime import date

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from . import visibility
from .network import client_ip
from .outages import caused_by_outage
from .versions import ConflictError, save_if_version

logger = logging.getLogger("core.api")


# --------------------------------------------------------------------------- errors


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = gettext_lazy(
        "Send the ETag you read in an If-Match header, so that nobody else's changes are overwritten."
    )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = gettext_lazy("Someone else changed this object since you read it; reload it and try again.")

    def __init__(self, detail=None, *, current=None, changes=None):
        super().__init__(detail)
        self.current = current
        self.changes = changes or {}


def _field_errors(detail) -> dict:
    """DRF's nested error detail as plain strings, keyed by field."""
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(value) for value in detail]
    return force_str(detail)


def _first_messages(errors, prefix="") -> list[str]:
    if isinstance(errors, dict):
        found = []
        for key, value in errors.items():
            label = "" if key in ("non_field_errors", "detail") else f"{prefix}{key}"
            found += _first_messages(value, f"{label}." if label else "")
        return found
    if isinstance(errors, list):
        return [m for item in errors for m in _first_messages(item, prefix)][:1] if errors else []
    return [f"{prefix.rstrip('.')}: {errors}" if prefix else str(errors)]


def _validation_body(detail) -> dict:
    errors = _field_errors(detail if isinstance(detail, dict) else {"non_field_errors": detail})
    messages = _first_messages(errors)
    message = _("The data sent is not valid: %(reasons)s") % {"reasons": "; ".join(messages[:5])}
    return {"code": "invalid", "message": message, "fields": errors}


def _as_drf(exc):
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, ConflictError):
        return PreconditionFailed(str(exc), current=exc.current, changes=exc.changes)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*(exc.args[:1] or ()))
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return exceptions.ValidationError({"detail": [_("The request is too large: %(reason)s") % {"reason": exc}]})
    return exc


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error as {"code", "message"[, "fields"]} JSON."""
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None and caused_by_outage(exc):
        # The database or Redis went away in the middle of the view: as for a page, 503 and nothing saved.
        logger.warning("Service unavailable in %s", context.get("view").__class__.__name__, exc_info=exc)
        response = Response(
            {
                "code": "unavailable",
                "message": _(
                    "The service is briefly unavailable; nothing was saved from this request. Try again in a minute."
                ),
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "30"
        return response
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        return Response(
            {
                "code": "server_error",
                "message": _("Something went wrong on the server. The error was logged; please try again later."),
            },
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    body = {
        "code": code if isinstance(code, str) else "error",
        "message": force_str(
            exc.detail if isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str) else response.data
        ),
    }
    if isinstance(exc, PreconditionFailed):
        body |= _conflict_extra(exc, context, response)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after"] = int(exc.wait)
    response.data = body
    return response


def _conflict_extra(exc, context, response) -> dict:
    extra = {"changes": {k: _jsonable(v) for k, v in exc.changes.items()}}
    view = context.get("view")
    if exc.current is not None and view is not None and hasattr(view, "get_serializer"):
        extra["current"] = view.get_serializer(exc.current).data
        if isinstance(view, VersionedMixin):
            response["ETag"] = view.etag_of(exc.current)
    return extra


def _jsonable(value):
    return value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)


# --------------------------------------------------------------------------- optimistic concurrency

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=gettext_lazy(
        "The ETag of the object as you read it (lost-update protection): "
        "428 without it, 412 when someone changed the object since."
    ),
)


def version_etag(version) -> str:
    return f'"{version}"'


def parse_if_match(request) -> str:
    """The tag the client sent in If-Match (quotes and a weak W/ prefix removed); 428 when absent."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        raise PreconditionRequired()
    if raw.startswith("W/"):
        raw = raw[2:]
    return raw.strip().strip('"')


class VersionedMixin:
    """ETag on reads and writes of one object; If-Match required on PUT/PATCH.

    Models with a `version` field need nothing more than `perform_versioned_update` (or the
    default, `save_if_version`). A model without one overrides `etag_of` with a fingerprint its
    service computes, and the service compares that fingerprint under a row lock (see
    `targets.apis.plans.IndicatorViewSet` and `targets.services.indicator_fingerprint`).
    """

    def etag_of(self, obj) -> str:
        return version_etag(obj.version)

    def expected_version(self, obj=None):
        """The version the client read (an int; the tag itself for hashed ETags), from If-Match.

        428 when absent; 412 at once when it is not obj's current ETag. The write must compare
        again under a lock or in a conditional UPDATE: this early check alone cannot stop a race.
        """
        tag = parse_if_match(self.request)
        obj = obj if obj is not None else self.get_object()
        if version_etag(tag) != self.etag_of(obj):
            raise PreconditionFailed(current=obj)
        return int(tag) if hasattr(obj, "version") else tag

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = getattr(self, "_etag_object", None)
        if obj is not None and 200 <= response.status_code < 300 and "ETag" not in response:
            response["ETag"] = self.etag_of(obj)
        return response

    def respond_with(self, obj, status_code=status.HTTP_200_OK):
        """A response carrying obj and its ETag; state actions (submit, approve …) return this."""
        self._etag_object = obj
        return Response(self.get_serializer(obj).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self.respond_with(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self.respond_with(serializer.instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        expected = self.expected_version(instance)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_versioned_update(serializer, expected)
        return self.respond_with(serializer.instance)

    def perform_versioned_update(self, serializer, expected_version):
        """Default: a conditional UPDATE of the validated fields; override to call the app's service."""
        serializer.instance = save_if_version(serializer.instance, expected_version, serializer.validated_data)


# --------------------------------------------------------------------------- read-only fields


class BuiltOnceFieldsMixin:
    """A ModelSerializer's fields built from its model once per class and copied for each use (as DRF
    copies a serializer's declared fields), not worked out again from the model on every request:
    building ProgressReportSerializer's 19 fields took about 1 ms of CPU each time. Only for a
    serializer whose fields depend on nothing but its class (no get_fields, get_field_names or
    get_extra_kwargs that reads the request); put after ProtectedFieldsMixin, which scopes the copy."""

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)


class ProtectedFieldsMixin:
    """Refuse, rather than silently ignore, a read-only field a client tries to set.

    A client may send back what it read (a GET then a PUT): a read-only field is accepted when its
    value equals the current one, and refused with 400 otherwise, on create always.
    """

    def get_fields(self):
        # A related id the caller may not see answers "object does not exist", exactly as a missing id.
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            relation = getattr(field, "child_relation", field)
            if getattr(relation, "queryset", None) is not None and not field.read_only:
                _scope_when_used(relation, user)
        return fields

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            sent = [name for name, f in self.fields.items() if f.read_only and name in data]
            if sent:
                current = self.to_representation(self.instance) if self.instance is not None else {}
                refused = {
                    name: [_("This field is read-only.")]
                    for name in sent
                    if self.instance is None or not _same(data.get(name), current.get(name))
                }
                if refused:
                    raise exceptions.ValidationError(refused)
        return super().to_internal_value(data)


def _scope_when_used(relation, user) -> None:
    """Narrow a related field's queryset to what `user` may see, built the first time the field
    reads it (a body's id looked up, the browsable API's choices), not for every read-only listing:
    building the scoped queryset cost a reporter's list a few milliseconds per field, for nothing."""
    unscoped = relation.get_queryset
    built = []

    def get_queryset():
        if not built:
            built.append(visibility.scoped(unscoped(), user))
        return built[0].all()

    relation.get_queryset = get_queryset


def _same(sent, current) -> bool:
    if sent == current:
        return True
    return json.dumps(sent, default=str, sort_keys=True) == json.dumps(current, default=str, sort_keys=True)


# --------------------------------------------------------------------------- lists and parameters


class IdFilter(django_filters.NumberFilter):
    """`?plan=12`: an object id, a whole number that a database integer holds. A number filter took any
    decimal, and one past 2**63 overflowed SQLite's INTEGER (a 500 where a 400 is the answer)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter checks a model filter against every row: ?report= of another unit's report gave 200
    and an empty page, a missing id 400. Here both are "not a valid choice" (400), for every model that
    registered what a user may see (core.visibility)."""

    # The browsable API draws every filter with its choices: each is scoped then (to_html).
    every_field = False

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        form = filterset.form
        for name, field in form.fields.items():
            # A list checks against its queryset only a filter the request sends: the others' scoped
            # querysets were built on every list for nothing (a few milliseconds each for a reporter).
            sent = not field.widget.value_omitted_from_data(form.data, form.files, form.add_prefix(name))
            if getattr(field, "queryset", None) is not None and (sent or self.every_field):
                field.queryset = visibility.scoped(field.queryset, request.user)
        return filterset

    def to_html(self, request, queryset, view):
        self.every_field = True
        return super().to_html(request, queryset, view)


class ApiPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500); the body is {"count", "next", "previous", "results"}."""

    page_size_query_param = "page_size"
    max_page_size = 500


AS_OF = OpenApiParameter(
    "as_of",
    str,
    description=gettext_lazy("Date of the status, YYYY-MM-DD; default today (Asia/Shanghai)."),
)


def as_of_param(request) -> date:
    """`?as_of=YYYY-MM-DD`, default today in Asia/Shanghai; 400 with the expected form otherwise."""
    raw = request.query_params.get("as_of")
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise exceptions.ValidationError({"as_of": [_("as_of must be a date such as 2025-06-30.")]}) from None


# --------------------------------------------------------------------------- throttles


class ClientAddressMixin:
    """DRF's own get_ident believes any X-Forwarded-For; ours asks core.network.client_ip, which
    believes it only from TRUSTED_PROXIES, as the lockout and the audit log do."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class LoginRateThrottle(ClientAddressMixin, SimpleRateThrottle):
    """Guesses at passwords on the token endpoint, counted per client IP."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ExportRateThrottle(ClientAddressMixin, UserRateThrottle):
    """File exports, counted per user (anonymous callers per IP)."""

    scope = "export"


# --------------------------------------------------------------------------- schema


class ApiDocsAccess(permissions.BasePermission):
    """The schema and its docs page: open, or for logged-in users only when API_DOCS_REQUIRE_LOGIN is set
    (read per request, so the setting needs no new URLconf)."""

    def has_permission(self, request, view):
        return not settings.API_DOCS_REQUIRE_LOGIN or bool(request.user and request.user.is_authenticated)


def docs_page(view):
    """The Swagger UI page: a browser that has not logged in is sent to the log-in page and back."""

    def wrapped(request, *args, **kwargs):
        if settings.API_DOCS_REQUIRE_LOGIN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Machine-readable error code, e.g. invalid, not_found."},
        "message": {"type": "string", "description": "A sentence for a person, in the request's language."},
        "fields": {
            "type": "object",
            "additionalProperties": True,
            "description": "Validation errors by field (400 only).",
        },
        "current": {
            "type": "object",
            "additionalProperties": True,
            "description": "The object as it now is (412 only).",
        },
        "changes": {
            "type": "object",
            "additionalProperties": True,
            "description": "What someone else changed (412 only).",
        },
        "retry_after": {"type": "integer", "description": "Seconds to wait (429 only)."},
    },
    "required": ["code", "message"],
}

ERROR_STATUSES = {
    "400": "Invalid input (see fields).",
    "401": "Not authenticated.",
    "403": "Not allowed for your role.",
    "404": "Not found, or outside what you may see.",
    "405": "Method not allowed.",
    "412": "Stale If-Match: someone else changed the object.",
    "415": "Unsupported media type.",
    "428": "If-Match missing.",
    "429": "Too many requests.",
}


def _common_descriptions() -> dict:
    return {
        "id": _("Identifier of the object."),
        "count": _("Number of objects in the whole list."),
        "next": _("URL of the next page; null on the last page."),
        "previous": _("URL of the previous page; null on the first page."),
        "results": _("The objects of this page."),
        "token": _("Send it as `Authorization: Token <token>`."),
        "username": _("Login name."),
        "password": _("Password."),
    }


def describe_common_fields(result, generator, request, public):
    """SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS: describe ids, pages and the token, which carry no help text."""
    common = _common_descriptions()
    for component in result.get("components", {}).get("schemas", {}).values():
        for name, prop in component.get("properties", {}).items():
            if not prop.get("description") and name in common:
                prop["description"] = common[name]
    return result


def add_error_responses(result, generator, request, public):
    """SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS: document the error body on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_STATUSES.items():
                if code in ("412", "428") and method not in ("put", "patch", "post"):
                    continue
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result
