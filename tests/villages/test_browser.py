"""In Chromium at phone width: a township reporter enters and submits a village's income; the office approves it."""

import pytest

from villages.models import IncomeRecord, RecordStatus

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_reporter_enters_income_on_a_phone_and_the_office_approves(
    browser_page, villages, town_reporter, supervisor
):
    page = browser_page
    browser_login(page, town_reporter.username)
    page.goto(page.base_url + "/villages/")
    page.shot("village-list")
    assert page.locator("tr[data-village]").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("a[href='/villages/330305101201/']")
    page.fill("#id_year", "2024")
    page.fill("#id_total_income", "56.30")
    page.fill("#id_operating_income", "31.25")
    page.shot("new-record")
    # A click event on the button itself: at 375 px the wrapped header still shifts the layout while
    # fonts load, and a click by coordinates can land beside the button.
    page.locator("#new-record button[type=submit]").dispatch_event("click")
    page.wait_for_selector("tr[data-status='draft']")
    page.click("button[name=submit-record]")
    page.wait_for_selector("tr[data-status='submitted']")
    page.shot("submitted")
    page.click("#menu-toggle")  # at phone width the log-out button sits in the collapsed menu
    page.click("button.link")  # log out
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/villages/income/pending/")
    page.click("button[name=decision][value=approve]")
    page.wait_for_load_state("networkidle")
    page.shot("approved")
    record = IncomeRecord.objects.get()
    assert record.status == RecordStatus.APPROVED and str(record.operating_income) == "31.25"
