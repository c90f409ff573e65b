"""The password backend: the atomic half of the lockout (accounts.lockout; Axes keeps the records,
the lock page and the unlock commands), and one query per request for the user."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from core.network import client_ip

from . import lockout
from .services import audit_record


def _reserve_check(username, ip) -> None:
    """Take a check for the name and for the address before the hash is read, or refuse the log-in.

    PermissionDenied stops Django's backend loop, which then reports a failed log-in (and Axes
    counts it against the name too)."""
    if not lockout.reserve_name(username):
        raise PermissionDenied("name locked")
    if not lockout.reserve_address(ip):
        lockout.give_back(lockout.name_key(username))
        audit_record(
            action="auth.address_locked",
            outcome="failure",
            object_type="accounts.User",
            username=str(username)[:150],
            new={"ip": ip},
        )
        raise PermissionDenied("address locked")


@functools.cache
def _confirmed_device_sql() -> str:
    """EXISTS over each installed device kind for a confirmed device of the outer query's user (as
    django_otp's user_has_device asks it), as SQL written once per process: every request reads it
    with its user, and the ORM compiling the same Exists subquery each time was a third of the
    user's read."""
    from django_otp import device_classes

    quote = connection.ops.quote_name
    user_table = get_user_model()._meta
    outer = f"{quote(user_table.db_table)}.{quote(user_table.pk.column)}"
    parts = []
    for model in device_classes():
        table = quote(model._meta.db_table)
        user = quote(model._meta.get_field("user").column)
        confirmed = quote(model._meta.get_field("confirmed").column)
        parts.append(f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{user} = {outer} AND {table}.{confirmed})")
    return "(" + " OR ".join(parts) + ")" if parts else "(1 = 0)"


class UserBackend(ModelBackend):
    """Django's password backend, which checks a password only after accounts.lockout has reserved the
    check (so a burst of simultaneous guesses cannot outrun the lockout), and whose get_user (run on every request) reads in one query what
    every request asks of its user: the unit and region that scope each page, and whether the user
    has a confirmed authenticator (accounts.security.SecondFactorMiddleware). That was three more
    queries per request before."""

    def get_user(self, user_id):
        found = (
            get_user_model()
            ._default_manager.select_related("unit", "region")
            .annotate(has_confirmed_device=RawSQL(_confirmed_device_sql(), (), output_field=BooleanField()))
            .filter(pk=user_id)[:1]
        )
        user = next(iter(found), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        _reserve_check(username, ip)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            lockout.succeeded(username, ip)
        return user
