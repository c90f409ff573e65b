import pytest

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_logs_in_and_sees_the_plan_light_counts(browser_page, supervisor, plan):
    browser_login(browser_page, supervisor.username)
    browser_page.shot("home")
    assert browser_page.locator(f"a[href='/plans/{plan.pk}/']").is_visible()
