"""The plan page's small things in a real browser: light pills explained in Chinese with a legend, the language
menu naming each language in itself, a favicon that loads; at 1366 px and 375 px."""

import pytest

from ..browser_checks import at_each_width
from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lights_are_explained_and_the_language_menu_reads_english_and_chinese(browser_page, indicator, supervisor):
    page, base = browser_page, browser_page.base_url
    browser_login(page, supervisor.username)
    at_each_width(page, f"{base}/plans/{indicator.target.plan_id}/", "plan-page")
    pill = page.locator(f"tr[data-indicator='{indicator.pk}'] .light").first
    assert any("\u4e00" <= ch <= "\u9fff" for ch in pill.get_attribute("title"))
    page.click(".light-legend summary")
    assert "连续两期未报送" in page.inner_text(".light-legend")
    assert page.locator("select[name=language] option").all_inner_texts() == ["简体中文", "English"]
    icon = page.get_attribute("link[rel=icon]", "href")
    assert page.request.get(base + icon).status == 200
    assert page.locator(f"tr[data-indicator='{indicator.pk}'] a.indicator-link").get_attribute("href") == (
        f"/supervision/indicators/{indicator.pk}/"
    )
    page.emulate_media(media="print")
    assert (
        not page.locator(".topbar").is_visible() and page.locator(f"tr[data-indicator='{indicator.pk}']").is_visible()
    )
