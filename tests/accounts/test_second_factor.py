"""TOTP second factor: set up with a QR code drawn locally, asked at every log-in, required by role."""

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def logged_in(user):
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


def enrol(client, user):
    page = client.get("/accounts/otp/setup/")
    assert page.status_code == 200
    assert b"<svg" in page.content and b"http" not in page.content.split(b"<svg", 1)[1].split(b"</svg>")[0].replace(
        b"http://www.w3.org/2000/svg", b""
    )
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/otp/setup/", {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_any_user_can_enable_totp_and_is_then_asked_for_a_code(dept_reporter, plan):
    client = logged_in(dept_reporter)
    device = enrol(client, dept_reporter)
    assert AuditEvent.objects.filter(action="auth.otp_enabled", username="nongye").exists()

    fresh = logged_in(dept_reporter)
    response = fresh.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")
    assert fresh.get("/api/plans/").status_code == 403
    assert fresh.post("/accounts/otp/verify/", {"token": "000000"}).status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_failed", username="nongye").exists()
    # the throttle after a failure makes django-otp refuse at once; wait it out as a person would
    time.sleep(1.1)
    device.refresh_from_db()
    response = fresh.post("/accounts/otp/verify/", {"token": code_for(device, offset=1)})
    assert response.status_code == 302
    assert fresh.get("/").status_code == 200


def test_password_alone_cannot_enrol_a_new_device(dept_reporter):
    client = logged_in(dept_reporter)
    enrol(client, dept_reporter)
    thief = logged_in(dept_reporter)
    response = thief.get("/accounts/otp/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")


def test_required_roles_must_set_up_totp_before_anything_else(settings, supervisor, dept_reporter, plan):
    settings.OTP_REQUIRED_ROLES = ["admin", "supervisor"]
    client = logged_in(supervisor)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/setup/")
    enrol(client, supervisor)
    assert client.get("/").status_code == 200
    assert logged_in(dept_reporter).get("/").status_code == 200


def test_production_settings_require_totp_of_admins_and_supervisors():
    import subprocess
    import sys

    code = "from django.conf import settings; print(','.join(sorted(settings.OTP_REQUIRED_ROLES)))"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "admin,supervisor"


def test_the_api_token_asks_for_the_code_of_whoever_has_an_authenticator(dept_reporter, plan):
    from rest_framework.test import APIClient

    device = enrol(logged_in(dept_reporter), dept_reporter)
    api = APIClient()
    ask = api.post("/api/auth/token/", {"username": "nongye", "password": PASSWORD}, format="json")
    assert ask.status_code == 400 and "otp" in ask.json()["fields"] and "token" not in ask.json()
    # The next step's code: the current one was spent enrolling, and a code is good only once.
    right = api.post(
        "/api/auth/token/", {"username": "nongye", "password": PASSWORD, "otp": code_for(device, 1)}, format="json"
    )
    assert right.status_code == 200 and right.json()["token"]
    wrong = api.post("/api/auth/token/", {"username": "nongye", "password": PASSWORD, "otp": "000000"}, format="json")
    assert wrong.status_code == 400 and "token" not in wrong.json()
    assert AuditEvent.objects.filter(action="auth.otp_failed", new__via="api-token").exists()


def test_the_api_token_is_refused_to_required_roles_without_an_authenticator(settings, supervisor):
    from rest_framework.test import APIClient

    settings.OTP_REQUIRED_ROLES = ["admin", "supervisor"]
    response = APIClient().post("/api/auth/token/", {"username": "duchashi", "password": PASSWORD}, format="json")
    assert response.status_code == 403 and "token" not in response.json()


def test_the_api_token_waits_for_a_forced_password_change(dept_reporter):
    from rest_framework.test import APIClient

    dept_reporter.must_change_password = True
    dept_reporter.save()
    response = APIClient().post("/api/auth/token/", {"username": "nongye", "password": PASSWORD}, format="json")
    assert response.status_code == 403 and "token" not in response.json()


def test_each_request_reads_its_user_unit_region_and_device_flag_in_one_query(dept_reporter, django_assert_num_queries):
    from accounts.auth_backends import UserBackend

    backend = UserBackend()
    with django_assert_num_queries(1):
        reporter = backend.get_user(dept_reporter.pk)
        assert reporter.unit.name == dept_reporter.unit.name and reporter.region == dept_reporter.region
        assert reporter.has_confirmed_device is False
    TOTPDevice.objects.create(user=dept_reporter, name="phone", confirmed=False)
    assert backend.get_user(dept_reporter.pk).has_confirmed_device is False
    TOTPDevice.objects.create(user=dept_reporter, name="phone 2", confirmed=True)
    assert backend.get_user(dept_reporter.pk).has_confirmed_device is True
    dept_reporter.is_active = False
    dept_reporter.save(update_fields=["is_active"])
    assert backend.get_user(dept_reporter.pk) is None


def test_a_device_confirmed_in_another_session_is_asked_for_on_this_sessions_next_request(dept_reporter, plan):
    """The device flag is read afresh with the user on every request, never kept in the session."""
    first, second = logged_in(dept_reporter), logged_in(dept_reporter)
    assert second.get("/my-work/").status_code == 200
    enrol(first, dept_reporter)
    assert second.get("/my-work/")["Location"].startswith("/accounts/otp/verify/")


def test_sessions_opened_under_the_old_backend_name_survive_the_change(client, dept_reporter, plan):
    """accounts/migrations/0004 moves stored sessions to UserBackend: nobody is logged out by it."""
    import importlib

    from django.apps import apps
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    migration = importlib.import_module("accounts.migrations.0004_sessions_to_user_backend")
    store = SessionStore()
    store.update(
        {
            "_auth_user_id": str(dept_reporter.pk),
            "_auth_user_backend": migration.OLD,
            "_auth_user_hash": dept_reporter.get_session_auth_hash(),
        }
    )
    store.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    assert client.get("/my-work/").status_code == 302  # the old name is no longer configured: logged out
    store = SessionStore()
    store.update(
        {
            "_auth_user_id": str(dept_reporter.pk),
            "_auth_user_backend": migration.OLD,
            "_auth_user_hash": dept_reporter.get_session_auth_hash(),
        }
    )
    store.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    migration.forwards(apps, None)
    assert client.get("/my-work/").status_code == 200
    assert SessionStore(store.session_key).load()["_auth_user_backend"] == migration.NEW
