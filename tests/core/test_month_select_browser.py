"""The month an official picks (a bulletin's month, the dashboard's month) in a real browser: a list that reads in
the page's language, where Chromium drew a native month input in its own ("December 2026" on a Chinese page),
and fits a 375 px phone; at 1366 px and 375 px."""

import pytest
from django.utils import timezone

from core.forms import months_back
from reports.models import GeneratedReport

from ..browser_checks import at_each_width
from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chosen(page, selector: str) -> str:
    return page.locator(selector).evaluate("e => e.options[e.selectedIndex].textContent")


def fits(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= page.evaluate("window.innerWidth")


def test_the_month_lists_read_in_the_pages_language_and_fit_a_phone(browser_page, supervisor, county, indicator):
    page, base = browser_page, browser_page.base_url
    last_month, earlier = months_back(timezone.localdate())[1:4:2]
    browser_login(page, supervisor.username)

    at_each_width(page, f"{base}/reports/bulletins/", "bulletin-month")  # no English among the options either
    assert page.locator("#id_month").evaluate("e => e.tagName") == "SELECT"
    assert chosen(page, "#id_month") == f"{last_month.year}年{last_month.month}月"
    assert fits(page, "#id_month")
    page.select_option("#id_month", earlier.strftime("%Y-%m"))
    page.select_option("#id_kind", "monthly")
    page.click("#report-request button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert GeneratedReport.objects.get().period_start == earlier  # submitted as YYYY-MM, as before

    at_each_width(page, f"{base}/supervision/?as_of=2025-05", "dashboard-month")
    # On a phone the filters of a filtered page start folded, their summary naming the month; opened,
    # the month reads in words and fits.
    assert not page.locator("#id_as_of").is_visible()
    assert "2025年5月" in page.locator("details.filters-box > summary").inner_text()
    page.click("details.filters-box > summary")
    assert page.locator("#id_as_of").is_visible()
    assert chosen(page, "#id_as_of") == "2025年5月" and fits(page, "#id_as_of")
    page.shot("dashboard-month-open-375")

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/reports/bulletins/")
    assert chosen(page, "#id_month") == last_month.strftime("%B %Y")  # "November 2026"
    page.set_viewport_size({"width": 1366, "height": 812})
    page.shot("bulletin-month-en-1366")
