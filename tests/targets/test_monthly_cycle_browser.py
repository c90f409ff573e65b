"""The monthly cycle in a real browser (Debian's Chromium), at phone width, one screenshot per step."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from targets.choices import ReportStatus
from targets.models import ProgressReport

from ..conftest import browser_login
from ..factories import IndicatorFactory, PlanFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 256


@pytest.fixture
def live_indicator(county, dept, settings, tmp_path):
    """An indicator running this year and next, so that the current period is open whatever today is."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    today = timezone.localdate()
    plan = PlanFactory(region=county, start_date=date(today.year, 1, 1), end_date=date(today.year + 1, 12, 31))
    target = TargetFactory(plan=plan, name="农村改厕")
    target.lead_units.add(dept)
    return IndicatorFactory(
        target=target,
        target_value=Decimal("1200"),
        start_date=date(today.year, 1, 1),
        deadline=date(today.year + 1, 12, 31),
    )


def switch_user(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_reporter_submits_office_returns_reporter_corrects_office_approves(
    browser_page, live_indicator, dept_reporter, supervisor
):
    page, indicator = browser_page, live_indicator
    base = page.base_url

    browser_login(page, dept_reporter.username)
    page.goto(f"{base}/my-work/")
    page.shot("reporter-my-work")
    click_and_wait(page, f"a[data-entry='{indicator.pk}']")
    page.fill("#id_value", "500")
    page.fill("#id_narrative", "完成改厕500座")
    page.set_input_files("#id_evidence", files=[{"name": "验收照片.png", "mimeType": "image/png", "buffer": PNG}])
    page.shot("reporter-entry-form")
    click_and_wait(page, "#submit-report")
    report = ProgressReport.objects.get(indicator=indicator)
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert report.status == ReportStatus.SUBMITTED and report.evidence.count() == 1
    page.shot("reporter-submitted")

    switch_user(page, supervisor.username)
    page.goto(f"{base}/review/")
    page.shot("office-review-queue")
    click_and_wait(page, f"li[data-report='{report.pk}'] a.queue-open")
    page.fill("#return-form textarea[name=comment]", "请补充全年累计数,照片清晰度不够")
    page.shot("office-returns-with-reason")
    click_and_wait(page, "#return")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    switch_user(page, dept_reporter.username)
    assert int(page.get_attribute("#bell", "data-unread")) >= 1
    click_and_wait(page, "#bell")
    page.shot("reporter-notifications")
    click_and_wait(page, "li[data-kind='report.returned'] button.note-open")
    assert page.url.endswith(f"/reports/{report.pk}/")
    click_and_wait(page, "#edit-report")
    assert "请补充全年累计数" in page.inner_text("#return-reason")
    page.fill("#id_value", "1200")
    page.shot("reporter-corrects")
    click_and_wait(page, "#submit-report")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.value == Decimal("1200")

    switch_user(page, supervisor.username)
    page.goto(f"{base}/review/")
    page.check(f"input[name=report][value='{report.pk}']")
    click_and_wait(page, "#approve-selected")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    page.shot("office-approved")

    page.goto(f"{base}/plans/{indicator.target.plan_id}/")
    row = page.locator(f"tr[data-indicator='{indicator.pk}']")
    assert row.get_attribute("data-status") == "done"
    assert re.search(r"1,?200", row.inner_text())
    page.shot("plan-page-new-value-and-light")
