"""My work as a reporter's to-do (tabs, search, next item) and 申请补报, through Django's test client.

Today is 10 June 2025: May's reports were due on 25 May (overdue), January to April are locked.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from accounts.models import AuditEvent, Notification, Role
from supervision.models import SupervisionItem
from targets import services
from targets.choices import ReportStatus
from targets.models import LateEntryGrant, LateEntryRequest, ProgressReport

from ..factories import IndicatorFactory, UserFactory

pytestmark = pytest.mark.usefixtures("june10")


@pytest.fixture
def june10():
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


@pytest.fixture
def as_dept(client, dept_reporter):
    client.force_login(dept_reporter)
    return client


@pytest.fixture
def fresh(indicator):
    """Starts in June: nothing overdue, June's report due on 25 June."""
    return IndicatorFactory(target=indicator.target, name="新建公厕", start_date=date(2025, 6, 1))


def office_client(supervisor):
    from django.test import Client

    client = Client()
    client.force_login(supervisor)
    return client


def shown(html) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="work-row[^"]*" data-indicator="(\d+)"', html)]


def count(html, tab) -> int:
    return int(re.search(rf'data-tab="{tab}"[^>]*>[^<]*<span class="count">(\d+)</span>', html).group(1))


def test_the_to_do_opens_on_what_is_overdue_and_counts_every_tab(as_dept, indicator, fresh):
    html = as_dept.get("/my-work/").content.decode()
    assert shown(html) == [indicator.pk]
    assert (count(html, "overdue"), count(html, "due"), count(html, "returned"), count(html, "all")) == (1, 1, 0, 2)
    assert shown(as_dept.get("/my-work/?tab=due").content.decode()) == [fresh.pk]
    assert shown(as_dept.get("/my-work/?tab=all").content.decode()) == [indicator.pk, fresh.pk]


def test_a_search_narrows_the_list_and_its_counts(as_dept, indicator, fresh):
    html = as_dept.get("/my-work/?tab=all&q=公厕").content.decode()
    assert shown(html) == [fresh.pk] and count(html, "overdue") == 0
    assert "没有符合条件的事项" in as_dept.get("/my-work/?tab=all&q=不存在的指标").content.decode()


def test_a_returned_report_is_listed_under_returned(as_dept, indicator, dept, dept_reporter, supervisor):
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )
    services.progress_report_submit(report=report, by=dept_reporter)
    services.progress_report_review(report=report, by=supervisor, approve=False, comment="照片不清楚")
    html = as_dept.get("/my-work/?tab=returned").content.decode()
    assert shown(html) == [indicator.pk] and count(html, "returned") == 1


def test_a_returned_reports_card_says_why_the_office_returned_it(as_dept, indicator, dept, dept_reporter, supervisor):
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )
    services.progress_report_submit(report=report, by=dept_reporter)
    services.progress_report_review(report=report, by=supervisor, approve=False, comment="照片不清楚<请补拍>")
    html = as_dept.get("/my-work/?tab=returned").content.decode()
    card = re.search(rf'<li class="work-row[^"]*" data-indicator="{indicator.pk}".*?</li>', html, re.S)[0]
    assert "状态：已退回" in card
    assert '<div class="return-reason error">退回原因：照片不清楚&lt;请补拍&gt;</div>' in card
    # Once resubmitted, the card no longer carries the old reason.
    services.progress_report_submit(report=ProgressReport.objects.get(pk=report.pk), by=dept_reporter)
    assert "return-reason" not in as_dept.get("/my-work/?tab=all").content.decode()


def test_open_supervision_items_of_the_unit_are_on_the_to_do(as_dept, indicator, dept, other_unit, supervisor):
    mine = SupervisionItem.objects.create(
        indicator=indicator,
        unit=dept,
        notice="请于本周内说明滞后原因",
        reply_due=date(2025, 6, 8),
        issued_by=supervisor,
    )
    SupervisionItem.objects.create(
        indicator=indicator, unit=other_unit, notice="别的单位", reply_due=date(2025, 6, 20), issued_by=supervisor
    )
    html = as_dept.get("/my-work/?tab=supervision").content.decode()
    assert count(html, "supervision") == 1 and f'data-item="{mine.pk}"' in html and "别的单位" not in html
    assert f'href="/supervision/items/{mine.pk}/"' in html


def test_the_supervision_and_instruction_tabs_count_the_same_from_every_tab(
    as_dept, indicator, dept, other_unit, supervisor, county
):
    from instructions import services as instruction_services

    leader = UserFactory(username="lingdao", role=Role.LEADER, region=county)
    SupervisionItem.objects.create(
        indicator=indicator, unit=dept, notice="请说明滞后原因", reply_due=date(2025, 6, 8), issued_by=supervisor
    )
    SupervisionItem.objects.create(
        indicator=indicator, unit=other_unit, notice="别的单位", reply_due=date(2025, 6, 20), issued_by=supervisor
    )
    instruction_services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进", units=[dept])
    instruction_services.instruction_issue(kind="indicator", target=indicator, by=leader, text="再抓紧", units=[dept])
    for tab in ("", "all", "supervision", "instructions"):
        html = as_dept.get(f"/my-work/?tab={tab}").content.decode()
        assert (count(html, "supervision"), count(html, "instructions")) == (1, 2), tab
        assert re.search(r'data-tab="supervision" class="[^"]*urgent', html), tab
        assert re.search(r'data-tab="instructions" class="[^"]*urgent', html), tab


def test_submit_and_next_opens_the_next_item_still_owed(as_dept, indicator, fresh):
    response = as_dept.post(
        f"/entry/{indicator.pk}/2025-05/",
        {"value": "400", "version": "", "action": "submit_next", "explanation": "", "narrative": "完成"},
    )
    assert ProgressReport.objects.get(indicator=indicator).status == ReportStatus.SUBMITTED
    assert response.status_code == 302 and response["Location"] == f"/entry/{fresh.pk}/2025-06/"
    response = as_dept.post(
        f"/entry/{fresh.pk}/2025-06/",
        {"value": "1", "version": "", "action": "submit_next", "explanation": "", "narrative": "完成"},
    )
    assert response["Location"] == f"/entry/{indicator.pk}/2025-06/"
    response = as_dept.post(
        f"/entry/{indicator.pk}/2025-06/",
        {"value": "450", "version": "", "action": "submit_next", "explanation": "", "narrative": "完成"},
    )
    assert response["Location"] == "/my-work/"


def test_a_missed_period_offers_a_request_the_office_grants_from_a_list(
    as_dept, indicator, dept, dept_reporter, supervisor
):
    html = as_dept.get("/my-work/").content.decode()
    assert f'href="/late-entry/ask/{indicator.pk}/"' in html
    form = as_dept.get(f"/late-entry/ask/{indicator.pk}/").content.decode()
    assert re.findall(r'<option value="(2025-\d\d)"', form) == ["2025-01", "2025-02", "2025-03", "2025-04"]
    as_dept.post(f"/late-entry/ask/{indicator.pk}/", {"period": "2025-04", "reason": "四月人员调整,漏报"})
    request = LateEntryRequest.objects.get()
    assert (request.unit, request.period_start, request.status) == (dept, date(2025, 4, 1), "pending")
    assert AuditEvent.objects.filter(action="late_entry.request", object_id=str(request.pk)).exists()
    assert Notification.objects.filter(user=supervisor, kind="late_entry.requested").exists()

    client = office_client(supervisor)
    page = client.get("/late-entry/").content.decode()
    assert f'data-request="{request.pk}"' in page and "四月人员调整" in page
    assert 'name="indicator"' in page and "<select" in page and "指标 ID" not in page
    client.post(f"/late-entry/requests/{request.pk}/decide/", {"decision": "grant", "until": "2025-06-20", "note": ""})
    request.refresh_from_db()
    grant = LateEntryGrant.objects.get()
    assert request.status == "granted" and request.grant == grant and grant.until == date(2025, 6, 20)
    assert Notification.objects.filter(user=dept_reporter, kind="late_entry.granted").exists()
    assert "四月人员调整" not in client.get("/late-entry/").content.decode().split("直接开放补报")[0]
    entry = as_dept.get(f"/entry/{indicator.pk}/2025-04/")
    assert entry.status_code == 200 and 'id="submit-report"' in entry.content.decode()


def test_periods_before_the_plans_first_reporting_period_are_neither_missed_nor_asked_for(as_dept, indicator):
    # A plan imported in March owes nothing for January and February (Plan.first_period), as its lights say.
    plan = indicator.target.plan
    plan.first_period = date(2025, 3, 1)
    plan.save()
    form = as_dept.get(f"/late-entry/ask/{indicator.pk}/").content.decode()
    assert re.findall(r'<option value="(2025-\d\d)"', form) == ["2025-03", "2025-04"]
    html = as_dept.post(f"/late-entry/ask/{indicator.pk}/", {"period": "2025-02", "reason": "漏报"}).content.decode()
    assert 'data-error-for="period"' in html and not LateEntryRequest.objects.exists()


def test_a_refusal_needs_a_reason_and_tells_the_unit(as_dept, indicator, dept_reporter, supervisor):
    as_dept.post(f"/late-entry/ask/{indicator.pk}/", {"period": "2025-03", "reason": "漏报"})
    request = LateEntryRequest.objects.get()
    client = office_client(supervisor)
    client.post(f"/late-entry/requests/{request.pk}/decide/", {"decision": "refuse", "note": ""})
    request.refresh_from_db()
    assert request.status == "pending"
    client.post(f"/late-entry/requests/{request.pk}/decide/", {"decision": "refuse", "note": "三月已通报,不再补报"})
    request.refresh_from_db()
    assert request.status == "refused" and not LateEntryGrant.objects.exists()
    assert Notification.objects.filter(
        user=dept_reporter, kind="late_entry.refused", message__contains="三月已通报"
    ).exists()
    assert AuditEvent.objects.filter(action="late_entry.decide", object_id=str(request.pk)).exists()


def test_a_request_for_an_open_period_or_twice_is_refused_in_chinese(as_dept, indicator):
    html = as_dept.post(f"/late-entry/ask/{indicator.pk}/", {"period": "2025-05", "reason": "x"}).content.decode()
    assert 'data-error-for="period"' in html and not LateEntryRequest.objects.exists()
    as_dept.post(f"/late-entry/ask/{indicator.pk}/", {"period": "2025-02", "reason": "漏报"})
    html = as_dept.post(f"/late-entry/ask/{indicator.pk}/", {"period": "2025-02", "reason": "再问"}).content.decode()
    assert "已在等待督查室审批" in html and LateEntryRequest.objects.count() == 1


def test_another_units_reporter_cannot_ask_for_this_indicator(client, stranger, indicator):
    client.force_login(stranger)
    assert client.get(f"/late-entry/ask/{indicator.pk}/").status_code == 404


def test_a_work_row_reads_with_chinese_punctuation_in_chinese_and_english_in_english(
    as_dept, indicator, dept, dept_reporter
):
    services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("300"), by=dept_reporter
    )
    html = as_dept.get("/my-work/?tab=all", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    row = re.search(rf'data-indicator="{indicator.pk}".*?</li>', html, re.S).group()
    text = re.sub(r"<[^>]+>", "", row)
    assert "目标值：" in text and "（2025年5月，草稿）" in text, text
    assert not re.search(r"[\u4e00-\u9fff][,:(]|[,:(][\u4e00-\u9fff]", text), text
    english = as_dept.get("/my-work/?tab=all", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Target: " in re.sub(r"<[^>]+>", "", english)
