"""On PostgreSQL the application's role (docker-compose) reads and writes rows but cannot disable
the audit trigger, rewrite or truncate the audit log: the red-team pass found the application
connecting as the owner of its tables."""

import uuid

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from ..conftest import POSTGRES_ONLY

pytestmark = POSTGRES_ONLY


@pytest.fixture
def app_role():
    name, password = f"rp_app_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" LOGIN PASSWORD %s', [password])
    call_command("grant_app_role", name)
    settings = connection.settings_dict
    as_app = psycopg2.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=name,
        password=password,
    )
    as_app.autocommit = True
    yield as_app
    as_app.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{name}"')
        cursor.execute(f'DROP ROLE "{name}"')


def refused(as_app, sql):
    with as_app.cursor() as cursor, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cursor.execute(sql)


def test_the_app_role_writes_rows_but_cannot_touch_the_audit_trigger_or_rewrite_the_log(app_role, supervisor):
    from accounts.services import audit_record

    audit_record(action="test.event", by=supervisor)
    with app_role.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_auditevent")
        assert cursor.fetchone()[0] == 1
        cursor.execute("UPDATE accounts_user SET first_name = 'x' WHERE username = 'duchashi'")
        assert cursor.rowcount == 1
    refused(app_role, "ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_append_only")
    refused(app_role, "UPDATE accounts_auditevent SET username = 'nobody'")
    refused(app_role, "TRUNCATE accounts_auditevent")
    refused(app_role, "DROP TABLE accounts_auditevent")
