"""REST endpoints for plans, targets, indicators and progress reports. Thin: selectors read, services write."""
from datetime import date

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.models import Role

from . import selectors, services
from .models import Indicator, Milestone, ProgressReport
from .serializers import (
    IndicatorSerializer,
    PlanSerializer,
    ProgressReportSerializer,
    StatusSerializer,
    TargetSerializer,
)


def as_of_param(request) -> date:
    raw = request.query_params.get("as_of")
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ParseError(_("as_of must be a date such as 2025-06-30.")) from exc


def drf_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class IsPlanManager(permissions.BasePermission):
    """Administrators and the supervision office define indicators; others read them."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.role in (Role.ADMIN, Role.SUPERVISOR)


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    filterset_fields = ["region__code"]
    ordering_fields = ["start_date", "title", "id"]

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user).select_related("region").order_by("-start_date", "id")


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TargetSerializer
    filterset_fields = ["plan", "section"]
    ordering_fields = ["seq", "id"]

    def get_queryset(self):
        return (
            selectors.targets_visible_to(self.request.user)
            .select_related("section")
            .prefetch_related(
                "lead_units", "co_units",
                Prefetch("indicators", queryset=Indicator.objects.prefetch_related("milestones")),
            )
            .order_by("plan_id", "seq")
        )


class IndicatorViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer
    permission_classes = [permissions.IsAuthenticated, IsPlanManager]
    filterset_fields = ["target", "kind", "frequency", "target__plan"]

    def get_queryset(self):
        return selectors.indicators_visible_to(self.request.user).prefetch_related("milestones").order_by("id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        target = data.pop("target")
        if not selectors.targets_visible_to(self.request.user).filter(pk=target.pk).exists():
            raise ValidationError({"target": _("No such target.")})
        milestones = [(m["date"], m["value"]) for m in data.pop("milestones", [])]
        try:
            serializer.instance = services.indicator_create(
                target=target, by=self.request.user, milestones=milestones, **data
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from exc

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD; default today (Asia/Shanghai)")],
        responses=StatusSerializer,
    )
    @action(detail=True, methods=["get"])
    def status(self, request, pk=None, format=None):
        indicator = self.get_object()
        result = selectors.indicator_status(indicator, as_of_param(request))
        return Response(
            {
                "status": result.status,
                "completion": _float(result.completion),
                "expected": _float(result.expected),
                "gap": _float(result.gap),
                "reasons": list(result.reasons),
            }
        )


def _float(value):
    return None if value is None else float(value)


class ProgressReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgressReportSerializer
    filterset_fields = ["indicator", "status", "unit"]
    ordering_fields = ["period_start", "submitted_at", "id"]

    def get_queryset(self):
        return (
            selectors.reports_visible_to(self.request.user)
            .select_related("unit", "indicator")
            .order_by("-period_start", "id")
        )

    def perform_create(self, serializer):
        user = self.request.user
        if not user.is_reporter:
            raise PermissionDenied(_("Only a unit reporter enters progress for its unit."))
        data = serializer.validated_data
        indicator = get_object_or_404(selectors.indicators_visible_to(user), pk=data["indicator"].pk)
        try:
            serializer.instance = services.progress_report_create(
                indicator=indicator, unit=user.unit, period=data["period"], value=data["value"], by=user,
                narrative=data.get("narrative", ""), problems=data.get("problems", ""),
                next_steps=data.get("next_steps", ""),
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from exc

    @extend_schema(request=None, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, format=None):
        report = self.get_object()
        if not request.user.is_reporter or report.unit_id != request.user.unit_id:
            raise PermissionDenied(_("Only a reporter of the report's unit submits it."))
        try:
            report = services.progress_report_submit(report=report, by=request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from exc
        return Response(self.get_serializer(report).data, status=status.HTTP_200_OK)
