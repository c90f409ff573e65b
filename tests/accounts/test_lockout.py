"""Five wrong passwords lock a name for 30 minutes; too many from one address lock the address."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.0.0.5"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_the_name_even_for_the_right_password(client, dept_reporter):
    for _ in range(4):
        assert login(client, "nongye", "wrong-Pass-1").status_code == 200
    assert login(client, "nongye", "wrong-Pass-1").status_code == 429
    response = login(client, "nongye", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    locked = AuditEvent.objects.filter(action="auth.locked", username="nongye")
    assert locked.count() >= 1 and locked.first().new["minutes"] == 30
    assert AuditEvent.objects.filter(action="auth.login_failed", username="nongye").count() >= 5


def test_lock_ends_after_thirty_minutes_and_the_unlock_is_audited(client, dept_reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, "nongye", "wrong-Pass-1")
    # (A try during the lock counts as a failure and restarts the 30 minutes, so none here.)
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = login(client, "nongye", PASSWORD)
        assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.unlocked", username="nongye").exists()


def test_administrator_reset_unlocks_and_is_audited(client, dept_reporter):
    for _ in range(5):
        login(client, "nongye", "wrong-Pass-1")
    call_command("axes_reset_username", "nongye")
    assert AuditEvent.objects.filter(action="auth.unlocked", username="nongye").exists()
    assert login(client, "nongye", PASSWORD).status_code == 302


def test_other_names_are_not_locked_by_someone_elses_failures(client, dept_reporter, town_reporter):
    for _ in range(5):
        login(client, "nongye", "wrong-Pass-1")
    assert login(client, "damen", PASSWORD).status_code == 302


def test_address_with_many_failures_on_many_names_is_locked(client, settings, dept_reporter):
    settings.ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        login(client, f"guess{n}", "wrong-Pass-1", ip="10.7.7.7")
    assert login(client, "nongye", PASSWORD, ip="10.7.7.7").status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.address_locked", new__ip="10.7.7.7").exists()
    assert login(client, "nongye", PASSWORD, ip="10.7.7.8").status_code == 302


def test_api_token_endpoint_still_works_and_is_locked_too(api, dept_reporter):
    response = api.post("/api/auth/token/", {"username": "nongye", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]
    for _ in range(5):
        api.post("/api/auth/token/", {"username": "nongye", "password": "wrong-Pass-1"})
    response = api.post("/api/auth/token/", {"username": "nongye", "password": PASSWORD})
    assert response.status_code in (400, 429)
    assert '"token"' not in response.content.decode()


def test_checks_are_reserved_before_the_password_is_read_and_a_success_gives_them_back(client, dept_reporter):
    from accounts.models import LoginGuard

    for _ in range(3):
        login(client, "nongye", "wrong-Pass-1", ip="10.0.0.6")
    assert LoginGuard.objects.get(key="name:nongye").checks == 3
    assert LoginGuard.objects.get(key="ip:10.0.0.6").checks == 3
    assert login(client, "nongye", PASSWORD, ip="10.0.0.6").status_code == 302
    assert not LoginGuard.objects.filter(key="name:nongye").exists()
    assert LoginGuard.objects.get(key="ip:10.0.0.6").checks == 3  # the others' failures still count
