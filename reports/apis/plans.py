"""The plan import API: the preview as JSON (dry_run), and the import itself, with the preview's problems."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import exceptions, parsers, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions as perms
from core.uploads import UnsafeFile

from ..plan_checks import check_plan, first_period_notices
from ..plan_import import (
    at_save,
    county_by_code,
    decide_units,
    default_missing_baselines,
    plan_import,
    plan_import_parse,
    rematch_units,
    with_defaults,
)

TRUE = {"1", "true", "yes", "on"}
OVERRIDES = ("title", "doc_number", "issuer", "first_period")  # the plan's own fields the preview edits


def _flag(data, name: str) -> bool:
    return str(data.get(name, "")).strip().lower() in TRUE


def _date_param(data, name: str) -> date | None:
    value = str(data.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise exceptions.ValidationError(
            {name: [_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}]}
        ) from None


class PlanImportApi(APIView):
    """Import a plan from its responsibility table (.xlsx, .docx, .xls, .et) or from the plan as published
    (.docx paragraphs, .txt, a portal's .html, a text .pdf, .doc, .wps); see docs/plan-import.md.

    Multipart form: ``file``; ``region`` (division code of a county in the platform); optional ``title``,
    ``doc_number``, ``issuer``, ``start`` and ``end`` (the plan period, YYYY-MM-DD; needed when the document states
    none), ``first_period`` (YYYY-MM, the first month units owe a report for; default the first month
    not yet past due on the day of the import; a chosen month already past due needs
    ``first_period_backdate``), ``accept_suggestions`` (use the closest existing unit when the name is nearly the
    same), ``create_units`` (create the units no existing one matches) and ``dry_run``.

    Or JSON ``{"region": …, "plan": <a dry run's answer, edited>, "dry_run": false}``: the preview as the
    client decided it (sections renamed, added, dropped or moved under another; tasks added, dropped or
    moved to another section by their ``section`` key; every field edited), checked and written the same
    way. A ``first_period`` left as the dry run's ``first_period_default`` is derived again on the day of
    the save.

    A dry run answers 200 with the preview and its ``problems`` (each with ``task`` and ``indicator``
    positions, ``field`` and a ``message`` for a person). Without dry_run the plan is written in one
    audited transaction (201, ``id`` set), or, while there are problems, nothing is written and the
    answer is 400 with the same problems.
    """

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    @extend_schema(
        request={"multipart/form-data": OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
        responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        # Errors are raised, not returned, so core.api's handler gives them the API's code/message shape.
        region = county_by_code(request.data.get("region", ""))
        if not perms.can_import_plans(request.user, region):
            raise exceptions.PermissionDenied(_("You cannot import plans into this county."))
        parsed = (
            self._client_preview(request, region) if "plan" in request.data else self._file_preview(request, region)
        )
        today = timezone.localdate()
        parsed = at_save(parsed, today)
        problems = [p.as_dict() for p in check_plan(parsed, today=today)]
        body = dict(parsed, id=None, problems=problems, notices=[n.as_dict() for n in first_period_notices(parsed)])
        if _flag(request.data, "dry_run"):
            return Response(body, status=status.HTTP_200_OK)
        if problems:
            fields = {}
            for problem in problems:
                fields.setdefault(problem["field"], []).append(problem["message"])
            return Response(
                {"code": "invalid", "message": problems[0]["message"], "fields": fields, "problems": problems},
                status=status.HTTP_400_BAD_REQUEST,
            )
        plan = plan_import(parsed=parsed, region=region, by=request.user, today=today)
        return Response(dict(body, id=plan.pk), status=status.HTTP_201_CREATED)

    def _file_preview(self, request, region) -> dict:
        if "file" not in request.FILES:
            raise exceptions.ValidationError({"file": [_("Attach the table as the form field “file”.")]})
        try:
            parsed = plan_import_parse(
                file=request.FILES.getlist("file"),  # several files of one plan: its text and its table
                region=region,
                title=request.data.get("title", ""),
                start=_date_param(request.data, "start"),
                end=_date_param(request.data, "end"),
            )
        except UnsafeFile as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from exc
        parsed.update({name: str(request.data[name]).strip() for name in OVERRIDES if request.data.get(name)})
        parsed["first_period_backdate"] = _flag(request.data, "first_period_backdate")
        decide_units(
            parsed,
            accept_suggestions=_flag(request.data, "accept_suggestions"),
            create_units=_flag(request.data, "create_units"),
        )
        default_missing_baselines(parsed)
        return with_defaults(parsed)

    def _client_preview(self, request, region) -> dict:
        plan = request.data.get("plan")
        tasks = plan.get("tasks") if isinstance(plan, dict) else None
        if not isinstance(tasks, list) or not all(
            isinstance(t, dict)
            and isinstance(t.get("indicators", []), list)
            and all(isinstance(i, dict) for i in t.get("indicators", []))
            for t in tasks
        ):
            raise exceptions.ValidationError(
                {"plan": [_("“plan” must be a preview as a dry run returns it, with its tasks and their indicators.")]}
            )
        sections, units = plan.get("sections") or [], plan.get("units") or []
        if not all(isinstance(s, dict) and {"key", "title"} <= set(s) for s in sections) or not all(
            isinstance(u, dict) and "name" in u for u in units
        ):
            raise exceptions.ValidationError(
                {"plan": [_("“plan” must be a preview as a dry run returns it, with its tasks and their indicators.")]}
            )
        parsed = {key: value for key, value in plan.items() if key not in ("id", "problems", "notices")}
        parsed.update(region=region.code, sections=[dict(s, parent=s.get("parent")) for s in sections], units=units)
        for task in tasks:
            task.setdefault("lead_units", [])
            task.setdefault("co_units", [])
            task.setdefault("indicators", [])
        return with_defaults(rematch_units(parsed, region))
