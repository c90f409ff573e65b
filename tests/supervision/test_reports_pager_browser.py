"""The indicator page's reports, 50 a page: on a phone as on a desktop the count and the pager fit the
screen, and "older" leads to the rest."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from targets.choices import ReportStatus
from targets.models import ProgressReport

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reported(indicator, dept, town_unit, dept_reporter):
    """Thirty months of reports by two units: 60, more than a page."""
    months = [date(2023 + m // 12, m % 12 + 1, 1) for m in range(30)]
    ProgressReport.objects.bulk_create(
        ProgressReport(
            indicator=indicator,
            unit=unit,
            period_start=month,
            value=Decimal(10 * i),
            status=ReportStatus.SUBMITTED,
            submitted_by=dept_reporter,
            submitted_at=timezone.make_aware(datetime.combine(month.replace(day=20), time(10))),
            created_by=dept_reporter,
            narrative="完成改厕任务，群众满意度较高" * 3,
        )
        for i, month in enumerate(months)
        for unit in (dept, town_unit)
    )
    return indicator


@pytest.mark.parametrize("width", [375, 1366])
def test_the_reports_pager_fits_the_screen_and_leads_to_the_older_reports(browser_page, supervisor, reported, width):
    page = browser_page
    browser_login(page, supervisor.username)
    page.set_viewport_size({"width": width, "height": 812})
    page.goto(page.base_url + f"/supervision/indicators/{reported.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-reports] tbody tr").count() == 50
    assert page.locator("[data-reports-total]").inner_text() == "共60份填报，显示第1–50份，最新的在前"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow
    pager = page.locator("[data-reports-pager]").bounding_box()
    assert pager["x"] >= 0 and pager["x"] + pager["width"] <= width
    page.locator("#reports").screenshot(path=str(page.shots / f"reports-{width}.png"))
    page.shot(f"indicator-{width}")
    page.click("[data-reports-pager] a:has-text('较早')")
    page.wait_for_load_state("networkidle")
    assert "page=2" in page.url
    assert page.locator("[data-reports] tbody tr").count() == 10
    assert page.locator("[data-reports-total]").inner_text() == "共60份填报，显示第51–60份，最新的在前"
    page.locator("#reports").screenshot(path=str(page.shots / f"reports-page-2-{width}.png"))
