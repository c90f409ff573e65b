"""The shapes of plans, sections, targets, indicators, milestones and progress reports in the API.

Every field has a help_text (English msgid, the Chinese term in brackets where one is used in the
plans); it is the field's description in /api/schema/. Read-only fields are refused when a client
sends a different value (core.api.ProtectedFieldsMixin).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import BuiltOnceFieldsMixin, ProtectedFieldsMixin

from . import selectors
from .models import Indicator, Milestone, Plan, ProgressReport, Section, Target


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.CharField(
        source="region.code", read_only=True, help_text=_("Division code of the plan's region.")
    )
    region_name = serializers.CharField(source="region.name", read_only=True, help_text=_("Name of the plan's region."))

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "doc_number",
            "issuer",
            "region",
            "region_name",
            "start_date",
            "end_date",
            "amber_gap",
            "red_gap",
            "due_day",
        ]
        extra_kwargs = {
            "title": {"help_text": _("Title of the implementation plan (实施方案).")},
            "doc_number": {"help_text": _("Document number (文号), e.g. 洞政办发〔2023〕14号.")},
            "issuer": {"help_text": _("Issuing body (印发机关).")},
            "start_date": {"help_text": _("First day the plan covers.")},
            "end_date": {"help_text": _("Last day the plan covers.")},
            "amber_gap": {"help_text": _("Points behind the expected pace that turn a light amber (黄灯).")},
            "red_gap": {"help_text": _("Points behind the expected pace that turn a light red (红灯).")},
            "due_day": {"help_text": _("Reports are due on this day of each period's last month.")},
        }


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "plan", "parent", "title", "order"]
        extra_kwargs = {
            "plan": {"help_text": _("The plan this section belongs to.")},
            "parent": {"help_text": _("The enclosing section; null for a top-level section.")},
            "title": {"help_text": _("Section heading, e.g. (一) 推进乡村产业振兴.")},
            "order": {"help_text": _("Position among its sibling sections.")},
        }


class MilestoneSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("Date of the staged milestone (阶段目标)."))
    value = serializers.DecimalField(max_digits=20, decimal_places=4, help_text=_("Value expected by that date."))


class MilestoneDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "indicator", "date", "value"]
        extra_kwargs = {
            "indicator": {"help_text": _("The indicator the milestone belongs to.")},
            "date": {"help_text": _("Date of the staged milestone (阶段目标).")},
            "value": {"help_text": _("Value expected by that date.")},
        }


INDICATOR_HELP = {
    "target": {"help_text": _("The target (task) this indicator measures; fixed once created.")},
    "name": {"help_text": _("Name of the indicator (指标).")},
    "kind": {"help_text": _("increase, decrease, ceiling (at most), floor (at least) or milestone (percent done).")},
    "unit": {"help_text": _("Unit of measure (计量单位): 个, 座, 户, 人, 亩, 公里, 万元, % …")},
    "baseline": {"help_text": _("Value at the start (基数).")},
    "target_value": {"help_text": _("Value to reach by the deadline (目标值).")},
    "start_date": {"help_text": _("Day the indicator starts counting.")},
    "deadline": {"help_text": _("Day the target value is due (完成时限).")},
    "frequency": {"help_text": _("How often progress is reported: monthly or quarterly.")},
    "source_phrase": {"help_text": _("The words of the plan this indicator came from.")},
}


class IndicatorSerializer(ProtectedFieldsMixin, BuiltOnceFieldsMixin, serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, required=False, help_text=_("Staged milestones, by date."))

    class Meta:
        model = Indicator
        fields = [
            "id",
            "target",
            "name",
            "kind",
            "unit",
            "baseline",
            "target_value",
            "start_date",
            "deadline",
            "frequency",
            "milestones",
            "source_phrase",
        ]
        extra_kwargs = INDICATOR_HELP

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["milestones"] = [{"date": m.date.isoformat(), "value": float(m.value)} for m in instance.milestones.all()]
        return data


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=_("The light: not_started, done, green, amber or red (红黄绿灯)."))
    completion = serializers.FloatField(allow_null=True, help_text=_("Completion as a fraction (1.0 = done)."))
    expected = serializers.FloatField(allow_null=True, help_text=_("Expected completion at the last checkpoint."))
    gap = serializers.FloatField(
        allow_null=True, help_text=_("Percentage points behind the expected pace; negative when ahead of it.")
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("Why the light is what it is, in words.")
    )


def status_data(result) -> dict:
    """A StatusResult of targets.rules as the API shows it (fractions as floats)."""
    return {
        "status": result.status,
        "completion": _float(result.completion),
        "expected": _float(result.expected),
        "gap": _float(result.gap),
        "reasons": list(result.reasons),
    }


def _float(value):
    return None if value is None else float(value)


class IndicatorWithStatusSerializer(IndicatorSerializer):
    """An indicator with its light on `as_of`; the viewset computes every light of a page in bulk."""

    plan = serializers.IntegerField(source="target.plan_id", read_only=True, help_text=_("The plan of the indicator."))
    status = serializers.SerializerMethodField(help_text=_("The light on the as_of date and its reasons."))

    class Meta(IndicatorSerializer.Meta):
        fields = IndicatorSerializer.Meta.fields + ["plan", "status"]

    @extend_schema_field(StatusSerializer)
    def get_status(self, indicator):
        rows = self.context.get("rows") or {}
        row = rows.get(indicator.pk)
        return status_data(row.status) if row is not None else None


class TargetSerializer(serializers.ModelSerializer):
    lead_units = serializers.SerializerMethodField(help_text=_("Names of the lead units (牵头单位)."))
    units = serializers.SerializerMethodField(
        help_text=_("Names of every responsible unit (责任单位), lead units first.")
    )
    section = serializers.CharField(
        source="section.title",
        default=None,
        read_only=True,
        allow_null=True,
        help_text=_("Title of the section the target sits in."),
    )
    indicators = IndicatorSerializer(many=True, read_only=True, help_text=_("The indicators measuring the target."))

    class Meta:
        model = Target
        fields = [
            "id",
            "plan",
            "section",
            "seq",
            "name",
            "content",
            "lead_units",
            "units",
            "all_townships",
            "indicators",
        ]
        extra_kwargs = {
            "plan": {"help_text": _("The plan of the target.")},
            "seq": {"help_text": _("Sequence number in the plan's responsibility table.")},
            "name": {"help_text": _("Task name (任务名称).")},
            "content": {"help_text": _("Main content of the task (主要内容).")},
            "all_townships": {"help_text": _("Every township of the region is responsible (各街道乡镇).")},
        }

    def _units(self, target) -> tuple[list, list]:
        """Lead and co-units in the responsibility table's order: the view passes them for the whole page
        (`units_in_order`, one query per relation); `all()` would sort them by name."""
        leads, co_units = self.context.get("units_in_order") or selectors.units_in_table_order([target.pk])
        return leads.get(target.pk, []), co_units.get(target.pk, [])

    def get_lead_units(self, target) -> list[str]:
        return [u.name for u in self._units(target)[0]]

    def get_units(self, target) -> list[str]:
        leads, co_units = self._units(target)
        names = [u.name for u in leads]
        return names + [u.name for u in co_units if u.name not in names]


class ProgressReportSerializer(ProtectedFieldsMixin, BuiltOnceFieldsMixin, serializers.ModelSerializer):
    period = serializers.CharField(
        help_text=_('Period reported (报告期): "2025-05" for a month, "2025-Q2" for a quarter.')
    )
    unit = serializers.CharField(
        source="unit.name", read_only=True, help_text=_("Name of the reporting unit; always the reporter's own unit.")
    )
    unit_id = serializers.IntegerField(read_only=True, help_text=_("Id of the reporting unit."))
    value = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        min_value=0,
        help_text=_("Cumulative value to date (累计完成值); percent complete for milestones."),
    )
    submitted_by = serializers.CharField(
        source="submitted_by.username", default=None, read_only=True, allow_null=True, help_text=_("Who submitted it.")
    )
    reviewed_by = serializers.CharField(
        source="reviewed_by.username",
        default=None,
        read_only=True,
        allow_null=True,
        help_text=_("Who approved, returned or reopened it (审核人)."),
    )

    confirmed = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_(
            "Send true to keep a value the checks call unusual (more than twice the target, or far "
            "outside the unit's past range); the 400 answer says when it is needed."
        ),
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "indicator",
            "unit",
            "unit_id",
            "period",
            "value",
            "narrative",
            "problems",
            "next_steps",
            "explanation",
            "confirmed",
            "status",
            "is_late",
            "version",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]
        read_only_fields = ["status", "is_late", "version", "submitted_at", "reviewed_at", "review_comment"]
        extra_kwargs = {
            "indicator": {"help_text": _("The indicator reported on; fixed once created.")},
            "narrative": {"help_text": _("Work done this period (工作进展).")},
            "problems": {"help_text": _("Problems met (存在问题).")},
            "next_steps": {"help_text": _("Next steps (下步打算).")},
            "explanation": {
                "help_text": _("Why the cumulative value is lower than the last approved one; required when it is.")
            },
            "status": {"help_text": _("draft, submitted, approved or returned; changed only by the actions.")},
            "is_late": {"help_text": _("Submitted after the due day (逾期).")},
            "version": {"help_text": _("Increases with every change; the ETag carries it.")},
            "submitted_at": {"help_text": _("When it was submitted.")},
            "reviewed_at": {"help_text": _("When it was reviewed.")},
            "review_comment": {"help_text": _("The reviewer's comment, or the reason it was returned or reopened.")},
        }

    def validate(self, attrs):
        if self.instance is not None:
            fixed = {"indicator": self.instance.indicator, "period": self.instance.period}
            moved = {
                name: [_("This cannot be changed once the report exists.")]
                for name, value in fixed.items()
                if name in attrs and attrs[name] != value
            }
            if moved:
                raise serializers.ValidationError(moved)
        return attrs


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Comment to the unit; required when returning a report."),
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Why an approved report is reopened (required)."))
