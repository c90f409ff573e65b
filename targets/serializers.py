from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Indicator, Plan, ProgressReport, Target


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, help_text=_("Division code of the plan's region."))
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "title", "doc_number", "issuer", "region", "region_name", "start_date", "end_date",
                  "amber_gap", "red_gap", "due_day"]


class MilestoneSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("Date of the staged milestone."))
    value = serializers.DecimalField(max_digits=20, decimal_places=4, help_text=_("Value expected by that date."))


class IndicatorSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, required=False)

    class Meta:
        model = Indicator
        fields = ["id", "target", "name", "kind", "unit", "baseline", "target_value", "start_date", "deadline",
                  "frequency", "milestones", "source_phrase"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["milestones"] = [
            {"date": m.date.isoformat(), "value": float(m.value)} for m in instance.milestones.all()
        ]
        return data


class TargetSerializer(serializers.ModelSerializer):
    lead_units = serializers.SerializerMethodField(help_text=_("Names of the lead units (牵头单位)."))
    units = serializers.SerializerMethodField(help_text=_("Names of every responsible unit, lead units first."))
    section = serializers.CharField(source="section.title", default=None, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = ["id", "plan", "section", "seq", "name", "content", "lead_units", "units", "all_townships",
                  "indicators"]

    def get_lead_units(self, target) -> list[str]:
        return [u.name for u in target.lead_units.all()]

    def get_units(self, target) -> list[str]:
        leads = [u.name for u in target.lead_units.all()]
        return leads + [u.name for u in target.co_units.all() if u.name not in leads]


class ProgressReportSerializer(serializers.ModelSerializer):
    period = serializers.CharField(help_text=_('"2025-05" for a month, "2025-Q2" for a quarter.'))
    unit = serializers.CharField(source="unit.name", read_only=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=4, min_value=0)

    class Meta:
        model = ProgressReport
        fields = ["id", "indicator", "unit", "period", "value", "narrative", "problems", "next_steps", "status",
                  "is_late", "version", "submitted_at", "reviewed_at", "review_comment"]
        read_only_fields = ["status", "is_late", "version", "submitted_at", "reviewed_at", "review_comment"]


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    completion = serializers.FloatField(allow_null=True, help_text=_("Completion as a fraction (1.0 = done)."))
    expected = serializers.FloatField(allow_null=True, help_text=_("Expected completion at the last checkpoint."))
    gap = serializers.FloatField(allow_null=True, help_text=_("Percentage points behind the expected pace."))
    reasons = serializers.ListField(child=serializers.CharField())
