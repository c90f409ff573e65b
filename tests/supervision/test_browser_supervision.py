from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from supervision.models import SupervisionItem
from targets.lights import lights_rejudge_all

from ..conftest import browser_login
from ..factories import IndicatorFactory
from .builders import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _months_ago(today: date, months: int) -> date:
    year, month0 = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month0 + 1, 1)


@pytest.fixture
def lagging(target, dept, dept_reporter):
    """Started six months ago, one small report three months ago, nothing since: red today."""
    today = timezone.localdate()
    start = _months_ago(today, 6)
    indicator = IndicatorFactory(
        target=target,
        name="农村生活污水治理",
        start_date=start,
        deadline=start + timedelta(days=540),
        target_value=Decimal("130"),
        unit="个",
    )
    period = _months_ago(today, 3)
    submitted(indicator, dept, period, 5, period.replace(day=20), dept_reporter)
    lights_rejudge_all()  # the report went straight to the database, past the services that judge lights
    return indicator


def test_office_follows_a_red_count_to_an_indicator_and_closes_out_a_notice(
    browser_page, supervisor, dept_reporter, lagging
):
    page = browser_page
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/supervision/")
    red = page.locator("a.tile[data-light=red]")
    assert red.locator(".n").inner_text() == "1"
    assert page.locator("#trend-chart[data-rendered]").count() == 1  # ECharts drew the trend
    page.shot("overview")
    red.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-total]").get_attribute("data-total") == "1"
    page.shot("red-list")
    page.click(f"a[href='/supervision/indicators/{lagging.pk}/']")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1[data-status]").get_attribute("data-status") == "red"
    page.shot("indicator")
    page.fill("#id_notice", "6月、7月进度未报送,请说明原因并提出整改措施。")
    page.click("button[data-action=issue]")
    page.wait_for_load_state("networkidle")
    item = SupervisionItem.objects.get()
    assert page.url.endswith(f"/supervision/items/{item.pk}/")
    page.shot("issued")

    page.context.clear_cookies()
    browser_login(page, dept_reporter.username)
    page.goto(page.base_url + f"/supervision/items/{item.pk}/")
    page.fill("#id_measures", "已落实资金,8月底前完成剩余站点建设。")
    page.fill("#id_promised_date", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.click("button[data-action=reply]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1[data-status]").get_attribute("data-status") == "answered"
    page.shot("answered")

    page.context.clear_cookies()
    browser_login(page, supervisor.username)
    page.goto(page.base_url + f"/supervision/items/{item.pk}/")
    page.fill("#id_comment", "同意销号")
    page.click("button[data-action=close]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1[data-status]").get_attribute("data-status") == "closed"
    page.shot("closed")
    item.refresh_from_db()
    assert item.status == "closed" and item.measures.startswith("已落实资金")
