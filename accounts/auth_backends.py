"""The per-address half of the log-in lockout (Axes does the per-user-name half)."""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .middleware import client_ip

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
