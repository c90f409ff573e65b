from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .tokens import tokens_revoke
from .models import ApiToken, AuditEvent, ChannelDelivery, UnitChannel, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "unit", "region", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role and scope"), {"fields": ("role", "unit", "region", "must_change_password")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Role and scope"), {"fields": ("role", "unit", "region")}),
    )
    autocomplete_fields = ("unit", "region")

    def save_model(self, request, obj, form, change):
        if not change:
            # The administrator chose this password; the person must replace it at first log-in.
            obj.must_change_password = True
        self._access_before = services.user_access_snapshot(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            # A password an administrator set is known to two people: the owner replaces it next time.
            user = User.objects.get(pk=id)
            User.objects.filter(pk=id).update(must_change_password=True)
            services.audit_record(action="user.password_reset", by=request.user, obj=user)
            tokens_revoke(user=user, username=user.username, reason="password_changed")
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.user_access_changed(user=form.instance, old=self._access_before, by=request.user, created=not change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is appended to by the services and never edited by hand."""

    list_display = ("at", "username", "ip", "action", "object_type", "object_repr", "outcome")
    list_filter = ("action", "outcome", "object_type")
    search_fields = ("username", "object_repr", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens are issued at /api/auth/token/ only; an administrator may see and end them."""

    list_display = ("token_key", "user", "created", "expiry")
    search_fields = ("token_key", "user__username")
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnitChannel)
class UnitChannelAdmin(admin.ModelAdmin):
    list_display = ("unit", "kind", "url", "enabled")
    list_filter = ("kind", "enabled")
    search_fields = ("unit__name", "url")
    autocomplete_fields = ("unit",)


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(admin.ModelAdmin):
    """Read-only: what went to each group robot / SMS gateway; the office filters for the failed ones."""

    list_display = ("created_at", "channel", "title", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status", "channel__kind")
    search_fields = ("channel__unit__name", "text", "last_error")
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed deliveries again"), permissions=["view"])
    def send_again(self, request, queryset):
        from .channels import channel_resend

        count = channel_resend(deliveries=queryset)
        self.message_user(request, _("%(count)s deliveries queued again.") % {"count": count})
