"""The indicator page's reports, 50 a page: on a phone as on a desktop the count and the pager fit the
screen, and "older" leads to the rest."""

import pytest

from ..conftest import browser_login
from .builders import thirty_months_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reported(indicator, dept, town_unit, dept_reporter):
    """Thirty months of reports by two units: 60, more than a page."""
    thirty_months_submitted(indicator, (dept, town_unit), dept_reporter, narrative="完成改厕任务，群众满意度较高" * 3)
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
