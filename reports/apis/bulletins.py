"""Reports over the API: ask for one (202, then poll its row), read its status, download its files; a leader
signs a finished one off or returns it to the office."""

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import permissions
from core.api import ExportRateThrottle
from core.periods import parse_period
from regions.models import Region
from targets.choices import Frequency

from .. import services
from ..bulletins.compose import file_name
from ..models import GeneratedReport, ReportKind, ReportState
from ..selectors import regions_for_requests, reports_visible_to, too_early
from ..views.bulletins import CONTENT_TYPES


class ReportFilesSerializer(serializers.Serializer):
    docx = serializers.CharField(allow_null=True, help_text=_("Download URL of the Word document."))
    xlsx = serializers.CharField(allow_null=True, help_text=_("Download URL of the Excel workbook."))


class GeneratedReportSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True, help_text=_("The region's name."))
    files = serializers.SerializerMethodField(help_text=_("Download URLs of the .docx and .xlsx once done."))

    class Meta:
        model = GeneratedReport
        fields = [
            "id",
            "region",
            "region_name",
            "kind",
            "period_start",
            "period_end",
            "version",
            "status",
            "failure_reason",
            "requested_by",
            "schedule_name",
            "created_at",
            "started_at",
            "finished_at",
            "attempts",
            "signoff",
            "signed_by",
            "signed_at",
            "signoff_comment",
            "files",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "region": {"help_text": _("The region reported on.")},
            "kind": {"help_text": _("monthly, quarterly (dispatch), half_year or year_end.")},
            "period_start": {"help_text": _("First day covered.")},
            "period_end": {"help_text": _("Month end whose frozen snapshot is reported.")},
            "version": {"help_text": _("1 for the first report of this region, kind and period; then 2, 3 …")},
            "status": {"help_text": _("pending, running, done or failed.")},
            "failure_reason": {"help_text": _("Why it failed, when it did.")},
            "requested_by": {"help_text": _("The user who asked; empty when a schedule did.")},
            "schedule_name": {"help_text": _("The schedule that asked, when no person did.")},
            "created_at": {"help_text": _("When it was asked for.")},
            "started_at": {"help_text": _("When a worker last started it.")},
            "finished_at": {"help_text": _("When it was done or failed.")},
            "attempts": {"help_text": _("How many times a worker started it.")},
            "signoff": {
                "help_text": _(
                    "awaiting, signed or returned: the leader's sign-off of a done report; predates for a report made "
                    "before sign-off existed, which nobody signs."
                )
            },
            "signed_by": {"help_text": _("The leader who signed it off or returned it.")},
            "signed_at": {"help_text": _("When it was signed off or returned.")},
            "signoff_comment": {"help_text": _("The leader's remarks (签发意见), or why it was returned.")},
        }

    @extend_schema_field(ReportFilesSerializer)
    def get_files(self, report) -> dict:
        done = report.status == ReportState.DONE
        request = self.context.get("request")

        def url(fmt):
            if not done:
                return None
            path = reverse("api:generatedreport-download", kwargs={"pk": report.pk, "fmt": fmt})
            return request.build_absolute_uri(path) if request else path

        return {"docx": url("docx"), "xlsx": url("xlsx")}


class ReportRequestSerializer(serializers.Serializer):
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.none(), help_text=_("Id of the region (with plans) to report on.")
    )
    kind = serializers.ChoiceField(
        choices=ReportKind.choices, help_text=_("monthly, quarterly, half_year or year_end.")
    )
    month = serializers.CharField(max_length=7, help_text=_("The last month covered, YYYY-MM (e.g. 2025-05)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent when the schema is generated
        if request is not None:
            self.fields["region"].queryset = regions_for_requests(request.user)

    def validate_month(self, value):
        try:
            start, frequency = parse_period(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None
        if frequency != Frequency.MONTHLY or start > timezone.localdate():
            raise serializers.ValidationError(_("Give a month already under way, as YYYY-MM."))
        return start

    def validate(self, attrs):
        early = too_early(region=attrs["region"], kind=attrs["kind"], month=attrs["month"], today=timezone.localdate())
        if early:
            raise serializers.ValidationError({"month": early})
        return attrs


class SignSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Remarks (签发意见), optional.")
    )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the report goes back to the office."))


class GeneratedReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Generated bulletins and dispatch reports of the caller's region (not for unit reporters)."""

    serializer_class = GeneratedReportSerializer
    filterset_fields = ["region", "kind", "status", "period_end"]
    ordering_fields = ["period_end", "created_at", "version", "id"]

    def get_queryset(self):
        return reports_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=ReportRequestSerializer, responses={202: GeneratedReportSerializer})
    def create(self, request, *args, **kwargs):
        """Ask for a report; it is made in the background: poll the returned row until `status` is done."""
        if not permissions.can_request_reports(request.user):
            raise exceptions.PermissionDenied(_("Only the supervision office asks for reports."))
        incoming = ReportRequestSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        report = services.report_request(by=request.user, **incoming.validated_data)
        body = self.get_serializer(report).data
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api:generatedreport-detail", kwargs={"pk": report.pk})},
        )

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description=_("No such report, or not done yet.")),
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"files/(?P<fmt>docx|xlsx)",
        url_name="download",
        throttle_classes=[ExportRateThrottle],
    )
    def download(self, request, pk=None, fmt=None, **kwargs):
        """The report's .docx or .xlsx (audited)."""
        report = self.get_object()
        file = getattr(report, fmt)
        if report.status != ReportState.DONE or not file:
            raise Http404
        handle = services.report_file_open(report=report, fmt=fmt, by=request.user)
        if handle is None:
            raise exceptions.NotFound(
                _("This report's file is no longer in the file store; generate the report again.")
            )
        name = file_name(
            kind=report.kind,
            region_name=report.region.name,
            period_start=report.period_start,
            period_end=report.period_end,
            version=report.version,
            ext=fmt,
        )
        return FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])

    @extend_schema(request=SignSerializer, responses=GeneratedReportSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None, **kwargs):
        """A leader of the report's region signs it off (签发), once; 403 for any other role."""
        body = SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_sign(
            report=self.get_object(), by=request.user, comment=body.validated_data.get("comment", "")
        )
        return Response(self.get_serializer(report).data)

    @extend_schema(request=ReturnSerializer, responses=GeneratedReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return-to-office")
    def return_to_office(self, request, pk=None, **kwargs):
        """A leader returns the report to the office with a reason; the office asks for it again."""
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_return(report=self.get_object(), by=request.user, reason=body.validated_data["reason"])
        return Response(self.get_serializer(report).data)
