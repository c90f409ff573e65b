import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from regions.models import Unit

from . import lights, rules, selectors, services
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


class PhoneTabularInline(admin.TabularInline):
    """A tabular inline that fits a 375 px phone (static/css/admin.css): its inputs shrink into their columns."""

    class Media:
        css = {"all": ("css/admin.css",)}


class SectionInline(PhoneTabularInline):
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


# 、 and commas, full- or half-width, as responsibility tables separate units; a leading * marks a lead there.
UNIT_SEPARATORS = re.compile(r"[、,，;；\s]+")


class UnitNamesField(forms.CharField):
    """Units typed by name in their order (区发改局、区农业农村局), as the responsibility table lists them."""

    def to_python(self, value) -> list[str]:
        names = [name.lstrip("*＊") for name in UNIT_SEPARATORS.split(super().to_python(value))]
        return list(dict.fromkeys(name for name in names if name))


class TargetAdminForm(forms.ModelForm):
    """Lead and co-units written by name in the responsibility table's order, which the page keeps.

    The order is data: the first lead owes the report of an indicator not allocated to townships
    (selectors.expected_reporters), and pages list the units as the table does. A many-to-many
    widget cannot say it: the selector box sorts its choice by name and saving adds the rows in no
    order, so the first lead could change on any save.
    """

    lead_names = UnitNamesField(
        label=_("lead units"),
        required=False,
        help_text=_("In the responsibility table's order, separated by 、 or commas; the first one reports."),
        widget=forms.TextInput(attrs={"size": 80}),
    )
    co_names = UnitNamesField(
        label=_("co-units"),
        required=False,
        help_text=_("In the responsibility table's order, separated by 、 or commas."),
        widget=forms.TextInput(attrs={"size": 80}),
    )

    class Meta:
        model = Target
        exclude = ("lead_units", "co_units")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            leads, co_units = selectors.units_in_table_order([self.instance.pk])
            self.initial["lead_names"] = "、".join(u.name for u in leads.get(self.instance.pk, []))
            self.initial["co_names"] = "、".join(u.name for u in co_units.get(self.instance.pk, []))

    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan")
        if plan is None:
            return cleaned
        names = set(cleaned.get("lead_names") or []) | set(cleaned.get("co_names") or [])
        units = {u.name: u for u in Unit.objects.filter(county__code__startswith=plan.region.code[:6], name__in=names)}
        for field in ("lead_names", "co_names"):
            unknown = [name for name in cleaned.get(field) or [] if name not in units]
            if unknown:
                self.add_error(
                    field,
                    _("No unit of the plan's county is named %(names)s: add it under Units first, or check the name.")
                    % {"names": "、".join(f"“{name}”" for name in unknown)},
                )
            cleaned[field] = [units[name] for name in cleaned.get(field) or [] if name in units]
        return cleaned


@admin.register(Target)
class TargetAdmin(RejudgesLights, admin.ModelAdmin):
    form = TargetAdminForm
    fields = ("plan", "section", "seq", "name", "content", "lead_names", "co_names", "all_townships")
    list_display = ("seq", "name", "plan", "section", "all_townships")
    list_filter = ("plan",)
    search_fields = ("name", "content")
    inlines = [IndicatorInline]

    def save_related(self, request, form, formsets, change):
        # Before the lights are judged again (RejudgesLights): whether a task has a lead moves them.
        services.target_units_set(
            target=form.instance, leads=form.cleaned_data["lead_names"], co_units=form.cleaned_data["co_names"]
        )
        super().save_related(request, form, formsets, change)

    def lights_of(self, obj):
        return list(obj.indicators.values_list("pk", flat=True)) if obj.pk else []


class MilestoneFormSet(BaseInlineFormSet):
    """Each stage is refused as the services refuse it (rules.indicator_bound_errors: a share in percent
    lies from 0 to 100), on its own row, in words naming the indicator and the stage."""

    def clean(self):
        super().clean()
        indicator = self.instance
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("date") is None or data.get("value") is None:
                continue
            errors = rules.indicator_bound_errors(
                name=indicator.name,
                unit=indicator.unit,
                baseline=None,
                target=None,
                milestones=[(data["date"], data["value"])],
            )
            for _field, message in errors:
                form.add_error("value", message)


class MilestoneInline(PhoneTabularInline):
    model = Milestone
    formset = MilestoneFormSet
    extra = 0


class AllocationInline(PhoneTabularInline):
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
