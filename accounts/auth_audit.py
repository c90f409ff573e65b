"""Audit events for log-in, log-out, failed log-in, lockout and unlock."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import lockout
from .services import audit_record
from .tokens import tokens_revoke


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(action="auth.login", by=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", by=user, obj=user)
        tokens_revoke(user=user, username=user.get_username(), reason="logout")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        action="auth.login_failed",
        outcome="failure",
        username=str(credentials.get("username", ""))[:150],
        object_type="accounts.User",
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(
        action="auth.locked",
        outcome="failure",
        username=str(username or "")[:150],
        object_type="accounts.User",
        object_repr=str(username or ""),
        new={"ip": ip_address, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
    )
    # Whoever is guessing this name may hold a token stolen with the password: it ends with the lock.
    tokens_revoke(username=str(username or "")[:150], reason="lockout")


@receiver(post_delete, sender=AccessAttempt)
def _unlocked(sender, instance, **kwargs):
    # Axes deletes the attempt row when the cool-off ends, on a successful log-in, or when an
    # administrator resets it (admin or `axes_reset`): for a locked name that is the unlock.
    lockout.reset(lockout.name_key(instance.username))  # the reserved checks go with Axes' record
    if instance.failures_since_start >= settings.AXES_FAILURE_LIMIT:
        audit_record(
            action="auth.unlocked",
            username=instance.username[:150],
            object_type="accounts.User",
            object_repr=instance.username,
            new={"ip": instance.ip_address},
        )
