"""Checking the audit log's hash chain, and the retention purge that is the only way rows leave it."""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent
from .services import _lock_chain, audit_record, event_hash

# Never below this, whatever a setting or a caller says (Cybersecurity Law art. 21: six months).
MINIMUM_RETENTION_DAYS = 184
PURGE_ACTION = "audit.purged"


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # "altered" or "removed"
    event_id: int  # the first record found wrong (altered) or the first after the hole (removed)
    detail: str


def verify_chain(batch_size=2000) -> tuple[int, ChainProblem | None]:
    """Walk the log in id order; return (records checked, first problem or None).

    A record whose stored hash does not match its content was altered. A record whose prev_hash
    is not the hash of the record before it follows a removal (ids missing in between) or a
    record that was altered and re-hashed (no ids missing). Ids alone prove nothing: PostgreSQL
    skips ids of rolled-back inserts, so a gap with an intact chain is normal.
    """
    checked, prev = 0, None
    queryset = AuditEvent.objects.order_by("id")
    last_id = 0
    while True:
        batch = list(queryset.filter(id__gt=last_id)[:batch_size])
        if not batch:
            return checked, None
        for event in batch:
            problem = _check(event, prev)
            if problem:
                return checked, problem
            prev, checked, last_id = event, checked + 1, event.id


def _check(event, prev) -> ChainProblem | None:
    if event_hash(event) != event.hash:
        return ChainProblem("altered", event.id, f"record {event.id} does not match its hash")
    if prev is None:
        return _check_first(event)
    if event.prev_hash != prev.hash:
        if event.id - prev.id > 1:
            return ChainProblem("removed", event.id,
                                f"records {prev.id + 1}–{event.id - 1} were removed (record {event.id} "
                                f"does not chain to record {prev.id})")
        return ChainProblem("altered", prev.id, f"record {prev.id} was altered and re-hashed "
                                                f"(record {event.id} no longer chains to it)")
    return None


def _check_first(event) -> ChainProblem | None:
    # The oldest surviving record starts the chain (prev_hash empty) or follows a purge, which
    # recorded the last hash it removed.
    if event.prev_hash == "":
        return None
    purge = AuditEvent.objects.filter(action=PURGE_ACTION, new__last_hash=event.prev_hash).exists()
    if purge:
        return None
    return ChainProblem("removed", event.id, f"records before {event.id} were removed outside the retention purge")


def retention_cutoff(days=None):
    days = max(MINIMUM_RETENTION_DAYS, days if days is not None else settings.AUDIT_RETENTION_DAYS)
    return timezone.now() - timedelta(days=days)


def audit_purge(*, days=None, by=None) -> int:
    """Delete audit records older than the retention period (never younger than 184 days).

    Only whole leading stretches go, so the chain stays verifiable: the purge records the hash of
    the last record it removed, and `verify_audit` accepts the first survivor chaining to it. On
    PostgreSQL the append-only trigger lets a DELETE through only in a transaction that set
    `accounts.audit_purge`, and even then only for rows older than 184 days.
    """
    cutoff = retention_cutoff(days)
    with transaction.atomic():
        _lock_chain()
        first_young = AuditEvent.objects.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        doomed = AuditEvent.objects.filter(at__lt=cutoff)
        if first_young is not None:
            doomed = doomed.filter(id__lt=first_young)
        last = doomed.order_by("-id").values("id", "hash").first()
        if last is None:
            return 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL accounts.audit_purge = 'on'")
        count, _ = AuditEvent.objects.filter(id__lte=last["id"]).delete()
        audit_record(action=PURGE_ACTION, by=by, object_type="accounts.AuditEvent",
                     new={"up_to_id": last["id"], "last_hash": last["hash"], "count": count,
                          "cutoff": cutoff.isoformat()})
    return count
