"""The interactive API documentation renders in a real browser from our own static files only."""

import pytest

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_operation_without_leaving_the_server(browser_page, supervisor):
    outside = []
    browser_page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(browser_page.base_url) else None)
    browser_login(browser_page, supervisor.username)
    browser_page.goto(browser_page.base_url + "/api/docs/")
    browser_page.wait_for_selector(".opblock", timeout=20000)
    browser_page.shot("api-docs")
    assert browser_page.locator(".opblock-summary-path[data-path='/api/progress-reports/{id}/approve/']").count() == 1
    assert browser_page.locator(".opblock").count() >= 30
    assert outside == []
