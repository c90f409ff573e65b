"""Passwords, reserved names, separated roles."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError

from accounts.models import Role, User

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["short1A!", "Qzvbnkmt7", "qzvbnkm#7", "QZVB-7264x"])
def test_password_with_three_character_classes_is_accepted(password):
    validate_password(password)


@pytest.mark.parametrize("password", ["abcdefgh", "abcd1234x", "ABCDEFGHi", "Ab1!", "wordsonly!!!"])
def test_weak_password_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("name", ["admin", "Admin", "ROOT", "administrator"])
def test_reserved_account_name_is_refused_by_the_model(name, county):
    user = User(username=name, role=Role.LEADER, region=county)
    with pytest.raises(ValidationError) as info:
        user.full_clean(exclude=["password"])
    assert "username" in info.value.message_dict


def test_createsuperuser_refuses_admin_and_makes_an_administrator(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Strong-pass-2025")
    with pytest.raises(Exception):
        call_command("createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.org")
    assert not User.objects.filter(username="admin").exists()
    call_command("createsuperuser", "--noinput", "--username", "zhangsan", "--email", "z@example.org")
    user = User.objects.get(username="zhangsan")
    assert (user.role, user.is_superuser, user.is_staff) == (Role.ADMIN, True, True)


def test_auditor_cannot_be_superuser_or_staff_even_bypassing_forms(county):
    auditor = UserFactory(role=Role.AUDITOR, region=county)
    auditor.is_superuser = True
    with pytest.raises(ValidationError) as info:
        auditor.full_clean(exclude=["password"])
    assert "is_superuser" in info.value.message_dict
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=auditor.pk).update(is_superuser=True)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEADER, Role.AUDITOR])
def test_only_administrators_are_staff(role, county):
    with pytest.raises(IntegrityError):
        UserFactory(role=role, region=county, is_staff=True)


def test_admin_created_account_must_change_password_and_role_change_is_audited(client, county, dept):
    from accounts.models import AuditEvent

    admin = UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newclerk",
            "password1": "Start-pass-2025",
            "password2": "Start-pass-2025",
            "role": Role.REPORTER,
            "unit": dept.pk,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    clerk = User.objects.get(username="newclerk")
    assert clerk.must_change_password
    created = AuditEvent.objects.get(action="user.create", object_id=str(clerk.pk))
    assert created.new["role"] == Role.REPORTER and created.username == "sysadmin"

    data = {
        "username": "newclerk",
        "role": Role.SUPERVISOR,
        "region": county.pk,
        "unit": "",
        "is_active": "on",
        "must_change_password": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "first_name": "",
        "last_name": "",
        "email": "",
    }
    response = client.post(f"/admin/accounts/user/{clerk.pk}/change/", data)
    assert response.status_code == 302, response.content[:3000]
    change = AuditEvent.objects.get(action="user.access_change", object_id=str(clerk.pk))
    assert change.old == {"role": "reporter", "unit": dept.pk, "region": None}
    assert change.new == {"role": "supervisor", "unit": None, "region": county.pk}


def test_password_set_by_an_administrator_must_be_replaced(client, dept_reporter):
    from accounts.models import AuditEvent

    admin = UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{dept_reporter.pk}/password/",
        {"password1": "Reset-pass-2025", "password2": "Reset-pass-2025", "usable_password": "true"},
    )
    assert response.status_code == 302
    dept_reporter.refresh_from_db()
    assert dept_reporter.must_change_password and dept_reporter.check_password("Reset-pass-2025")
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(dept_reporter.pk)).exists()
