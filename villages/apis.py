"""REST endpoints for villages, their profiles and their collective income records.

Scoping comes from villages.selectors: a township reporter reaches only its own township's
villages and records (anything else is 404), the others their county or region. Changes go
through villages.services (checked, audited); updates need If-Match (core.api.VersionedMixin).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from accounts import permissions
from core.api import ProtectedFieldsMixin, VersionedMixin
from regions.models import Region

from . import selectors, services
from .models import IncomeRecord, VillageProfile

OPTIONAL_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=_("The ETag you read; when sent, the action is refused with 412 if the record changed."),
)


class VillageProfileSerializer(ProtectedFieldsMixin, serializers.ModelSerializer):
    village = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("Division code of the village.")
    )

    class Meta:
        model = VillageProfile
        fields = ["id", "village", "village_type", "flags", "households", "population", "reporter", "version"]
        read_only_fields = ["id", "village", "version"]
        extra_kwargs = {
            "village_type": {"help_text": _("行政村 (administrative village) or 社区 (community).")},
            "flags": {"help_text": _("Labels such as 脱贫村, 易地搬迁安置村, 重点帮扶村, 示范村.")},
            "households": {"help_text": _("Number of households.")},
            "population": {"help_text": _("Registered population.")},
            "reporter": {"help_text": _("Id of the township reporter who enters this village's income.")},
            "version": {"help_text": _("Increases with every change; the ETag carries it.")},
        }

    def validate_flags(self, value):
        if not isinstance(value, list) or not all(isinstance(flag, str) for flag in value):
            raise serializers.ValidationError(_("Flags are a list of words."))
        return value


class VillageSerializer(serializers.ModelSerializer):
    township = serializers.SlugRelatedField(
        source="parent", slug_field="code", read_only=True, help_text=_("Division code of the township.")
    )
    profile = VillageProfileSerializer(
        read_only=True, allow_null=True, help_text=_("The village profile, if one has been kept.")
    )

    class Meta:
        model = Region
        fields = ["id", "code", "name", "kind", "township", "profile"]
        extra_kwargs = {
            "code": {"help_text": _("12-digit statistical division code (区划代码).")},
            "name": {"help_text": _("Name of the village.")},
            "kind": {"help_text": _("行政村 or 社区.")},
        }


class IncomeRecordSerializer(ProtectedFieldsMixin, serializers.ModelSerializer):
    village = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.none(), help_text=_("Division code of the village.")
    )

    class Meta:
        model = IncomeRecord
        fields = [
            "id",
            "village",
            "year",
            "quarter",
            "total_income",
            "operating_income",
            "note",
            "status",
            "version",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]
        read_only_fields = [
            "id",
            "status",
            "version",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]
        extra_kwargs = {
            "year": {"help_text": _("Year of the income.")},
            "quarter": {"help_text": _("0 for the whole year; 1–4 for the year to the end of that quarter.")},
            "total_income": {"help_text": _("Total collective income in 万元 (two decimals).")},
            "operating_income": {"help_text": _("Operating income in 万元, not above the total.")},
            "note": {"help_text": _("Optional note.")},
            "status": {"help_text": _("draft, submitted, approved or returned; changed only by the actions.")},
            "version": {"help_text": _("Increases with every change; the ETag carries it.")},
            "submitted_by": {"help_text": _("Id of the user who submitted it.")},
            "submitted_at": {"help_text": _("When it was submitted.")},
            "reviewed_by": {"help_text": _("Id of the user who approved or returned it.")},
            "reviewed_at": {"help_text": _("When it was reviewed.")},
            "review_comment": {"help_text": _("The reviewer's comment, or the reason it was returned.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["village"].queryset = selectors.villages_visible_to(request.user)
        if self.instance is not None:
            # The period of a record is fixed once created; only the amounts and the note change.
            for name in ("village", "year", "quarter"):
                self.fields[name].read_only = True


class IncomeReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Comment to the township; required when returning a record."),
    )


class IncomeReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Why an approved record is reopened (required)."))


class VillageViewSet(viewsets.ReadOnlyModelViewSet):
    """Villages with their profile; `?township=<code>` narrows to one township."""

    serializer_class = VillageSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["code"]

    def get_queryset(self):
        villages = selectors.villages_visible_to(self.request.user).select_related("parent", "profile")
        township = self.request.query_params.get("township")
        if township:
            villages = villages.filter(parent__code=township)
        return villages.order_by("code")


class VillageProfileViewSet(VersionedMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Village profiles: read, and change with If-Match (the township's reporter or the office)."""

    serializer_class = VillageProfileSerializer
    ordering_fields = ["id"]
    # VersionedMixin brings a create(); profiles are created with their village, not through the API.
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return (
            VillageProfile.objects.filter(village__in=selectors.villages_visible_to(self.request.user))
            .select_related("village")
            .order_by("village__code")
        )

    def perform_versioned_update(self, serializer, expected_version):
        serializer.instance = services.village_profile_update(
            village=serializer.instance.village,
            by=self.request.user,
            expected_version=expected_version,
            **serializer.validated_data,
        )


class IncomeRecordViewSet(
    VersionedMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Income records: the township reporter drafts, changes (If-Match) and submits; the office approves or returns."""

    serializer_class = IncomeRecordSerializer
    filterset_fields = ["year", "quarter", "status"]
    ordering_fields = ["year", "id"]

    def get_queryset(self):
        records = selectors.records_visible_to(self.request.user).select_related("village")
        village = self.request.query_params.get("village")
        if village:
            records = records.filter(village__code=village)
        return records.order_by("village__code", "-year", "-quarter")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.income_record_create(
            village=data["village"],
            year=data["year"],
            quarter=data.get("quarter", 0),
            total_income=data["total_income"],
            operating_income=data["operating_income"],
            note=data.get("note", ""),
            by=self.request.user,
        )

    def perform_versioned_update(self, serializer, expected_version):
        changes = {k: v for k, v in serializer.validated_data.items() if k in services.RECORD_EDITABLE}
        serializer.instance = services.income_record_update(
            record=serializer.instance, by=self.request.user, expected_version=expected_version, **changes
        )

    def _optional_version(self, record):
        return self.expected_version(record) if self.request.headers.get("If-Match") else None

    @extend_schema(request=None, responses=IncomeRecordSerializer, parameters=[OPTIONAL_IF_MATCH])
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        record = self.get_object()
        record = services.income_record_submit(
            record=record, by=request.user, expected_version=self._optional_version(record)
        )
        return self.respond_with(record)

    @extend_schema(request=IncomeReviewSerializer, responses=IncomeRecordSerializer, parameters=[OPTIONAL_IF_MATCH])
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(approve=True)

    @extend_schema(request=IncomeReviewSerializer, responses=IncomeRecordSerializer, parameters=[OPTIONAL_IF_MATCH])
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._review(approve=False)

    @extend_schema(request=IncomeReopenSerializer, responses=IncomeRecordSerializer, parameters=[OPTIONAL_IF_MATCH])
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        record = self.get_object()
        body = IncomeReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.income_record_reopen(
            record=record,
            by=request.user,
            reason=body.validated_data["reason"],
            expected_version=self._optional_version(record),
        )
        return self.respond_with(record)

    def _review(self, *, approve):
        record = self.get_object()
        if not permissions.can_review_income(self.request.user):
            raise PermissionDenied(_("Only the supervision office reviews income records."))
        body = IncomeReviewSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        record = services.income_record_review(
            record=record,
            by=self.request.user,
            approve=approve,
            comment=body.validated_data["comment"],
            expected_version=self._optional_version(record),
        )
        return self.respond_with(record)
