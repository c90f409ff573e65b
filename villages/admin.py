from django.contrib import admin

from targets.admin import RejudgesLights

from . import derived
from .models import CountyEconomySettings, DerivedRule, IncomeRecord, VillageProfile


@admin.register(VillageProfile)
class VillageProfileAdmin(RejudgesLights, admin.ModelAdmin):
    list_display = ("village", "village_type", "households", "population", "reporter")
    list_filter = ("village_type",)
    search_fields = ("village__code", "village__name")
    raw_id_fields = ("village", "reporter")

    def lights_of(self, obj):
        return derived.indicators_over(obj.village)


@admin.register(CountyEconomySettings)
class CountyEconomySettingsAdmin(RejudgesLights, admin.ModelAdmin):
    """The office edits these at /villages/settings/; a change here moves the version on as well,
    so an edit begun on that page is refused rather than overwriting it."""

    list_display = ("county", "weak_threshold", "tiers", "version")
    raw_id_fields = ("county",)

    def lights_of(self, obj):
        return derived.indicators_over(obj.county)

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(IncomeRecord)
class IncomeRecordAdmin(admin.ModelAdmin):
    """Read-only here: records change through the pages so that every change is checked and audited."""

    list_display = ("village", "year", "quarter", "total_income", "operating_income", "status")
    list_filter = ("status", "year")
    search_fields = ("village__code", "village__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DerivedRule)
class DerivedRuleAdmin(RejudgesLights, admin.ModelAdmin):
    list_display = ("indicator", "measure", "basis", "level", "scope", "flag", "village_type")
    list_filter = ("measure",)
    raw_id_fields = ("indicator", "scope")

    def lights_of(self, obj):
        return [obj.indicator_id]
