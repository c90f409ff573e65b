"""Request-level security: CSP header, session limits, second factor, forced password change."""

import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import permissions
from .services import audit_record


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response.setdefault("Referrer-Policy", "same-origin")
        return response


class SessionLimitsMiddleware:
    """A session ends after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS in all."""

    # Writing the session on every request would cost a database write per page; a minute of
    # slack on the idle clock is harmless.
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._enforce(request)
        response = self.get_response(request)
        # The log-in view itself: start both clocks at the moment of log-in.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "auth_started" not in request.session:
            request.session["auth_started"] = request.session["last_seen"] = time.time()
        return response

    def _enforce(self, request):
        now = time.time()
        session = request.session
        started = session.get("auth_started")
        last = session.get("last_seen", started)
        if started is None:
            session["auth_started"] = session["last_seen"] = now
            return
        reason = None
        if now - started > settings.SESSION_ABSOLUTE_SECONDS:
            reason = "absolute"
        elif last is not None and now - last > settings.SESSION_IDLE_SECONDS:
            reason = "idle"
        if reason:
            user = request.user
            audit_record(action="auth.session_expired", by=user, obj=user, new={"reason": reason})
            # flush, not logout(): this is the timeout, not the user logging out.
            session.flush()
            request.user = AnonymousUser()
        elif last is None or now - last > self.TOUCH_EVERY:
            session["last_seen"] = now


def _exempt(request, names) -> bool:
    path = request.path_info
    if path.startswith((settings.STATIC_URL, "/i18n/", "/healthz")):
        return True
    return any(path == reverse(name) for name in names)


def _refuse(request, url_name, message):
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "next": reverse(url_name)}, status=403)
    return redirect(f"{reverse(url_name)}?next={request.get_full_path()}")


def _has_device(user) -> bool:
    """accounts.auth_backends.UserBackend reads this with the user; a session user loaded by any
    other backend is asked here. (An API token is checked in the view, after this middleware: its
    second factor is asked when the token is issued, accounts.apis.TokenRequestSerializer.)"""
    known = getattr(user, "has_confirmed_device", None)
    if known is not None:
        return known
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


class SecondFactorMiddleware:
    """Who has a TOTP device must enter a code after the password; required roles must have one."""

    EXEMPT = ("otp-verify", "otp-setup", "logout", "login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not _exempt(request, self.EXEMPT):
            if _has_device(user):
                return _refuse(request, "otp-verify", _("Enter the code from your authenticator app."))
            if permissions.needs_second_factor(user):
                return _refuse(request, "otp-setup", _("Your role must use a second factor; set it up first."))
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Accounts an administrator created (or reset) must choose their own password before anything else."""

    EXEMPT = ("password-change", "logout", "login", "otp-verify", "otp-setup")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not _exempt(request, self.EXEMPT):
            return _refuse(request, "password-change", _("Choose a new password before you continue."))
        return self.get_response(request)


# Pages that change only the person's own account, session or notifications: open to every role.
OWN_ACCOUNT_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "password-change",
        "otp-setup",
        "otp-verify",
        "api-token",
        "api-token-revoke",
        "notification-open",
        "notifications-read-all",
    }
)


# A leader's writes: a written instruction (批示), closing one the leader wrote (the instructions app), and
# signing off or returning a generated report (reports; view names, namespace included). The services check
# the role again.
LEADER_WRITE_URL_NAMES = frozenset(
    {
        "instructions:issue",
        "instructions:close",
        "api:instruction-list",
        "api:instruction-close",
        "reports:bulletin-signoff",
        "api:generatedreport-sign",
        "api:generatedreport-return-to-office",
    }
)


def read_only_role(user) -> bool:
    return permissions.is_read_only(user)


def read_only_may(user, match) -> bool:
    """Whether a read-only role may send an unsafe request to the view `match` resolved (None: no view)."""
    if match is None:
        return False
    if match.url_name in OWN_ACCOUNT_URL_NAMES:
        return True
    return permissions.is_leader(user) and match.view_name in LEADER_WRITE_URL_NAMES


class ReadOnlyRoleMiddleware:
    """The auditor changes nothing, the leader nothing but 批示: every other unsafe request outside their own
    account is refused up front, before any view validates input (so the answer is 403, never a 400 that
    hints at a write path)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and request.user.is_authenticated
            and read_only_role(request.user)
        ):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if not read_only_may(request.user, match):
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": _("Your role reads only; it cannot change anything.")}, status=403)
                raise PermissionDenied
        return self.get_response(request)
