"""The phone layout in a real browser: a one-row header with the menu behind a button, the dashboard's red
list before its charts, every page within the screen at 375 px and 1366 px."""

import pytest

from ..browser_checks import at_each_width
from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_is_one_row_on_a_phone_and_the_menu_opens_from_a_button(browser_page, indicator, dept_reporter):
    page, base = browser_page, browser_page.base_url
    browser_login(page, dept_reporter.username)
    at_each_width(page, f"{base}/my-work/", "my-work")
    assert page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height") < 60
    assert not page.locator("#main-nav a[href='/my-work/']").is_visible()
    assert page.locator("#bell").is_visible()
    page.click("#menu-toggle")
    assert page.locator("#main-nav a[href='/my-work/']").is_visible()
    assert page.is_checked("#menu-open")
    page.click("#menu-toggle")
    assert not page.locator("#main-nav a[href='/my-work/']").is_visible()
    page.set_viewport_size({"width": 1366, "height": 812})
    assert page.locator("#main-nav a[href='/my-work/']").is_visible() and not page.locator("#menu-toggle").is_visible()


def test_the_phone_menu_opens_without_javascript(browser_page, indicator, dept_reporter):
    """A township clerk's phone browser with scripts off (or app.js blocked) still reaches every page."""
    page, base = browser_page, browser_page.base_url
    browser_login(page, dept_reporter.username)
    context = page.context.browser.new_context(
        viewport={"width": 375, "height": 812},
        locale="zh-CN",
        java_script_enabled=False,
        storage_state=page.context.storage_state(),
    )
    plain = context.new_page()
    try:
        plain.goto(f"{base}/my-work/")
        link = plain.locator("#main-nav a[href='/my-work/']")
        assert not link.is_visible()
        plain.click("#menu-toggle")
        assert link.is_visible() and plain.locator("#main-nav form[action='/accounts/logout/'] button").is_visible()
        plain.screenshot(path=str(page.shots / "nojs-menu-open-375.png"), full_page=True)
        width = plain.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the open menu is {width} px wide"
        plain.select_option("select[name=language]", "en")  # without the script, a button submits the choice
        plain.click("form.lang button[type=submit]")
        assert plain.locator("#menu-toggle").inner_text() == "Menu"
        plain.focus("#menu-open")  # the box is reachable from the keyboard: Space opens and closes the menu
        plain.keyboard.press("Space")
        assert link.is_visible()
        plain.keyboard.press("Space")
        assert not link.is_visible()
    finally:
        context.close()


def test_the_dashboard_puts_the_red_list_before_the_charts_on_a_phone(browser_page, indicator, supervisor):
    page, base = browser_page, browser_page.base_url
    browser_login(page, supervisor.username)
    at_each_width(page, f"{base}/supervision/", "dashboard")

    def top(selector: str) -> float:
        return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top")

    # The light counts first (five tiles), then the red list, then the charts and tables.
    assert top("[data-counts]") < top("[data-list=red]") < top("#trend-chart") < top("[data-reporting]")
    # Filters chosen: open on a desktop, folded on a phone (its summary names the month).
    chosen = f"{base}/supervision/?region={indicator.target.plan.region.code}"
    page.goto(chosen)
    assert page.evaluate("document.querySelector('details.filters-box').open") is False
    page.set_viewport_size({"width": 1366, "height": 812})
    page.goto(chosen)
    assert page.evaluate("document.querySelector('details.filters-box').open") is True


def test_on_a_desktop_the_bell_stays_on_the_first_row_of_a_long_english_menu(browser_page, indicator, supervisor):
    """The office's menu in English wrapped into three rows, the language list and the bell each alone on one."""
    page, base = browser_page, browser_page.base_url
    browser_login(page, supervisor.username)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/supervision/")
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state()
    page.locator("a[href='/review/']", has_text="Review").first.wait_for()
    brand, bell, nav = (page.locator(s).bounding_box() for s in (".brand", "#bell", "#main-nav"))
    assert bell["y"] < brand["y"] + brand["height"], (brand, bell)
    assert nav["y"] + nav["height"] <= 2 * 48, nav  # at most two rows of links
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_a_filters_checkbox_sits_beside_its_words_on_a_phone(browser_page, indicator, supervisor):
    """仅显示反馈逾期的事项 had its box stretched to the screen's width, centred on a line above the words."""
    page, base = browser_page, browser_page.base_url
    browser_login(page, supervisor.username)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{base}/supervision/items/")
    box = page.locator("input[name=overdue]").bounding_box()
    label = page.locator("label:has(input[name=overdue])").bounding_box()
    assert box["width"] < 40 and box["y"] < label["y"] + 10, (box, label)


def test_an_empty_tab_of_my_work_is_not_numbered(browser_page, indicator, dept_reporter):
    """已退回 with nothing in it read "1. 暂无事项。"."""
    page, base = browser_page, browser_page.base_url
    browser_login(page, dept_reporter.username)
    page.goto(f"{base}/my-work/?tab=returned")
    empty = page.locator("#todo > li.empty")
    assert empty.inner_text() and empty.evaluate("li => getComputedStyle(li).listStyleType") == "none"
