"""The lockout's atomic half: a password is checked against its hash only after a check has been
reserved, in one conditional UPDATE, for the account name and for the client address.

Axes counts failures *after* the check, so thirty simultaneous guesses all passed its "is it locked?"
read before the first failure was written. Here the count is taken first: at most AXES_FAILURE_LIMIT
checks per name and ADDRESS_FAILURE_LIMIT per address are ever made in a window, however many
requests arrive at once. The UPDATE ... WHERE checks < limit is atomic on PostgreSQL (the row lock
makes a second writer re-read the row) and on SQLite (one writer at a time).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from .models import LoginGuard

ADDRESS_WINDOW = timedelta(minutes=30)


def name_key(username) -> str:
    return f"name:{str(username)[:150]}"


def address_key(ip) -> str:
    return f"ip:{ip}"


def reserve(key: str, *, limit: int, window: timedelta) -> bool:
    """Take one check for key if fewer than limit were taken in the window; a window past its end starts anew."""
    now = timezone.now()
    LoginGuard.objects.bulk_create([LoginGuard(key=key, checks=0, window_start=now)], ignore_conflicts=True)
    expired = Q(window_start__lt=now - window)
    taken = LoginGuard.objects.filter(Q(key=key) & (expired | Q(checks__lt=limit))).update(
        checks=Case(When(expired, then=Value(1)), default=F("checks") + 1),
        window_start=Case(When(expired, then=Value(now)), default=F("window_start")),
    )
    return taken == 1


def give_back(key: str) -> None:
    """A reserved check that did not count against the key: a right password from a shared address."""
    LoginGuard.objects.filter(key=key, checks__gt=0).update(checks=F("checks") - 1)


def reset(key: str) -> None:
    LoginGuard.objects.filter(key=key).delete()


def reserve_name(username) -> bool:
    return reserve(name_key(username), limit=settings.AXES_FAILURE_LIMIT, window=settings.AXES_COOLOFF_TIME)


def reserve_address(ip) -> bool:
    return not ip or reserve(address_key(ip), limit=settings.ADDRESS_FAILURE_LIMIT, window=ADDRESS_WINDOW)


def succeeded(username, ip) -> None:
    """The right password: the name starts afresh (as Axes resets it), the address gets its check back."""
    reset(name_key(username))
    if ip:
        give_back(address_key(ip))
