"""The admin's AppConfig, named in INSTALLED_APPS instead of django.contrib.admin."""

from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    """django.contrib.admin with accounts.admin_audit.AuditedAdminSite as admin.site: every write
    made in the admin, to any model, is audited."""

    default_site = "accounts.admin_audit.AuditedAdminSite"
