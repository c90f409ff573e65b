"""/api/instructions/: the same 批示 flow and permissions as the pages; 404 for an instruction not yours, the
same 400 for another unit's object as for a missing one."""

from datetime import date

import pytest
import time_machine

from accounts.models import AuditEvent, Notification, Role
from instructions.models import Instruction

from ..conftest import api_as
from ..factories import ProgressReportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel("2025-06-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def leader(county):
    return UserFactory(username="lingdao", role=Role.LEADER, region=county)


def _issue(client, indicator, **extra):
    return client.post(
        "/api/instructions/", {"on": "indicator", "object_id": indicator.pk, "text": "抓紧推进", **extra}, format="json"
    )


def test_the_flow_over_the_api(leader, indicator, dept, dept_reporter, supervisor):
    answer = _issue(api_as(leader), indicator, due_date="2025-06-30")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["on"] == "indicator" and body["indicator"] == indicator.pk and body["status"] == "issued"
    assert [u["unit_name"] for u in body["units"]] == ["区农业农村局"] and body["overdue"] is False
    pk = body["id"]
    unit = api_as(dept_reporter)
    assert unit.get("/api/instructions/?state=open").json()["count"] == 1
    assert unit.get(f"/api/instructions/{pk}/")["ETag"] == '"1"'
    acknowledged = unit.post(f"/api/instructions/{pk}/acknowledge/", HTTP_IF_MATCH='"1"')
    assert acknowledged.json()["status"] == "acknowledged" and acknowledged["ETag"] == '"2"'
    answered = unit.post(f"/api/instructions/{pk}/respond/", {"response": "已完成"}, format="json", HTTP_IF_MATCH='"2"')
    answered = answered.json()
    assert answered["status"] == "answered" and answered["units"][0]["response"] == "已完成"
    closed = api_as(supervisor).post(
        f"/api/instructions/{pk}/close/", {"comment": "同意"}, format="json", HTTP_IF_MATCH='"3"'
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert AuditEvent.objects.filter(object_type="instructions.Instruction").count() == 4
    assert Notification.objects.filter(kind="instruction.issued", user=dept_reporter).exists()


def test_a_leader_issues_and_closes_but_takes_no_unit_step(leader, indicator, dept_reporter):
    pk = _issue(api_as(leader), indicator).json()["id"]
    for step in ("acknowledge", "respond"):
        assert (
            api_as(leader)
            .post(f"/api/instructions/{pk}/{step}/", {"response": "x"}, format="json", HTTP_IF_MATCH='"1"')
            .status_code
            == 403
        )
    api_as(dept_reporter).post(
        f"/api/instructions/{pk}/respond/", {"response": "已办"}, format="json", HTTP_IF_MATCH="1"
    )
    closed = api_as(leader).post(f"/api/instructions/{pk}/close/", {}, format="json", HTTP_IF_MATCH='"2"')
    assert closed.json()["status"] == "closed"


def test_a_step_on_a_stale_version_answers_412_and_changes_nothing(leader, indicator, dept, dept_reporter, county):
    other = UserFactory(username="dept-2", role=Role.REPORTER, unit=dept)
    pk = _issue(api_as(leader), indicator).json()["id"]
    assert (
        api_as(dept_reporter).post(f"/api/instructions/{pk}/respond/", {"response": "x"}, format="json").status_code
        == 428
    )
    assert api_as(dept_reporter).post(f"/api/instructions/{pk}/acknowledge/", HTTP_IF_MATCH='"1"').status_code == 200
    # A colleague still looking at version 1 answers: refused, the first answer is not overwritten.
    stale = api_as(other).post(
        f"/api/instructions/{pk}/respond/", {"response": "旧页面"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    instruction = Instruction.objects.get(pk=pk)
    assert instruction.version == 2 and instruction.reaches.get().response == ""
    assert not AuditEvent.objects.filter(action="instruction.respond").exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.REPORTER, Role.AUDITOR])
def test_nobody_else_issues_one(role, indicator, supervisor, dept_reporter, county):
    user = {Role.SUPERVISOR: supervisor, Role.REPORTER: dept_reporter}.get(role) or UserFactory(
        role=role, region=county
    )
    assert _issue(api_as(user), indicator).status_code == 403
    assert not Instruction.objects.exists()


def test_not_yours_answers_as_not_there(leader, indicator, stranger, county, other_unit):
    pk = _issue(api_as(leader), indicator).json()["id"]
    outsider = api_as(stranger)
    assert outsider.get(f"/api/instructions/{pk}/").status_code == 404
    assert outsider.get(f"/api/instructions/{pk + 100}/").status_code == 404
    assert outsider.post(f"/api/instructions/{pk}/respond/", {"response": "x"}, format="json").status_code == 404
    assert outsider.get("/api/instructions/").json()["count"] == 0
    # A leader of another county: another county's indicator is "object does not exist", as a missing id is.
    from ..factories import RegionFactory

    far = UserFactory(role=Role.LEADER, region=RegionFactory(code="330302000000", name="鹿城区"))
    hidden = _issue(api_as(far), indicator)
    missing = api_as(far).post(
        "/api/instructions/", {"on": "indicator", "object_id": indicator.pk + 1000, "text": "抓紧推进"}, format="json"
    )
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json()


def test_a_token_leader_may_issue_but_not_comment(leader, indicator, dept, dept_reporter):
    from rest_framework.test import APIClient

    from accounts.tokens import token_issue

    report = ProgressReportFactory(
        indicator=indicator, unit=dept, period_start=date(2025, 5, 1), created_by=dept_reporter
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=leader)[1]}")
    assert _issue(client, indicator).status_code == 201
    assert client.post("/api/report-comments/", {"report": report.pk, "text": "抓紧"}, format="json").status_code == 403


def test_a_bulletin_not_generated_yet_takes_no_instruction(leader, county, dept):
    from reports.models import GeneratedReport, ReportKind, ReportState

    failed = GeneratedReport.objects.create(
        region=county,
        kind=ReportKind.MONTHLY,
        period_start=date(2025, 5, 1),
        period_end=date(2025, 5, 31),
        status=ReportState.FAILED,
    )
    answer = api_as(leader).post(
        "/api/instructions/",
        {"on": "bulletin", "object_id": failed.pk, "text": "抓紧", "units": [dept.pk]},
        format="json",
    )
    assert answer.status_code == 400 and "object_id" in answer.json()["fields"]
    assert not Instruction.objects.exists()
