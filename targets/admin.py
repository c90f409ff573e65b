from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import lights, services
from .models import Allocation, Indicator, Milestone, Plan, ProgressReport, Section, Target


class RejudgesLights:
    """A change made in the admin moves the stored lights as a service's would (targets.lights)."""

    def lights_of(self, obj) -> list[int]:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # inlines and many-to-many are saved by now
        lights.lights_rejudge(indicator_ids=self.lights_of(form.instance))

    def delete_model(self, request, obj):
        ids = self.lights_of(obj)
        super().delete_model(request, obj)
        lights.lights_rejudge(indicator_ids=ids)

    def delete_queryset(self, request, queryset):
        ids = [pk for obj in queryset for pk in self.lights_of(obj)]
        super().delete_queryset(request, queryset)
        lights.lights_rejudge(indicator_ids=ids)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    raw_id_fields = ("parent",)


@admin.register(Plan)
class PlanAdmin(RejudgesLights, admin.ModelAdmin):
    list_display = ("title", "doc_number", "region", "start_date", "end_date")
    search_fields = ("title", "doc_number")
    raw_id_fields = ("region",)
    inlines = [SectionInline]

    def lights_of(self, obj):
        return list(Indicator.objects.filter(target__plan=obj).values_list("pk", flat=True))


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "parent", "order")
    list_filter = ("plan",)


class IndicatorAdminForm(forms.ModelForm):
    """The admin refuses what the services refuse (a share in percent above 100: services.check_indicator_bounds)."""

    class Meta:
        model = Indicator
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        figures = Indicator(
            name=cleaned.get("name") or "",
            unit=cleaned.get("unit") or "",
            baseline=cleaned.get("baseline"),
            target_value=cleaned.get("target_value"),
        )
        try:
            services.check_indicator_bounds(figures)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class IndicatorInline(admin.StackedInline):
    model = Indicator
    form = IndicatorAdminForm
    extra = 0


@admin.register(Target)
class TargetAdmin(RejudgesLights, admin.ModelAdmin):
    list_display = ("seq", "name", "plan", "section", "all_townships")
    list_filter = ("plan",)
    search_fields = ("name", "content")
    filter_horizontal = ("lead_units", "co_units")
    inlines = [IndicatorInline]

    def lights_of(self, obj):
        return list(obj.indicators.values_list("pk", flat=True)) if obj.pk else []


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(RejudgesLights, admin.ModelAdmin):
    form = IndicatorAdminForm
    list_display = ("name", "target", "kind", "unit", "baseline", "target_value", "deadline", "frequency")
    list_filter = ("kind", "frequency", "target__plan")
    search_fields = ("name", "source_phrase")
    raw_id_fields = ("target",)
    inlines = [MilestoneInline, AllocationInline]

    def lights_of(self, obj):
        return [obj.pk]


@admin.register(ProgressReport)
class ProgressReportAdmin(RejudgesLights, admin.ModelAdmin):
    list_display = ("indicator", "unit", "period_start", "value", "status", "is_late", "version", "submitted_at")
    list_filter = ("status", "is_late", "unit")
    raw_id_fields = ("indicator", "unit", "created_by", "submitted_by", "reviewed_by")
    readonly_fields = ("version", "created_at", "updated_at")

    def lights_of(self, obj):
        return [obj.indicator_id]
