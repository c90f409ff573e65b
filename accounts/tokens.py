"""API tokens: issued after the password and second factor, ended by whatever ends a session.

Tokens are django-rest-knox's (accounts.models.ApiToken): stored as a digest, with an expiry that each
use pushes on by the idle time (knox AUTO_REFRESH) up to the absolute time after issue.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import ApiToken
from .services import audit_record

# A person rarely needs more live tokens than this (a script or two, a laptop); the oldest go first.
TOKENS_PER_USER = 10


def access_stamp(user) -> str:
    """Changes whenever what the token was issued for changes: password, role, unit, region, active."""
    value = f"{user.password}|{user.role}|{user.unit_id}|{user.region_id}|{user.is_active}"
    return salted_hmac("accounts.ApiToken.access_stamp", value, algorithm="sha256").hexdigest()


@transaction.atomic
def token_issue(*, user) -> tuple[ApiToken, str]:
    """A new token for user (its clear text is returned once and never stored)."""
    from knox.settings import knox_settings

    now = timezone.now()
    mine = ApiToken.objects.filter(user=user)
    mine.filter(expiry__lt=now).delete()
    surplus = list(mine.order_by("-created").values_list("digest", flat=True)[TOKENS_PER_USER - 1 :])
    ApiToken.objects.filter(digest__in=surplus).delete()
    instance, token = ApiToken.objects.create(
        user=user, expiry=knox_settings.TOKEN_TTL, access_stamp=access_stamp(user)
    )
    audit_record(action="auth.token", by=user, obj=user, new={"expiry": instance.expiry, "key": instance.token_key})
    return instance, token


def tokens_revoke(*, user=None, username="", reason: str) -> int:
    """End every token of an account (by user, or by name when only the name is known: a lockout)."""
    tokens = (
        ApiToken.objects.filter(user=user) if user is not None else ApiToken.objects.filter(user__username=username)
    )
    count, _ = tokens.delete()
    if count:
        audit_record(
            action="auth.token_revoked",
            by=user,
            obj=user,
            object_type="accounts.User",
            username=username,
            new={"reason": reason, "tokens": count},
        )
    return count


def token_is_current(token: ApiToken) -> bool:
    return token.user.is_active and token.access_stamp == access_stamp(token.user)
