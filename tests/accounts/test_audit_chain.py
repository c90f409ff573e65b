"""The audit log is append-only and hash-chained; verify_audit names the first altered or removed record;
the retention purge never removes anything younger than 184 days."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts import audit_keys
from accounts.audit_chain import audit_purge, verify_chain
from accounts.models import AuditEvent
from accounts.services import audit_record

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL=postgres://...)",
)


def make_events(n, user=None):
    return [
        audit_record(action="test.event", by=user, object_type="test", object_id=str(i), new={"i": i}) for i in range(n)
    ]


def raw(sql, params=()):
    """Tamper as someone with database access would: raw SQL, past the trigger on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER accounts_auditevent_append_only")


def verify_message():
    with pytest.raises(CommandError) as info:
        call_command("verify_audit")
    return str(info.value)


def test_intact_log_verifies(capsys):
    make_events(5)
    call_command("verify_audit")
    assert "5 records checked" in capsys.readouterr().out


def test_altered_record_is_reported_by_id():
    events = make_events(5)
    raw("UPDATE accounts_auditevent SET new = %s WHERE id = %s", ['{"i": 99}', events[2].id])
    assert f"altered at record {events[2].id}" in verify_message()


def test_altered_and_rehashed_record_is_caught_by_the_next_link():
    from accounts.services import event_hash

    events = make_events(5)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.username = "nobody"
    raw(
        "UPDATE accounts_auditevent SET username = %s, hash = %s WHERE id = %s",
        ["nobody", event_hash(forged), forged.id],
    )
    assert f"altered at record {events[1].id}" in verify_message()


def test_removed_record_is_reported_with_the_gap():
    events = make_events(5)
    raw("DELETE FROM accounts_auditevent WHERE id = %s", [events[3].id])
    message = verify_message()
    assert f"removed at record {events[4].id}" in message and f"{events[3].id}" in message


def test_removed_oldest_records_are_reported():
    events = make_events(4)
    raw("DELETE FROM accounts_auditevent WHERE id <= %s", [events[1].id])
    assert f"removed at record {events[2].id}" in verify_message()


def test_purge_keeps_records_younger_than_184_days_whatever_it_is_asked():
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=200), tick=False):
        old = make_events(3)
    with time_machine.travel(now - timedelta(days=150), tick=False):
        young = make_events(2)
    assert audit_purge(days=30) == 3
    remaining = set(AuditEvent.objects.values_list("id", flat=True))
    assert not remaining & {e.id for e in old}
    assert {e.id for e in young} <= remaining
    assert AuditEvent.objects.filter(action="audit.purged", new__count=3).exists()
    checked, problem = verify_chain()
    assert problem is None and checked == len(remaining)


def test_purge_command_and_task_use_the_same_floor(capsys):
    from accounts.tasks import audit_purge_task

    now = timezone.now()
    with time_machine.travel(now - timedelta(days=185), tick=False):
        make_events(2)
    with time_machine.travel(now - timedelta(days=183), tick=False):
        keep = make_events(1)[0]
    call_command("purge_audit", "--days", "1")
    assert "purged 2" in capsys.readouterr().out
    assert audit_purge_task.delay().get() == 0
    assert AuditEvent.objects.filter(pk=keep.pk).exists()


@on_postgres
def test_postgres_refuses_update_and_delete_of_audit_rows():
    event = make_events(1)[0]
    for sql in (
        "UPDATE accounts_auditevent SET username = 'x' WHERE id = %s",
        "DELETE FROM accounts_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.id])
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk, username="").exists()


@on_postgres
def test_postgres_purge_flag_does_not_unlock_young_rows():
    event = make_events(1)[0]
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL accounts.audit_purge = 'on'")
            cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [event.id])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_record_appended_with_the_public_formula_fails_verification():
    """Someone with INSERT but not the key adds a 'report.approve by duchashi' hashed as the code once did."""
    from accounts.services import unkeyed_hash

    events = make_events(3)
    forged = AuditEvent(
        at=timezone.now(),
        username="duchashi",
        action="report.approve",
        object_type="targets.Report",
        object_id="7",
        new={"status": "approved"},
        outcome="success",
        prev_hash=events[-1].hash,
    )
    forged.hash = unkeyed_hash(forged)
    raw(
        "INSERT INTO accounts_auditevent (at, username, action, object_type, object_id, object_repr, new, outcome, "
        "prev_hash, hash) VALUES (%s, %s, %s, %s, %s, '', %s, %s, %s, %s)",
        [
            forged.at,
            forged.username,
            forged.action,
            forged.object_type,
            forged.object_id,
            '{"status": "approved"}',
            forged.outcome,
            forged.prev_hash,
            forged.hash,
        ],
    )
    message = verify_message()
    assert "altered at record" in message and "written without the audit key" in message


def test_cutting_the_newest_records_fails_verification_against_the_anchor(capsys):
    events = make_events(5)
    call_command("verify_audit", "--anchor")
    assert f"anchored record {events[-1].id}" in capsys.readouterr().out
    raw("DELETE FROM accounts_auditevent WHERE id >= %s", [events[3].id])
    message = verify_message()
    assert f"removed at record {events[-1].id}" in message and "the log was cut" in message


def test_an_anchor_file_edited_to_match_a_cut_log_fails_its_signature(settings):
    import json

    events = make_events(4)
    anchor = audit_keys.anchor_write()
    raw("DELETE FROM accounts_auditevent WHERE id = %s", [events[-1].id])
    anchor.update(last_id=events[-2].id, last_hash=events[-2].hash)
    settings.AUDIT_ANCHOR_FILE.write_text(json.dumps(anchor) + "\n")
    assert "not signed with the audit key" in verify_message()


def test_a_chain_begun_before_the_key_is_marked_and_checked_in_both_parts(settings):
    """Upgrading: records hashed with the public formula stay verifiable; keyed hashing starts at a marker."""
    from accounts.services import KEYED_ACTION, unkeyed_hash

    events = make_events(3)
    prev = ""
    for event in events:  # rewrite them as the previous release wrote them
        event.prev_hash = prev
        event.hash = unkeyed_hash(event)
        raw("UPDATE accounts_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [prev, event.hash, event.id])
        prev = event.hash
    after = audit_record(action="test.after_upgrade")
    marker = AuditEvent.objects.get(action=KEYED_ACTION)
    assert marker.new == {"after_id": events[-1].id, "last_unkeyed_hash": events[-1].hash}
    assert events[-1].id < marker.id < after.id
    assert verify_chain() == (5, None)


def test_the_hourly_beat_task_writes_a_signed_anchor(settings):
    from accounts.tasks import audit_anchor_task

    events = make_events(2)
    assert audit_anchor_task() == events[-1].id
    (anchor,) = audit_keys.anchors_read()
    assert anchor["last_hash"] == events[-1].hash and audit_keys.signature_ok(anchor)
