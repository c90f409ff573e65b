"""Month-end status snapshots, read only (they are frozen by supervision.services.snapshot_freeze)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from targets.models import Plan
from targets.selectors import indicators_visible_to

from ..models import StatusSnapshot


class StatusSnapshotSerializer(serializers.ModelSerializer):
    reasons = serializers.ListField(
        source="reason_words",
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Why the light was what it was, in words."),
    )
    behind = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "落后百分点 as the lists show it: the points behind pace when behind it, else why a late light is lit "
            "in words (逾期未完成, 逾期未报), else null; never a negative figure."
        ),
    )

    class Meta:
        model = StatusSnapshot
        fields = [
            "id",
            "indicator",
            "unit",
            "as_of",
            "evaluated_on",
            "status",
            "actual",
            "completion",
            "expected",
            "gap",
            "behind",
            "reasons",
            "taken_at",
        ]
        extra_kwargs = {
            "indicator": {"help_text": _("The indicator whose light was frozen.")},
            "as_of": {"help_text": _("The month end the light was frozen at.")},
            "unit": {"help_text": _("Empty for the indicator's own light; a township unit for its allocated share.")},
            "evaluated_on": {"help_text": _("The day the light was evaluated; before as_of for the month under way.")},
            "status": {"help_text": _("The light then (红黄绿灯): not_started, done, green, amber or red.")},
            "actual": {"help_text": _("The cumulative value then.")},
            "completion": {"help_text": _("Completion as a fraction (1.0 = done).")},
            "expected": {"help_text": _("Expected completion at the last checkpoint.")},
            "gap": {"help_text": _("Percentage points behind the expected pace; negative when ahead of it.")},
            "taken_at": {"help_text": _("When the snapshot was last written.")},
        }


class SnapshotFilter(django_filters.FilterSet):
    # A model choice, not a number: an id beyond the database's integer range is a 400, not a 500.
    plan = django_filters.ModelChoiceFilter(
        field_name="indicator__target__plan", queryset=Plan.objects.all(), help_text=_("Plan id.")
    )
    as_of_from = django_filters.DateFilter(
        field_name="as_of", lookup_expr="gte", help_text=_("Month ends on or after this date.")
    )
    as_of_to = django_filters.DateFilter(
        field_name="as_of", lookup_expr="lte", help_text=_("Month ends on or before this date.")
    )

    class Meta:
        model = StatusSnapshot
        fields = ["indicator", "as_of", "status", "plan", "as_of_from", "as_of_to"]


class StatusSnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StatusSnapshotSerializer
    filterset_class = SnapshotFilter
    ordering_fields = ["as_of", "id"]

    def get_queryset(self):
        indicators = indicators_visible_to(self.request.user).values("pk")
        return StatusSnapshot.objects.filter(indicator__in=indicators).order_by("-as_of", "indicator_id")
