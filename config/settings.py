"""Settings for every environment, read from the environment.

The embedded default (no variables set) is a SQLite file and in-process Celery tasks, which is
what `make run` and `make test` use. Production is `config.production`, which refuses to start
without a secret key and a database URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts.admin_apps.AuditedAdminConfig",  # django.contrib.admin, every admin write audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "accounts.admin_apps.AxesConfig",  # axes, named in Chinese in the admin
    "django_otp",
    "accounts.admin_apps.OtpTotpConfig",  # django_otp.plugins.otp_totp, named in Chinese in the admin
    "core",
    "regions",
    "accounts",
    "villages",
    "targets",
    "reports",
    "supervision",
    "instructions",
    "demo",  # the demo (manage.py load_demo); no app imports it
]

MIDDLEWARE = [
    "core.middleware.BodySizeLimitMiddleware",  # first: a body over the cap is refused before it is read
    "django.middleware.security.SecurityMiddleware",
    "accounts.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.RequestContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.security.SessionLimitsMiddleware",
    "accounts.security.SecondFactorMiddleware",
    "accounts.security.PasswordChangeRequiredMiddleware",
    "accounts.security.ReadOnlyRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.notifications",
                "accounts.context_processors.role_predicates",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under a crowd (100 log-ins at once): WAL lets readers go on while one
    # writer writes; a writer waits up to 20 s for the lock instead of failing at once with
    # "database is locked"; and every transaction takes the write lock when it begins (IMMEDIATE),
    # so two transactions never both read and then both try to upgrade to writing, the case
    # SQLite cannot wait out. A version conflict then answers 412 as on PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql") and not env_bool("DATABASE_JIT", False):
    # PostgreSQL compiles a query with JIT once its estimated cost passes jit_above_cost; the
    # province overview's red and amber lists (an estimate of 540,000) then spent 1.3 s of their
    # 1.5 s compiling, for a query that runs in 0.2 s. Pages run short queries: JIT stays off on the
    # application's connections (DATABASE_JIT=1 turns it back on; the server's own setting stays).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]

# Identity and sessions (GB/T 22239-2019 level 3). A user name is locked for 30 minutes after five
# wrong passwords, an address after ADDRESS_FAILURE_LIMIT checks on any names in 30 minutes (higher,
# because a whole township office may sit behind one address). UserBackend reserves each check
# atomically before the hash is read (accounts.lockout); Axes keeps the records and the lock page.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.auth_backends.UserBackend",  # Django's ModelBackend behind the lockout, one query per request
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip"
# Axes warns that it does not lock by address; accounts.lockout does, with its own higher limit.
# models.W039 / W040: SQLite takes no INCLUDE columns. The county light's unique index is created on
# SQLite by targets migration 0009 without them, and the covering report index is a plain index
# there; PostgreSQL, production's database, has both as declared.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W039", "models.W040"]
ADDRESS_FAILURE_LIMIT = int(os.environ.get("ADDRESS_FAILURE_LIMIT", "30"))
# Proxies (CIDRs) whose X-Forwarded-For is believed: core.network.client_ip, the one address the
# throttles, the lockout and the audit log use. Empty: the header is ignored, REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# API tokens (django-rest-knox, stored as a digest) keep the session's clocks: each use pushes the
# expiry on by the idle time, never past the absolute time after issue (accounts.tokens).
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its AuthToken table even when KNOX_TOKEN_MODEL replaces it; that orphan
# table's foreign key to accounts_user made every flush on PostgreSQL fail. Its model is swapped out,
# so with no migrations no table is made (accounts 0009 drops one made before).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(seconds=SESSION_IDLE_SECONDS),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(seconds=SESSION_ABSOLUTE_SECONDS),
    "MIN_REFRESH_INTERVAL": 60,  # the pushed-on expiry is written at most once a minute per token
    "AUTH_HEADER_PREFIX": "Token",
}
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Roles that must pass a second factor (TOTP) at every log-in. Empty in the embedded default so the
# demo stays usable; config.production requires it of administrators and the supervision office.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "")
OTP_TOTP_ISSUER = "RuralPlan"
# Administrators must not read anyone's TOTP secret or QR code in the admin: they could copy a
# supervisor's second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# script-src has no 'unsafe-inline': every script is a static file. Inline style attributes stay
# allowed (the admin and charts set them); they cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The audit log is kept at least six months (Cybersecurity Law art. 21); the purge never goes below.
AUDIT_RETENTION_DAYS = max(184, int(os.environ.get("AUDIT_RETENTION_DAYS", "184")))
# The audit chain's HMAC key, held outside the database (accounts.audit_keys): the variable, else
# the file. The embedded default creates the file on first use; production requires one.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
AUDIT_HMAC_KEY_FILE = Path(os.environ.get("AUDIT_HMAC_KEY_FILE", BASE_DIR / "var" / "audit-hmac.key"))
AUDIT_HMAC_KEY_CREATE = True
# Backups (accounts.backup): encrypted and signed with this key, which is never in the backup.
# Keep a copy of it away from the backups: without it they cannot be read.
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")
BACKUP_KEY_FILE = Path(os.environ.get("BACKUP_KEY_FILE", BASE_DIR / "var" / "backup.key"))
BACKUP_KEY_CREATE = True
# The nightly backup (beat) writes here and keeps the newest BACKUP_KEEP.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
# Signed heads of the audit chain, one JSON line each, written hourly by beat and by every backup.
AUDIT_ANCHOR_FILE = Path(os.environ.get("AUDIT_ANCHOR_FILE", BASE_DIR / "var" / "audit-anchors.jsonl"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Evidence files (targets.Evidence) are kept outside MEDIA_ROOT: only the download view serves them.
EVIDENCE_ROOT = Path(os.environ.get("DJANGO_EVIDENCE_ROOT", BASE_DIR / "evidence"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The plan-import preview posts ~15 fields per task and indicator: a published plan of 40 tasks passes 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Uploaded files above this go to a temporary file while the request is parsed, not to memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# core.middleware refuses a body larger than this from its Content-Length, before reading it: one
# 10 MB file and its form. The progress-entry pages take up to ten evidence files of 10 MB at once.
# The production front end (deploy/nginx.conf) applies the same caps.
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", 11 * 1024 * 1024))
REQUEST_BODY_LIMITS = {"/entry/": int(os.environ.get("REQUEST_BODY_MAX_BYTES_ENTRY", 101 * 1024 * 1024))}
# Every uploaded file (core.uploads): refused above this size, or when an Office file unpacks to more.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("UPLOAD_MAX_UNPACKED_BYTES", 300 * 1024 * 1024))
# An upload's preview (a parsed plan, a marked workbook) is kept server-side this long after its last save
# (reports.previews); the nightly purge deletes it afterwards.
UPLOAD_PREVIEW_HOURS = int(os.environ.get("UPLOAD_PREVIEW_HOURS", 12))

CACHES = {
    "default": (
        {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": os.environ["REDIS_CACHE_URL"],
        }  # Django's, one client per pool
        if os.environ.get("REDIS_CACHE_URL")
        # The cache holds no page data (lights are rows, targets.CurrentLight): login throttling and the like.
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.ScopedFilterBackend",  # django-filter's, model filters scoped to what the caller may see
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("API_LOGIN_RATE", "10/min"),
        "export": os.environ.get("API_EXPORT_RATE", "30/hour"),
    },
}
# /api/schema/ and /api/docs/ for logged-in users only (core.api.ApiDocsAccess); on in config.production.
API_DOCS_REQUIRE_LOGIN = env_bool("API_DOCS_REQUIRE_LOGIN", False)
SPECTACULAR_SETTINGS = {
    "TITLE": "乡村振兴目标跟踪平台 API / Rural revitalization target-tracking API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "DESCRIPTION": (
        "Token (`Authorization: Token …`, from POST /api/auth/token/) or session authentication. "
        "Errors are JSON {code, message}; updates need the ETag in If-Match (428 without, 412 when stale). "
        "令牌或会话认证；错误以 JSON {code, message} 返回；修改须在 If-Match 中带上读取时的 ETag。"
    ),
    # Swagger UI and Redoc are served from the drf-spectacular-sidecar package: no CDN on an intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "IndicatorKindEnum": "targets.choices.Kind",
        "UnitKindEnum": "regions.models.UnitKind",
        "ReportKindEnum": "reports.models.ReportKind",
        "LightEnum": "targets.choices.Light",
        "ProgressReportStatusEnum": "targets.choices.ReportStatus",
        "SupervisionStatusEnum": "supervision.models.SupervisionStatus",
        "GeneratedReportStatusEnum": "reports.models.ReportState",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.add_error_responses",
        "core.api.describe_common_fields",
    ],
}

# Celery: with no broker the tasks run in-process, so the embedded default needs no Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A running export or report that shows no sign of life for this long has lost its worker: the beat job
# reports.tasks.reclaim_stalled_jobs puts it back in the queue, and after JOB_MAX_ATTEMPTS starts marks it failed.
JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", 600))
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", 3))
# How often a worker running a report or an export writes its heartbeat while the work runs (reports.jobs.lease_kept).
JOB_HEARTBEAT_SECONDS = float(os.environ.get("JOB_HEARTBEAT_SECONDS", JOB_LEASE_SECONDS / 4))
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# With Redis, a message taken by a worker that dies unacknowledged is handed out again after this many
# seconds. It must exceed the longest task (a report takes seconds); the worker tests set a few seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}

# Mail for reminders; without DJANGO_EMAIL_HOST mail is written to the console log.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

PLATFORM_NAME = _("Rural Revitalization Target Tracking")
# The embedded default (`make run`, DEBUG off) serves static files straight from the source folders,
# so it needs no collectstatic step; production serves the collected, compressed copies.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

# Daily retention purge of the audit log (accounts.tasks); the purge itself refuses young rows.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = globals().get("CELERY_BEAT_SCHEDULE", {})
CELERY_BEAT_SCHEDULE["accounts-audit-purge"] = {"task": "accounts.audit_purge", "schedule": crontab(hour=3, minute=17)}
# The audit chain's head, signed, into the anchor file every hour (accounts.audit_keys).
CELERY_BEAT_SCHEDULE["accounts-backup-nightly"] = {
    "task": "accounts.backup_nightly",
    "schedule": crontab(hour=2, minute=30),
}
CELERY_BEAT_SCHEDULE["accounts-audit-anchor"] = {"task": "accounts.audit_anchor", "schedule": crontab(minute=7)}
