from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and audit")

    def ready(self):
        # Log-ins and log-outs are audited through Django's own auth signals: they are the only
        # hook Django offers for them; beside the audit event they end the account's API tokens.
        from . import auth_audit  # noqa: F401
