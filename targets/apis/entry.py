"""REST endpoints around a progress report: its evidence files, comments, versions, and 补报 grants.

Thin like targets/apis.py: querysets come from the selectors (another unit's objects answer 404),
writes go through targets.services (which check, audit and notify), core.api turns their errors
into JSON.
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser

from accounts import permissions
from core.api import ProtectedFieldsMixin

from .. import selectors, services
from ..models import Evidence, LateEntryGrant, ReportComment, ReportVersion
from ..selectors import entry as entry_selectors


class EvidenceSerializer(ProtectedFieldsMixin, serializers.ModelSerializer):
    file = serializers.FileField(
        write_only=True,
        help_text=gettext_lazy(
            "The file: jpg, png, pdf, doc, docx, xls or xlsx, at most 10 MB; its content is checked."
        ),
    )
    uploaded_by = serializers.CharField(
        source="uploaded_by.username", read_only=True, help_text=gettext_lazy("Who uploaded it.")
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "report",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]
        extra_kwargs = {
            "report": {"help_text": gettext_lazy("The progress report the file supports (a draft or returned one).")},
            "original_name": {"help_text": gettext_lazy("The file's name as uploaded.")},
            "content_type": {"help_text": gettext_lazy("The type read from the file's content.")},
            "size": {"help_text": gettext_lazy("Size in bytes.")},
            "sha256": {"help_text": gettext_lazy("SHA-256 checksum of the content, hex.")},
            "uploaded_at": {"help_text": gettext_lazy("When it was uploaded.")},
        }


class ReportCommentSerializer(ProtectedFieldsMixin, serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, help_text=gettext_lazy("Who wrote it."))

    class Meta:
        model = ReportComment
        fields = ["id", "report", "author", "text", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "report": {"help_text": gettext_lazy("The progress report commented on.")},
            "text": {"help_text": gettext_lazy("The message to the other side (office or unit).")},
            "created_at": {"help_text": gettext_lazy("When it was written.")},
        }


class ReportVersionSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, help_text=gettext_lazy("Who saved this version."))

    class Meta:
        model = ReportVersion
        fields = ["id", "report", "version", "action", "data", "by", "at"]
        read_only_fields = fields
        extra_kwargs = {
            "report": {"help_text": gettext_lazy("The progress report.")},
            "version": {"help_text": gettext_lazy("The report's version number after this save.")},
            "action": {"help_text": gettext_lazy("create, update, submit, approve, return or reopen.")},
            "data": {"help_text": gettext_lazy("What the report held after this save.")},
            "at": {"help_text": gettext_lazy("When it was saved.")},
        }


class LateEntryGrantSerializer(ProtectedFieldsMixin, serializers.ModelSerializer):
    period = serializers.CharField(
        write_only=True,
        max_length=7,
        help_text=gettext_lazy("The locked period to open: YYYY-MM, or YYYY-Qn for a quarterly indicator."),
    )
    granted_by = serializers.CharField(
        source="granted_by.username", read_only=True, help_text=gettext_lazy("The supervisor who granted it.")
    )

    class Meta:
        model = LateEntryGrant
        fields = [
            "id",
            "plan",
            "indicator",
            "unit",
            "period",
            "period_start",
            "until",
            "reason",
            "granted_by",
            "granted_at",
        ]
        read_only_fields = ["period_start", "granted_at"]
        extra_kwargs = {
            "plan": {"help_text": gettext_lazy("The plan.")},
            "indicator": {"help_text": gettext_lazy("One indicator, or null for every indicator of the plan.")},
            "unit": {"help_text": gettext_lazy("The unit allowed to enter the period late (补报).")},
            "period_start": {"help_text": gettext_lazy("First day of the opened period.")},
            "until": {"help_text": gettext_lazy("The last day the unit may enter the period.")},
            "reason": {"help_text": gettext_lazy("Why the late entry is allowed.")},
            "granted_at": {"help_text": gettext_lazy("When it was granted.")},
        }


def _visible_report(user, report):
    return get_object_or_404(selectors.reports_visible_to(user), pk=report.pk)


class EvidenceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evidence files of the reports the caller can see; a reporter uploads to its unit's draft or returned report."""

    queryset = Evidence.objects.none()  # for the schema; get_queryset() scopes every request
    serializer_class = EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["report"]
    ordering_fields = ["uploaded_at", "id"]

    def get_queryset(self):
        reports = selectors.reports_visible_to(self.request.user).values("pk")
        return Evidence.objects.filter(report__in=reports).select_related("uploaded_by").order_by("id")

    def perform_create(self, serializer):
        user = self.request.user
        report = _visible_report(user, serializer.validated_data["report"])
        if not permissions.can_report_for(user, report.unit):
            raise PermissionDenied(_("Only a reporter of the report's unit adds evidence."))
        serializer.instance = services.evidence_add(report=report, by=user, upload=serializer.validated_data["file"])

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None, **kwargs):
        evidence = self.get_object()
        try:
            handle = services.evidence_open(evidence=evidence, by=request.user)
        except FileNotFoundError as exc:
            raise Http404 from exc
        # Served as bytes whatever it is: the real type is in the metadata (content_type).
        response = FileResponse(
            handle, as_attachment=True, filename=evidence.original_name, content_type="application/octet-stream"
        )
        response["X-Checksum-SHA256"] = evidence.sha256
        return response


class ReportCommentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Comments exchanged between the supervision office and the unit about one report."""

    queryset = ReportComment.objects.none()  # for the schema; get_queryset() scopes every request
    serializer_class = ReportCommentSerializer
    filterset_fields = ["report"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        reports = selectors.reports_visible_to(self.request.user).values("pk")
        return ReportComment.objects.filter(report__in=reports).select_related("author").order_by("id")

    def perform_create(self, serializer):
        report = _visible_report(self.request.user, serializer.validated_data["report"])
        serializer.instance = services.report_comment_add(
            report=report, by=self.request.user, text=serializer.validated_data["text"]
        )


class ReportVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every saved version of the reports the caller can see: who saved what, and when."""

    queryset = ReportVersion.objects.none()  # for the schema; get_queryset() scopes every request
    serializer_class = ReportVersionSerializer
    filterset_fields = ["report"]
    ordering_fields = ["version", "at", "id"]

    def get_queryset(self):
        reports = selectors.reports_visible_to(self.request.user).values("pk")
        return ReportVersion.objects.filter(report__in=reports).select_related("by").order_by("report", "version")


class LateEntryGrantViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Late-entry grants (补报) of the plans in the caller's region; the supervision office grants them."""

    queryset = LateEntryGrant.objects.none()  # for the schema; get_queryset() scopes every request
    serializer_class = LateEntryGrantSerializer
    filterset_fields = ["plan", "unit", "indicator"]
    ordering_fields = ["granted_at", "id"]

    def get_queryset(self):
        user = self.request.user
        grants = LateEntryGrant.objects.filter(plan__in=selectors.plans_visible_to(user).values("pk"))
        if user.is_reporter:
            grants = grants.filter(unit=user.unit)
        return grants.select_related("granted_by").order_by("-granted_at", "-id")

    def perform_create(self, serializer):
        user = self.request.user
        if not permissions.is_office(user):
            raise PermissionDenied(_("Only the supervision office grants late entry."))
        data = serializer.validated_data
        plan = get_object_or_404(selectors.plans_visible_to(user), pk=data["plan"].pk)
        indicator = data.get("indicator")
        if indicator is not None:
            indicator = get_object_or_404(selectors.indicators_visible_to(user), pk=indicator.pk)
        unit = get_object_or_404(entry_selectors.units_in_region(user), pk=data["unit"].pk)
        serializer.instance = services.late_entry_grant_create(
            plan=plan,
            unit=unit,
            period=data["period"],
            until=data["until"],
            reason=data["reason"],
            by=user,
            indicator=indicator,
        )
