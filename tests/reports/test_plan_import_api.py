"""POST /api/plans/import/: a dry run is the preview with its problems; a commit writes it or names the problems."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine

from accounts.models import AuditEvent
from regions.models import Unit
from targets.models import Indicator, Plan, Target

from ..conftest import api_as
from .tables import dongtou, dongtou_xlsx, upload

pytestmark = pytest.mark.django_db
URL = "/api/plans/import/"


@pytest.fixture
def departments(county):
    return {name: Unit.objects.get_or_create(county=county, name=name)[0] for name in dongtou.DEPARTMENTS}


def no_period_table() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["序号", "任务名称", "主要内容", "责任单位"])
    book.active.append([1, "改厕", "6月底前改建卫生厕所2600座", "*区农业农村局"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post(user, **fields):
    return api_as(user).post(URL, {"region": "330305000000", **fields}, format="multipart")


def test_a_dry_run_is_the_preview_with_its_problems_and_writes_nothing(supervisor, dept):
    response = post(supervisor, file=upload(no_period_table(), "t.xlsx"), dry_run="true")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] is None and body["period_assumed"] is True
    assert [p["field"] for p in body["problems"]] == ["start"]
    assert "文件中没有写明方案期限" in body["problems"][0]["message"]
    assert body["tasks"][0]["indicators"][0]["deadline"].endswith("-06-30")
    assert not Plan.objects.exists()


def test_the_same_problems_refuse_a_commit_and_nothing_is_written(supervisor, departments):
    preview = post(
        supervisor, file=upload(dongtou_xlsx(dongtou.TASKS[:2]), "t.xlsx"), create_units="true", dry_run="true"
    ).json()
    assert preview["problems"] == []
    preview.update(start="2028-01-01", end="2029-12-31")  # moved after the deadlines the text states
    response = api_as(supervisor).post(URL, {"region": "330305000000", "plan": preview}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "约束" not in str(body) and "indicator_deadline_after_start" not in str(body)
    deadline = [p for p in body["problems"] if p["field"] == "deadline"]
    assert deadline[0]["task"] == 0 and deadline[0]["indicator"] == 0
    assert deadline[0]["message"].startswith("任务1“重大项目建设”，第1个指标")
    assert "截止日期2027年12月31日早于方案开始日期2028年1月1日" in deadline[0]["message"]
    assert body["fields"]["deadline"][0] == deadline[0]["message"]
    assert not Plan.objects.exists()


def test_a_commit_with_the_period_given_is_written_not_backdated_and_audited(supervisor, dept):
    with time_machine.travel("2026-06-26T04:00:00Z", tick=False):
        response = post(
            supervisor, file=upload(no_period_table(), "t.xlsx"), start="2026-01-01", end="2026-12-31", title="改厕方案"
        )
    assert response.status_code == 201, response.json()
    plan = Plan.objects.get(pk=response.json()["id"])
    assert (plan.title, plan.start_date, plan.first_period) == ("改厕方案", date(2026, 1, 1), date(2026, 7, 1))
    indicator = Indicator.objects.get(target__plan=plan)
    assert (indicator.target_value, indicator.unit, indicator.deadline) == (Decimal(2600), "座", date(2026, 6, 30))
    event = AuditEvent.objects.get(action="plan.import", object_id=str(plan.pk))
    assert event.new["first_period"] == "2026-07" and event.new["start"] == "2026-01-01"


def test_the_plan_fields_the_preview_edits_are_overridden_in_the_form_as_typed(supervisor, dept):
    fields = {
        "title": "改厕方案（2026年）",
        "doc_number": "洞政办发〔2026〕3号",
        "issuer": "温州市洞头区人民政府办公室",
    }
    preview = post(
        supervisor,
        file=upload(no_period_table(), "t.xlsx"),
        start="2026-01-01",
        end="2026-12-31",
        dry_run="true",
        **fields,
    ).json()
    assert {name: preview[name] for name in fields} == fields
    response = post(
        supervisor, file=upload(no_period_table(), "t.xlsx"), start="2026-01-01", end="2026-12-31", **fields
    )
    assert response.status_code == 201, response.json()
    plan = Plan.objects.get(pk=response.json()["id"])
    assert (plan.title, plan.doc_number, plan.issuer) == tuple(fields.values())


@time_machine.travel("2026-06-26T04:00:00Z", tick=False)
def test_a_dry_run_edited_by_the_client_is_committed_as_json(supervisor, dept):
    preview = post(supervisor, file=upload(no_period_table(), "t.xlsx"), dry_run="true").json()
    preview.update(start="2026-01-01", end="2026-12-31", first_period="2026-03", period_assumed=False)
    preview["tasks"][0]["indicators"][0].update(target_value="3000", milestones=[["2026-03-31", "1000"]])
    response = api_as(supervisor).post(URL, {"region": "330305000000", "plan": preview}, format="json")
    # 2026-03 is past due today: a chosen backdated first period must be confirmed.
    assert response.status_code == 400 and "first_period" in response.json()["fields"]
    assert "已过" in response.json()["fields"]["first_period"][0] and not Plan.objects.exists()
    preview["first_period_backdate"] = True
    response = api_as(supervisor).post(URL, {"region": "330305000000", "plan": preview}, format="json")
    assert response.status_code == 201, response.json()
    plan = Plan.objects.get(pk=response.json()["id"])
    assert plan.first_period == date(2026, 3, 1)
    indicator = Indicator.objects.get(target__plan=plan)
    assert indicator.target_value == 3000
    assert [(m.date, m.value) for m in indicator.milestones.all()] == [(date(2026, 3, 31), Decimal(1000))]
    assert Target.objects.get(plan=plan).lead_units.get() == dept


def test_a_json_plan_in_the_wrong_shape_is_refused_in_words(supervisor):
    response = api_as(supervisor).post(URL, {"region": "330305000000", "plan": {"tasks": "改厕"}}, format="json")
    assert response.status_code == 400
    assert "plan" in response.json()["fields"] and not Plan.objects.exists()
    broken = {
        "tasks": [{"seq": 1, "name": "改厕", "indicators": [{"kind": "increase", "milestones": ["x"]}]}],
        "start": "2026-01-01",
        "end": "2026-12-31",
        "title": "t",
    }
    response = api_as(supervisor).post(URL, {"region": "330305000000", "plan": broken, "dry_run": True}, format="json")
    assert response.status_code == 200
    fields = {p["field"] for p in response.json()["problems"]}
    assert {"target_value", "baseline", "deadline", "milestones"} <= fields


def test_a_bad_date_parameter_is_named(supervisor):
    response = post(supervisor, file=upload(no_period_table(), "t.xlsx"), start="2026-13-01", dry_run="true")
    assert response.status_code == 400 and "start" in response.json()["fields"]


def test_a_reporter_cannot_import(dept_reporter):
    response = post(dept_reporter, file=upload(no_period_table(), "t.xlsx"), dry_run="true")
    assert response.status_code == 403
