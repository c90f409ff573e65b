"""Log-in backends: the per-address half of the lockout (Axes does the per-user-name half), and
the password backend that reads each request's user."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from core.network import client_ip

WINDOW = timedelta(minutes=30)


def address_failures(ip) -> int:
    from axes.models import AccessFailureLog

    return AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=timezone.now() - WINDOW).count()


def address_is_locked(ip) -> bool:
    return bool(ip) and address_failures(ip) >= settings.ADDRESS_FAILURE_LIMIT


class AddressLimitBackend:
    """Refuses every log-in from an address with too many recent failures, on any user names.

    It authenticates nobody itself: raising PermissionDenied stops Django's backend loop, which
    then reports a failed log-in (and Axes counts it against the name too). No get_user(): the
    test client's force_login picks the first backend that has one.
    """

    def authenticate(self, request, **credentials):
        ip = client_ip(request) if request is not None else None
        if address_is_locked(ip):
            from .services import audit_record

            audit_record(action="auth.address_locked", outcome="failure", object_type="accounts.User",
                         username=str(credentials.get("username", ""))[:150], new={"ip": ip})
            raise PermissionDenied("address locked")
        return None


def confirmed_device_q() -> Q:
    """True for a user with a confirmed authenticator, of any installed device kind (as django_otp's
    user_has_device asks it, but as one expression for the user's own query)."""
    from django_otp import device_classes

    q = Q()
    for model in device_classes():
        q |= Q(Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True)))
    return q


class UserBackend(ModelBackend):
    """Django's password backend, whose get_user (run on every request) reads in one query what
    every request asks of its user: the unit and region that scope each page, and whether the user
    has a confirmed authenticator (accounts.security.SecondFactorMiddleware). That was three more
    queries per request before."""

    def get_user(self, user_id):
        user = (get_user_model()._default_manager.select_related("unit", "region")
                .annotate(has_confirmed_device=ExpressionWrapper(confirmed_device_q(), output_field=BooleanField()))
                .filter(pk=user_id).first())
        return user if user is not None and self.user_can_authenticate(user) else None
