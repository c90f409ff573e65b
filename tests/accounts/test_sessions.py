"""Sessions end after 30 minutes idle and 12 hours in all; a password change ends the other sessions;
an account an administrator created must change its password first."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    return client


def test_session_ends_after_thirty_idle_minutes(supervisor, plan):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = logged_in(supervisor)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert AuditEvent.objects.filter(action="auth.session_expired", new__reason="idle").exists()


def test_session_ends_after_twelve_hours_even_when_active(supervisor, plan):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = logged_in(supervisor)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired", new__reason="absolute").exists()


def test_password_change_ends_the_users_other_sessions(supervisor, plan):
    phone, desk = logged_in(supervisor), logged_in(supervisor)
    response = desk.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Fresh-pass-2025", "new_password2": "Fresh-pass-2025"},
    )
    assert response.status_code == 302
    assert desk.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.password_changed", username="duchashi").exists()


def test_weak_new_password_is_refused_with_the_reason(supervisor):
    client = logged_in(supervisor)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "alllowercase", "new_password2": "alllowercase"},
    )
    assert response.status_code == 200
    assert b'data-field-error="new_password2"' in response.content


def test_account_made_by_an_administrator_goes_to_password_change_first(supervisor, plan):
    supervisor.must_change_password = True
    supervisor.save()
    client = logged_in(supervisor)
    response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
    assert client.get("/api/plans/").status_code == 403
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Fresh-pass-2025", "new_password2": "Fresh-pass-2025"},
    )
    supervisor.refresh_from_db()
    assert not supervisor.must_change_password
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
