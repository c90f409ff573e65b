"""The reporter's to-do and 申请补报 in a real browser (Debian's Chromium) at 1366 px and 375 px."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from targets.models import LateEntryGrant, LateEntryRequest

from ..browser_checks import at_each_width
from ..conftest import browser_login
from ..factories import IndicatorFactory, PlanFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def behind(county, dept):
    """Started three months ago and never reported: last month is overdue, the oldest month locked."""
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=80)).replace(day=1)
    plan = PlanFactory(region=county, start_date=start, end_date=date(today.year + 1, 12, 31))
    target = TargetFactory(plan=plan, name="农村改厕")
    target.lead_units.add(dept)
    return IndicatorFactory(
        target=target,
        name="改建卫生厕所",
        target_value=Decimal("2600"),
        unit="座",
        start_date=start,
        deadline=date(today.year + 1, 12, 31),
    )


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_a_reporter_asks_for_a_late_entry_from_the_to_do_and_the_office_grants_it(
    browser_page, behind, dept_reporter, supervisor
):
    page, base = browser_page, browser_page.base_url
    browser_login(page, dept_reporter.username)
    at_each_width(page, f"{base}/my-work/", "to-do")
    assert page.get_attribute("#todo", "data-tab") == "overdue"
    assert page.locator("#todo > li.work-row").count() == 1
    click_and_wait(page, f"a[data-ask='{behind.pk}']")
    at_each_width(page, page.url, "ask-late-entry")
    period = page.locator("#id_period option").first.get_attribute("value")
    page.select_option("#id_period", period)
    page.fill("#id_reason", "当月人员调整,漏报")
    click_and_wait(page, "#ask")
    assert "申请已发送督查室" in page.inner_text(".messages")
    request = LateEntryRequest.objects.get()

    page.context.clear_cookies()
    browser_login(page, supervisor.username)
    at_each_width(page, f"{base}/late-entry/", "office-requests", allowed=[dept_reporter.username])
    click_and_wait(page, f"li[data-request='{request.pk}'] button[value=grant]")
    request.refresh_from_db()
    assert request.status == "granted" and LateEntryGrant.objects.get().period_start == request.period_start

    page.context.clear_cookies()
    browser_login(page, dept_reporter.username)
    at_each_width(page, f"{base}/entry/{behind.pk}/{period}/", "late-entry-open")
    assert page.locator("#submit-next").is_visible()
