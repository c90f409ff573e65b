"""The 批示 pages: the button and the instructions on the report, indicator, bulletin and item pages, the form,
the instruction with its steps, the office's list and the units' to-do tab; 404 for whoever it does not reach."""

import re
from datetime import date

import pytest
import time_machine

from accounts.models import AuditEvent, Role
from instructions import services
from instructions.models import Instruction, InstructionStatus
from reports.models import GeneratedReport, ReportKind, ReportState
from supervision.models import SupervisionItem

from ..factories import ProgressReportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel("2025-06-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def leader(county):
    return UserFactory(username="lingdao", first_name="王", last_name="", role=Role.LEADER, region=county)


@pytest.fixture
def report(indicator, dept, dept_reporter):
    return ProgressReportFactory(
        indicator=indicator, unit=dept, period_start=date(2025, 5, 1), created_by=dept_reporter
    )


@pytest.fixture
def objects(report, indicator, dept, supervisor, county):
    item = SupervisionItem.objects.create(
        indicator=indicator, unit=dept, notice="说明", reply_due=date(2025, 6, 20), issued_by=supervisor
    )
    bulletin = GeneratedReport.objects.create(
        region=county,
        kind=ReportKind.MONTHLY,
        period_start=date(2025, 5, 1),
        period_end=date(2025, 5, 31),
        status=ReportState.DONE,
    )
    return {
        "report": (report, f"/reports/{report.pk}/"),
        "indicator": (indicator, f"/supervision/indicators/{indicator.pk}/"),
        "item": (item, f"/supervision/items/{item.pk}/"),
        "bulletin": (bulletin, f"/reports/bulletins/{bulletin.pk}/"),
    }


@pytest.mark.parametrize("kind", ["report", "indicator", "item", "bulletin"])
def test_a_leader_writes_an_instruction_from_each_page_and_it_shows_there(client, leader, objects, kind, dept):
    obj, url = objects[kind]
    client.force_login(leader)
    page = client.get(url).content.decode()
    assert 'id="issue-instruction"' in page and f"/instructions/new/{kind}/{obj.pk}/" in page
    form = client.get(f"/instructions/new/{kind}/{obj.pk}/").content.decode()
    assert f'value="{dept.pk}"' in form
    answer = client.post(
        f"/instructions/new/{kind}/{obj.pk}/",
        {"text": "抓紧推进，月底前见效", "units": [dept.pk], "due_date": "2025-06-30"},
    )
    assert answer.status_code == 302 and answer["Location"] == url
    instruction = Instruction.objects.get()
    assert instruction.target == obj and instruction.author == leader
    page = client.get(url).content.decode()
    assert f'data-instruction="{instruction.pk}"' in page and "抓紧推进，月底前见效" in page


def test_the_form_ticks_the_lead_units_and_says_what_is_wrong(client, leader, indicator, dept, other_unit):
    client.force_login(leader)
    form = client.get(f"/instructions/new/indicator/{indicator.pk}/").content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="units" value="(\d+)"[^>]*?( checked)?>', form))
    assert boxes == {str(dept.pk): " checked"}  # the lead unit ticked; another unit is not even offered
    page = client.post(f"/instructions/new/indicator/{indicator.pk}/", {"text": "", "units": [dept.pk]})
    assert page.status_code == 200 and not Instruction.objects.exists()
    page = client.post(
        f"/instructions/new/indicator/{indicator.pk}/", {"text": "抓紧", "units": [dept.pk], "due_date": "2025-06-01"}
    )
    assert "2025-06-01" in page.content.decode() and not Instruction.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.REPORTER])
def test_nobody_else_sees_the_button_or_may_post_the_form(client, role, supervisor, dept_reporter, indicator, dept):
    user = supervisor if role == Role.SUPERVISOR else dept_reporter
    client.force_login(user)
    client.raise_request_exception = False
    assert 'id="issue-instruction"' not in client.get(f"/supervision/indicators/{indicator.pk}/").content.decode()
    assert (
        client.post(f"/instructions/new/indicator/{indicator.pk}/", {"text": "x", "units": [dept.pk]}).status_code
        == 403
    )
    assert not Instruction.objects.exists()


def test_a_unit_acknowledges_and_answers_the_office_closes_from_the_page(
    client, leader, indicator, dept_reporter, supervisor
):
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    client.force_login(dept_reporter)
    work = client.get("/my-work/?tab=instructions").content.decode()
    assert f'data-instruction="{instruction.pk}"' in work and 'data-tab="instructions"' in work
    page = client.get(f"/instructions/{instruction.pk}/").content.decode()
    assert 'id="acknowledge"' in page and 'id="close"' not in page
    assert 'name="version" value="1"' in page
    client.post(f"/instructions/{instruction.pk}/acknowledge/", {"version": 1})
    client.post(f"/instructions/{instruction.pk}/respond/", {"response": "已完成改厕300户", "version": 2})
    assert f'data-instruction="{instruction.pk}"' not in client.get("/my-work/?tab=instructions").content.decode()
    client.force_login(supervisor)
    ledger = client.get("/instructions/?state=answered").content.decode()
    assert f'data-instruction="{instruction.pk}"' in ledger
    page = client.get(f"/instructions/{instruction.pk}/").content.decode()
    assert "已完成改厕300户" in page and 'id="close"' in page
    client.post(f"/instructions/{instruction.pk}/close/", {"comment": "同意销号", "version": 3})
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.CLOSED
    assert f'data-instruction="{instruction.pk}"' in client.get("/instructions/?state=closed").content.decode()
    assert f'data-instruction="{instruction.pk}"' not in client.get("/instructions/?state=open").content.decode()
    assert list(
        AuditEvent.objects.filter(object_type="instructions.Instruction")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["instruction.issue", "instruction.acknowledge", "instruction.respond", "instruction.close"]


def test_a_unit_not_reached_gets_404_and_sees_nothing_listed(client, leader, indicator, stranger):
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    client.force_login(stranger)
    missing = Instruction.objects.order_by("-pk").first().pk + 100
    for path in (f"/instructions/{instruction.pk}/", f"/instructions/{missing}/"):
        assert client.get(path).status_code == 404
    for step in ("acknowledge", "respond"):
        assert client.post(f"/instructions/{instruction.pk}/{step}/", {"response": "x"}).status_code == 404
    assert f'data-instruction="{instruction.pk}"' not in client.get("/instructions/").content.decode()
    assert not AuditEvent.objects.filter(action__in=["instruction.acknowledge", "instruction.respond"]).exists()


def test_the_ledger_counts_open_overdue_answered_closed(client, leader, indicator, supervisor, dept_reporter):
    late = services.instruction_issue(
        kind="indicator", target=indicator, by=leader, text="一", due_date=date(2025, 6, 12)
    )
    services.instruction_issue(kind="indicator", target=indicator, by=leader, text="二")
    with time_machine.travel("2025-06-20 10:00 +0800", tick=False):
        client.force_login(supervisor)
        found = client.get("/instructions/?state=overdue").context["ledger"]
        assert [r.pk for r in found.rows] == [late.pk]
        assert found.counts == {"open": 2, "overdue": 1, "answered": 0, "closed": 0}


def test_the_office_exports_the_list_as_it_sees_it_and_the_export_is_audited(
    client, leader, indicator, supervisor, dept_reporter, stranger
):
    from io import BytesIO

    from openpyxl import load_workbook

    answered = services.instruction_issue(
        kind="indicator", target=indicator, by=leader, text="抓紧推进改厕", due_date=date(2025, 6, 30)
    )
    services.instruction_respond(instruction=answered, by=dept_reporter, response="已完成300户")
    services.instruction_issue(kind="indicator", target=indicator, by=leader, text="另一条")
    client.force_login(supervisor)
    assert 'id="export-xlsx"' in client.get("/instructions/").content.decode()
    response = client.get("/instructions/export.xlsx?state=answered")
    from urllib.parse import quote

    assert (
        response.status_code == 200
        and quote("洞头区-领导批示落实情况-2025年6月10日.xlsx") in response["Content-Disposition"]
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["洞头区领导批示落实情况"]
    header = rows[2]
    assert header[:5] == ["序号", "下发日期", "批示领导", "批示对象", "批示内容"]
    data = [r for r in rows[3:] if r]
    assert len(data) == 1
    line = dict(zip(header, data[0]))
    assert line["批示内容"] == "抓紧推进改厕" and line["状态"] == "已答复"
    assert line["送达单位"] == "区农业农村局（已答复）" and line["落实情况"] == "区农业农村局：已完成300户"
    assert line["答复期限"] == "2025年6月30日" and line["批示对象"] == f"指标：{indicator.name}"
    event = AuditEvent.objects.get(action="instruction.export")
    assert event.user == supervisor and event.new == {"rows": 1, "filters": {"state": "answered"}}
    client.force_login(stranger)
    sheet = load_workbook(BytesIO(client.get("/instructions/export.xlsx").content)).active
    assert not [r for r in sheet.iter_rows(min_row=4, values_only=True) if any(r)]


def test_the_ledger_filters_by_leader(client, county, leader, indicator, supervisor):
    other = UserFactory(username="fuxianzhang", first_name="赵", role=Role.LEADER, region=county)
    mine = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="一")
    services.instruction_issue(kind="indicator", target=indicator, by=other, text="二")
    client.force_login(supervisor)
    page = client.get(f"/instructions/?author={leader.pk}")
    assert [r.pk for r in page.context["ledger"].rows] == [mine.pk]
    assert f'<option value="{other.pk}">赵</option>' in page.content.decode()


def test_a_step_from_a_stale_page_is_refused_in_chinese(client, leader, indicator, dept, dept_reporter):
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    services.instruction_acknowledge(instruction=instruction, by=dept_reporter)
    client.force_login(dept_reporter)
    response = client.post(
        f"/instructions/{instruction.pk}/respond/", {"response": "旧页面上的答复", "version": 1}, follow=True
    )
    page = response.content.decode()
    assert "有人在你打开页面后办理了这条批示（现为第2版，你看到的是第1版），请刷新页面后重试。" in page
    assert instruction.reaches.get().response == ""
    assert 'name="version" value="2"' in page  # the reloaded page carries the version now


def _page_version(page: str, step: str) -> str:
    """The hidden version in the page's form for one step (acknowledge, respond, close)."""
    form = page[page.index(f'/{step}/"') :]
    return re.search(r'name="version" value="(\d+)"', form).group(1)


def test_two_units_answer_from_pages_opened_at_the_same_time(
    client, leader, indicator, town_unit, dept_reporter, town_reporter
):
    indicator.target.lead_units.add(town_unit)
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    pages = {}
    for user in (dept_reporter, town_reporter):
        client.force_login(user)
        pages[user.username] = client.get(f"/instructions/{instruction.pk}/").content.decode()
    client.force_login(dept_reporter)
    client.post(
        f"/instructions/{instruction.pk}/acknowledge/", {"version": _page_version(pages["nongye"], "acknowledge")}
    )
    # 大门镇's page was opened before 区农业农村局 acknowledged; its own part is unchanged, so its answer goes in.
    client.force_login(town_reporter)
    answer = client.post(
        f"/instructions/{instruction.pk}/respond/",
        {"response": "大门镇已完成改厕120户", "version": _page_version(pages["damen"], "respond")},
        follow=True,
    )
    page = answer.content.decode()
    assert "答复已送领导和督查室。" in page and "有人在你打开页面后办理了这条批示" not in page
    states = dict(instruction.reaches.values_list("unit__name", "status"))
    assert states == {"区农业农村局": "acknowledged", "大门镇": "answered"}


def test_the_office_closing_from_a_page_opened_before_a_unit_answered_again_is_refused(
    client, leader, indicator, dept_reporter, supervisor
):
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进")
    services.instruction_respond(instruction=instruction, by=dept_reporter, response="已办")
    client.force_login(supervisor)
    opened = client.get(f"/instructions/{instruction.pk}/").content.decode()
    services.instruction_respond(instruction=instruction, by=dept_reporter, response="已办，补充验收材料")
    answer = client.post(
        f"/instructions/{instruction.pk}/close/", {"version": _page_version(opened, "close")}, follow=True
    )
    assert (
        "有人在你打开页面后办理了这条批示（现为第3版，你看到的是第2版），请刷新页面后重试。" in answer.content.decode()
    )
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.ANSWERED


def test_the_ledger_pages_through_every_instruction_and_the_export_keeps_them_all(
    client, leader, indicator, supervisor, county
):
    from io import BytesIO

    from openpyxl import load_workbook

    from instructions.models import Instruction
    from instructions.selectors import PAGE_SIZE

    count = 501  # more than the page ever held
    Instruction.objects.bulk_create(
        Instruction(author=leader, region=county, indicator=indicator, text=f"批示{n}") for n in range(count)
    )
    client.force_login(supervisor)
    first = client.get("/instructions/?state=open")
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert "?state=open&amp;page=2" in first.content.decode()
    pages = -(-count // PAGE_SIZE)
    seen = set()
    for number in range(1, pages + 1):
        page = client.get(f"/instructions/?state=open&page={number}").context["page"]
        seen |= {i.pk for i in page.object_list}
    assert len(seen) == count
    assert len(client.get(f"/instructions/?state=open&page={pages}").context["page"].object_list) == count % PAGE_SIZE
    sheet = load_workbook(BytesIO(client.get("/instructions/export.xlsx?state=open&page=3").content)).active
    assert sum(1 for row in sheet.iter_rows(min_row=4, values_only=True) if any(row)) == count
    assert AuditEvent.objects.get(action="instruction.export").new["rows"] == count


def test_the_ledger_and_the_instruction_punctuate_in_the_pages_language(client, leader, indicator, dept, supervisor):
    """An English page read 'indicator：打造环境整治村' and '区农业农村局（to acknowledge）'."""
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="请抓紧推进")
    client.force_login(supervisor)
    zh = client.get("/instructions/").content.decode()
    assert f"指标：{indicator.name}" in zh and f"{dept.name}（待签收）" in zh
    en = client.get("/instructions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    en_detail = client.get(f"/instructions/{instruction.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{dept.name} (to acknowledge)" in en and f": {indicator.name}" in en
    assert "：" not in en + en_detail.split("<main", 1)[1].split(instruction.text)[0]
