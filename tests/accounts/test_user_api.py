"""User accounts over the API: administrators only, passwords write-only, every change audited."""

import pytest

from accounts.models import AuditEvent, Role, User

from ..conftest import api_as
from ..factories import UserFactory


@pytest.fixture
def admin(db):
    return UserFactory(username="sysadmin", role=Role.ADMIN)


def test_an_administrator_creates_a_reporter_who_must_change_the_password(admin, dept):
    response = api_as(admin).post(
        "/api/users/",
        {"username": "xiaowang", "role": "reporter", "unit": dept.pk, "password": "Qx7-long-pass"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert "password" not in response.json()
    assert response.json()["must_change_password"] is True
    created = User.objects.get(username="xiaowang")
    assert created.check_password("Qx7-long-pass") and created.unit == dept
    event = AuditEvent.objects.get(action="user.create")
    assert "password" not in event.new and event.new["role"] == "reporter"


def test_no_password_is_ever_readable(admin, dept_reporter):
    client = api_as(admin)
    assert all("password" not in row for row in client.get("/api/users/").json()["results"])
    assert "password" not in client.get(f"/api/users/{dept_reporter.pk}/").json()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"username": "a1", "role": "reporter", "password": "Qx7-long-pass"}, "unit"),
        ({"username": "a2", "role": "supervisor", "password": "123"}, "password"),
        ({"username": "a3", "role": "leader"}, "password"),
        (
            {"username": "a4", "role": "leader", "password": "Qx7-long-pass", "must_change_password": False},
            "must_change_password",
        ),
    ],
)
def test_a_bad_account_is_refused_with_the_field_named(admin, payload, field):
    response = api_as(admin).post("/api/users/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not User.objects.filter(username=payload["username"]).exists()


def test_a_role_change_needs_if_match_and_is_audited(admin, dept_reporter, county):
    client = api_as(admin)
    url = f"/api/users/{dept_reporter.pk}/"
    change = {"role": "supervisor", "unit": None, "region": county.code}
    assert client.patch(url, change, format="json").status_code == 428
    etag = client.get(url)["ETag"]
    response = client.patch(url, change, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["role"] == "supervisor" and response.json()["region"] == county.code
    event = AuditEvent.objects.get(action="user.role_change")
    assert event.old["role"] == "reporter" and event.new["role"] == "supervisor"
    assert client.patch(url, {"first_name": "王"}, format="json", HTTP_IF_MATCH=etag).status_code == 412


def test_setting_a_password_makes_the_user_change_it_again(admin, dept_reporter):
    client = api_as(admin)
    url = f"/api/users/{dept_reporter.pk}/"
    response = client.patch(url, {"password": "Nw9-long-pass"}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 200
    dept_reporter.refresh_from_db()
    assert dept_reporter.check_password("Nw9-long-pass") and dept_reporter.must_change_password
    assert AuditEvent.objects.get(action="user.update").new["password"] == "changed"


@pytest.fixture
def county_admin(county):
    return UserFactory(username="county_admin", role=Role.ADMIN, region=county)


def test_an_administrator_of_a_region_creates_accounts_only_inside_it(county_admin, county, dept):
    from ..factories import RegionFactory

    other = RegionFactory(code="610429000000", name="旬邑县", level="county")
    client = api_as(county_admin)
    inside = {"username": "in1", "role": "supervisor", "region": county.code, "password": "Qx7-long-pass"}
    assert client.post("/api/users/", inside, format="json").status_code == 201
    assert (
        client.post(
            "/api/users/",
            inside | {"username": "rep1", "role": "reporter", "region": None, "unit": dept.pk},
            format="json",
        ).status_code
        == 201
    )
    for refused in (
        inside | {"username": "out1", "region": other.code},
        inside | {"username": "all1", "role": "admin", "region": None},
    ):
        response = client.post("/api/users/", refused, format="json")
        assert response.status_code == 403, response.json()
        assert response.json()["code"] == "permission_denied"
        assert response.json()["message"] == "该账号的区域或单位不在您的辖区内。"
        assert not User.objects.filter(username=refused["username"]).exists()


def test_an_administrator_of_a_region_cannot_move_an_account_out_of_it(county_admin, dept_reporter):
    client = api_as(county_admin)
    url = f"/api/users/{dept_reporter.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"role": "admin", "unit": None, "region": None}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 403, response.json()
    dept_reporter.refresh_from_db()
    assert dept_reporter.role == Role.REPORTER and dept_reporter.unit_id is not None
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()
