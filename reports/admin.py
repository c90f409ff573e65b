from django.contrib import admin

from .models import DocumentFrame, GeneratedReport, ReminderSent, ReportSchedule


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = (
        "region",
        "enabled",
        "bulletin_day",
        "dispatch_months",
        "half_year_month",
        "year_end_month",
        "remind_days_before",
        "escalate_days_after",
    )


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    """Reports are records: they are read here, never edited."""

    list_display = (
        "region",
        "kind",
        "period_end",
        "version",
        "status",
        "signoff",
        "requested_by",
        "schedule_name",
        "finished_at",
    )
    list_filter = ("kind", "status", "signoff")
    readonly_fields = [f.name for f in GeneratedReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("unit", "month", "stage", "missing", "sent_at")
    list_filter = ("stage",)


@admin.register(DocumentFrame)
class DocumentFrameAdmin(admin.ModelAdmin):
    """Also set by the office at /reports/bulletins/frame/; a change here moves the version on, so an edit
    begun on that page is refused rather than overwriting it."""

    list_display = ("region", "organ_mark", "number_pattern", "signature", "version")
    raw_id_fields = ("region",)
    readonly_fields = ("version",)

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.version += 1
        elif not change:
            obj.version = 1
        super().save_model(request, obj, form, change)
