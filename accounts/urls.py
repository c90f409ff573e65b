"""Pages of accounts: password, second factor and the audit log under /accounts/ (`urlpatterns`), and
notifications under /notifications/ (`notification_urlpatterns`, included by config.urls)."""

from django.urls import path

from .views import audit, channels, notifications, security

urlpatterns = [
    path("password/", security.PasswordChangeView.as_view(), name="password-change"),
    path("otp/setup/", security.otp_setup, name="otp-setup"),
    path("otp/verify/", security.otp_verify, name="otp-verify"),
    path("audit/", audit.audit_log, name="audit-log"),
    path("audit/export.xlsx", audit.audit_log_export, name="audit-log-export"),
    path("channels/failed/", channels.channel_failures, name="channel-failures"),
    path("channels/failed/resend/", channels.channel_failures_resend, name="channel-failures-resend"),
]

notification_urlpatterns = [
    path("", notifications.notification_list, name="notifications"),
    path("<int:pk>/open/", notifications.notification_open, name="notification-open"),
    path("read-all/", notifications.notification_read_all, name="notifications-read-all"),
]
