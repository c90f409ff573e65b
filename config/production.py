"""Production settings: everything from the environment, nothing insecure by default."""

import os

from django.core.exceptions import ImproperlyConfigured

for required in ("DJANGO_SECRET_KEY", "DATABASE_URL"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production")

os.environ.setdefault("DJANGO_DEBUG", "0")

from .settings import *  # noqa: E402,F403

DEBUG = False
# The audit key must be given (AUDIT_HMAC_KEY or a file, e.g. a docker secret); none is made up here.
AUDIT_HMAC_KEY_CREATE = False
BACKUP_KEY_CREATE = False
WHITENOISE_USE_FINDERS = False  # the image serves the collected, compressed copies (collectstatic)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Administrators and the supervision office must pass a second factor at every log-in.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "admin,supervisor")  # noqa: F405
# Uploaded files are readable by the service account only; they are served through views that
# check permissions (never a public /media/ URL: config.urls adds that route only under DEBUG).
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# The schema maps every endpoint and field: only for people who have logged in.
API_DOCS_REQUIRE_LOGIN = env_bool("API_DOCS_REQUIRE_LOGIN", True)  # noqa: F405
# Errors go to the log with their traceback; the user sees templates/500.html or 503.html.
LOGGING["loggers"] = {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}}  # noqa: F405
