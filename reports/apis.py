"""The plan import API: POST a responsibility table, get the parsed plan back (and written unless dry_run)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import exceptions, parsers, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.uploads import UnsafeFile
from .plan_import import (
    can_import_into, county_by_code, decide_units, default_missing_baselines, plan_import, plan_import_parse,
)

TRUE = {"1", "true", "yes", "on"}


def _flag(data, name: str) -> bool:
    return str(data.get(name, "")).strip().lower() in TRUE


class PlanImportApi(APIView):
    """Import a plan from its responsibility table (.xlsx, .docx, .xls, .et) or from the plan as published
    (.docx paragraphs, .txt, a portal's .html, a text .pdf, .doc, .wps); see docs/plan-import.md.

    Form fields: ``file``; ``region`` (division code of a county in the platform); optional ``title``,
    ``doc_number``, ``dry_run``; ``accept_suggestions`` (use the closest existing unit when the name is
    nearly the same) and ``create_units`` (create the units no existing one matches). Unit names that
    stay undecided make the import fail with the list of them, and nothing is written.
    """

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(request={"multipart/form-data": OpenApiTypes.OBJECT}, responses={200: OpenApiTypes.OBJECT,
                                                                                    201: OpenApiTypes.OBJECT})
    def post(self, request):
        # Errors are raised, not returned, so core.api's handler gives them the API's code/message shape.
        if "file" not in request.FILES:
            raise exceptions.ValidationError({"file": [_("Attach the table as the form field “file”.")]})
        region = county_by_code(request.data.get("region", ""))
        if not can_import_into(request.user, region):
            raise exceptions.PermissionDenied(_("You cannot import plans into this county."))
        try:
            parsed = plan_import_parse(file=request.FILES["file"], region=region, title=request.data.get("title", ""))
        except UnsafeFile as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from exc
        decide_units(parsed, accept_suggestions=_flag(request.data, "accept_suggestions"),
                     create_units=_flag(request.data, "create_units"))
        default_missing_baselines(parsed)
        parsed["id"] = None
        if _flag(request.data, "dry_run"):
            return Response(parsed, status=status.HTTP_200_OK)
        plan = plan_import(parsed=parsed, region=region, by=request.user,
                           doc_number=request.data.get("doc_number", "")[:100])
        parsed["id"] = plan.pk
        return Response(parsed, status=status.HTTP_201_CREATED)
