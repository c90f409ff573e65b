"""Checking the audit log's hash chain, and the retention purge that is the only way rows leave it."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import audit_keys
from .audit import _lock_chain, audit_record, event_hash, unkeyed_hash
from .models import AuditEvent

# Never below this, whatever a setting or a caller says (Cybersecurity Law art. 21: six months).
MINIMUM_RETENTION_DAYS = 184
PURGE_ACTION = "audit.purged"


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # "altered" or "removed"
    event_id: int  # the first record found wrong (altered) or the first after the hole (removed)
    detail: str


def verify_chain(batch_size=2000, anchors=None) -> tuple[int, ChainProblem | None]:
    """Walk the log in id order; return (records checked, first problem or None).

    A record whose stored hash does not match its content was altered. A record whose prev_hash
    is not the hash of the record before it follows a removal (ids missing in between) or a
    record that was altered and re-hashed (no ids missing). Ids alone prove nothing: PostgreSQL
    skips ids of rolled-back inserts, so a gap with an intact chain is normal.

    Hashes are keyed (HMAC under the audit key). Records written before the key verify with the
    public formula, but only up to the first keyed record: from there on a record hashed with the
    public formula was written by someone without the key. Then every signed anchor (the anchor
    file, or ``anchors``) must name a record still present with the hash it had: a log cut after
    its last anchor is caught.
    """
    anchors = audit_keys.anchors_read() if anchors is None else anchors
    checked, prev, keyed, last_id = 0, None, False, 0
    queryset = AuditEvent.objects.order_by("id")
    seen = {}
    wanted = {a.get("last_id") for a in anchors}
    while True:
        batch = list(queryset.filter(id__gt=last_id)[:batch_size])
        if not batch:
            return checked, _check_anchors(anchors, seen, prev)
        for event in batch:
            keyed = keyed or event.hash == event_hash(event)
            problem = _check(event, prev, keyed)
            if problem:
                return checked, problem
            if event.id in wanted:
                seen[event.id] = event.hash
            prev, checked, last_id = event, checked + 1, event.id


def _check(event, prev, keyed) -> ChainProblem | None:
    expected = event_hash(event) if keyed else unkeyed_hash(event)
    if expected != event.hash:
        return ChainProblem(
            "altered",
            event.id,
            f"record {event.id} does not match its hash"
            + (
                " (its hash is not keyed: written without the audit key)"
                if keyed and event.hash == unkeyed_hash(event)
                else ""
            ),
        )
    if prev is None:
        return _check_first(event)
    if event.prev_hash != prev.hash:
        if event.id - prev.id > 1:
            return ChainProblem(
                "removed",
                event.id,
                f"records {prev.id + 1}–{event.id - 1} were removed (record {event.id} "
                f"does not chain to record {prev.id})",
            )
        return ChainProblem(
            "altered", prev.id, f"record {prev.id} was altered and re-hashed (record {event.id} no longer chains to it)"
        )
    return None


def _check_anchors(anchors, seen, head) -> ChainProblem | None:
    purged_to = max(
        (e["new"].get("up_to_id", 0) for e in AuditEvent.objects.filter(action=PURGE_ACTION).values("new")), default=0
    )
    for anchor in anchors:
        anchored = anchor.get("last_id", 0)
        if not audit_keys.signature_ok(anchor):
            return ChainProblem(
                "anchor",
                anchored,
                f"the anchor of {anchor.get('at')} is not signed with the audit key: the anchor file was altered",
            )
        if anchored == 0 or anchored <= purged_to:
            continue
        if anchored not in seen:
            return ChainProblem(
                "removed",
                anchored,
                f"record {anchored}, the head anchored at {anchor.get('at')}, "
                f"is gone: the log was cut (it now ends at record "
                f"{head.id if head else 0})",
            )
        if seen[anchored] != anchor.get("last_hash"):
            return ChainProblem(
                "altered", anchored, f"record {anchored} no longer has the hash anchored at {anchor.get('at')}"
            )
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
        audit_record(
            action=PURGE_ACTION,
            by=by,
            object_type="accounts.AuditEvent",
            new={"up_to_id": last["id"], "last_hash": last["hash"], "count": count, "cutoff": cutoff.isoformat()},
        )
    return count
