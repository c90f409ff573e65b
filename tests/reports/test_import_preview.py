"""The preview decides the plan's shape before anything is saved: period, first reporting period, every field,
and every problem named by task and field in plain Chinese."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent
from reports.models import UploadPreview
from targets import rules
from targets.models import Indicator, Plan
from targets.selectors import indicator_spec

from .tables import dongtou, dongtou_xlsx, upload

pytestmark = pytest.mark.django_db
SHANGHAI_NOON = "{}T04:00:00Z"


def open_preview(client, supervisor, tasks, title=""):
    client.force_login(supervisor)
    response = client.post(
        reverse("import-upload"),
        {"region": "330305000000", "title": title, "file": upload(dongtou_xlsx(tasks), "t.xlsx")},
    )
    assert response.status_code == 302
    return response["Location"]


def decided(session_parsed, **extra):
    form = {f"u{k}-decision": "create" for k in range(len(session_parsed["units"]))}
    for t, task in enumerate(session_parsed["tasks"]):
        for i, _ind in enumerate(task["indicators"]):
            form[f"t{t}-i{i}-keep"] = "on"
    form.update(extra)
    return form


def parsed_of(client, url):
    token = url.rstrip("/").rsplit("/", 1)[-1]
    return UploadPreview.objects.get(token=token).data


@pytest.mark.parametrize(
    "today, first",
    [("2026-06-25", "2026-06"), ("2026-06-26", "2026-07"), ("2026-06-30", "2026-07"), ("2026-12-31", "2027-01")],
)
def test_the_first_reporting_period_defaults_to_the_first_not_yet_past_due(client, supervisor, today, first):
    with time_machine.travel(SHANGHAI_NOON.format(today), tick=False):
        url = open_preview(client, supervisor, dongtou.TASKS[:2])
        html = client.get(url).content.decode()
    assert f'<option value="{first}" selected>' in html.split('name="first_period"')[1].split("</select>")[0]
    assert 'type="date" name="start"' in html and 'type="date" name="end"' in html


def test_a_freshly_imported_plan_owes_nothing_for_the_months_before_it_was_imported(client, supervisor, dept):
    with time_machine.travel(SHANGHAI_NOON.format("2026-06-26"), tick=False):
        url = open_preview(client, supervisor, dongtou.TASKS[:4])
        response = client.post(url, decided(parsed_of(client, url), action="save"))
        assert response.status_code == 302, response.content.decode()[:3000]
        plan = Plan.objects.get()
        assert plan.first_period == date(2026, 7, 1)
        for indicator in Indicator.objects.filter(target__plan=plan):
            status = rules.evaluate_status(indicator_spec(indicator, [], plan), [], date(2026, 6, 26))
            assert status.status != "red", (indicator.name, status.reasons)
            assert not any("至今未报送" in r or "missing" in r for r in status.reasons)
    event = AuditEvent.objects.get(action="plan.import")
    assert event.new["first_period"] == "2026-07"


def test_the_period_and_first_reporting_period_are_what_the_person_sets(client, supervisor, dept):
    with time_machine.travel(SHANGHAI_NOON.format("2026-03-10"), tick=False):
        url = open_preview(client, supervisor, dongtou.TASKS[:1])
        form = decided(
            parsed_of(client, url),
            action="save",
            start="2026-01-01",
            end="2028-12-31",
            first_period="2026-05",
            **{"t0-i0-deadline": "2028-12-31", "t0-i0-milestones": "2026-12-31:30", "t0-i0-frequency": "quarterly"},
        )
        assert client.post(url, form).status_code == 302
    plan = Plan.objects.get()
    assert (plan.start_date, plan.end_date, plan.first_period) == (
        date(2026, 1, 1),
        date(2028, 12, 31),
        date(2026, 5, 1),
    )
    indicator = Indicator.objects.filter(target__plan=plan).first()
    assert indicator.start_date == date(2026, 1, 1) and indicator.deadline == date(2028, 12, 31)
    assert indicator.frequency == "quarterly"
    assert [(m.date, m.value) for m in indicator.milestones.all()] == [(date(2026, 12, 31), Decimal(30))]


def test_a_deadline_before_the_plan_starts_is_named_by_task_and_field_and_nothing_is_written(client, supervisor, dept):
    url = open_preview(client, supervisor, dongtou.TASKS[:2])
    form = decided(parsed_of(client, url), action="save", start="2028-01-01", end="2029-12-31")
    response = client.post(url, form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "indicator_deadline_after_start" not in html and "约束" not in html
    assert "任务1“重大项目建设”" in html and "截止日期2027年12月31日早于方案开始日期2028年1月1日" in html
    assert 'data-problem-field="deadline" data-problem-task="0"' in html
    assert not Plan.objects.exists()


def test_problems_are_shown_before_saving_and_check_again_writes_nothing(client, supervisor, dept):
    url = open_preview(client, supervisor, dongtou.TASKS[:2])
    html = client.get(url).content.decode()
    assert "data-problems" in html and "请逐一确定以下单位是已有单位还是新单位" in html
    form = decided(parsed_of(client, url), action="check", **{"t0-i0-target_value": "九十"})
    html = client.post(url, form).content.decode()
    assert "任务1“重大项目建设”，第1个指标" in html and "目标值“九十”不是数字" in html
    assert not Plan.objects.exists()


def test_units_typed_on_the_preview_are_matched_and_decided(client, supervisor, dept):
    url = open_preview(client, supervisor, dongtou.TASKS[:1])
    client.post(url, {"action": "check", "t0-i0-keep": "on", "t0-lead_units": "区农业农村局、区新单位"})
    parsed = parsed_of(client, url)
    assert parsed["tasks"][0]["lead_units"] == ["区农业农村局", "区新单位"]
    rows = {row["name"]: row for row in parsed["units"]}
    assert rows["区农业农村局"]["decision"] == f"use:{dept.pk}"
    assert rows["区新单位"]["decision"] == ""


def test_a_typed_title_without_years_keeps_the_period_the_document_states(client, supervisor):
    with time_machine.travel(SHANGHAI_NOON.format("2026-03-10"), tick=False):
        url = open_preview(client, supervisor, dongtou.TASKS[:1], title="洞头区千万工程实施方案")
        parsed = parsed_of(client, url)
    assert parsed["title"] == "洞头区千万工程实施方案"
    assert (parsed["start"][:4], parsed["end"][:4]) == ("2023", "2027") and not parsed["period_assumed"]


def test_a_document_that_states_no_period_asks_for_one_before_saving(client, supervisor, dept):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["序号", "任务名称", "主要内容", "责任单位"])
    book.active.append([1, "改厕", "改建卫生厕所2600座", "*区农业农村局"])
    buffer = __import__("io").BytesIO()
    book.save(buffer)
    client.force_login(supervisor)
    url = client.post(
        reverse("import-upload"),
        {"region": "330305000000", "title": "改厕方案", "file": upload(buffer.getvalue(), "t.xlsx")},
    )["Location"]
    html = client.get(url).content.decode()
    assert "data-period-assumed" in html and "文件中没有写明方案期限" in html
    form = {"action": "save", "t0-i0-keep": "on"}
    assert client.post(url, form).status_code == 400 and not Plan.objects.exists()
    form.update(start="2024-01-01", end="2024-12-31", **{"t0-i0-deadline": "2024-12-31"})
    assert client.post(url, form).status_code == 302
    assert Plan.objects.get().start_date == date(2024, 1, 1)


def test_two_known_units_typed_together_on_the_preview_are_split(client, supervisor, dept, county):
    from regions.models import Unit

    finance = Unit.objects.create(county=county, name="区财政局")
    url = open_preview(client, supervisor, dongtou.TASKS[:1])
    client.post(url, {"action": "check", "t0-i0-keep": "on", "t0-co_units": "区农业农村局区财政局"})
    parsed = parsed_of(client, url)
    assert parsed["tasks"][0]["co_units"] == ["区农业农村局", "区财政局"]
    rows = {row["name"]: row["decision"] for row in parsed["units"]}
    assert rows["区财政局"] == f"use:{finance.pk}" and rows["区农业农村局"] == f"use:{dept.pk}"
