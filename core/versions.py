"""Optimistic concurrency for every app: the one ConflictError and the one version check.

A row carries a `version` the client read; a write locks the row and calls `check_version`, or uses
`save_if_version`, a conditional UPDATE. The API turns ConflictError into 412 (core.api).
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _


class ConflictError(Exception):
    """Someone else saved the object since it was read; carries what they changed."""

    def __init__(self, message, *, current=None, changes=None):
        super().__init__(message)
        self.current = current
        self.changes = changes or {}


def check_version(
    current, expected_version, message, *, changes=None, required=False, shown=None, fingerprint=None
) -> None:
    """ConflictError unless the locked row `current` still has the version the client read.

    `message` may name %(version)s (the row's version now) and %(had)s (the one read). No version
    (None) means the caller chose not to check, unless `required`. `current` None is a row not made
    yet (a county's first settings): only a client that read no version (None) finds it so. `shown` is
    the object the conflict carries back when the row is a part of it (an instruction's reach: the
    API shows the instruction). `fingerprint` stands for the version of a row that has no `version`
    field (a hash of its editable fields, which is also its ETag): the client's tag must equal it.
    """
    if current is None:
        if expected_version is None:
            return
    elif expected_version is None and not required:
        return
    elif expected_version is not None and _matches(current, expected_version, fingerprint):
        return
    now = getattr(current, "version", None) if fingerprint is None else fingerprint
    raise ConflictError(
        str(message) % {"version": now, "had": expected_version},
        current=shown if shown is not None else current,
        changes=changes,
    )


def _matches(current, expected_version, fingerprint) -> bool:
    if fingerprint is not None:
        return str(expected_version) == fingerprint
    return int(expected_version) == current.version


def save_if_version(instance, expected_version: int, changes: dict):
    """Apply `changes` and bump `version` only if the row still has `expected_version`; else ConflictError.

    One conditional UPDATE, so two clients that read the same version cannot both win, on SQLite
    as on PostgreSQL. Many-to-many values in `changes` are set after the row update. Audit the
    change in the service that calls this when the object matters.
    """
    model = type(instance)
    fields = {name: model._meta.get_field(name) for name in changes}
    plain = {name: value for name, value in changes.items() if not fields[name].many_to_many}
    with transaction.atomic():
        for name, value in plain.items():
            setattr(instance, name, value)
        instance.full_clean()
        values = {fields[name].attname: getattr(instance, fields[name].attname) for name in plain}
        updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1, **values
        )
        if not updated:
            current = model.objects.get(pk=instance.pk)
            raise ConflictError(
                _(
                    "This record was changed by someone else (now version %(version)s); reload it and apply your "
                    "changes again."
                )
                % {"version": current.version},
                current=current,
                changes={
                    name: getattr(current, fields[name].attname)
                    for name in plain
                    if getattr(current, fields[name].attname) != values[fields[name].attname]
                },
            )
        for name, value in changes.items():
            if name not in plain:
                getattr(instance, name).set(value)
    instance.refresh_from_db()
    return instance
