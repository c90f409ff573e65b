"""Writes of the accounts app: notifications, second factors, access changes; the audit log's writer
lives in accounts.audit and is re-exported here, where every app imports it from."""

from django.db import transaction

from ..audit import (  # noqa: F401 (the audit log's public names, imported by every app from here)
    AUDIT_CHAIN_LOCK,
    KEYED_ACTION,
    audit_record,
    event_hash,
    jsonable,
    snapshot,
    unkeyed_hash,
)
from ..channels import channel_send, notice_title


def notify(*, users, kind: str, message: str, link: str = "", dedupe_key: str = "", unit=None) -> int:
    """Send an in-app notification to each user once; with a dedupe_key, a repeat is silently skipped.

    With a unit (reminders, returns, supervision notices to a unit), the notice also goes to the unit's
    group robots and SMS gateway (accounts.channels), sent by Celery after the commit.
    """
    from ..models import Notification

    rows = [Notification(user=u, kind=kind, message=message[:500], link=link, dedupe_key=dedupe_key) for u in users]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    if unit is not None:
        channel_send(unit=unit, title=notice_title(), text=str(message), dedupe_key=dedupe_key)
    return len(created)


def user_has_totp(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user):
    """The user's unconfirmed TOTP device (made on first call), whose secret the setup page shows."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device, by) -> None:
    """The user proved the app shows the right codes: this device replaces any older one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action="auth.otp_enabled", by=by, obj=device.user)


USER_ACCESS_FIELDS = ["role", "unit", "region", "is_active", "is_staff", "is_superuser", "must_change_password"]


def user_access_changed(*, user, old: dict, by, created: bool) -> None:
    """Audit an administrator's change to who someone is allowed to be (role, scope, flags, groups)."""
    new = user_access_snapshot(user)
    if created:
        audit_record(action="user.create", by=by, obj=user, new=new)
    elif old != new:
        changed = [k for k in new if old.get(k) != new.get(k)]
        audit_record(
            action="user.access_change",
            by=by,
            obj=user,
            old={k: old.get(k) for k in changed},
            new={k: new[k] for k in changed},
        )


def user_access_snapshot(user) -> dict:
    data = snapshot(user, USER_ACCESS_FIELDS)
    data["groups"] = sorted(user.groups.values_list("name", flat=True))
    data["permissions"] = sorted(user.user_permissions.values_list("codename", flat=True))
    return data
