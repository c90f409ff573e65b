"""The AppConfigs named in INSTALLED_APPS instead of django.contrib.admin's and two third-party apps'.

django-axes and django-otp's TOTP plugin give their apps no verbose name, so the admin index shows
the labels "Axes" and "Otp_Totp", with no message id a catalogue could translate: only an AppConfig
can name them. Their models are another matter. axes marks its model and field names with
gettext_lazy but ships no zh_Hans catalogue, so their Chinese lives in ours (AXES_MESSAGES below).
otp_totp's "TOTP device" is a plain string, which no catalogue reaches; OtpTotpConfig.ready() makes
it the same English words through gettext_lazy. The migration state reads Meta options from
_meta.original_attrs, which ready() leaves alone, so makemigrations sees no change.
"""

from axes.apps import AppConfig as BaseAxesConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.apps import DefaultConfig as BaseOtpTotpConfig


class AuditedAdminConfig(AdminConfig):
    """django.contrib.admin with accounts.admin_audit.AuditedAdminSite as admin.site: every write
    made in the admin, to any model, is audited."""

    default_site = "accounts.admin_audit.AuditedAdminSite"


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Log-in lockout")


class OtpTotpConfig(BaseOtpTotpConfig):
    verbose_name = _("Second factor (authenticator app)")

    def ready(self):
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice._meta.verbose_name = _("TOTP device")
        TOTPDevice._meta.verbose_name_plural = _("TOTP devices")


# The message ids django-axes (models.py, admin.py) passes to gettext_lazy, listed so that
# makemessages finds them in this project and `--no-obsolete` keeps their Chinese in our catalogue.
# Keep them exactly as axes spells them; after upgrading axes, compare with its models.py and admin.py.
AXES_MESSAGES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
)
