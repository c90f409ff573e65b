"""REST endpoints for plans, sections, targets, indicators, milestones and progress reports.

Thin: the querysets come from targets.selectors (so scoping answers 404), every write goes through
targets.services, and core.api supplies errors, ETag/If-Match and pagination.
"""

import django_filters
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts import permissions as perms
from core.api import AS_OF, IF_MATCH, IdFilter, VersionedMixin, as_of_param, version_etag
from regions.models import Region
from regions.selectors import region_prefix
from targets.choices import Light

from .. import selectors, services
from ..models import Indicator, Milestone, ProgressReport, Section
from ..serializers import (
    IndicatorSerializer,
    IndicatorWithStatusSerializer,
    MilestoneDetailSerializer,
    PlanSerializer,
    ProgressReportSerializer,
    ReopenSerializer,
    ReviewSerializer,
    SectionSerializer,
    StatusSerializer,
    TargetSerializer,
    status_data,
)

OPTIONAL_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy("The ETag you read; when sent, the action is refused with 412 if the report changed."),
)


class IsPlanManager(permissions.BasePermission):
    """Administrators and the supervision office define indicators; others read them."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return perms.can_manage_plans(request.user)


class RegionCodeFilter(django_filters.CharFilter):
    """`?region=330305000000`: objects whose plan lies inside that region (a county, a city …)."""

    def __init__(self, *args, path, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = path

    def filter(self, qs, value):
        if not value:
            return qs
        region = Region.objects.filter(code=value).first()
        if region is None:
            return qs.none()
        return qs.filter(**{f"{self.path}__code__startswith": region_prefix(region)})


class PlanFilter(django_filters.FilterSet):
    region = RegionCodeFilter(path="region", help_text=gettext_lazy("Division code; plans inside that region."))

    class Meta:
        model = selectors.Plan
        fields = ["region"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["start_date", "title", "id"]

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user).select_related("region").order_by("-start_date", "id")


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SectionSerializer
    filterset_fields = ["plan", "parent"]
    ordering_fields = ["order", "id"]

    def get_queryset(self):
        plans = selectors.plans_visible_to(self.request.user).values("pk")
        return Section.objects.filter(plan__in=plans).order_by("plan_id", "order", "id")


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TargetSerializer
    filterset_fields = ["plan", "section", "all_townships"]
    ordering_fields = ["seq", "id"]

    def get_queryset(self):
        return (
            selectors.targets_visible_to(self.request.user)
            .select_related("section")
            .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.prefetch_related("milestones")))
            .order_by("plan_id", "seq")
        )

    def get_serializer(self, instance=None, *args, **kwargs):
        """The page's (or the one target's) units in table order, read once for all of them."""
        if instance is not None:
            targets = instance if kwargs.get("many") else [instance]
            context = kwargs.setdefault("context", self.get_serializer_context())
            context["units_in_order"] = selectors.units_in_table_order([t.pk for t in targets])
        return super().get_serializer(instance, *args, **kwargs)


class IndicatorFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="target__plan", help_text=gettext_lazy("Plan id."))
    region = RegionCodeFilter(
        path="target__plan__region", help_text=gettext_lazy("Division code; indicators of plans inside that region.")
    )
    unit = IdFilter(
        method="filter_unit", help_text=gettext_lazy("Unit id; indicators it leads, shares or is allocated.")
    )
    # Declared last: django-filter applies it after the others, on the already narrowed queryset.
    status = django_filters.ChoiceFilter(
        choices=Light.choices,
        method="filter_status",
        help_text=gettext_lazy("Only indicators with this light on the as_of date (red, amber, green …)."),
    )

    class Meta:
        model = Indicator
        fields = ["target", "kind", "frequency", "plan", "region", "unit", "status"]

    def filter_unit(self, qs, name, value):
        return qs.filter(
            Q(target__lead_units=value) | Q(target__co_units=value) | Q(allocations__unit=value)
        ).distinct()

    def filter_status(self, qs, name, value):
        # The light is computed, not stored: one bulk evaluation of the narrowed set, then a filter by id.
        rows = selectors.indicator_rows(qs, as_of_param(self.request))
        return qs.filter(pk__in=[pk for pk, row in rows.items() if row.status.status == value])


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF]),
    retrieve=extend_schema(parameters=[AS_OF]),
    update=extend_schema(parameters=[IF_MATCH]),
    partial_update=extend_schema(parameters=[IF_MATCH]),
)
class IndicatorViewSet(VersionedMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Indicators with their light on `?as_of=` (default today). Changes need the ETag in If-Match."""

    permission_classes = [permissions.IsAuthenticated, IsPlanManager]
    filterset_class = IndicatorFilter
    ordering_fields = ["id", "deadline", "name", "target__seq"]

    def get_queryset(self):
        return (
            selectors.indicators_visible_to(self.request.user)
            .select_related("target__plan")
            .prefetch_related("milestones")
            .order_by("target__plan_id", "target__seq", "order", "id")
        )

    def get_serializer_class(self):
        return IndicatorWithStatusSerializer if self.request.method in permissions.SAFE_METHODS else IndicatorSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["rows"] = getattr(self, "_rows", None)
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # The lights of the whole page in a fixed number of queries, never one evaluation per row.
        ids = [indicator.pk for indicator in (page if page is not None else queryset)]
        self._rows = selectors.indicator_rows(Indicator.objects.filter(pk__in=ids), as_of_param(self.request))
        return page

    def retrieve(self, request, *args, **kwargs):
        indicator = self.get_object()
        self._rows = selectors.indicator_rows(Indicator.objects.filter(pk=indicator.pk), as_of_param(request))
        return self.respond_with(indicator)

    def etag_of(self, obj) -> str:
        return version_etag(services.indicator_fingerprint(obj))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        target = data.pop("target")
        if not selectors.targets_visible_to(self.request.user).filter(pk=target.pk).exists():
            raise ValidationError({"target": _("No such target.")})
        milestones = [(m["date"], m["value"]) for m in data.pop("milestones", [])]
        serializer.instance = services.indicator_create(
            target=target, by=self.request.user, milestones=milestones, **data
        )

    def perform_versioned_update(self, serializer, expected_version):
        data = dict(serializer.validated_data)
        milestones = data.pop("milestones", None)
        serializer.instance = services.indicator_update(
            indicator=serializer.instance,
            by=self.request.user,
            expected_fingerprint=expected_version,
            milestones=None if milestones is None else [(m["date"], m["value"]) for m in milestones],
            **data,
        )

    @extend_schema(parameters=[AS_OF], responses=StatusSerializer)
    @action(detail=True, methods=["get"])
    def status(self, request, pk=None, format=None):
        indicator = self.get_object()
        return Response(status_data(selectors.indicator_status(indicator, as_of_param(request))))


class MilestoneViewSet(viewsets.ReadOnlyModelViewSet):
    """Staged milestones; they are written through their indicator."""

    serializer_class = MilestoneDetailSerializer
    filterset_fields = ["indicator"]
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        indicators = selectors.indicators_visible_to(self.request.user).values("pk")
        return Milestone.objects.filter(indicator__in=indicators).order_by("indicator_id", "date")


class ReportFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="indicator__target__plan", help_text=gettext_lazy("Plan id."))
    period_from = django_filters.DateFilter(
        field_name="period_start", lookup_expr="gte", help_text=gettext_lazy("Periods starting on or after this date.")
    )
    period_to = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", help_text=gettext_lazy("Periods starting on or before this date.")
    )

    class Meta:
        model = ProgressReport
        fields = ["indicator", "status", "unit", "is_late", "plan", "period_from", "period_to"]


@extend_schema_view(
    update=extend_schema(parameters=[IF_MATCH]),
    partial_update=extend_schema(parameters=[IF_MATCH]),
)
class ProgressReportViewSet(
    VersionedMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Progress reports: a reporter drafts, changes (with If-Match) and submits; the office approves or returns."""

    serializer_class = ProgressReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["period_start", "submitted_at", "id"]

    # Review steps whose service locks the report and reads it again with what it needs: before that the
    # view reads only its unit (who may act) and version (If-Match).
    STEP_ACTIONS = frozenset({"submit", "approve", "return_", "reopen"})

    def get_queryset(self):
        related = (
            ("unit",) if self.action in self.STEP_ACTIONS else ("unit", "indicator", "submitted_by", "reviewed_by")
        )
        return selectors.reports_visible_to(self.request.user).select_related(*related).order_by("-period_start", "id")

    def perform_create(self, serializer):
        user = self.request.user
        if not perms.is_reporter(user):
            raise PermissionDenied(_("Only a unit reporter enters progress for its unit."))
        data = serializer.validated_data
        # With its target and plan: the service's checks read both (the period's lock, the plan's due day).
        indicator = get_object_or_404(
            selectors.indicators_visible_to(user).select_related("target__plan"), pk=data["indicator"].pk
        )
        serializer.instance = services.progress_report_create(
            indicator=indicator,
            unit=user.unit,
            period=data["period"],
            value=data["value"],
            by=user,
            narrative=data.get("narrative", ""),
            problems=data.get("problems", ""),
            next_steps=data.get("next_steps", ""),
            explanation=data.get("explanation", ""),
            confirmed=data.get("confirmed", False),
        )

    def perform_versioned_update(self, serializer, expected_version):
        self._require_own_unit(serializer.instance, _("Only a reporter of the report's unit changes it."))
        data = serializer.validated_data
        changes = {k: v for k, v in data.items() if k in services.EDITABLE_FIELDS}
        serializer.instance = services.progress_report_update(
            report=serializer.instance,
            by=self.request.user,
            expected_version=expected_version,
            confirmed=data.get("confirmed", False),
            **changes,
        )

    def _require_own_unit(self, report, message):
        user = self.request.user
        if not perms.can_report_for(user, report.unit):
            raise PermissionDenied(message)

    def _require_office(self):
        if not perms.is_office(self.request.user):
            raise PermissionDenied(_("Only the supervision office reviews reports."))

    def _optional_version(self, report):
        return self.expected_version(report) if self.request.headers.get("If-Match") else None

    @extend_schema(request=None, responses=ProgressReportSerializer, parameters=[OPTIONAL_IF_MATCH])
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, format=None):
        report = self.get_object()
        self._require_own_unit(report, _("Only a reporter of the report's unit submits it."))
        report = services.progress_report_submit(
            report=report, by=request.user, expected_version=self._optional_version(report)
        )
        return self.respond_with(report)

    @extend_schema(request=ReviewSerializer, responses=ProgressReportSerializer, parameters=[OPTIONAL_IF_MATCH])
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(approve=True)

    @extend_schema(request=ReviewSerializer, responses=ProgressReportSerializer, parameters=[OPTIONAL_IF_MATCH])
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._review(approve=False)

    def _review(self, *, approve):
        report = self.get_object()
        self._require_office()
        body = ReviewSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        report = services.progress_report_review(
            report=report,
            by=self.request.user,
            approve=approve,
            comment=body.validated_data["comment"],
            expected_version=self._optional_version(report),
        )
        return self.respond_with(report)

    @extend_schema(request=ReopenSerializer, responses=ProgressReportSerializer, parameters=[OPTIONAL_IF_MATCH])
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        report = self.get_object()
        self._require_office()
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.progress_report_reopen(
            report=report,
            by=request.user,
            reason=body.validated_data["reason"],
            expected_version=self._optional_version(report),
        )
        return self.respond_with(report)
