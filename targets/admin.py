from django.contrib import admin

from .models import Allocation, Indicator, Milestone, Plan, ProgressReport, Section, Target


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    raw_id_fields = ("parent",)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "doc_number", "region", "start_date", "end_date")
    search_fields = ("title", "doc_number")
    raw_id_fields = ("region",)
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "parent", "order")
    list_filter = ("plan",)


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("seq", "name", "plan", "section", "all_townships")
    list_filter = ("plan",)
    search_fields = ("name", "content")
    filter_horizontal = ("lead_units", "co_units")
    inlines = [IndicatorInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "target", "kind", "unit", "baseline", "target_value", "deadline", "frequency")
    list_filter = ("kind", "frequency", "target__plan")
    search_fields = ("name", "source_phrase")
    raw_id_fields = ("target",)
    inlines = [MilestoneInline, AllocationInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("indicator", "unit", "period_start", "value", "status", "is_late", "version", "submitted_at")
    list_filter = ("status", "is_late", "unit")
    raw_id_fields = ("indicator", "unit", "created_by", "submitted_by", "reviewed_by")
    readonly_fields = ("version", "created_at", "updated_at")
