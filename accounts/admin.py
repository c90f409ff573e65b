from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .channels import channel_resend, masked_url
from .models import ApiToken, AuditEvent, ChannelDelivery, UnitChannel, User
from .tokens import tokens_revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "unit", "region", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role and scope"), {"fields": ("role", "unit", "region", "must_change_password")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and scope"), {"fields": ("role", "unit", "region")}),)
    autocomplete_fields = ("unit", "region")

    @admin.display(description=_("full name"))
    def full_name(self, obj):
        return obj.get_full_name()

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


def _https_by_default(db_field, **kwargs):
    """A webhook address typed without a scheme is taken as https:// (Django 6's default, set now)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class UnitChannelForm(forms.ModelForm):
    """The signing secret is write-only: the form never shows it, an empty box keeps the one stored."""

    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "DingTalk / Zhezhengding: the robot's signing secret (SEC…), if signing is on. SMS gateway: "
            "sent as a bearer token. Never shown again once saved; leave empty to keep the stored one."
        ),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored secret"), required=False)

    class Meta:
        model = UnitChannel
        fields = ("unit", "kind", "url", "secret", "clear_secret", "phone", "enabled")
        formfield_callback = _https_by_default

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_secret"):
            cleaned["secret"] = ""
        elif not cleaned.get("secret") and self.instance.pk:
            cleaned["secret"] = UnitChannel.objects.filter(pk=self.instance.pk).values_list("secret", flat=True).first()
        return cleaned


@admin.register(UnitChannel)
class UnitChannelAdmin(admin.ModelAdmin):
    form = UnitChannelForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("unit", "kind", "webhook", "has_secret", "enabled")
    list_filter = ("kind", "enabled")
    search_fields = ("unit__name",)
    autocomplete_fields = ("unit",)
    readonly_fields = ("secret_state",)
    fields = ("unit", "kind", "url", "secret_state", "secret", "clear_secret", "phone", "enabled")

    @admin.display(description=_("webhook URL"))
    def webhook(self, channel):
        return masked_url(channel.url)

    @admin.display(description=_("signing secret"), boolean=True)
    def has_secret(self, channel):
        return bool(channel.secret)

    @admin.display(description=_("Stored secret"))
    def secret_state(self, channel):
        return _("set (hidden)") if channel.secret else _("not set")


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(admin.ModelAdmin):
    """Read-only: what went to each group robot / SMS gateway; the office filters for the failed ones."""

    list_display = ("created_at", "channel", "title", "status", "attempts", "last_error", "sent_at")
    exclude = ("channel",)
    readonly_fields = (
        "unit_channel",
        "title",
        "text",
        "dedupe_key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )

    @admin.display(description=_("channel"))
    def unit_channel(self, delivery):
        return f"{delivery.channel} · {masked_url(delivery.channel.url)}"

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
        try:
            count = channel_resend(deliveries=queryset, by=request.user)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
            return
        self.message_user(request, _("%(count)s deliveries queued again.") % {"count": count})
