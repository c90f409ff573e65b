"""Writes of user accounts by an administrator (through the API): checked, saved and audited together."""

import hashlib
import json

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.versions import check_version

from .. import permissions
from ..models import User
from ..tokens import tokens_revoke
from . import audit_record, snapshot

USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "unit",
    "region",
    "is_active",
    "must_change_password",
]


def user_fingerprint(user: User) -> str:
    """A hash of a user's editable fields: the ETag of the account (users carry no version number)."""
    payload = json.dumps(snapshot(user, USER_FIELDS), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _check_role_fields(user: User) -> None:
    if user.is_reporter and user.unit_id is None:
        raise ValidationError({"unit": _("A reporter must belong to a unit.")})
    if not user.is_reporter and user.unit_id is not None:
        raise ValidationError({"unit": _("Only a reporter belongs to a unit.")})
    if user.is_reporter:
        user.region = None


def _check_manager(by) -> None:
    if not permissions.can_manage_accounts(by):
        raise PermissionDenied(_("Only an administrator creates accounts and changes them."))


def _check_within(by, account: User) -> None:
    if not permissions.can_manage_account(by, account):
        raise PermissionDenied(_("This account's region or unit is outside your region."))


@transaction.atomic
def user_create(*, by, password: str, **fields) -> User:
    """A new account; it must change the password an administrator gave it at first login."""
    _check_manager(by)
    user = User(**fields)
    _check_role_fields(user)
    _check_within(by, user)
    _check_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.full_clean()
    user.save()
    audit_record(action="user.create", by=by, obj=user, new=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(*, user, by, expected_fingerprint: str, password: str | None = None, **changes) -> User:
    _check_manager(by)
    current = User.objects.select_for_update().get(pk=user.pk)
    _check_within(by, current)
    check_version(
        current,
        expected_fingerprint,
        _("This account was changed by someone else; reload it and apply your changes again."),
        changes=snapshot(current, USER_FIELDS),
        required=True,
        fingerprint=user_fingerprint(current),
    )
    old = snapshot(current, USER_FIELDS)
    for name, value in changes.items():
        setattr(current, name, value)
    _check_role_fields(current)
    _check_within(by, current)
    if password:
        _check_password(password, current)
        current.set_password(password)
        current.must_change_password = True
    current.full_clean()
    current.save()
    new = snapshot(current, USER_FIELDS) | ({"password": "changed"} if password else {})
    action = "user.role_change" if old["role"] != current.role or old["unit"] != current.unit_id else "user.update"
    audit_record(action=action, by=by, obj=current, old=old, new=new)
    if password or any(old[k] != new[k] for k in ("role", "unit", "region", "is_active")):
        # The token's access stamp would refuse it at its next use anyway; end it now, audited.
        tokens_revoke(user=current, username=current.username, reason="account_changed")
    return current


def password_changed(*, user) -> None:
    """After the user chose a new password: no more forced change, every API token ended, audited."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
    audit_record(action="auth.password_changed", by=user, obj=user)
    tokens_revoke(user=user, username=user.get_username(), reason="password_changed")
