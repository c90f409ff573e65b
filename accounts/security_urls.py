from django.urls import path

from . import audit_views, security_views

urlpatterns = [
    path("password/", security_views.PasswordChangeView.as_view(), name="password-change"),
    path("otp/setup/", security_views.otp_setup, name="otp-setup"),
    path("otp/verify/", security_views.otp_verify, name="otp-verify"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit/export.xlsx", audit_views.audit_log_export, name="audit-log-export"),
]
