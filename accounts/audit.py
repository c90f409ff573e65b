"""The audit log's writer: one hash-chained, keyed record per write that matters.

Kept apart from accounts.services so that every module of accounts (the channels, the tokens, the
lockout) and every app can audit without importing the notification side, which imports them.
"""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from . import context
from .audit_keys import keyed_digest
from .models import AuditEvent

# Any constant works; it only has to be the same for every writer of the audit chain.
AUDIT_CHAIN_LOCK = 732_001


def jsonable(value):
    """Turn model values into JSON the audit log can keep (Decimals as strings keep their precision)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def snapshot(obj, fields) -> dict:
    """The named fields of obj as JSON-ready values; foreign keys by id."""
    result = {}
    for name in fields:
        field = obj._meta.get_field(name)
        result[name] = jsonable(getattr(obj, field.attname))
    return result


def _payload(event: AuditEvent) -> bytes:
    return json.dumps(
        [
            event.prev_hash,
            event.at.isoformat(),
            event.user_id,
            event.username,
            event.ip,
            event.action,
            event.object_type,
            event.object_id,
            event.object_repr,
            event.old,
            event.new,
            event.outcome,
        ],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    ).encode("utf-8")


def event_hash(event: AuditEvent) -> str:
    """The record's hash: HMAC-SHA256 under the audit key, which the database does not hold."""
    return keyed_digest(_payload(event))


def unkeyed_hash(event: AuditEvent) -> str:
    """The public formula records had before the key (kept only to verify those older records)."""
    return hashlib.sha256(_payload(event)).hexdigest()


KEYED_ACTION = "audit.keyed"


def _lock_chain():
    # Two writers must not both read the same last hash; PostgreSQL serialises them with an
    # advisory lock held to the end of the transaction. SQLite serialises writers by itself.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])


def _fitted_id(object_id: str) -> str:
    """An id longer than the column (a knox token's primary key is its 128-character digest) is kept
    as a digest of itself, so PostgreSQL stores the event instead of refusing it; SQLite would not
    have noticed the length."""
    limit = AuditEvent._meta.get_field("object_id").max_length
    if len(object_id) <= limit:
        return object_id
    return "sha256:" + hashlib.sha256(object_id.encode()).hexdigest()[: limit - len("sha256:")]


def audit_record(
    *,
    action,
    by=None,
    obj=None,
    old=None,
    new=None,
    outcome="success",
    object_type="",
    object_id="",
    object_repr="",
    username="",
) -> AuditEvent:
    """Append one audit event, chained to the previous one by hash."""
    ctx = context.current()
    user = by if getattr(by, "is_authenticated", False) else None
    event = AuditEvent(
        at=timezone.now(),
        user=user,
        username=username or (user.get_username() if user else ""),
        ip=ctx.ip,
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=_fitted_id(str(object_id or (obj.pk if obj is not None else ""))),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        old=jsonable(old) if old is not None else None,
        new=jsonable(new) if new is not None else None,
        outcome=outcome,
    )
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").first()
        if last is not None and last.action != KEYED_ACTION and last.hash == unkeyed_hash(last):
            last = _mark_keyed(last)
        event.prev_hash = last.hash if last else ""
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event


def _mark_keyed(last: AuditEvent) -> AuditEvent:
    """A chain begun before the key: a marker, itself keyed, says where keyed records begin.

    Records up to the marker keep their public hashes (verify_audit checks them as they were); from
    the marker on only keyed hashes verify, so a record appended with the public formula is caught.
    """
    marker = AuditEvent(
        at=timezone.now(),
        action=KEYED_ACTION,
        object_type="accounts.AuditEvent",
        new={"after_id": last.id, "last_unkeyed_hash": last.hash},
        prev_hash=last.hash,
    )
    marker.hash = event_hash(marker)
    marker.save(force_insert=True)
    return marker
