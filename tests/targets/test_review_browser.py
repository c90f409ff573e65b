"""Reviewing with context in a real browser (Debian's Chromium) at 1366 px and 375 px."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from targets.choices import ReportStatus
from targets.models import ProgressReport

from ..browser_checks import at_each_width
from ..conftest import browser_login
from ..factories import IndicatorFactory, PlanFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting(county, dept, dept_reporter):
    """Twelve reports waiting, each with an approved one the month before."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timezone.timedelta(days=1)).replace(day=1)
    plan = PlanFactory(region=county, start_date=date(today.year - 1, 1, 1), end_date=date(today.year + 1, 12, 31))
    target = TargetFactory(plan=plan, name="农村改厕")
    target.lead_units.add(dept)
    reports = []
    for n in range(12):
        indicator = IndicatorFactory(
            target=target,
            name=f"改建卫生厕所{n}",
            target_value=Decimal("2600"),
            unit="座",
            start_date=plan.start_date,
            deadline=plan.end_date,
        )
        ProgressReport.objects.create(
            indicator=indicator,
            unit=dept,
            period_start=last_month,
            value=Decimal(100 + n),
            status=ReportStatus.APPROVED,
            created_by=dept_reporter,
        )
        reports.append(
            ProgressReport.objects.create(
                indicator=indicator,
                unit=dept,
                period_start=this_month,
                value=Decimal(150 + n),
                status=ReportStatus.SUBMITTED,
                created_by=dept_reporter,
                submitted_by=dept_reporter,
                submitted_at=timezone.now(),
                outlier_confirmed=n == 0,
            )
        )
    return reports


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_the_office_returns_several_reports_with_one_reason_from_the_sticky_bar(
    browser_page, waiting, supervisor, dept_reporter
):
    page, base = browser_page, browser_page.base_url
    browser_login(page, supervisor.username)
    at_each_width(page, f"{base}/review/", "review-queue", allowed=[dept_reporter.username])
    first = page.locator(f"li[data-report='{waiting[0].pk}']")
    assert "上期值" in first.inner_text() and first.locator("[data-flag=outlier]").count() == 1
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelector('#bulk-bar').getBoundingClientRect().top") == 0
    page.check(f"input[name=report][value='{waiting[-1].pk}']")
    page.check(f"input[name=report][value='{waiting[-2].pk}']")
    page.click("#bulk-bar summary")
    page.fill("#bulk-reason", "请补充现场照片")
    click_and_wait(page, "#return-selected")
    assert "已退回2条报告" in page.inner_text(".messages")
    assert ProgressReport.objects.filter(status=ReportStatus.RETURNED, review_comment="请补充现场照片").count() == 2

    at_each_width(page, f"{base}/reports/{waiting[0].pk}/", "report-page", allowed=[dept_reporter.username])
    assert page.locator("#value-chart circle").count() == 2
    click_and_wait(page, "#approve-next")
    assert page.url.endswith(f"/reports/{waiting[1].pk}/")
