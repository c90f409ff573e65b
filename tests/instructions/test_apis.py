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
    assert api_as(leader).get(f"/api/instructions/{pk}/")["ETag"] == '"1"'
    assert unit.get(f"/api/instructions/{pk}/")["ETag"] == '"1.1"'  # the instruction's, then its own reach's
    acknowledged = unit.post(f"/api/instructions/{pk}/acknowledge/", HTTP_IF_MATCH='"1.1"')
    assert acknowledged.json()["status"] == "acknowledged" and acknowledged["ETag"] == '"2.2"'
    answered = unit.post(
        f"/api/instructions/{pk}/respond/", {"response": "已完成"}, format="json", HTTP_IF_MATCH='"2.2"'
    )
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
        f"/api/instructions/{pk}/respond/", {"response": "已办"}, format="json", HTTP_IF_MATCH="1.1"
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
    assert api_as(dept_reporter).post(f"/api/instructions/{pk}/acknowledge/", HTTP_IF_MATCH='"1.1"').status_code == 200
    # A colleague of the same unit still looking at what it read before answers: the same reach, a true
    # conflict; refused, and the 412 carries the instruction as it now is with the unit's ETag.
    stale = api_as(other).post(
        f"/api/instructions/{pk}/respond/", {"response": "旧页面"}, format="json", HTTP_IF_MATCH='"1.1"'
    )
    assert stale.status_code == 412 and stale["ETag"] == '"2.2"'
    assert stale.json()["current"]["units"][0]["status"] == "acknowledged"
    instruction = Instruction.objects.get(pk=pk)
    assert instruction.version == 2 and instruction.reaches.get().response == ""
    assert not AuditEvent.objects.filter(action="instruction.respond").exists()


@pytest.fixture
def two_units(indicator, town_unit):
    indicator.target.lead_units.add(town_unit)
    return indicator


def test_two_units_answer_their_own_parts_from_the_same_read(leader, two_units, dept_reporter, town_reporter):
    pk = _issue(api_as(leader), two_units).json()["id"]
    dept, town = api_as(dept_reporter), api_as(town_reporter)
    dept_tag, town_tag = dept.get(f"/api/instructions/{pk}/")["ETag"], town.get(f"/api/instructions/{pk}/")["ETag"]
    assert dept_tag == town_tag == '"1.1"'
    assert dept.post(f"/api/instructions/{pk}/acknowledge/", HTTP_IF_MATCH=dept_tag).status_code == 200
    # 大门镇 read before 区农业农村局 acknowledged; its own part has not moved, so nothing conflicts.
    answered = town.post(
        f"/api/instructions/{pk}/respond/", {"response": "已完成"}, format="json", HTTP_IF_MATCH=town_tag
    )
    assert answered.status_code == 200, answered.json()
    assert answered["ETag"] == '"3.2"'
    assert {u["unit_name"]: u["status"] for u in answered.json()["units"]} == {
        "区农业农村局": "acknowledged",
        "大门镇": "answered",
    }
    assert AuditEvent.objects.filter(action__in=["instruction.acknowledge", "instruction.respond"]).count() == 2


def test_a_close_on_answers_read_before_a_unit_answered_again_answers_412(
    leader, two_units, dept_reporter, town_reporter, supervisor
):
    pk = _issue(api_as(leader), two_units).json()["id"]
    for user in (dept_reporter, town_reporter):
        client = api_as(user)
        tag = client.get(f"/api/instructions/{pk}/")["ETag"]
        client.post(f"/api/instructions/{pk}/respond/", {"response": "已办"}, format="json", HTTP_IF_MATCH=tag)
    office = api_as(supervisor)
    read = office.get(f"/api/instructions/{pk}/")["ETag"]
    town = api_as(town_reporter)
    town.post(
        f"/api/instructions/{pk}/respond/",
        {"response": "补充：已全部验收"},
        format="json",
        HTTP_IF_MATCH=town.get(f"/api/instructions/{pk}/")["ETag"],
    )
    stale = office.post(f"/api/instructions/{pk}/close/", {}, format="json", HTTP_IF_MATCH=read)
    assert stale.status_code == 412
    assert Instruction.objects.get(pk=pk).status == "answered"
    fresh = office.post(f"/api/instructions/{pk}/close/", {}, format="json", HTTP_IF_MATCH=stale["ETag"])
    assert fresh.status_code == 200 and fresh.json()["status"] == "closed"


def test_a_unit_step_with_the_instructions_tag_alone_answers_412(leader, indicator, dept_reporter):
    pk = _issue(api_as(leader), indicator).json()["id"]
    answer = api_as(dept_reporter).post(f"/api/instructions/{pk}/acknowledge/", HTTP_IF_MATCH='"1"')
    assert answer.status_code == 412 and answer["ETag"] == '"1.1"'
    assert Instruction.objects.get(pk=pk).reaches.get().status == "issued"


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
