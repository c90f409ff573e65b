"""API tokens end with whatever ends a session: idle and absolute time, log-out, password change,
lockout, a change of role, unit or region, deactivation. Only their digest is stored."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuditEvent, Notification, Role, User

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def issue(username="nongye"):
    response = APIClient().post("/api/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def reads(token) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/plans/").status_code


def test_only_a_digest_of_the_token_is_stored(dept_reporter):
    token = issue()
    stored = ApiToken.objects.get(user=dept_reporter)
    assert token not in (stored.digest, stored.token_key, stored.access_stamp)
    assert reads(token) == 200
    assert reads(token[:-1] + ("0" if token[-1] != "0" else "1")) == 401


def test_a_token_lapses_after_thirty_minutes_unused(dept_reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = issue()
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert reads(token) == 401


def test_use_keeps_a_token_alive_but_never_past_twelve_hours(dept_reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = issue()
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert reads(token) == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert reads(token) == 401
    with time_machine.travel(start + timedelta(days=400), tick=False):
        assert reads(token) == 401


def test_logging_out_in_the_browser_ends_the_tokens(client, dept_reporter):
    token = issue()
    client.force_login(dept_reporter)
    client.post("/accounts/logout/")
    assert reads(token) == 401
    assert AuditEvent.objects.filter(action="auth.token_revoked", new__reason="logout").exists()


def test_the_api_logout_ends_the_callers_tokens(dept_reporter):
    token, other = issue(), issue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/auth/logout/").status_code == 204
    assert reads(token) == 401 and reads(other) == 401


def test_changing_the_password_ends_the_tokens(client, dept_reporter):
    token = issue()
    client.force_login(dept_reporter)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Fresh-pass-2026", "new_password2": "Fresh-pass-2026"},
    )
    assert response.status_code == 302
    assert reads(token) == 401


def test_a_lockout_ends_the_tokens_of_the_name(dept_reporter):
    token = issue()
    for _ in range(5):
        APIClient().post("/accounts/login/", {"username": "nongye", "password": "wrong-Pass-1"})
    assert reads(token) == 401
    assert AuditEvent.objects.filter(action="auth.token_revoked", new__reason="lockout").exists()


@pytest.mark.parametrize(
    "change", [{"role": Role.SUPERVISOR, "unit": None}, {"is_active": False}, {"password": "md5$other$hash"}]
)
def test_a_change_made_anywhere_to_the_account_ends_the_token(dept_reporter, change):
    token = issue()
    # Straight in the database, as an admin form, a shell or a future code path might: the stamp catches it.
    User.objects.filter(pk=dept_reporter.pk).update(**change)
    assert reads(token) == 401
    assert not ApiToken.objects.filter(user=dept_reporter).exists()


def test_moving_a_reporter_to_another_unit_through_the_api_ends_the_token(dept_reporter, other_unit):
    from accounts.services.users import user_fingerprint, user_update

    token = issue()
    admin = User.objects.create(username="sysadmin", role=Role.ADMIN, is_staff=True)
    user_update(user=dept_reporter, by=admin, expected_fingerprint=user_fingerprint(dept_reporter), unit=other_unit)
    assert not ApiToken.objects.filter(user=dept_reporter).exists()
    assert reads(token) == 401


def test_the_token_answer_says_when_it_lapses(dept_reporter):
    response = APIClient().post("/api/auth/token/", {"username": "nongye", "password": PASSWORD}, format="json")
    assert set(response.json()) == {"token", "expiry"}


def test_old_drf_tokens_are_retired_and_their_holders_told(dept_reporter):
    from importlib import import_module

    from django.apps import apps

    retire = import_module("accounts.migrations.0007_retire_drf_tokens").retire
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, user_id bigint)")
        cursor.execute(
            "INSERT INTO authtoken_token VALUES ('0123456789abcdef', CURRENT_TIMESTAMP, %s)", [dept_reporter.pk]
        )

    class Editor:  # what the migration uses of a schema editor, inside the test's transaction
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    retire(apps, Editor())
    assert "authtoken_token" not in connection.introspection.table_names()
    note = Notification.objects.get(user=dept_reporter, kind="auth.token_retired")
    assert "/api/auth/token/" in note.message
